"""Form bases and helpers shared by every app, and the one way a service's errors reach a form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr

ALL = _("Tous")
CONFLICT = _("Ces données entrent en conflit avec un enregistrement existant.")  # an IntegrityError, for a user


def with_blank(choices, label=ALL):
    """A filter's choices with an empty first option ("Tous" unless told)."""
    return [("", label), *choices]


def visible_or_current(visible, model, current_pks):
    """The choices the user sees, plus what the object already points at (editing must not force a change)."""
    return model.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=list(current_pks)))


# --- Errors beside their fields -----------------------------------------------------------------------------


def constraint_field(constraint) -> str | None:
    """The field a constraint's error belongs beside: a unique field, or the last field its check names."""
    if isinstance(constraint, models.UniqueConstraint):
        return constraint.fields[0] if len(constraint.fields) == 1 else None
    names = []

    def walk(node):
        for child in node.children:
            if isinstance(child, Q):
                walk(child)
            else:
                names.append(child[0].split("__")[0])

    walk(constraint.condition)
    return names[-1] if names else None


def constraint_fields(*model_classes, overrides=None) -> dict[str, str | None]:
    """Each constraint's French message -> the field its error belongs beside (``overrides``: by constraint name,
    for constraints that name several fields)."""
    overrides = overrides or {}
    return {
        str(constraint.violation_error_message): overrides.get(constraint.name) or constraint_field(constraint)
        for model in model_classes
        for constraint in model._meta.constraints
    }


def apply_errors(form, error: ValidationError, *, by_message=None, unplaced=None) -> None:
    """A service's French messages beside the fields they name (or, through ``by_message``, the field a
    constraint's message is about); the others above the form, or to ``unplaced(message)`` when given."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for key, messages in by_field.items():
        for message in messages:
            name = key if key in form.fields else (by_message or {}).get(message)
            if name in form.fields:
                form.add_error(name, message)
            elif unplaced is not None:
                unplaced(message)
            else:
                form.add_error(None, message)


# --- Bases --------------------------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def dsfr_markup(form) -> None:
    """DSFR classes on each visible field of ``form`` (again after a form adds or removes fields)."""
    for visible in form.visible_fields():
        dsfr_input_class_attr(visible)


class DsfrMarkup:
    """DSFR markup and a submit button (crispy's helper) for a form; the bases below mix it in first."""

    bound_field_class = DsfrBoundField
    submit_label = _("Enregistrer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dsfr_markup(self)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class DsfrForm(DsfrMarkup, forms.Form):
    """A form that is not a model's, rendered with DSFR markup."""


class DsfrModelForm(DsfrMarkup, forms.ModelForm):
    """A ModelForm rendered with DSFR markup, through the small dsfr_crispy template pack."""

    def _post_clean(self):
        """Show a database constraint's French message beside the field it is about."""
        super()._post_clean()
        by_message = constraint_fields(self._meta.model)
        general = self._errors.pop(NON_FIELD_ERRORS, None)
        if general is None:
            return
        kept = []
        for error in general.as_data():
            field = by_message.get(str(error.message))
            if field in self.fields and field not in self._errors:
                self._errors[field] = self.error_class([error], renderer=self.renderer)
            else:
                kept.append(error)
        if kept:
            self._errors[NON_FIELD_ERRORS] = self.error_class(kept, error_class="nonfield", renderer=self.renderer)


class FilterForm(forms.Form):
    """GET filters of a list page; field names are the list selector's keyword arguments."""

    bound_field_class = DsfrBoundField
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        dsfr_markup(self)

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from access import permissions, scope
from core.forms import DateInput, DsfrModelForm, FilterForm, visible_or_current, with_blank
from programmes.enums import ProgrammeStage
from programmes.models import Disp, Programme, Region

from . import rules
from .enums import MeetingKind, OrganisationKind
from .models import Contact, Decision, Event, Meeting, Organisation, PartnerRole
from .validators import PHONE_HELP, normalise_phone


class IdsField(forms.ModelMultipleChoiceField):
    """Ids beyond a 64-bit integer are refused like any invalid id: on SQLite, Django's ``pk__in`` query with such an
    id raised OverflowError, a server error (found by the form fuzzing, tests/security/test_form_fuzzing.py)."""

    def _check_values(self, value):
        for pk in value:
            try:
                too_big = abs(int(pk)) > 2**63 - 1
            except (TypeError, ValueError):
                continue  # Django's own check refuses it
            if too_big:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super()._check_values(value)


class OrganisationForm(DsfrModelForm):
    class Meta:
        model = Organisation
        fields = ["kind", "name", "department", "region", "disp", "siae", "establishment", "served_establishments"]
        widgets = {"served_establishments": forms.CheckboxSelectMultiple}
        field_classes = {"served_establishments": IdsField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = scope.departments_for(user)
        self.fields["department"].queryset = departments
        self.fields["region"].queryset = Region.objects.filter(departments__in=departments).distinct()
        self.fields["disp"].queryset = Disp.objects.filter(regions__departments__in=departments).distinct()
        # The relations that decide who reads names: only an administrator (who sees every establishment and SIAE)
        # gets them; for anyone else they are left out, so a posted value changes nothing.
        for name in permissions.locked_scope_fields(user, Organisation):
            del self.fields[name]
        choices = {"siae": scope.siaes_for(user), "establishment": scope.establishments_for(user),
                   "served_establishments": scope.establishments_for(user)}
        for name, queryset in choices.items():
            if name in self.fields:
                self.fields[name].queryset = queryset


class OrganisationFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=with_blank(OrganisationKind.choices))


# --- Contacts and partner roles -----------------------------------------------------------------------


class ContactForm(DsfrModelForm):
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False, help_text=PHONE_HELP)

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "function", "email", "phone"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, user, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.instance.organisation = organisation

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


class PartnerRoleForm(DsfrModelForm):
    class Meta:
        model = PartnerRole
        fields = ["organisation", "role", "start_date", "end_date", "contact"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {
            "end_date": _("Laisser vide si le rôle est en cours ; sinon postérieure à la date de début."),
            "contact": _("Une personne de l'organisation choisie."),
        }

    def __init__(self, *args, user, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programme is not None:
            self.instance.programme = programme
        current = self.instance
        self.fields["organisation"].queryset = visible_or_current(
            scope.organisations_for(user), Organisation, [current.organisation_id] if current.organisation_id else []
        )
        self.fields["contact"].queryset = visible_or_current(
            scope.contacts_for(user), Contact, [current.contact_id] if current.contact_id else []
        ).select_related("organisation").order_by("organisation__name", "last_name", "first_name")
        self.fields["contact"].label_from_instance = lambda c: f"{c} ({c.organisation})"

    def clean(self):
        cleaned = super().clean()  # the dates' order: the model's constraint, beside the end date
        if error := rules.contact_error(cleaned.get("contact"), cleaned.get("organisation")):
            self.add_error("contact", error)
        return cleaned


# --- Committees ------------------------------------------------------------------------------------------


class MeetingForm(DsfrModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "date", "agenda", "minutes"]
        widgets = {
            "date": DateInput(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, user, programme=None, establishment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programme is not None:
            self.instance.programme = programme
        if establishment is not None:
            self.instance.establishment = establishment
        self.helper.form_tag = False
        self.helper.inputs = []


class AttendeeForm(forms.Form):
    """One line of the attendance list; an empty line is ignored."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(),
                                          required=False)
    role = forms.CharField(label=_("Qualité"), max_length=200, required=False)
    person = forms.CharField(label=_("Personne présente"), max_length=200, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        for field in self.fields.values():
            css = "fr-select" if isinstance(field.widget, forms.Select) else "fr-input"
            field.widget.attrs["class"] = css

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("role") or cleaned.get("person")) and not cleaned.get("organisation"):
            self.add_error("organisation", _("Indiquez l'organisation de cette personne."))
        return cleaned


class BaseAttendeeFormSet(forms.BaseFormSet):
    def attendees(self):
        return [
            (form.cleaned_data["organisation"], form.cleaned_data.get("role", ""), form.cleaned_data.get("person", ""))
            for form in self.forms
            if form.cleaned_data.get("organisation") and not form.cleaned_data.get("DELETE")
        ]


# absolute_max: a forged TOTAL_FORMS would otherwise build and render 1,100 rows (20 s; found by the form fuzzing).
AttendeeFormSet = forms.formset_factory(AttendeeForm, formset=BaseAttendeeFormSet, extra=3, can_delete=True,
                                        max_num=100, validate_max=True, absolute_max=100)


def attendee_formset(*, user, meeting, data=None):
    current = meeting.attendees.select_related("organisation") if meeting.pk else []
    organisations = visible_or_current(
        scope.organisations_for(user), Organisation, [a.organisation_id for a in current]
    ).order_by("name")
    initial = [{"organisation": a.organisation_id, "role": a.role, "person": a.person} for a in current]
    return AttendeeFormSet(data, initial=initial, prefix="participants",
                           form_kwargs={"organisations": organisations})


class DecisionForm(DsfrModelForm):
    class Meta:
        model = Decision
        fields = ["text", "owner", "due_date", "status", "done_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "due_date": DateInput(), "done_on": DateInput()}
        help_texts = {
            "done_on": _("Obligatoire quand le suivi est « Faite », et seulement dans ce cas : laissez vide pour "
                         "une décision à faire ou abandonnée."),
        }

    def __init__(self, *args, user, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.instance.meeting = meeting
        current = [self.instance.owner_id] if self.instance.owner_id else []
        self.fields["owner"].queryset = visible_or_current(scope.organisations_for(user), Organisation, current)

    def clean(self):
        cleaned = super().clean()
        meeting = self.instance.meeting if self.instance.meeting_id else None
        error = rules.done_on_error(status=cleaned.get("status"), done_on=cleaned.get("done_on"),
                                    meeting_date=meeting.date if meeting else None)
        if error and "done_on" not in self.errors:
            self.add_error("done_on", error)
        return cleaned


class MeetingFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Instance"), required=False, choices=with_blank(MeetingKind.choices, _("Toutes")))
    programme = forms.ModelChoiceField(label=_("Programme"), required=False, queryset=Programme.objects.none(),
                                       empty_label=_("Tous"))
    overdue = forms.BooleanField(label=_("Décisions en retard"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["programme"].queryset = scope.programmes_for(user).order_by("code")
        self.fields["programme"].label_from_instance = lambda p: p.code
        self.fields["overdue"].widget.attrs.pop("class", None)


# --- Events ------------------------------------------------------------------------------------------------


# Who co-organises or supports a regional event; the full list of partners would be hundreds of boxes.
CO_ORGANISER_KINDS = [
    OrganisationKind.DISP, OrganisationKind.DREETS, OrganisationKind.DDETS, OrganisationKind.NATIONAL_AGENCY,
    OrganisationKind.PREFECTURE, OrganisationKind.FRANCE_TRAVAIL, OrganisationKind.IAE_NETWORK,
    OrganisationKind.REGION,
]


class EventForm(DsfrModelForm):
    replay_url = forms.URLField(label=_("Lien du replay"), required=False, assume_scheme="https",
                                help_text=_("Adresse complète, par exemple https://app.livestorm.co/…"))

    class Meta:
        model = Event
        fields = ["title", "date", "regions", "co_organisers", "programme_items", "replay_url", "projects"]
        field_classes = {"co_organisers": IdsField, "projects": IdsField}
        widgets = {
            "date": DateInput(),
            "regions": forms.CheckboxSelectMultiple,
            "co_organisers": forms.CheckboxSelectMultiple,
            "projects": forms.CheckboxSelectMultiple,
            "programme_items": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "co_organisers": _("En général la DISP et la DREETS (DIRECCTE avant avril 2021) de la région."),
            "projects": _("Programmes au stade Émergence que l'événement a fait naître."),
            "programme_items": _("Un point par ligne : ouverture, présentation du guide, témoignages…"),
        }
        error_messages = {
            "projects": {"invalid_choice": _("Seuls les programmes au stade Émergence de votre périmètre peuvent "
                                             "être rattachés (%(value)s n'en est pas un).")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.instance
        departments = scope.departments_for(user)
        self.visible = {
            "regions": Region.objects.filter(departments__in=departments).distinct(),
            "co_organisers": scope.organisations_for(user).filter(
                kind__in=CO_ORGANISER_KINDS),
            "projects": scope.programmes_for(user).filter(stage=ProgrammeStage.EMERGENCE),
        }
        self.hidden = {name: [] for name in self.visible}
        if event.pk:
            self.visible["co_organisers"] = visible_or_current(
                self.visible["co_organisers"], Organisation, event.co_organisers.values_list("pk", flat=True))
            self.visible["projects"] = visible_or_current(
                self.visible["projects"], Programme,
                event.projects.filter(pk__in=scope.programmes_for(user).values("pk")).values_list("pk", flat=True))
            self.hidden = {
                "regions": list(event.regions.exclude(pk__in=self.visible["regions"].values("pk"))),
                "co_organisers": list(event.co_organisers.exclude(pk__in=self.visible["co_organisers"].values("pk"))),
                "projects": list(event.projects.exclude(pk__in=self.visible["projects"].values("pk"))),
            }
        self.fields["regions"].queryset = self.visible["regions"].order_by("name")
        self.fields["co_organisers"].queryset = self.visible["co_organisers"].order_by("name")
        self.fields["projects"].queryset = self.visible["projects"].order_by("code")
        self.fields["projects"].label_from_instance = lambda p: f"{p.code} — {p.activity}"
        self.fields["regions"].required = True
        self.fields["regions"].error_messages["required"] = rules.NO_REGION

    def _with_hidden(self, name):
        """Ticking boxes changes only what the user sees; what lies outside their scope stays linked."""
        return list(self.cleaned_data[name]) + self.hidden[name]

    def clean_regions(self):
        return self._with_hidden("regions")

    def clean_co_organisers(self):
        return self._with_hidden("co_organisers")

    def clean_projects(self):
        return self._with_hidden("projects")


def _years():
    return [(str(year), str(year)) for year in range(datetime.date.today().year + 1, 2015, -1)]


class EventFilterForm(FilterForm):
    region = forms.ModelChoiceField(label=_("Région"), required=False, queryset=Region.objects.none(),
                                    empty_label=_("Toutes"))
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None, choices=())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            departments__in=scope.departments_for(user)).distinct().order_by("name")
        self.fields["year"].choices = with_blank(_years(), _("Toutes"))

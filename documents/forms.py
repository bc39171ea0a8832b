from django import forms
from django.utils.translation import gettext_lazy as _

from access import scope
from core.forms import FilterForm

from .enums import DocumentKind, DocumentStatus


class DocumentFilterForm(FilterForm):
    """GET filters of "Mes documents"; field names are selectors.document_list_for's keyword arguments."""

    q = None  # no free-text search here
    kind = forms.ChoiceField(label=_("Document"), required=False, choices=[("", _("Tous")), *DocumentKind.choices])
    programme = forms.ModelChoiceField(label=_("Programme"), required=False, queryset=None, empty_label=_("Tous"))
    status = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous")), *DocumentStatus.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["programme"].queryset = scope.programmes_for(user).order_by("code")
        self.fields["programme"].label_from_instance = lambda programme: programme.code

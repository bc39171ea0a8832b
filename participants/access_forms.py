"""The form of the right-of-access page: the date of the person's request (kept in the file)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from core.forms import DateInput


class RightOfAccessForm(DsfrBaseForm):
    requested_on = forms.DateField(
        label=_("Date de la demande de la personne"), widget=DateInput(),
        help_text=_("La demande est reçue par le SPIP ; la réponse est due dans un délai d'un mois."),
    )

    def clean_requested_on(self):
        day = self.cleaned_data["requested_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La date de la demande ne peut pas être dans le futur."))
        return day

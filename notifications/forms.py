from django import forms
from dsfr.forms import DsfrBoundField

from .enums import DigestFrequency
from .services import FREQUENCY_ERROR


class DigestPreferenceForm(forms.Form):
    bound_field_class = DsfrBoundField
    frequency = forms.ChoiceField(
        label="Recevoir les alertes par courriel", choices=DigestFrequency.choices, widget=forms.RadioSelect,
        error_messages={"required": FREQUENCY_ERROR, "invalid_choice": FREQUENCY_ERROR},
    )

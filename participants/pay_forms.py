"""The revaluation of a contract's hourly pay (participants.pay): a date of effect and, optionally, the new rate."""

from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import StepForm, _decimal, date_field


class RevaluationForm(StepForm):
    """The date proposed is the SMIC row's (or the contract's start, if later); an empty rate is 45 % of the SMIC
    in force on the date of effect. ``liste``: posted from the list of contracts to revalue (back there after)."""

    submit_label = _("Revaloriser")
    liste = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, defaults: dict, **kwargs):
        self.defaults = defaults
        super().__init__(*args, **kwargs)

    def setup(self):
        self.fields["valid_from"] = date_field(
            _("Date d'effet de la revalorisation"),
            help_text=_("Au plus tôt le début du contrat ; pas dans le futur."))
        self.fields["hourly_pay"] = _decimal(
            _("Nouvelle rémunération horaire brute (€)"), max_digits=6, decimal_places=2,
            help_text=_("Laissez vide pour 45 % du SMIC en vigueur à la date d'effet."))
        for name in ("valid_from", "hourly_pay"):
            self.initial.setdefault(name, self.defaults.get(name))

    def layout(self):
        return ["liste", Row(*(Column(name) for name in ("valid_from", "hourly_pay")))]


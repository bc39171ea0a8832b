"""The dashboard's filters, read from the query string: the period (a year, a quarter of a year, or two dates),
the SIAE kind, the level the scope lists (where it may list two) and the sort of that list.

A bad value never gives a 500: the form carries the French message and the page shows the default period.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from dsfr.forms import DsfrBoundField

from core.forms import DateInput, dsfr_markup

from . import periods, report, scopes

# The first programmes in detention date from 2016; a few years before, for the history imported.
FIRST_YEAR = 2015
QUARTER_CHOICES = [("", "Toute l'année"), ("1", "1er trimestre"), ("2", "2e trimestre"), ("3", "3e trimestre"),
                   ("4", "4e trimestre")]


class DashboardFilterForm(forms.Form):
    bound_field_class = DsfrBoundField

    annee = forms.ChoiceField(label="Année", required=False)
    trimestre = forms.ChoiceField(label="Trimestre", required=False, choices=QUARTER_CHOICES)
    # Text, not DateField: periods.parse gives the French message for a bad date, the same as the command's.
    du = forms.CharField(label="Du", required=False, max_length=10, widget=DateInput())
    au = forms.CharField(label="Au", required=False, max_length=10, widget=DateInput())
    type = forms.ChoiceField(label="Type de SIAE", required=False, choices=report.SIAE_KIND_CHOICES)
    par = forms.ChoiceField(label="Détail par", required=False)
    tri = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput())

    def __init__(self, *args, child_levels=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.period = periods.default_period(self.today)
        self.period_error = ""
        years = list(range(self.today.year, FIRST_YEAR - 1, -1))
        wanted = str((self.data or {}).get("annee") or self.initial.get("annee") or "")
        if wanted.isdigit() and len(wanted) == 4 and periods.EARLIEST_YEAR <= int(wanted) < FIRST_YEAR:
            years.append(int(wanted))  # a year asked through a link stays shown in the select
        self.fields["annee"].choices = [("", "Choisir une année")] + [(str(year), str(year)) for year in years]
        if len(child_levels) > 1:
            self.fields["par"].choices = [(level, scopes.LEVEL_LABELS[level]) for level in child_levels]
        else:
            del self.fields["par"]
        dsfr_markup(self)

    @classmethod
    def showing(cls, period: periods.Period, *, kind="", child_level=None, tri="", child_levels=(), today=None):
        """An unbound form whose fields show this period (as a year, a quarter or two dates) and filters."""
        initial = {"type": kind, "par": child_level or "", "tri": tri}
        if period == periods.year(period.start.year):
            initial["annee"] = str(period.start.year)
        elif period.quarters() == [period]:
            initial.update(annee=str(period.start.year), trimestre=str((period.start.month - 1) // 3 + 1))
        else:
            initial.update(du=period.start.isoformat(), au=period.end.isoformat())
        return cls(initial=initial, child_levels=child_levels, today=today)

    def clean(self):
        cleaned = super().clean()
        du, au = self.data.get("du", ""), self.data.get("au", "")
        annee, trimestre = cleaned.get("annee", ""), cleaned.get("trimestre", "")
        if "annee" in self._errors or "trimestre" in self._errors:
            self.period_error = "Année ou trimestre non reconnu : choisissez-les dans la liste."
            self.add_error(None, self.period_error)  # the page then says which period it shows instead
            return cleaned
        try:
            if du or au:  # the dates, when given, win over the year (dashboards.js clears them when a year is chosen)
                self.period = periods.parse(du=du, au=au, today=self.today)
            elif annee:
                self.period = periods.parse(periode=f"{annee}-T{trimestre}" if trimestre else annee, today=self.today)
            elif trimestre:
                raise ValidationError("Choisissez l'année du trimestre.")
            else:
                self.period = periods.parse(periode=self.data.get("periode", ""), today=self.today)
        except ValidationError as error:
            self.period = periods.default_period(self.today)
            self.period_error = " ".join(error.messages)
            self.add_error(None, error)
        return cleaned

    def value(self, name: str) -> str:
        """A filter's cleaned value; "" when missing or refused."""
        return (getattr(self, "cleaned_data", {}) or {}).get(name) or ""

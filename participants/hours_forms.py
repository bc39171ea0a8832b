"""The month's hours sheet as a form (participants.hours): one text field per cell, each read by hours.parse_cell
(the import reads its cells the same way), and the reason a correction of a validated sheet needs."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import hours
from .enums import AbsenceReason

SUSPENSION = AbsenceReason.SUSPENSION.value


def cell_name(column: str, key: str) -> str:
    return f"{column}-{key}"


class HoursSheetForm(forms.Form):
    # The rows the page showed: a POST without them (or for other people) saves nothing.
    rows = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Motif de la correction"), max_length=300, required=False,
                             help_text=_("Obligatoire pour corriger une feuille validée : il reste visible sur la "
                                         "feuille et dans le journal de chaque parcours corrigé."))

    def __init__(self, data=None, *, sheet: hours.Sheet, initial_cells: dict | None = None):
        super().__init__(data)
        self.sheet = sheet
        initial_cells = initial_cells or {}
        self.fields["rows"].initial = ",".join(row.key for row in sheet.rows)
        for row in sheet.rows:
            values = dict(initial_cells.get(row.key) or row.values())
            if values.get(SUSPENSION) is None and row.suspended:
                values[SUSPENSION] = row.suspended  # the recorded suspension's days, proposed
            for column in hours.COLUMNS:
                value = values.get(column)
                self.fields[cell_name(column, row.key)] = forms.CharField(
                    required=False, max_length=12,
                    initial="" if value is None else str(value).replace(".", ","))

    def clean(self):
        data = super().clean()
        shown = [key for key in (data.get("rows") or "").split(",") if key]
        if "rows" in data and shown != [row.key for row in self.sheet.rows]:
            raise ValidationError(_("Les personnes en atelier ce mois-ci ont changé depuis l'ouverture de la feuille : "
                                    "rien n'a été enregistré. Rechargez la page."))
        entries = {}
        for row in self.sheet.rows:
            values = {}
            for column in hours.COLUMNS:
                name = cell_name(column, row.key)
                try:
                    values[column] = hours.parse_cell(column, self.data.get(name, ""))
                except ValidationError as error:
                    self.add_error(name, error)
            entries[row.key] = values
        data["entries"] = entries
        return data

    def apply(self, error: hours.SheetError) -> None:
        """The service's refusals beside their cells (a refusal about the whole sheet above the table)."""
        for (key, column), message in _cells(error).items():
            name = cell_name(column, key) if key and column else None
            self.add_error(name if name in self.fields else None, message)

    def cell(self, row, column):
        return self[cell_name(column, row.key)]


def _cells(error: hours.SheetError) -> dict:
    return {(key if isinstance(key, tuple) else (None, None)): message for key, message in error.cells.items()}

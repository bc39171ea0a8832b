"""The dated tables say when they expect their next row; from 15 January of a year without one, administrators and
national staff see a home-page alert naming the table.

- SMIC (``SmicRate``): revalued at least every 1 January: a row dated 1 January of the year is expected (enter
  it even when the rate is unchanged);
- aide au poste (``AidRate``): revalued by a yearly arrêté: a row dated in the year is expected.

A row of the aid table whose amount was not found in the sources (``AidRate.amount_missing``) is named in the
same alert until an administrator enters it.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from accounts.enums import Role
from core.formatting import long_date

from .alerts import WARNING, Alert
from .enums import AidScheme, AidTerritory
from .models import AidRate, SmicRate

RATE_TABLE = "rate_table"
ROLES = frozenset({Role.ADMIN, Role.NATIONAL})
ALERT_FROM = (1, 15)  # (month, day): the expected row is late from 15 January


@dataclass(frozen=True)
class DatedTable:
    model: type
    name: str  # the table as the alert names it
    expects: str  # when it expects its next row, in French
    on_new_year: bool  # True: a row dated 1 January; False: a row dated within the year
    only: dict = field(default_factory=dict)  # the rows that count (the SMIC: the metropolitan ones)

    def has_row_for(self, year: int) -> bool:
        rows = self.model.objects.filter(**self.only)
        if self.on_new_year:
            return rows.filter(valid_from=datetime.date(year, 1, 1)).exists()
        return rows.filter(valid_from__year=year).exists()

    @property
    def admin_url(self) -> str:
        meta = self.model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")


DATED_TABLES = (
    DatedTable(SmicRate, "taux du SMIC", "un taux au 1er janvier de chaque année, même inchangé", on_new_year=True,
               only={"territory": AidTerritory.METROPOLE}),
    DatedTable(AidRate, "taux d'aide au poste", "au moins une ligne par année (arrêté annuel)", on_new_year=False),
)


def kinds_for(user) -> frozenset[str]:
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    return frozenset({RATE_TABLE}) if user.role in ROLES else frozenset()


def late_tables(today: datetime.date) -> list[DatedTable]:
    """The tables with no row for this year, from 15 January."""
    if (today.month, today.day) < ALERT_FROM:
        return []
    return [table for table in DATED_TABLES if not table.has_row_for(today.year)]


def _missing_amount_label(row: AidRate) -> str:
    scheme = "en milieu pénitentiaire" if row.scheme == AidScheme.PRISON else "de droit commun"
    territory = " à Mayotte" if row.territory == AidTerritory.MAYOTTE else ""
    return f"{row.siae_kind} {scheme}{territory} au {long_date(row.valid_from)}"


def alerts_for(*, user, today: datetime.date) -> list[Alert]:
    if RATE_TABLE not in kinds_for(user):
        return []
    alerts = []
    link = {"link_label": "Compléter la table", "severity": WARNING}
    for table in late_tables(today):
        alerts.append(Alert(
            kind=RATE_TABLE,
            message=(f"La table des {table.name} n'a aucune ligne pour {today.year} : elle attend {table.expects}. "
                     + ("Vérifiez le texte publié et saisissez le nouveau taux." if user.is_staff
                        else "Un administrateur doit vérifier le texte publié et saisir le nouveau taux.")),
            date=datetime.date(today.year, *ALERT_FROM), url=table.admin_url if user.is_staff else "",
            subject=f"table des {table.name}", **link,
        ))
    missing = [row for row in AidRate.objects.order_by("valid_from", "scheme", "siae_kind") if row.amount_missing]
    if missing:
        alerts.append(Alert(
            kind=RATE_TABLE,
            message=("Montants non trouvés dans les sources, à saisir dans la table des taux d'aide au poste : "
                     + ", ".join(_missing_amount_label(row) for row in missing) + "."),
            date=missing[0].valid_from, url=DATED_TABLES[1].admin_url if user.is_staff else "",
            subject="table des taux d'aide au poste", **link,
        ))
    return alerts

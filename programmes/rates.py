"""Amounts that change by decree, read from the dated tables (SmicRate, AidRate), and what they give.

The row in force on a date is the one with the greatest ``valid_from`` on or before that date.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.formatting import NBSP, format_date, format_euros

from .enums import AidScheme, AidTerritory, AspMeasure, SiaeKind
from .models import AidRate, SmicRate

CENT = Decimal("0.01")
# Pay in an IAE workshop in detention: at least 45 % of the SMIC (code pénitentiaire D412-14).
MIN_SMIC_SHARE_PCT = Decimal("45")
# Measures for work inside an establishment: the modulated part applies.
DETENTION_MEASURES = frozenset({AspMeasure.ACI_MP, AspMeasure.EI_MP})
MAYOTTE_DEPARTMENT = "976"


def add_years(day: datetime.date, years: int) -> datetime.date:
    """Calendar years (29 February + 1 year = 28 February), never 365-day blocks."""
    return day + relativedelta(years=years)


def smic_rate_on(day: datetime.date, territory: str = AidTerritory.METROPOLE) -> SmicRate:
    """The SMIC row in force on ``day`` in ``territory`` (territory_of(siae): Mayotte has its own SMIC)."""
    rate = SmicRate.objects.filter(territory=territory, valid_from__lte=day).order_by("-valid_from").first()
    if rate is None:
        raise ValidationError(
            _("Aucun taux du SMIC%(territory)s n'est connu au %(date)s : ajoutez-le dans la table des taux du SMIC.")
            % {"date": format_date(day), "territory": _(" à Mayotte") if territory == AidTerritory.MAYOTTE else ""}
        )
    return rate


def smic_on(day: datetime.date, territory: str = AidTerritory.METROPOLE) -> Decimal:
    """The gross hourly SMIC in force on ``day`` in ``territory``."""
    return smic_rate_on(day, territory).hourly_amount


def smic_rate_or_none(day: datetime.date, territory: str = AidTerritory.METROPOLE) -> SmicRate | None:
    """The SMIC row in force on ``day``, or None when the table has none (the rules then say what is missing)."""
    try:
        return smic_rate_on(day, territory)
    except ValidationError:
        return None


def smic_or_none(day: datetime.date, territory: str = AidTerritory.METROPOLE) -> Decimal | None:
    rate = smic_rate_or_none(day, territory)
    return rate.hourly_amount if rate else None


def smic_in_force(rates, day: datetime.date, territory: str = AidTerritory.METROPOLE) -> Decimal | None:
    """Same as smic_on, from rows already loaded (``rates`` in any order): no query."""
    candidates = [rate for rate in rates if rate.valid_from <= day and rate.territory == territory]
    return max(candidates, key=lambda rate: rate.valid_from).hourly_amount if candidates else None


def pay_floor(smic: Decimal) -> Decimal:
    """45 % of the SMIC, rounded up to the cent (the lowest hourly pay that reaches it)."""
    return (smic * MIN_SMIC_SHARE_PCT / 100).quantize(CENT, rounding=ROUND_CEILING)


def smic_share_pct(hourly_pay: Decimal, smic: Decimal) -> Decimal:
    return (hourly_pay * 100 / smic).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def territory_of(siae) -> str:
    """Mayotte has its own amounts (SMIC, aide au poste); everywhere else (overseas included) the metropolitan ones
    apply."""
    return AidTerritory.MAYOTTE if siae.department_id == MAYOTTE_DEPARTMENT else AidTerritory.METROPOLE


def territory_of_pathway(pathway) -> str:
    return territory_of(pathway.programme.siae)


# --- Aide au poste -------------------------------------------------------------------------------------------

DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class AidSocle:
    """What the aid table gives for a measure on a date: the socle, the part modulée computed, the cap."""

    socle: Decimal
    modulated_pct: Decimal  # 0 for a droit-commun measure (its part, 0 to 10 % on results, is not computed)
    etp_cap: Decimal | None  # ETP per establishment at any time (the specific prison aid until 31 July 2022)
    socle_row: AidRate  # the row the socle comes from
    rule_row: AidRate  # the row of the measure's scheme (the same row, but for a prison row that follows)


def _row_in_force(rows, scheme: str, day: datetime.date) -> AidRate | None:
    candidates = [row for row in rows if row.scheme == scheme and row.valid_from <= day]
    return max(candidates, key=lambda row: row.valid_from) if candidates else None


def _no_rate(siae_kind: str, territory: str, scheme: str, day: datetime.date) -> ValidationError:
    return ValidationError(
        _("Aucun barème d'aide au poste n'est connu pour le type %(kind)s (%(scheme)s, %(territory)s) au %(date)s.")
        % {"kind": siae_kind, "scheme": AidScheme(scheme).label.lower(), "territory": AidTerritory(territory).label,
           "date": format_date(day)}
    )


def _amount_missing(row: AidRate) -> ValidationError:
    return ValidationError(
        _("Le montant socle %(kind)s %(scheme)s%(territory)s en vigueur depuis le %(date)s n'a pas été trouvé dans "
          "les sources : un administrateur doit le saisir dans la table des taux d'aide au poste.")
        % {"kind": row.siae_kind,
           "scheme": _("en milieu pénitentiaire") if row.scheme == AidScheme.PRISON else _("de droit commun"),
           "territory": _(" à Mayotte") if row.territory == AidTerritory.MAYOTTE else "",
           "date": format_date(row.valid_from)}
    )


def prison_rule_in_force(rows, *, siae_kind: str, territory: str, day: datetime.date) -> AidRate | None:
    """The prison row in force (its part modulée, its cap), from rows already loaded."""
    rows = [row for row in rows if row.siae_kind == siae_kind and row.territory == territory]
    return _row_in_force(rows, AidScheme.PRISON, day)


def aid_socle_in_force(rows, *, siae_kind: str, territory: str, measure: str, day: datetime.date) -> AidSocle:
    """The socle of ``measure`` on ``day`` from aid rows already loaded (any order, any kind): no query.

    A prison measure reads the prison row in force; a prison row that follows the droit commun takes the
    droit-commun socle in force with its own part modulée. Raises a French ValidationError when a row is missing
    or its amount was never entered.
    """
    rows = [row for row in rows if row.siae_kind == siae_kind and row.territory == territory]
    scheme = AidScheme.PRISON if measure in DETENTION_MEASURES else AidScheme.COMMON
    rule = _row_in_force(rows, scheme, day)
    if rule is None:
        raise _no_rate(siae_kind, territory, scheme, day)
    socle_row = rule
    if rule.follows_common:
        socle_row = _row_in_force(rows, AidScheme.COMMON, day)
        if socle_row is None:
            raise _no_rate(siae_kind, territory, AidScheme.COMMON, day)
    if socle_row.base_amount is None:
        raise _amount_missing(socle_row)
    modulated = rule.modulated_pct if scheme == AidScheme.PRISON and rule.modulated_pct is not None else Decimal(0)
    return AidSocle(socle=socle_row.base_amount, modulated_pct=modulated, etp_cap=rule.etp_cap_per_establishment,
                    socle_row=socle_row, rule_row=rule)


def aid_socle_on(*, siae_kind: str, territory: str, measure: str, day: datetime.date) -> AidSocle:
    """The aid table's socle for ``measure`` on ``day`` (one query)."""
    rows = AidRate.objects.filter(siae_kind=siae_kind, territory=territory, valid_from__lte=day)
    return aid_socle_in_force(list(rows), siae_kind=siae_kind, territory=territory, measure=measure, day=day)


def year_share(start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """The annex's share of a year as (days, 365): a full calendar year is (365, 365), leap years included."""
    if start == datetime.date(start.year, 1, 1) and end == datetime.date(start.year, 12, 31):
        return DAYS_PER_YEAR, DAYS_PER_YEAR
    return (end - start).days + 1, DAYS_PER_YEAR


def format_number(value: Decimal, places: int = 2) -> str:
    """French figures without useless decimals: 6142 -> "6 142", 10.50 -> "10,5", 1.05 -> "1,05"."""
    text = f"{Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", NBSP).replace(".", ",")


@dataclass(frozen=True)
class AidComputation:
    etp: Decimal
    socle: AidSocle
    days: int
    year_days: int

    @property
    def factor(self) -> Decimal:
        return 1 + self.socle.modulated_pct / 100

    @property
    def amount(self) -> Decimal:
        exact = self.etp * self.socle.socle * self.factor * self.days / self.year_days
        return exact.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def terms(self) -> str:
        """"6 ETP × 6 142 € × 1,05 × 184/365" (a full year and a droit-commun measure drop a term)."""
        terms = [f"{format_number(self.etp)}{NBSP}ETP", f"{format_number(self.socle.socle)}{NBSP}€"]
        if self.socle.modulated_pct:
            terms.append(format_number(self.factor, 4))
        if self.days != self.year_days:
            terms.append(f"{self.days}/{self.year_days}")
        return " × ".join(terms)

    @property
    def formula(self) -> str:
        """"6 ETP × 6 142 € × 1,05 × 184/365 = 32 510,55 €"."""
        return f"{self.terms} = {format_euros(self.amount)}"


def annex_socle(annex) -> AidSocle:
    siae = annex.convention.siae
    return aid_socle_on(siae_kind=siae.kind, territory=territory_of(siae), measure=annex.measure,
                        day=annex.start_date)


def annex_aid_with(annex, socle: AidSocle) -> AidComputation:
    days, year_days = year_share(annex.start_date, annex.end_date)
    return AidComputation(etp=Decimal(annex.etp), socle=socle, days=days, year_days=year_days)


def annex_aid(annex) -> AidComputation:
    """ETP × socle in force at the annex's start × (1 + part modulée) × the annex's share of a year."""
    return annex_aid_with(annex, annex_socle(annex))


def annex_aid_amount(annex) -> Decimal:
    return annex_aid(annex).amount


def measure_fits_kind(measure: str, siae_kind: str) -> bool:
    return measure.split("_")[0] == siae_kind


MEASURES_BY_KIND = {
    SiaeKind.ACI: (AspMeasure.ACI_MP, AspMeasure.ACI_DC),
    SiaeKind.EI: (AspMeasure.EI_MP, AspMeasure.EI_DC),
}

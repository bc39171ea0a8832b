"""Amounts that change by decree, read from the dated tables (SmicRate, AidRate), and what they give.

The row in force on a date is the one with the greatest ``valid_from`` on or before that date.
"""

import datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.formatting import format_date

from .enums import AidTerritory, AspMeasure, SiaeKind
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


def smic_rate_on(day: datetime.date) -> SmicRate:
    rate = SmicRate.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if rate is None:
        raise ValidationError(
            _("Aucun taux du SMIC n'est connu au %(date)s : ajoutez-le dans la table des taux du SMIC.")
            % {"date": format_date(day)}
        )
    return rate


def smic_on(day: datetime.date) -> Decimal:
    """The gross hourly SMIC in force on ``day``."""
    return smic_rate_on(day).hourly_amount


def smic_in_force(rates, day: datetime.date) -> Decimal | None:
    """Same as smic_on, from rows already loaded (``rates`` in any order): no query."""
    candidates = [rate for rate in rates if rate.valid_from <= day]
    return max(candidates, key=lambda rate: rate.valid_from).hourly_amount if candidates else None


def pay_floor(smic: Decimal) -> Decimal:
    """45 % of the SMIC, rounded up to the cent (the lowest hourly pay that reaches it)."""
    return (smic * MIN_SMIC_SHARE_PCT / 100).quantize(CENT, rounding=ROUND_CEILING)


def smic_share_pct(hourly_pay: Decimal, smic: Decimal) -> Decimal:
    return (hourly_pay * 100 / smic).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def territory_of(siae) -> str:
    """Mayotte has its own amounts; everywhere else (overseas included) the metropolitan ones apply."""
    return AidTerritory.MAYOTTE if siae.department_id == MAYOTTE_DEPARTMENT else AidTerritory.METROPOLE


def aid_rate_on(siae_kind: str, territory: str, day: datetime.date) -> AidRate:
    rate = (
        AidRate.objects.filter(siae_kind=siae_kind, territory=territory, valid_from__lte=day)
        .order_by("-valid_from")
        .first()
    )
    if rate is None:
        raise ValidationError(
            _("Aucun barème d'aide au poste n'est connu pour le type %(kind)s (%(territory)s) au %(date)s.")
            % {"kind": siae_kind, "territory": AidTerritory(territory).label, "date": format_date(day)}
        )
    return rate


def aid_amount(*, measure: str, etp: Decimal, rate: AidRate) -> Decimal:
    factor = Decimal(1)
    if measure in DETENTION_MEASURES:
        factor += rate.detention_modulated_pct / 100
    return (Decimal(etp) * rate.base_amount * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def annex_aid_amount(annex) -> Decimal:
    """ETP × base amount in force at the annex's start (× 1 + modulated part for the _MP measures)."""
    siae = annex.convention.siae
    rate = aid_rate_on(siae.kind, territory_of(siae), annex.start_date)
    return aid_amount(measure=annex.measure, etp=annex.etp, rate=rate)


def measure_fits_kind(measure: str, siae_kind: str) -> bool:
    return measure.split("_")[0] == siae_kind


MEASURES_BY_KIND = {
    SiaeKind.ACI: (AspMeasure.ACI_MP, AspMeasure.ACI_DC),
    SiaeKind.EI: (AspMeasure.EI_MP, AspMeasure.EI_DC),
}

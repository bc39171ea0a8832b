"""The aide au poste of a financial annex as the page shows it: the formula with its figures, whether the amount
was typed, and the cap of the specific prison aid (10 ETP per establishment until 31 July 2022, in the aid table).

The cap counts, on every day of the annex, its ETP and those of the other annexes of prison measures of the same
establishment in force that day whose own rule is capped: the posts of several SIAE in one establishment add up.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.formatting import long_date

from . import rates
from .models import AidRate, Establishment, FinancialAnnex, Programme


@dataclass(frozen=True)
class CapExcess:
    cap: Decimal
    total: Decimal  # ETP of the establishment's capped annexes on ``day``, this one included
    day: datetime.date
    establishment: Establishment
    others: tuple[str, ...]  # ASP numbers of the other annexes counted

    @property
    def message(self) -> str:
        others = (_(" (avec %(numbers)s)") % {"numbers": ", ".join(self.others)}) if self.others else ""
        return _(
            "L'aide spécifique en milieu pénitentiaire est limitée à %(cap)s ETP par établissement jusqu'au 31 juillet "
            "2022 : le %(day)s, %(establishment)s en compterait %(total)s%(others)s."
        ) % {"cap": rates.format_number(self.cap), "day": long_date(self.day),
             "establishment": self.establishment.name, "total": rates.format_number(self.total), "others": others}


@dataclass(frozen=True)
class AnnexAid:
    computation: rates.AidComputation | None
    error: str  # why the table gives no amount ("" when it does)
    typed: bool  # the stored amount is not the computed one (or none could be computed)
    excess: CapExcess | None


def _cap_of(annex, rows) -> Decimal | None:
    if annex.measure not in rates.DETENTION_MEASURES:
        return None
    siae = annex.convention.siae
    rule = rates.prison_rule_in_force(rows, siae_kind=siae.kind, territory=rates.territory_of(siae),
                                      day=annex.start_date)
    return rule.etp_cap_per_establishment if rule else None


def _excess(annex, rows, candidates) -> CapExcess | None:
    cap = _cap_of(annex, rows)
    if cap is None or annex.establishment_id is None:
        return None
    others = [other for other in candidates
              if other.pk != annex.pk and other.establishment_id == annex.establishment_id
              and other.start_date <= annex.end_date and other.end_date >= annex.start_date
              and _cap_of(other, rows) is not None]
    days = {annex.start_date} | {other.start_date for other in others if other.start_date >= annex.start_date}
    worst = None
    for day in sorted(days):
        counted = [other for other in others if other.start_date <= day <= other.end_date]
        total = Decimal(annex.etp) + sum((Decimal(other.etp) for other in counted), Decimal(0))
        if total > cap and (worst is None or total > worst.total):
            worst = CapExcess(cap=cap, total=total, day=day, establishment=annex.establishment,
                              others=tuple(sorted(other.asp_number for other in counted)))
    return worst


def _candidates(establishment_ids) -> list[FinancialAnnex]:
    return list(FinancialAnnex.objects.filter(establishment_id__in=establishment_ids,
                                              measure__in=rates.DETENTION_MEASURES)
                .select_related("convention__siae"))


def cap_excess(annex) -> CapExcess | None:
    """The annex over the cap of its establishment, or None (2 queries)."""
    if annex.establishment_id is None:
        return None
    return _excess(annex, list(AidRate.objects.all()), _candidates([annex.establishment_id]))


def establishment_errors(annex) -> dict:
    """An annex of a prison measure counts in one establishment: the only one where its SIAE is implanted, or the
    one chosen, which must be one of them. Sets ``annex.establishment`` when there is no choice."""
    if annex.measure not in rates.DETENTION_MEASURES:
        return {}
    places = list(Establishment.objects.filter(
        pk__in=Programme.objects.filter(siae_id=annex.convention.siae_id).values("establishment_id")))
    if annex.establishment_id is None and len(places) == 1:
        annex.establishment = places[0]
    if annex.establishment_id is not None and annex.establishment not in places:
        return {"establishment": _("La SIAE n'a pas de programme dans cet établissement.")}
    if annex.establishment_id is None and len(places) > 1:
        return {"establishment": _("La SIAE est implantée dans plusieurs établissements : choisissez celui où sont "
                                   "les postes de cette annexe.")}
    return {}


def summaries_for(annexes) -> dict[int, AnnexAid]:
    """Each annex's aid as the page shows it, by pk; the annexes come with ``convention__siae`` (2 queries)."""
    rows = list(AidRate.objects.all())
    candidates = _candidates({annex.establishment_id for annex in annexes if annex.establishment_id})
    result = {}
    for annex in annexes:
        siae = annex.convention.siae
        computation, error = None, ""
        try:
            socle = rates.aid_socle_in_force(rows, siae_kind=siae.kind, territory=rates.territory_of(siae),
                                             measure=annex.measure, day=annex.start_date)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            computation = rates.annex_aid_with(annex, socle)
        result[annex.pk] = AnnexAid(
            computation=computation, error=error,
            typed=computation is None or computation.amount != annex.aid_amount,
            excess=_excess(annex, rows, candidates),
        )
    return result

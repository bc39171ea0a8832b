"""Pay that follows the SMIC (issue 15 §2): the contracts whose hourly pay fell under 45 % of the SMIC in force,
their revaluation from a date, and the pay history that gives the rate in force on any day.

``Pathway.hourly_pay`` is the rate in force today; each PayRate row raises it from ``valid_from`` and keeps the rate
it replaced. A revaluation is never dated in the future (rules.check_revaluation), so the current rate is always
the last one. The floor is rules.check_pay_floor / rates.pay_floor: one rule for a contract's start and its
revaluations.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Ceil
from django.utils import timezone
from django.utils.translation import gettext as _

from access import scope
from audit.context import records_by
from programmes import rates
from programmes.enums import AidTerritory
from programmes.models import SmicRate

from . import rules, services
from .enums import Transition
from .models import Pathway, PayRate


def hourly_pay_on(pathway: Pathway, day: datetime.date, pay_rates=None) -> Decimal | None:
    """The hourly pay in force on ``day`` (``pay_rates``: the pathway's PayRate rows, already loaded, any order):
    the last revaluation on or before that day, else the rate the first one replaced, else the contract's pay."""
    rows = sorted(pathway.pay_rates.all() if pay_rates is None else pay_rates, key=lambda row: row.valid_from)
    if not rows:
        return pathway.hourly_pay
    in_force = [row for row in rows if row.valid_from <= day]
    return in_force[-1].hourly_pay if in_force else rows[0].previous_hourly_pay


@dataclass
class PayPeriod:
    valid_from: datetime.date
    hourly_pay: Decimal
    smic_share: Decimal | None  # % of the SMIC in force on valid_from
    revaluation: PayRate | None  # None: the contract's first rate


def pay_history(pathway: Pathway) -> list[PayPeriod]:
    """The contract's rates from its start, oldest first (the pathway page's pay block). One query for the rows, one
    for the SMIC table."""
    start = pathway.cep_from or pathway.contract_start
    if not start or pathway.hourly_pay is None:
        return []
    rows = list(pathway.pay_rates.order_by("valid_from"))
    smics = list(SmicRate.objects.all())
    territory = rates.territory_of_pathway(pathway)

    def share(pay, day):
        smic = rates.smic_in_force(smics, day, territory)
        return rates.smic_share_pct(pay, smic) if smic else None

    first = rows[0].previous_hourly_pay if rows else pathway.hourly_pay
    periods = [PayPeriod(start, first, share(first, start), None)]
    periods += [PayPeriod(row.valid_from, row.hourly_pay, share(row.hourly_pay, row.valid_from), row) for row in rows]
    return periods


def default_valid_from(pathway: Pathway, smic: SmicRate, last_valid_from=None) -> datetime.date:
    """The SMIC row's date, or later when the contract (or its last revaluation) is more recent."""
    days = [smic.valid_from, pathway.cep_from or pathway.contract_start]
    if last_valid_from:
        days.append(last_valid_from + datetime.timedelta(days=1))
    return max(day for day in days if day)


# --- The contracts to revalue -----------------------------------------------------------------------------


@dataclass
class ProgrammeGroup:
    programme: object
    smic: SmicRate  # in force in the programme's territory (Mayotte has its own)
    floor: Decimal
    pathways: list[Pathway] = field(default_factory=list)

    @property
    def in_mayotte(self) -> bool:
        return self.smic.territory == AidTerritory.MAYOTTE


@dataclass
class BelowFloor:
    smic: SmicRate | None  # metropolitan (overseas included)
    floor: Decimal | None
    groups: list[ProgrammeGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(group.pathways) for group in self.groups)


def in_mayotte() -> Q:
    """The pathways whose SIAE is in Mayotte (rates.territory_of), as a filter."""
    return Q(programme__siae__department_id=rates.MAYOTTE_DEPARTMENT)


def below_floor_pathways(pathways: QuerySet[Pathway], smics: dict[str, SmicRate]) -> QuerySet[Pathway]:
    """``pathways`` (already scoped) in the workshop or suspended, paid under 45 % of the SMIC of their territory
    (``smics``: territory -> row in force; a territory without a row is not checked)."""
    below = Q(pk__in=[])
    for territory, smic in smics.items():
        where = in_mayotte() if territory == AidTerritory.MAYOTTE else ~in_mayotte()
        below |= where & Q(hourly_pay__lt=rates.pay_floor(smic.hourly_amount))
    return pathways.filter(below, status__in=sorted(rules.REVALUABLE_STATUSES))


def smics_on(today: datetime.date) -> dict[str, SmicRate]:
    """The SMIC row in force ``today`` in each territory that has one."""
    found = {territory: rates.smic_rate_or_none(today, territory) for territory in AidTerritory.values}
    return {territory: smic for territory, smic in found.items() if smic is not None}


def below_floor_counts(pathways: QuerySet[Pathway], today: datetime.date) -> list[tuple]:
    """(programme code, SMIC row's date, SMIC, contracts) for ``pathways`` (already scoped) paid under 45 % of the
    SMIC in force on ``today``, by programme, in ONE query (the home page's alert): the SMIC row is a subquery and
    the floor rates.pay_floor written in SQL (45 % rounded up to the cent: CEIL(SMIC × 45) / 100, the SMIC having two
    decimals; tests/participants/test_pay_revaluation.py checks both agree on both sides of a floor)."""
    in_force = SmicRate.objects.filter(valid_from__lte=today, territory=OuterRef("territory")).order_by("-valid_from")
    rows = (
        pathways.filter(status__in=sorted(rules.REVALUABLE_STATUSES))
        .annotate(territory=Case(When(in_mayotte(), then=Value(AidTerritory.MAYOTTE.value)),
                                 default=Value(AidTerritory.METROPOLE.value)))
        .annotate(smic_from=Subquery(in_force.values("valid_from")[:1]),
                  smic=Subquery(in_force.values("hourly_amount")[:1]))
        .filter(hourly_pay__lt=Ceil(F("smic") * rates.MIN_SMIC_SHARE_PCT) / 100)
        .values_list("programme__code", "smic_from", "smic")
        .annotate(count=Count("pk"))
        .order_by("programme__code")
    )
    return list(rows)


def below_floor_for(*, user, today: datetime.date) -> BelowFloor:
    """The user's contracts paid under 45 % of the SMIC in force today, by programme (two queries: the SMIC row,
    the pathways with their person, programme, SIAE, establishment and last revaluation date)."""
    smics = smics_on(today)
    smic = smics.get(AidTerritory.METROPOLE)
    found = BelowFloor(smic=smic, floor=rates.pay_floor(smic.hourly_amount) if smic else None)
    pathways = (
        below_floor_pathways(scope.pathways_for(user), smics)
        .select_related("participant", "programme__siae", "programme__establishment")
        .annotate(last_revaluation=Max("pay_rates__valid_from"))
        .order_by("programme__code", "participant__last_name", "participant__first_names", "pk")
    )
    for pathway in pathways:
        smic_there = smics[rates.territory_of_pathway(pathway)]
        pathway.default_valid_from = default_valid_from(pathway, smic_there, pathway.last_revaluation)
        if not found.groups or found.groups[-1].programme.pk != pathway.programme_id:
            floor = rates.pay_floor(smic_there.hourly_amount)
            found.groups.append(ProgrammeGroup(pathway.programme, smic_there, floor))
        found.groups[-1].pathways.append(pathway)
    return found


# --- Revaluation ------------------------------------------------------------------------------------------


def revaluation_defaults(pathway: Pathway, today: datetime.date) -> dict:
    """What the revaluation form proposes: the date (default_valid_from, not after today) and the floor then."""
    territory = rates.territory_of_pathway(pathway)
    smic = rates.smic_rate_or_none(today, territory)
    if smic is None:
        return {"valid_from": today, "hourly_pay": None}
    last = pathway.pay_rates.aggregate(last=Max("valid_from"))["last"]
    day = min(default_valid_from(pathway, smic, last), today)
    smic_then = rates.smic_or_none(day, territory)
    return {"valid_from": day, "hourly_pay": rates.pay_floor(smic_then) if smic_then else None}


@records_by
@transaction.atomic
def pay_revalue(*, pathway: Pathway, valid_from: datetime.date | None, hourly_pay: Decimal | None = None, by,
                expected_version: int | None = None) -> PayRate:
    """The contract's hourly pay raised from ``valid_from`` (``hourly_pay`` None: 45 % of the SMIC in force that
    day): a PayRate row keeping the previous rate, the pathway's current pay, one log row. Nothing written when a
    rule refuses it (French messages by field)."""
    pathway = services._lock_pathway(pathway, expected_version)
    smic = rates.smic_or_none(valid_from, rates.territory_of_pathway(pathway)) if valid_from else None
    if hourly_pay is None and smic is not None:
        hourly_pay = rates.pay_floor(smic)
    last = pathway.pay_rates.aggregate(last=Max("valid_from"))["last"]
    services._raise(rules.check_revaluation(pathway=pathway, valid_from=valid_from, hourly_pay=hourly_pay,
                                            smic=smic, last_valid_from=last, today=timezone.localdate()))
    row = PayRate(pathway=pathway, valid_from=valid_from, hourly_pay=hourly_pay,
                  previous_hourly_pay=pathway.hourly_pay, smic=smic, recorded_by=by,
                  recorded_by_label=services.user_label(by))
    row.full_clean()
    row.save()
    pathway.hourly_pay = hourly_pay
    pathway.version += 1
    pathway.full_clean()
    pathway.save()
    services._log(pathway, Transition.REVALUE, pathway.status, valid_from, by)
    return row


@transaction.atomic
def pay_revalue_programme(*, user, programme, today: datetime.date, by) -> list[PayRate]:
    """"Tout revaloriser": every contract of ``programme`` the user sees paid under the floor today, each from its
    default date at 45 % of the SMIC then. All or nothing: a refusal names the person and writes nothing."""
    found = below_floor_for(user=user, today=today)
    group = next((group for group in found.groups if group.programme.pk == programme.pk), None)
    if group is None:
        return []
    done = []
    for pathway in group.pathways:
        try:
            done.append(pay_revalue(pathway=pathway, valid_from=min(pathway.default_valid_from, today), by=by))
        except ValidationError as error:
            raise ValidationError(_("%(name)s : %(reason)s") % {
                "name": pathway.participant, "reason": " ".join(error.messages)}) from error
    return done


def pay_block(pathway: Pathway, *, can_edit: bool, today: datetime.date) -> dict:
    """The pathway page's pay block: the history, whether today's pay is under the floor, whether to offer the
    revaluation."""
    smic = rates.smic_rate_or_none(today, rates.territory_of_pathway(pathway))
    history = pay_history(pathway)
    return {
        "history": history, "smic": smic,
        "floor": rates.pay_floor(smic.hourly_amount) if smic else None,
        "below_floor": pathway.is_open and rules.below_pay_floor(pathway.hourly_pay,
                                                                 smic.hourly_amount if smic else None),
        "can_revalue": can_edit and pathway.status in rules.REVALUABLE_STATUSES and bool(history),
    }

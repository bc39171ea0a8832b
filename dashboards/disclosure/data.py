"""The finest counts of a release from the database: (measure, category, quarter, region, SIAE kind) -> people.

The only module of the package that queries. Definitions are those of docs/indicators.md: an entrant's pathway
started in the workshop (``contract_start``) in the quarter; an exit is a pathway at "Sorti·e" whose exit date is in
the quarter; in the pathway at the end of a quarter, a pathway entered by its last day and not exited by then. Three
grouped queries whatever the data, reading coded columns only (no name, birth date, écrou number or free text).
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import ExtractQuarter

from participants.enums import (
    RELEASE_REASONS,
    EducationLevel,
    ExitReason,
    JobseekerDuration,
    Outcome,
    PathwayStatus,
    Sex,
)
from participants.models import Pathway
from programmes.models import Programme

from .table import FLOW, STOCK, TOTAL, Measure

REGION = "programme__establishment__department__region_id"
KIND = "programme__siae__kind"

YES, NO = "oui", "non"
# The profile at entry: each question is a partition of the entrants.
PROFILE = {
    "sexe": {"F": Q(participant__sex=Sex.F), "M": ~Q(participant__sex=Sex.F)},
    "age": {"moins_26": Q(age_at_entry__lt=26), "26_49": Q(age_at_entry__gte=26, age_at_entry__lt=50)
            | Q(age_at_entry__isnull=True), "50_plus": Q(age_at_entry__gte=50)},
    "rsa": {YES: Q(participant__rsa=True), NO: Q(participant__rsa=False)},
    "minima": {YES: Q(participant__rsa=True) | Q(participant__ass=True) | Q(participant__aah=True),
               NO: Q(participant__rsa=False, participant__ass=False, participant__aah=False)},
    "deld": {YES: Q(participant__jobseeker__in=[JobseekerDuration.DELD, JobseekerDuration.DETLD]),
             NO: ~Q(participant__jobseeker__in=[JobseekerDuration.DELD, JobseekerDuration.DETLD])},
    "niveau_3": {YES: Q(participant__education_level__in=[EducationLevel.NONE, EducationLevel.LEVEL_3]),
                 NO: ~Q(participant__education_level__in=[EducationLevel.NONE, EducationLevel.LEVEL_3])},
    "rqth": {YES: Q(participant__rqth=True), NO: Q(participant__rqth=False)},
}
REASONS = {f"motif:{reason.value}": Q(exit_reason=reason) for reason in ExitReason}
# The releases, as the dashboards count them: a second partition of the exits (releases + the other reasons), so
# that "releases" = end of sentence + adjustment follows from the equations.
RELEASES = "motif:LIBERATION"
REASON_GROUPS = {RELEASES: Q(exit_reason__in=sorted(RELEASE_REASONS)),
                 **{key: condition for key, condition in REASONS.items()
                    if key.removeprefix("motif:") not in RELEASE_REASONS}}
OUTCOMES = {f"situation:{outcome.value}": Q(outcome=outcome) for outcome in Outcome}
UNKNOWN_OUTCOME = "situation:NON_RENSEIGNEE"

MEASURES = [
    Measure("entrees", FLOW, tuple(tuple(f"{question}:{answer}" for answer in answers)
                                   for question, answers in PROFILE.items())),
    Measure("sorties", FLOW, (tuple(REASONS), (*OUTCOMES, UNKNOWN_OUTCOME), tuple(REASON_GROUPS))),
    Measure("en_parcours", STOCK),
]
# stock(Qk) = stock(Qk-1) + entrants(Qk) - exits(Qk), where the data satisfy it (table.build checks each row).
STOCK_FLOW = [("en_parcours", "entrees", "sorties")]


def _quarter_ends(year: int) -> list[datetime.date]:
    return [datetime.date(year, 3, 31), datetime.date(year, 6, 30), datetime.date(year, 9, 30),
            datetime.date(year, 12, 31)]


def finest_counts(programmes, year: int) -> dict:
    """{(measure, category, quarter, region, kind): count} for the programmes (a queryset) and the calendar year."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    pathways = Pathway.objects.filter(programme__in=programmes).order_by()
    counts: dict = {}

    def add(measure, category, quarter, region, kind, value):
        if value:
            counts[(measure, category, int(quarter), region, kind)] = value

    def by_quarter(queryset, day_field: str, measure: str, categories: dict) -> list[dict]:
        """Counts of ``queryset`` by quarter of ``day_field``, region and kind: the total and each category."""
        rows = list(queryset.annotate(quarter=ExtractQuarter(day_field)).values(REGION, KIND, "quarter")
                    .annotate(total=Count("pk"), **{f"c{i}": Count("pk", filter=condition)
                                                    for i, condition in enumerate(categories.values())}))
        for row in rows:
            add(measure, TOTAL, row["quarter"], row[REGION], row[KIND], row["total"])
            for i, category in enumerate(categories):
                add(measure, category, row["quarter"], row[REGION], row[KIND], row[f"c{i}"])
        return rows

    profile = {f"{question}:{answer}": condition for question, answers in PROFILE.items()
               for answer, condition in answers.items()}
    by_quarter(pathways.filter(contract_start__gte=start, contract_start__lte=end), "contract_start", "entrees",
               profile)

    exited = pathways.filter(status=PathwayStatus.EXITED, exit_on__gte=start, exit_on__lte=end)
    categories = {**REASONS, **OUTCOMES, RELEASES: REASON_GROUPS[RELEASES]}
    for row in by_quarter(exited, "exit_on", "sorties", categories):
        known = sum(row[f"c{i}"] for i, category in enumerate(categories) if category in OUTCOMES)
        add("sorties", UNKNOWN_OUTCOME, row["quarter"], row[REGION], row[KIND], row["total"] - known)

    ends = _quarter_ends(year)
    stock = {f"q{q}": Count("pk", filter=Q(contract_start__lte=day) & (Q(exit_on__isnull=True) | Q(exit_on__gt=day)))
             for q, day in enumerate(ends, start=1)}
    for row in (pathways.filter(contract_start__lte=end).filter(Q(exit_on__isnull=True) | Q(exit_on__gt=ends[0]))
                .values(REGION, KIND).annotate(**stock)):
        for q in range(1, 5):
            add("en_parcours", TOTAL, q, row[REGION], row[KIND], row[f"q{q}"])
    return counts


def geography_of(programmes) -> dict[str, str]:
    """{region code: DISP code} of the regions where the programmes are (programmes.models: a region belongs to
    one DISP)."""
    return dict(programmes.order_by().values_list("establishment__department__region_id",
                                                  "establishment__department__region__disp_id").distinct())


def kinds_of(programmes) -> list[str]:
    return sorted(set(programmes.order_by().values_list("siae__kind", flat=True)))


def all_programmes():
    return Programme.objects.all()

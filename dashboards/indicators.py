"""Every indicator, defined once (docs/indicators.md gives each formula in French).

``compute(programmes, period, by=...)`` counts, for the programmes of a scope and a period (both days
included), with a fixed number of queries whatever the data: one per source table, grouped by the next level
when ``by`` is given. Values are plain numbers; a rate whose denominator is 0 is ``None`` ("non calculable").
Every internal output is exact (issue 16, §1); the protected "version diffusable" is dashboards/disclosure's.
No query reads
a nominative column: the age bands count the pathway's stored age at entry, not the birth date.
"""

import datetime
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Greatest, Least, TruncQuarter

from participants.enums import (
    RELEASE_REASONS,
    EducationLevel,
    EventKind,
    ExitReason,
    JobContract,
    JobseekerDuration,
    Outcome,
    PathwayStatus,
    SessionDecision,
    Sex,
)
from participants.models import AccompanimentEvent, Participant, Pathway, RecruitmentSession
from programmes.enums import AnnexStatus, AspMeasure, Funder, SiaeKind
from programmes.models import FundingLine
from programmes.rates import DETENTION_MEASURES

from .models import COUNT_FIELDS, MonthlySummary
from .periods import Period

DYNAMIC_OUTCOMES = (Outcome.DURABLE, Outcome.TRANSITION, Outcome.POSITIVE)
EMPLOYMENT_OUTCOMES = (Outcome.DURABLE, Outcome.TRANSITION)
RELEASES = sorted(RELEASE_REASONS)
# The measure whose reference hours turn a programme's hours into ETP (settings.INDICATORS_REFERENCE_HOURS).
MEASURE_OF_KIND = {SiaeKind.ACI: AspMeasure.ACI_MP, SiaeKind.EI: AspMeasure.EI_MP}
FOLLOW_UP_MILESTONES = (6, 12)
# With returns_to_ordinary_detention and releases, these make every exit, each by its reason.
OTHER_EXIT_REASONS = {"exits_transfer": ExitReason.TRANSFER, "exits_resignation": ExitReason.RESIGNATION,
                      "exits_termination": ExitReason.TERMINATION, "exits_health": ExitReason.HEALTH,
                      "exits_other_reason": ExitReason.OTHER}


@dataclass(frozen=True)
class Indicator:
    key: str  # stable: used in exports, the JSON and docs/indicators.md
    label: str
    unit: str  # "people", "count", "pct", "days", "hours", "etp", "ratio"
    section: str
    people: bool = False  # a count of people: hidden under the threshold above programme level
    base: tuple[str, ...] = ()  # the counts a rate or a duration is built on: hidden with them


def _i(key, label, unit, section, people=False, base=()):
    return Indicator(key, label, unit, section, people, tuple(base))


FLOWS, OUTCOMES, TIME, WORK, PROFILE, SUPPORT = (
    "Flux et stocks", "Sorties et résultats", "Durées", "Travail", "Profil à l'entrée", "Accompagnement")

CATALOGUE = [
    _i("sessions", "Sessions de recrutement", "count", FLOWS),
    _i("candidates", "Candidatures", "people", FLOWS, True),
    _i("selected", "Personnes retenues", "people", FLOWS, True),
    _i("selection_rate", "Taux de sélection", "pct", FLOWS, base=["selected", "candidates"]),
    _i("entrants", "Entrées en atelier", "people", FLOWS, True),
    _i("in_pathway", "En parcours à la fin de la période", "people", FLOWS, True),
    _i("exits", "Sorties du programme", "people", FLOWS, True),
    _i("returns_to_ordinary_detention", "Retours en détention ordinaire", "people", FLOWS, True),
    _i("releases", "Libérations", "people", FLOWS, True),
    _i("releases_with_adjustment", "Libérations sous aménagement de peine", "people", FLOWS, True),
    _i("releases_dynamic", "Libérations avec un emploi ou une formation", "people", FLOWS, True),
    _i("exits_transfer", "Sorties pour transfert", "people", FLOWS, True),
    _i("exits_resignation", "Sorties par démission", "people", FLOWS, True),
    _i("exits_termination", "Sorties par rupture à l'initiative de la SIAE", "people", FLOWS, True),
    _i("exits_health", "Sorties pour raison de santé", "people", FLOWS, True),
    _i("exits_other_reason", "Sorties pour un autre motif", "people", FLOWS, True),
    _i("return_rate", "Part des retours en détention ordinaire", "pct", FLOWS,
       base=["returns_to_ordinary_detention", "exits"]),
    _i("adjustment_rate", "Part des libérations sous aménagement", "pct", FLOWS,
       base=["releases_with_adjustment", "releases"]),
    _i("outcome_durable", "Emploi durable", "people", OUTCOMES, True),
    _i("outcome_transition", "Emploi de transition", "people", OUTCOMES, True),
    _i("outcome_positive", "Sortie positive", "people", OUTCOMES, True),
    _i("outcome_other", "Autre sortie", "people", OUTCOMES, True),
    _i("outcome_neutralised", "Sortie neutralisée", "people", OUTCOMES, True),
    _i("rate_dynamic_exits", "Taux de sorties dynamiques", "pct", OUTCOMES, base=["_dynamic", "_denominator"]),
    _i("rate_employment", "Taux de sortie vers l'emploi", "pct", OUTCOMES, base=["_employment", "_denominator"]),
    _i("rate_durable_employment", "Taux de sortie vers l'emploi durable", "pct", OUTCOMES,
       base=["outcome_durable", "_denominator"]),
    # Release-based outcome rates (domain.md §6.3): on the releases of the period, less those neutralised.
    _i("release_rate_dynamic", "Taux de sorties dynamiques à la libération", "pct", OUTCOMES,
       base=["releases_dynamic", "_release_denominator"]),
    _i("release_rate_employment", "Taux d'emploi à la libération", "pct", OUTCOMES,
       base=["_release_employment", "_release_denominator"]),
    _i("release_rate_durable_employment", "Taux d'emploi durable à la libération", "pct", OUTCOMES,
       base=["_release_durable", "_release_denominator"]),
    _i("continuity_rate", "Taux de continuité en CDDI", "pct", OUTCOMES, base=["_release_cddi", "releases"]),
    _i("median_days_in_pathway", "Durée médiane en parcours (jours)", "days", TIME, base=["exits"]),
    _i("mean_days_in_pathway", "Durée moyenne en parcours (jours)", "days", TIME, base=["exits"]),
    _i("median_days_classification_to_assignment", "Délai médian du classement à l'affectation (jours)", "days",
       TIME, base=["_assigned"]),
    _i("hours_worked", "Heures travaillées", "hours", WORK),
    _i("etp_achieved", "ETP réalisés", "etp", WORK),
    _i("etp_conventioned", "ETP conventionnés", "etp", WORK),
    _i("occupation_rate", "Taux d'occupation", "pct", WORK),
    _i("women_pct", "Femmes", "pct", PROFILE, base=["_women", "entrants"]),
    _i("age_under_26_pct", "Moins de 26 ans", "pct", PROFILE, base=["_age_under_26", "entrants"]),
    _i("age_26_49_pct", "26 à 49 ans", "pct", PROFILE, base=["_age_26_49", "entrants"]),
    _i("age_50_plus_pct", "50 ans et plus", "pct", PROFILE, base=["_age_50_plus", "entrants"]),
    _i("rsa_pct", "Allocataires du RSA", "pct", PROFILE, base=["_rsa", "entrants"]),
    _i("benefits_pct", "Allocataires du RSA, de l'ASS ou de l'AAH", "pct", PROFILE, base=["_benefits", "entrants"]),
    _i("deld_pct", "Demandeurs d'emploi de longue durée (DELD, DETLD)", "pct", PROFILE, base=["_deld", "entrants"]),
    _i("low_education_pct", "Niveau de formation 3 ou moins", "pct", PROFILE, base=["_low_education", "entrants"]),
    _i("rqth_pct", "RQTH", "pct", PROFILE, base=["_rqth", "entrants"]),
    _i("pmsmp", "Immersions (PMSMP)", "people", SUPPORT, True),
    _i("trainings", "Formations", "people", SUPPORT, True),
    _i("cip_interviews", "Entretiens avec le ou la CIP", "count", SUPPORT),
    _i("follow_up_6_due", "Suivis à 6 mois attendus", "people", SUPPORT, True),
    _i("follow_up_6_reached_pct", "Personnes jointes à 6 mois", "pct", SUPPORT,
       base=["_follow_up_6_reached", "follow_up_6_due"]),
    _i("follow_up_6_dynamic_pct", "En emploi ou formation à 6 mois (parmi les personnes jointes)", "pct", SUPPORT,
       base=["_follow_up_6_dynamic", "_follow_up_6_reached"]),
    _i("follow_up_12_due", "Suivis à 12 mois attendus", "people", SUPPORT, True),
    _i("follow_up_12_reached_pct", "Personnes jointes à 12 mois", "pct", SUPPORT,
       base=["_follow_up_12_reached", "follow_up_12_due"]),
    _i("follow_up_12_dynamic_pct", "En emploi ou formation à 12 mois (parmi les personnes jointes)", "pct", SUPPORT,
       base=["_follow_up_12_dynamic", "_follow_up_12_reached"]),
]
BY_KEY = {indicator.key: indicator for indicator in CATALOGUE}
# What the denominator of a rate counts, as the pages write it after the rate ("53,3 % des 45 sorties").
BASE_LABELS = {
    "exits": "sorties", "_denominator": "sorties hors sorties neutralisées", "releases": "libérations",
    "_release_denominator": "libérations hors sorties neutralisées", "candidates": "candidatures",
    "entrants": "entrées", "follow_up_6_due": "suivis attendus", "follow_up_12_due": "suivis attendus",
    "_follow_up_6_reached": "personnes jointes", "_follow_up_12_reached": "personnes jointes",
    "etp_conventioned": "ETP conventionnés",
}
# The key figures' definitions, shown under each of them (docs/indicators.md gives every formula).
DEFINITIONS = {
    "entrants": "Personnes entrées en atelier pendant la période.",
    "in_pathway": "Personnes entrées en atelier et pas encore sorties au dernier jour de la période.",
    "exits": "Personnes sorties du programme pendant la période, quel qu'en soit le motif.",
    "returns_to_ordinary_detention": "Sorties par retour en détention ordinaire (le « grand quartier »).",
    "releases": "Sorties par libération (fin de peine ou aménagement de peine).",
    "rate_dynamic_exits": "Emploi durable, emploi de transition ou sortie positive, sur les sorties hors sorties "
                          "neutralisées (transfert, santé).",
    "release_rate_dynamic": "Emploi durable, emploi de transition ou sortie positive, sur les libérations hors "
                            "sorties neutralisées.",
    "rate_employment": "Emploi durable ou de transition, sur les sorties hors sorties neutralisées.",
    "occupation_rate": "ETP réalisés (heures travaillées saisies) sur les ETP conventionnés de l'annexe financière.",
    "continuity_rate": "Libérations dont la situation à la sortie est un CDDI dans une SIAE, sur les libérations "
                       "(la date d'embauche n'est pas saisie : le délai de 30 jours ne peut pas être vérifié).",
}
HOURS_NOT_ENTERED = "heures non saisies"
KEYS = [indicator.key for indicator in CATALOGUE]
# What each level's table lists about the next one.
CHILD_KEYS = ["entrants", "in_pathway", "exits", "returns_to_ordinary_detention", "releases",
              "rate_dynamic_exits", "rate_employment", "etp_conventioned", "occupation_rate"]


# --- Database functions that differ between PostgreSQL and SQLite ---------------------------------------


class DaysBetween(Func):
    """Whole days from the second date to the first."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="", arg_joiner=") - julianday(",
                              template="CAST(julianday(%(expressions)s) AS INTEGER)", **extra)


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5); SQLite has no median (computed in Python there, see ``_medians``)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


# --- Helpers ------------------------------------------------------------------------------------------


def pct(numerator, denominator) -> Decimal | None:
    """A percentage with one decimal (half up); None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator or 0) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _round(value, places: str) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal(places), ROUND_HALF_UP)


def _between(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _grouped(queryset, group: str | None, aggregates: dict) -> dict:
    """{group key: {name: value}}; the single key None when not grouped."""
    if group is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.order_by().values(group).annotate(**aggregates)
    return {row.pop(group): row for row in rows}


# The hours are summed per kind of SIAE, then divided by that kind's reference hours in decimals: exact, and the
# same whether they come from the raw tables or the monthly summaries (a float sum of hours × 1/1820 was not).
HOURS_GROUPS = {"aci": [SiaeKind.ACI], "ei": [SiaeKind.EI]}


def _hours_by_kind(name: str, field: str, prefix: str, condition: Q) -> dict:
    """``{name}_aci``, ``{name}_ei``, ``{name}_other``: Sum(field) for the programmes of each kind of SIAE."""
    kind = f"{prefix}siae__kind__in"
    aggregates = {f"{name}_{group}": Sum(field, filter=condition & Q(**{kind: kinds}))
                  for group, kinds in HOURS_GROUPS.items()}
    aggregates[f"{name}_other"] = Sum(field, filter=condition & ~Q(**{kind: sum(HOURS_GROUPS.values(), [])}))
    return aggregates


def _reference_hours(group: str) -> Decimal:
    """The reference hours of a kind of SIAE's measure (settings.INDICATORS_REFERENCE_HOURS)."""
    hours = settings.INDICATORS_REFERENCE_HOURS
    default = hours.get("DEFAULT", 1820)
    measure = {"aci": MEASURE_OF_KIND[SiaeKind.ACI], "ei": MEASURE_OF_KIND[SiaeKind.EI]}.get(group)
    return Decimal(str(hours.get(measure, default) if measure else default))


def _etp_hours(v: dict) -> Decimal:
    """The year's ETP worth of the hours entered and imported: each kind's hours / its reference hours."""
    return sum((Decimal(str(v.get(f"{name}_{group}") or 0)) / _reference_hours(group)
                for name in ("_hours", "_imported_hours") for group in [*HOURS_GROUPS, "other"]), Decimal(0))


# --- The queries: one per source, grouped ---------------------------------------------------------------


def _sessions(programmes, period, group):
    qs = RecruitmentSession.objects.filter(programme__in=programmes).filter(_between("date", period))
    return _grouped(qs, group and f"programme__{group}", {"sessions": Count("pk")})


def _scope_sql(programmes, group):
    """The scope's programmes as SQL (sc_pk, sc_kind: the SIAE's kind, sc_group: the group's key), or None when the
    scope is empty."""
    scope = programmes.order_by().values(sc_pk=F("pk"), sc_kind=F("siae__kind"),
                                         **({"sc_group": F(group)} if group else {}))
    try:
        return scope.query.sql_with_params()
    except EmptyResultSet:
        return None


def _marks(values) -> str:
    """``(%s, %s, …)``: one placeholder per value."""
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def _kind_groups_sql(column: str) -> list[tuple[str, str, list]]:
    """(group, SQL condition on ``column`` holding the SIAE's kind, its parameters) for each group of
    HOURS_GROUPS and for the other kinds: the hand-written queries' version of ``_hours_by_kind``."""
    every_kind = sum(HOURS_GROUPS.values(), [])
    return [(group, f"{column} {'NOT IN' if group == 'other' else 'IN'} {_marks(kinds)}", list(kinds))
            for group, kinds in [*HOURS_GROUPS.items(), ("other", every_kind)]]


def _days_sql(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _pathways(programmes, period, group):
    """Every count of the raw pathways of a period in one query: entries, exits by reason and outcome, candidacies,
    the stock at the period's end, the profile at entry, the medians (PostgreSQL).

    PERF: written as SQL, like ``_summaries``: the ORM spent longer building these forty-five filtered counts than
    the database spent computing them (a programme's dashboard on the default period, issue 19). Each condition is
    a column of the inner query, written once."""
    scope = _scope_sql(programmes, group)
    if scope is None:
        return {}
    scope_sql, scope_params = scope
    quote, day = connection.ops.quote_name, connection.ops.adapt_datefield_value
    start, end = day(period.start), day(period.end)

    # The tables' columns written as Django writes them ("table" P0, P0."column"): the privacy test's parser reads
    # every column a dashboard query touches (tests/dashboards/test_privacy_data.py).
    def col(name, alias="P0"):
        return f"{alias}.{quote(name)}"

    flags = [  # (name, SQL, params): one boolean per pathway
        ("ent", f"{col('contract_start')} >= %s AND {col('contract_start')} <= %s", [start, end]),
        ("ex", f"{col('status')} = %s AND {col('exit_on')} >= %s AND {col('exit_on')} <= %s",
         [PathwayStatus.EXITED, start, end]),
        ("cand", f"{col('session_id')} IN (SELECT {col('id', 'S0')} FROM {quote(RecruitmentSession._meta.db_table)} S0 "
                 f"WHERE {col('date', 'S0')} >= %s AND {col('date', 'S0')} <= %s)", [start, end]),
        ("stk", f"{col('contract_start')} <= %s AND ({col('exit_on')} IS NULL OR {col('exit_on')} > %s)", [end, end]),
        ("asg", f"{col('assigned_on')} >= %s AND {col('assigned_on')} <= %s AND {col('classified_on')} IS NOT NULL",
         [start, end]),
    ]
    select, params, aliases = [], [], []

    def add(alias, expression, condition, condition_params=()):
        select.append(f"{expression} FILTER (WHERE {condition})")
        params.extend(condition_params)
        aliases.append(alias)

    releases = f"f.ex AND f.exit_reason IN {_marks(RELEASES)}"
    add("candidates", "COUNT(*)", "f.cand")
    add("selected", "COUNT(*)", "f.cand AND f.decision = %s", [SessionDecision.SELECTED])
    add("entrants", "COUNT(*)", "f.ent")
    add("in_pathway", "COUNT(*)", "f.stk")
    add("exits", "COUNT(*)", "f.ex")
    add("returns_to_ordinary_detention", "COUNT(*)", "f.ex AND f.exit_reason = %s",
        [ExitReason.RETURN_ORDINARY_DETENTION])
    add("releases", "COUNT(*)", releases, RELEASES)
    add("releases_with_adjustment", "COUNT(*)", f"{releases} AND f.exit_reason = %s",
        [*RELEASES, ExitReason.RELEASE_ADJUSTMENT])
    add("releases_dynamic", "COUNT(*)", f"{releases} AND f.outcome IN {_marks(DYNAMIC_OUTCOMES)}",
        [*RELEASES, *DYNAMIC_OUTCOMES])
    add("_release_denominator", "COUNT(*)", f"{releases} AND f.outcome <> %s", [*RELEASES, Outcome.NEUTRALISED])
    add("_release_employment", "COUNT(*)", f"{releases} AND f.outcome IN {_marks(EMPLOYMENT_OUTCOMES)}",
        [*RELEASES, *EMPLOYMENT_OUTCOMES])
    add("_release_durable", "COUNT(*)", f"{releases} AND f.outcome = %s", [*RELEASES, Outcome.DURABLE])
    add("_release_cddi", "COUNT(*)", f"{releases} AND f.job_contract = %s", [*RELEASES, JobContract.CDDI])
    for key, reason in OTHER_EXIT_REASONS.items():
        add(key, "COUNT(*)", "f.ex AND f.exit_reason = %s", [reason])
    for outcome in Outcome.values:
        add(f"outcome_{outcome.lower()}", "COUNT(*)", "f.ex AND f.outcome = %s", [outcome])
    # The age at entry is stored on the pathway when it starts (participants.models.age_on): the dashboards never
    # read a birth date.
    add("_women", "COUNT(*)", "f.ent AND f.sex = %s", [Sex.F])
    add("_age_under_26", "COUNT(*)", "f.ent AND f.age_at_entry < 26")
    add("_age_50_plus", "COUNT(*)", "f.ent AND f.age_at_entry >= 50")
    add("_rsa", "COUNT(*)", "f.ent AND f.rsa")
    add("_benefits", "COUNT(*)", "f.ent AND (f.rsa OR f.ass OR f.aah)")
    add("_deld", "COUNT(*)", "f.ent AND f.jobseeker IN (%s, %s)", [JobseekerDuration.DELD, JobseekerDuration.DETLD])
    add("_low_education", "COUNT(*)", "f.ent AND f.education_level IN (%s, %s)",
        [EducationLevel.NONE, EducationLevel.LEVEL_3])
    add("_rqth", "COUNT(*)", "f.ent AND f.rqth")
    add("_assigned", "COUNT(*)", "f.asg")
    add("_imported_hours", "SUM(f.imported_hours_worked)", "f.ent")
    for kind_group, condition, kinds in _kind_groups_sql("f.sc_kind"):
        add(f"_imported_hours_{kind_group}", "SUM(f.imported_hours_worked)", f"f.ent AND {condition}", kinds)
    add("_imported_pmsmp", "SUM(f.imported_pmsmp)", "f.ent")
    # The mean duration as a sum of days and a number of exits (_finish divides), as the summaries hold it: sums
    # add up from groups to their total, means do not.
    add("_exit_days_sum", f"SUM({_days_sql('f.exit_on', 'f.contract_start')})", "f.ex")
    add("_exit_days_count", "COUNT(f.contract_start)", "f.ex")
    if connection.vendor == "postgresql":
        add("median_days_in_pathway",
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {_days_sql('f.exit_on', 'f.contract_start')})", "f.ex")
        add("median_days_classification_to_assignment",
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {_days_sql('f.assigned_on', 'f.classified_on')})", "f.asg")

    columns = ["contract_start", "exit_on", "assigned_on", "classified_on", "exit_reason", "outcome", "job_contract",
               "decision", "age_at_entry", "imported_hours_worked", "imported_pmsmp"]
    person = ["sex", "rsa", "ass", "aah", "jobseeker", "education_level", "rqth"]
    read = [f"{col(name)} AS {name}" for name in columns] + [f"{col(name, 'P1')} AS {name}" for name in person]
    inner = (f"SELECT {', '.join(read)}, "
             f"sc.sc_kind{', sc.sc_group' if group else ''}, "
             + ", ".join(f"({sql}) AS {name}" for name, sql, _params in flags)
             + f" FROM {quote(Pathway._meta.db_table)} P0"
             f" JOIN {quote(Participant._meta.db_table)} P1 ON {col('id', 'P1')} = {col('participant_id')}"
             f" JOIN ({scope_sql}) sc ON sc.sc_pk = {col('programme_id')}")
    inner_params = [param for _name, _sql, flag_params in flags for param in flag_params] + list(scope_params)
    sql = (f"SELECT {'f.sc_group, ' if group else ''}{', '.join(select)} FROM ({inner}) f "
           f"WHERE {' OR '.join(f'f.{name}' for name, _sql, _params in flags)}"
           f"{' GROUP BY f.sc_group' if group else ''}")
    return _fetched(sql, [*params, *inner_params], aliases, group)


def _fetched(sql: str, params: list, aliases: list[str], group) -> dict:
    """{group key: {alias: value}} of a hand-written query selecting the group's key (when grouped), then one
    value per alias: the hours as Decimal with one decimal (SQLite sums decimals as floats), the medians as they
    come, every other value an int."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = {}
    for row in rows:
        key, values = (row[0], row[1:]) if group else (None, row)
        result[key] = found = {}
        for alias, value in zip(aliases, values, strict=True):
            if value is None or alias.startswith("median_"):
                found[alias] = value
            elif alias.startswith(("_hours", "_imported_hours")):
                found[alias] = Decimal(str(value)).quantize(Decimal("0.1"))
            else:
                found[alias] = int(value)
    return result


def _durations(programmes, period, group):
    """What a sum cannot give, from the raw pathways (the medians, on PostgreSQL, and the number of assignments they
    are computed on): beside the summaries, and for a total made of its children's sums (compute_with_total)."""
    exited = Q(status=PathwayStatus.EXITED) & _between("exit_on", period)
    assigned = _between("assigned_on", period) & Q(classified_on__isnull=False)
    aggregates = {"_assigned": Count("pk", filter=assigned)}
    if connection.vendor == "postgresql":
        aggregates["median_days_in_pathway"] = Median(DaysBetween(F("exit_on"), F("contract_start")), filter=exited)
        aggregates["median_days_classification_to_assignment"] = Median(
            DaysBetween(F("assigned_on"), F("classified_on")), filter=assigned)
    qs = Pathway.objects.filter(programme__in=programmes).filter(exited | assigned)
    return _grouped(qs, group and f"programme__{group}", aggregates)


def _medians(programmes, period, group):
    """SQLite only: the two medians from the day counts (one query each)."""
    key = group and f"programme__{group}"
    base = Pathway.objects.filter(programme__in=programmes).order_by()
    result = {}
    for name, condition, days in [
        ("median_days_in_pathway", Q(status=PathwayStatus.EXITED) & _between("exit_on", period),
         DaysBetween(F("exit_on"), F("contract_start"))),
        ("median_days_classification_to_assignment", _between("assigned_on", period) & Q(classified_on__isnull=False),
         DaysBetween(F("assigned_on"), F("classified_on"))),
    ]:
        values: dict = {}
        for group_key, value in base.filter(condition).annotate(days=days).values_list(key or "pk", "days"):
            values.setdefault(group_key if key else None, []).append(value)
        for group_key, days_list in values.items():
            result.setdefault(group_key, {})[name] = statistics.median(days_list)
    return result


def _events(programmes, period, group):
    qs = AccompanimentEvent.objects.filter(pathway__programme__in=programmes).filter(
        _between("on", period), kind__in=[EventKind.HOURS_WORKED, EventKind.PMSMP, EventKind.TRAINING,
                                          EventKind.CIP_INTERVIEW])
    hours = Q(kind=EventKind.HOURS_WORKED)
    return _grouped(qs, group and f"pathway__programme__{group}", {
        "_hours": Sum("hours", filter=hours),
        **_hours_by_kind("_hours", "hours", "pathway__programme__", hours),
        "_pmsmp": Count("pk", filter=Q(kind=EventKind.PMSMP)),
        "trainings": Count("pk", filter=Q(kind=EventKind.TRAINING)),
        "cip_interviews": Count("pk", filter=Q(kind=EventKind.CIP_INTERVIEW)),
    })


# The key under which a grouped part also gives the whole scope's value, when its groups' values do not add up to it
# (an annex shared by two groups counts in each of them, and once in their total).
ALL = "__all__"


def _annexes(programmes, period, group):
    """ETP conventioned: the validated detention annexes (ACI_MP, EI_MP) of the SIAE running the scope's programmes,
    each counted once per group and weighted by the share of the period it covers (an average over the period);
    grouped, also the whole scope's under ALL, each annex once, from the same rows.
    An annex counts for a programme of its establishment whose own dates it meets: a programme that ended in 2018
    does not take the SIAE's 2025 annex of a later programme in the same prison."""
    prefix = "siae__conventions__annexes__"
    overlap = DaysBetween(Least(F(f"{prefix}end_date"), Value(period.end)),
                          Greatest(F(f"{prefix}start_date"), Value(period.start)))
    within_programme = (
        (Q(**{f"{prefix}establishment__isnull": True}) | Q(**{f"{prefix}establishment": F("establishment")}))
        & (Q(start_date__isnull=True) | Q(**{f"{prefix}end_date__gte": F("start_date")}))
        & (Q(end_date__isnull=True) | Q(**{f"{prefix}start_date__lte": F("end_date")})))
    rows = (programmes.order_by()
            .filter(within_programme,
                    **{f"{prefix}status": AnnexStatus.VALIDATED, f"{prefix}measure__in": sorted(DETENTION_MEASURES),
                       f"{prefix}start_date__lte": period.end, f"{prefix}end_date__gte": period.start})
            .annotate(days=overlap + 1)
            .values_list(group or "siae_id", f"{prefix}pk", f"{prefix}etp", "days").distinct())
    result: dict = {}
    counted_once: dict = {}  # annex -> its ETP over the period, for the total of grouped rows
    for group_key, annex, etp, days in rows:
        key = group_key if group else None
        share = Decimal(etp) * days / period.days
        result.setdefault(key, {"etp_conventioned": Decimal(0)})
        result[key]["etp_conventioned"] += share
        counted_once[annex] = share
    if group:
        result[ALL] = {"etp_conventioned": sum(counted_once.values(), Decimal(0))}
    return result


# --- The same counts from the monthly summaries (a period of whole months) ----------------------------------

# Summary column -> the raw count it stands for (the others keep their name).
SUMMARY_NAMES = {
    "release_denominator": "_release_denominator", "release_employment": "_release_employment",
    "release_durable": "_release_durable", "release_cddi": "_release_cddi", "women": "_women",
    "age_under_26": "_age_under_26", "age_50_plus": "_age_50_plus", "rsa": "_rsa", "benefits": "_benefits",
    "deld": "_deld", "low_education": "_low_education", "rqth": "_rqth", "imported_pmsmp": "_imported_pmsmp",
    "pmsmp": "_pmsmp", "exit_days_sum": "_exit_days_sum", "exit_days_count": "_exit_days_count",
}
# Counted in the period's months; ``closed`` and the follow-ups are read differently (below).
SUMMARY_FLOWS = [name for name in COUNT_FIELDS if name != "closed" and not name.startswith("follow_up_")]


def _summaries(programmes, period, group):
    """Every count a sum gives, in one query on the summaries of the months up to the period's end.

    PERF: written as SQL (PostgreSQL and SQLite both have FILTER): the ORM spent longer building its sixty
    filtered sums than the database spent computing them (a programme's page, issue 19)."""
    scope = _scope_sql(programmes, group)
    if scope is None:  # an empty scope: nothing to count
        return {}
    scope_sql, scope_params = scope
    quote, day = connection.ops.quote_name, connection.ops.adapt_datefield_value
    select, params = [], []

    def add(alias, column, condition="", condition_params=()):
        select.append(f"SUM(ms.{quote(column)})" + (f" FILTER (WHERE {condition})" if condition else ""))
        aliases.append(alias)
        params.extend(condition_params)

    aliases: list[str] = []
    in_period, start = "ms.month >= %s", [day(period.start)]
    for name in SUMMARY_FLOWS:
        add(SUMMARY_NAMES.get(name, name), name, in_period, start)
    for alias, column in (("_hours", "hours"), ("_imported_hours", "imported_hours")):
        add(alias, column, in_period, start)
        for kind_group, condition, kinds in _kind_groups_sql("sc.sc_kind"):
            add(f"{alias}_{kind_group}", column, f"{in_period} AND {condition}", [*start, *kinds])
    # In the workshop at the end of the period: every entry up to then, less every pathway closed up to then.
    add("_entered_up_to_end", "entrants")
    add("_closed_up_to_end", "closed")
    for milestone in FOLLOW_UP_MILESTONES:
        due = _released_when_due_in(period, milestone)
        window, bounds = "ms.month >= %s AND ms.month <= %s", [day(due.start), day(due.end)]
        add(f"follow_up_{milestone}_due", "releases", window, bounds)
        add(f"_follow_up_{milestone}_reached", f"follow_up_{milestone}_reached", window, bounds)
        add(f"_follow_up_{milestone}_dynamic", f"follow_up_{milestone}_dynamic", window, bounds)
    sql = (f"SELECT {'sc.sc_group, ' if group else ''}{', '.join(select)} "
           f"FROM {quote(MonthlySummary._meta.db_table)} ms JOIN ({scope_sql}) sc ON sc.sc_pk = ms.programme_id "
           f"WHERE ms.month <= %s{' GROUP BY sc.sc_group' if group else ''}")
    result = _fetched(sql, [*params, *scope_params, day(period.end)], aliases, group)
    for found in result.values():
        found["in_pathway"] = (found.pop("_entered_up_to_end") or 0) - (found.pop("_closed_up_to_end") or 0)
    return result


def _summaries_by_quarter(programmes, period):
    """The trends' entries and exits by quarter, from the summaries of the period's months."""
    rows = (MonthlySummary.objects.filter(programme__in=programmes, month__gte=period.start, month__lte=period.end)
            .order_by().annotate(quarter=TruncQuarter("month")).values("quarter")
            .annotate(entrants=Sum("entrants"), exits=Sum("exits"),
                      **{f"outcome_{o.lower()}": Sum(f"outcome_{o.lower()}") for o in Outcome.values}))
    entries, exits = {}, {}
    for row in rows:
        quarter = row.pop("quarter")
        entries[quarter] = row.pop("entrants")
        if row["exits"]:
            exits[quarter] = row
    return entries, exits


def _released_when_due_in(period: Period, months: int) -> Period:
    """The release dates whose follow-up (release + ``months`` calendar months, participants.services) falls in
    the period. A due date on the last day of a month gathers every later release day of the month before
    (31 August + 6 months = 28 February)."""
    shifted = period.shifted(months)
    start, end = shifted.start, shifted.end
    if start.day != period.start.day:  # 31 August - 6 months = 28 February, but 28 February + 6 months = 28 August
        start += datetime.timedelta(days=1)
    if (period.end + datetime.timedelta(days=1)).day == 1:
        end = (end.replace(day=1) + relativedelta(months=1)) - datetime.timedelta(days=1)
    return Period(start, end)


def _follow_ups(programmes, period, group):
    """Releases due for a follow-up at +6 / +12 months within the period, and what the follow-ups found."""
    aggregates, windows = {}, Q()
    for months in FOLLOW_UP_MILESTONES:
        window = _between("exit_on", _released_when_due_in(period, months))
        windows |= window
        milestone = window & Q(follow_ups__milestone=months, follow_ups__reached=True)
        aggregates[f"follow_up_{months}_due"] = Count("pk", filter=window, distinct=True)
        aggregates[f"_follow_up_{months}_reached"] = Count("pk", filter=milestone, distinct=True)
        aggregates[f"_follow_up_{months}_dynamic"] = Count(
            "pk", filter=milestone & Q(follow_ups__situation__in=DYNAMIC_OUTCOMES), distinct=True)
    qs = Pathway.objects.filter(programme__in=programmes, status=PathwayStatus.EXITED,
                                exit_reason__in=RELEASES).filter(windows)
    return _grouped(qs, group and f"programme__{group}", aggregates)


# --- Putting it together ------------------------------------------------------------------------------


# Counts that are 0 when a group has no row in a query.
COUNT_KEYS = [indicator.key for indicator in CATALOGUE if indicator.unit in ("people", "count")] + [
    "_release_denominator", "_release_employment", "_release_durable", "_release_cddi",
    "_women", "_age_under_26", "_age_50_plus", "_rsa", "_benefits", "_deld", "_low_education", "_rqth", "_assigned",
    "_pmsmp", "_imported_pmsmp", *[f"_follow_up_{m}_{what}" for m in FOLLOW_UP_MILESTONES
                                   for what in ("reached", "dynamic")]]


def _finish(raw: dict, period: Period) -> dict:
    """Derived values (rates, ETP, totals) from the raw counts of one group."""
    v = dict(raw)
    for key in COUNT_KEYS:
        v[key] = v.get(key) or 0
    v["_age_26_49"] = v["entrants"] - v["_age_under_26"] - v["_age_50_plus"]
    v["_dynamic"] = sum(v[f"outcome_{o.lower()}"] for o in DYNAMIC_OUTCOMES)
    v["_employment"] = sum(v[f"outcome_{o.lower()}"] for o in EMPLOYMENT_OUTCOMES)
    v["_denominator"] = v["exits"] - v["outcome_neutralised"]
    v["pmsmp"] = v["_pmsmp"] + v["_imported_pmsmp"]
    for key, indicator in BY_KEY.items():
        if indicator.unit == "pct" and len(indicator.base) == 2:
            v[key] = pct(v[indicator.base[0]], v[indicator.base[1]])
    hours = Decimal(str(v.get("_hours") or 0)) + Decimal(str(v.get("_imported_hours") or 0))
    v["hours_worked"] = _round(hours, "0.1")
    year_share = Decimal(period.days) / Decimal(365)
    etp = _etp_hours(v) / year_share
    v["etp_achieved"] = _round(etp, "0.01")
    v["etp_conventioned"] = _round(v.get("etp_conventioned") or 0, "0.01")
    # No hour entered at all while people are in the workshop: the rate is not 0 %, the hours are missing.
    v["_hours_missing"] = not hours and bool(v["in_pathway"] or v["entrants"])
    v["occupation_rate"] = None if v["_hours_missing"] else pct(v["etp_achieved"], v["etp_conventioned"])
    count = v.get("_exit_days_count") or 0  # the raw tables and the summaries give a sum and a number of days
    v["mean_days_in_pathway"] = Decimal(v.get("_exit_days_sum") or 0) / count if count else None
    for key in ("median_days_in_pathway", "mean_days_in_pathway", "median_days_classification_to_assignment"):
        v[key] = _round(v.get(key), "0.1")
    return v


def _parts(period: Period, raw: bool) -> list:
    """The queries of a period: from the monthly summaries for whole months (unless ``raw``), else the raw tables."""
    if not raw and period.whole_months:
        parts = [_summaries, _durations, _annexes]
    else:
        parts = [_sessions, _pathways, _events, _annexes, _follow_ups]
    if connection.vendor != "postgresql":
        parts.append(_medians)
    return parts


def _counted(programmes, period: Period, by: str | None, raw: bool) -> dict:
    """{group key: the raw counts and sums of the group} (not yet finished into indicators)."""
    merged: dict = {}
    for part in _parts(period, raw):
        for group_key, values in part(programmes, period, by).items():
            merged.setdefault(group_key, {}).update(values)
    return merged  # with, when grouped, the whole scope's values that do not add up under ALL


# What a total cannot take from the sum of its groups: the medians, and the ETP conventioned (an annex shared by
# two groups counts in each of them, and once in their total).
NOT_ADDED = ("median_days_in_pathway", "median_days_classification_to_assignment", "etp_conventioned")


def compute_with_total(programmes, period: Period, by: str, *, raw: bool = False) -> tuple[dict, dict]:
    """(the totals, {group key: indicators}): what ``totals`` and ``compute(..., by=by)`` give, with the queries of
    the groups only, and one more for what does not add up (NOT_ADDED: the medians; the ETP conventioned comes with
    the groups' own annex rows, each annex once). Every programme is in exactly one group, so
    the counts and sums of the total are those of its groups added together."""
    groups = _counted(programmes, period, by, raw)
    total: dict = groups.pop(ALL, {})  # the ETP conventioned, each annex once
    for values in groups.values():
        for name, value in values.items():
            if name in NOT_ADDED:
                continue
            if total.get(name) is None:
                total[name] = value
            elif value is not None:
                total[name] += value
    for part in (_durations, *([] if connection.vendor == "postgresql" else [_medians])):
        total.update({name: value for name, value in part(programmes, period, None).get(None, {}).items()
                      if name in NOT_ADDED})
    return _finish(total, period), {key: _finish(values, period) for key, values in groups.items()}


def compute(programmes, period: Period, by: str | None = None, *, raw: bool = False) -> dict:
    """{group key: {indicator key: value}} for the programmes (a queryset) and the period; ``by`` is a Programme
    field path (scopes.GROUPINGS) or None for the whole scope (the single key None). A period of whole months
    reads the monthly summaries (dashboards.summaries), unless ``raw``; any other, the raw tables: the same
    figures either way (tests/dashboards/test_summaries.py)."""
    merged = _counted(programmes, period, by, raw)
    merged.pop(ALL, None)
    if by is None:
        merged.setdefault(None, {})
    return {group_key: _finish(raw, period) for group_key, raw in merged.items()}


def nothing(period: Period) -> dict:
    """The indicators of a group with nothing to count (what compute() gives for no programme, without building
    its queries)."""
    return _finish({}, period)


def totals(programmes, period: Period, *, raw: bool = False) -> dict:
    return compute(programmes, period, raw=raw)[None]


# The outcome categories, in the order of the catalogue (the outcomes chart and table).
OUTCOME_KEYS = [f"outcome_{outcome.lower()}" for outcome in Outcome.values]
# The exit reasons, which add up to the exits.
REASON_KEYS = ["returns_to_ordinary_detention", "releases", *OTHER_EXIT_REASONS]


# --- Cohorts, trends, funding ---------------------------------------------------------------------------


def cohorts(programmes, period: Period) -> list[dict]:
    """Per recruitment session of the period: candidates, selected, entered, exits, outcomes, still in, as they
    stood at the end of the period (a later exit does not change a past period's table)."""
    entered = Q(pathways__decision=SessionDecision.SELECTED, pathways__contract_start__isnull=False,
                pathways__contract_start__lte=period.end)
    exited = Q(pathways__status=PathwayStatus.EXITED, pathways__exit_on__lte=period.end)
    rows = (RecruitmentSession.objects.filter(programme__in=programmes).filter(_between("date", period))
            .order_by("date", "programme__code")
            .values("pk", "date", "programme__code")
            .annotate(candidates=Count("pathways"),
                      selected=Count("pathways", filter=Q(pathways__decision=SessionDecision.SELECTED)),
                      # Among the selected: the funnel narrows step by step (never above 100 %).
                      entrants=Count("pathways", filter=entered),
                      exits=Count("pathways", filter=exited),
                      returns_to_ordinary_detention=Count("pathways", filter=exited & Q(
                          pathways__exit_reason=ExitReason.RETURN_ORDINARY_DETENTION)),
                      outcome_dynamic=Count("pathways", filter=exited & Q(pathways__outcome__in=DYNAMIC_OUTCOMES)),
                      in_pathway=Count("pathways", filter=entered & ~exited)))
    return [dict(row) for row in rows]


COHORT_PEOPLE = ["candidates", "selected", "entrants", "exits", "returns_to_ordinary_detention",
                 "outcome_dynamic", "in_pathway"]


def trends(programmes, period: Period, *, raw: bool = False) -> list[dict]:
    """Per calendar quarter of the period: entrants, exits by outcome and the exit rates."""
    if not raw and period.whole_months:
        entries, exits = _summaries_by_quarter(programmes, period)
    else:
        base = Pathway.objects.filter(programme__in=programmes).order_by()
        entries = dict(base.filter(_between("contract_start", period))
                       .annotate(quarter=TruncQuarter("contract_start")).values("quarter")
                       .annotate(n=Count("pk")).values_list("quarter", "n"))
        exits = {row.pop("quarter"): row for row in
                 base.filter(Q(status=PathwayStatus.EXITED) & _between("exit_on", period))
                 .annotate(quarter=TruncQuarter("exit_on")).values("quarter")
                 .annotate(exits=Count("pk"),
                           **{f"outcome_{o.lower()}": Count("pk", filter=Q(outcome=o)) for o in Outcome.values})}
    series = []
    for quarter in period.quarters():
        row = {"quarter": quarter, "entrants": _at(entries, quarter.start) or 0}
        counts = _at(exits, quarter.start) or {}
        row["exits"] = counts.get("exits", 0)
        for outcome in Outcome.values:
            row[f"outcome_{outcome.lower()}"] = counts.get(f"outcome_{outcome.lower()}", 0)
        denominator = row["exits"] - row["outcome_neutralised"]
        row["rate_dynamic_exits"] = pct(sum(row[f"outcome_{o.lower()}"] for o in DYNAMIC_OUTCOMES), denominator)
        row["rate_employment"] = pct(sum(row[f"outcome_{o.lower()}"] for o in EMPLOYMENT_OUTCOMES), denominator)
        series.append(row)
    return series


def _at(mapping: dict, day: datetime.date):
    """TruncQuarter gives a date on PostgreSQL (with a date column) and on SQLite; be lenient with datetimes."""
    for key, value in mapping.items():
        if key is not None and (key.date() if isinstance(key, datetime.datetime) else key) == day:
            return value
    return None


def funding(programmes, period: Period) -> list[dict]:
    """Amounts by year and funder for the years the period touches."""
    rows = (FundingLine.objects.filter(programme__in=programmes, year__gte=period.start.year,
                                       year__lte=period.end.year)
            .order_by("year", "funder").values("year", "funder").annotate(amount=Sum("amount")))
    labels = dict(Funder.choices)
    return [{"year": row["year"], "funder": row["funder"], "funder_label": str(labels.get(row["funder"], "")),
             "amount": row["amount"]} for row in rows]

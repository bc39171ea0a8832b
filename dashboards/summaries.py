"""The monthly summaries (dashboards.models.MonthlySummary): computed from the raw tables, never incremented.

``refresh(programme_ids, months)`` recomputes the rows of those programmes and months (every month when ``months``
is None) from the raw tables and replaces them, inside the caller's transaction. The receivers below call it on
every save and delete of the models that feed the figures (dashboards.apps connects them); writes that send no
signal (bulk statements, COPY, ``.update()``) must call it themselves, or be followed by ``rebuild_summaries``.

What a row of (programme P, month M) counts, each from the raw tables exactly as dashboards.indicators does:
- ``sessions``: P's recruitment sessions whose selection board is in M;
- ``candidates``, ``selected``: P's pathways whose session's board is in M (and of them, those selected);
- ``entrants`` and the profile counts (``women``, age bands, ``rsa``… ``imported_hours``, ``imported_pmsmp``):
  P's pathways whose entry into the workshop (contract start) is in M;
- ``closed``: P's pathways with an entry and an exit date, the later of the two in M (the stock at the end of a
  month is every entry up to it less every pathway closed up to it);
- the exits by reason and outcome, the releases, ``exit_days_*`` (for the mean), the follow-ups reached:
  P's exited pathways whose exit is in M;
- ``hours``, ``pmsmp``, ``trainings``, ``cip_interviews``: the timeline entries of P's pathways dated in M.
"""

import datetime
import logging
import random
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

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
from participants.models import AccompanimentEvent, FollowUp, Participant, Pathway, RecruitmentSession

from .models import COUNT_FIELDS, HOURS_FIELDS, MonthlySummary

logger = logging.getLogger(__name__)

FOLLOW_UP_MILESTONES = (6, 12)
DYNAMIC = {Outcome.DURABLE, Outcome.TRANSITION, Outcome.POSITIVE}
EMPLOYMENT = {Outcome.DURABLE, Outcome.TRANSITION}
EXIT_REASON_FIELDS = {ExitReason.TRANSFER: "exits_transfer", ExitReason.RESIGNATION: "exits_resignation",
                      ExitReason.TERMINATION: "exits_termination", ExitReason.HEALTH: "exits_health",
                      ExitReason.OTHER: "exits_other_reason",
                      ExitReason.RETURN_ORDINARY_DETENTION: "returns_to_ordinary_detention"}
EVENT_KINDS = {EventKind.HOURS_WORKED, EventKind.PMSMP, EventKind.TRAINING, EventKind.CIP_INTERVIEW}
PROFILE_FIELDS = ["sex", "rsa", "ass", "aah", "jobseeker", "education_level", "rqth"]
PATHWAY_VALUES = ["programme_id", "contract_start", "exit_on", "status", "exit_reason", "outcome", "job_contract",
                  "session__date", "decision", "age_at_entry", "imported_hours_worked", "imported_pmsmp",
                  *[f"participant__{name}" for name in PROFILE_FIELDS]]


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _in_months(field: str, months) -> Q:
    """``field`` falls in one of ``months`` (first days); everything when ``months`` is None."""
    if months is None:
        return Q()
    condition = Q(pk__in=[])
    for month in sorted(months):
        condition |= Q(**{f"{field}__gte": month, f"{field}__lt": month + relativedelta(months=1)})
    return condition


def _empty() -> dict:
    return {**{name: 0 for name in COUNT_FIELDS}, **{name: Decimal(0) for name in HOURS_FIELDS}}


def _follow_up_flags():
    reached = FollowUp.objects.filter(pathway=OuterRef("pk"), reached=True)
    flags = {}
    for months in FOLLOW_UP_MILESTONES:
        flags[f"fu{months}_reached"] = Exists(reached.filter(milestone=months))
        flags[f"fu{months}_dynamic"] = Exists(reached.filter(milestone=months, situation__in=sorted(DYNAMIC)))
    return flags


def _add_pathway(rows, pathway: dict, keep) -> None:
    """Adds one pathway's contributions to the rows of the months it touches (``keep(programme, month)``)."""
    programme = pathway["programme_id"]

    def row(day):
        key = (programme, first_of_month(day))
        return rows[key] if keep(*key) else None

    if pathway["session__date"] and (r := row(pathway["session__date"])):
        r["candidates"] += 1
        r["selected"] += pathway["decision"] == SessionDecision.SELECTED
    start, exit_on = pathway["contract_start"], pathway["exit_on"]
    if start and (r := row(start)):
        age = pathway["age_at_entry"]
        r["entrants"] += 1
        r["women"] += pathway["participant__sex"] == Sex.F
        r["age_under_26"] += age is not None and age < 26
        r["age_50_plus"] += age is not None and age >= 50
        r["rsa"] += pathway["participant__rsa"]
        r["benefits"] += pathway["participant__rsa"] or pathway["participant__ass"] or pathway["participant__aah"]
        r["deld"] += pathway["participant__jobseeker"] in (JobseekerDuration.DELD, JobseekerDuration.DETLD)
        r["low_education"] += pathway["participant__education_level"] in (EducationLevel.NONE, EducationLevel.LEVEL_3)
        r["rqth"] += pathway["participant__rqth"]
        r["imported_hours"] += pathway["imported_hours_worked"] or 0
        r["imported_pmsmp"] += pathway["imported_pmsmp"] or 0
    if start and exit_on and (r := row(max(start, exit_on))):
        r["closed"] += 1
    if pathway["status"] == PathwayStatus.EXITED and exit_on and (r := row(exit_on)):
        reason, outcome = pathway["exit_reason"], pathway["outcome"]
        r["exits"] += 1
        if reason in EXIT_REASON_FIELDS:
            r[EXIT_REASON_FIELDS[reason]] += 1
        if outcome in Outcome.values:
            r[f"outcome_{outcome.lower()}"] += 1
        if start:
            r["exit_days_sum"] += (exit_on - start).days
            r["exit_days_count"] += 1
        if reason in RELEASE_REASONS:
            r["releases"] += 1
            r["releases_with_adjustment"] += reason == ExitReason.RELEASE_ADJUSTMENT
            r["releases_dynamic"] += outcome in DYNAMIC
            r["release_denominator"] += outcome != Outcome.NEUTRALISED
            r["release_employment"] += outcome in EMPLOYMENT
            r["release_durable"] += outcome == Outcome.DURABLE
            r["release_cddi"] += pathway["job_contract"] == JobContract.CDDI
            for months in FOLLOW_UP_MILESTONES:
                r[f"follow_up_{months}_reached"] += pathway[f"fu{months}_reached"]
                r[f"follow_up_{months}_dynamic"] += pathway[f"fu{months}_dynamic"]


# Which columns each source gives: a write to one source recomputes its own columns only.
EVENT_FIELDS = ["hours", "pmsmp", "trainings", "cip_interviews"]
PARTS = {"sessions": ["sessions"], "events": EVENT_FIELDS,
         "pathways": [name for name in [*COUNT_FIELDS, *HOURS_FIELDS] if name not in ("sessions", *EVENT_FIELDS)]}


def compute_rows(programme_ids, months=None, parts=tuple(PARTS)) -> dict:
    """{(programme id, month): {column: value}} recomputed from the raw tables, for every pair of those programmes
    and months (every programme, every month when None), for the columns of ``parts``; rows with nothing to count
    are left out."""
    programme_ids = set(programme_ids) if programme_ids is not None else None
    months = set(months) if months is not None else None

    def keep(programme, month):
        return (programme_ids is None or programme in programme_ids) and (months is None or month in months)

    def of(queryset, field):
        return queryset if programme_ids is None else queryset.filter(**{f"{field}__in": programme_ids})

    rows = defaultdict(_empty)
    if "pathways" in parts:
        pathways = of(Pathway.objects.order_by(), "programme_id").filter(
            _in_months("contract_start", months) | _in_months("exit_on", months)
            | _in_months("session__date", months)).annotate(**_follow_up_flags())
        for pathway in pathways.values(*PATHWAY_VALUES, *_follow_up_flags()).iterator(chunk_size=5000):
            _add_pathway(rows, pathway, keep)
    if "sessions" in parts:
        sessions = (of(RecruitmentSession.objects.order_by(), "programme_id").filter(_in_months("date", months))
                    .annotate(month=TruncMonth("date")).values("programme_id", "month").annotate(n=Count("pk")))
        for session in sessions:
            rows[(session["programme_id"], _as_date(session["month"]))]["sessions"] = session["n"]
    if "events" in parts:
        events = (of(AccompanimentEvent.objects.order_by(), "pathway__programme_id")
                  .filter(_in_months("on", months), kind__in=sorted(EVENT_KINDS))
                  .annotate(month=TruncMonth("on")).values("pathway__programme_id", "month")
                  .annotate(hours=Sum("hours", filter=Q(kind=EventKind.HOURS_WORKED)),
                            pmsmp=Count("pk", filter=Q(kind=EventKind.PMSMP)),
                            trainings=Count("pk", filter=Q(kind=EventKind.TRAINING)),
                            cip_interviews=Count("pk", filter=Q(kind=EventKind.CIP_INTERVIEW))))
        for event in events:
            row = rows[(event["pathway__programme_id"], _as_date(event["month"]))]
            row["hours"] = Decimal(str(event["hours"] or 0))
            for name in ("pmsmp", "trainings", "cip_interviews"):
                row[name] = event[name]
    return {key: {name: (int(value) if name in COUNT_FIELDS else value) for name, value in values.items()}
            for key, values in rows.items() if any(values.values())}


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def stored_rows(programme_ids=None, months=None) -> dict:
    """The summaries as stored, in the same form as compute_rows()."""
    queryset = MonthlySummary.objects.order_by()
    if programme_ids is not None:
        queryset = queryset.filter(programme_id__in=set(programme_ids))
    if months is not None:
        queryset = queryset.filter(month__in=set(months))
    return {(row.pop("programme_id"), row.pop("month")): row
            for row in queryset.values("programme_id", "month", *COUNT_FIELDS, *HOURS_FIELDS)}


def refresh(programme_ids, months=None, parts=tuple(PARTS)) -> None:
    """Recomputes the summaries of those programmes and months (all months when None) from the raw tables, in the
    current transaction: the columns of ``parts`` (by default all) of each row, the row created when missing."""
    programme_ids = {pk for pk in programme_ids if pk is not None}
    months = {first_of_month(month) for month in months if month is not None} if months is not None else None
    if not programme_ids or months == set():
        return
    with transaction.atomic(savepoint=False):
        _lock(programme_ids)
        rows = compute_rows(programme_ids, months, parts)
        if months is None or set(parts) == set(PARTS):
            stale = MonthlySummary.objects.filter(programme_id__in=programme_ids)
            if months is not None:
                stale = stale.filter(month__in=months)
            stale.delete()
            MonthlySummary.objects.bulk_create(
                [MonthlySummary(programme_id=programme, month=month, **values)
                 for (programme, month), values in sorted(rows.items())], batch_size=1000)
            return
        # Only some columns: each row updated in place; a missing row had every other column at 0.
        fields = [name for part in parts for name in PARTS[part]]
        for programme in sorted(programme_ids):
            for month in sorted(months):
                values = rows.get((programme, month)) or _empty()
                updated = MonthlySummary.objects.filter(programme_id=programme, month=month).update(
                    **{name: values[name] for name in fields})
                if not updated and any(values[name] for name in fields):
                    MonthlySummary.objects.create(programme_id=programme, month=month,
                                                  **{name: values[name] for name in fields})


def _lock(programme_ids) -> None:
    """One writer of a programme's summaries at a time, until its transaction ends: a second one waits here, then
    computes from what the first committed (PostgreSQL's read committed: each statement sees the last commits).
    FOR NO KEY UPDATE: new rows may still point at the programme meanwhile."""
    from programmes.models import Programme

    programmes = Programme.objects.select_for_update(no_key=True).order_by("pk")
    if programme_ids is not None:
        programmes = programmes.filter(pk__in=programme_ids)
    list(programmes.values_list("pk", flat=True))


def rebuild() -> int:
    """Every summary recomputed from the raw tables; the number of rows written."""
    with transaction.atomic():
        _lock(None)
        rows = compute_rows(None)
        MonthlySummary.objects.all().delete()
        MonthlySummary.objects.bulk_create(
            [MonthlySummary(programme_id=programme, month=month, **values)
             for (programme, month), values in sorted(rows.items())], batch_size=2000)
    return len(rows)


def differences(programme_ids=None, months=None) -> list[tuple]:
    """(programme id, month, column, stored, recomputed) for every stored value that differs from the raw
    tables (no personal data: ids, months and counts)."""
    stored, computed = stored_rows(programme_ids, months), compute_rows(programme_ids, months)
    empty = _empty()
    found = []
    for key in sorted(set(stored) | set(computed)):
        before, after = stored.get(key, empty), computed.get(key, empty)
        for name in [*COUNT_FIELDS, *HOURS_FIELDS]:
            if before[name] != after[name]:
                found.append((*key, name, before[name], after[name]))
    return found


# --- The receivers: which (programme, month) rows a write touches ---------------------------------------------


def _pathway_keys(condition: Q) -> set:
    keys = set()
    for programme, *days in Pathway.objects.filter(condition).order_by().values_list(
            "programme_id", "contract_start", "exit_on", "session__date"):
        keys |= {(programme, first_of_month(day)) for day in days if day}
    return keys


def _cached(instance, name: str):
    """A related object already loaded on ``instance`` (no query), else None."""
    return instance._state.fields_cache.get(name)


def keys_of(sender, instance, *, as_saved: bool = False) -> set:
    """The (programme, month) rows that depend on ``instance``: as the database holds it, or, ``as_saved``, as the
    instance itself says once saved (without a query when its relations are loaded)."""
    if instance.pk is None:
        return set()
    if sender is Pathway:
        session = _cached(instance, "session")
        if as_saved and (instance.session_id is None or session is not None):
            days = [instance.contract_start, instance.exit_on, session.date if session else None]
            return {(instance.programme_id, first_of_month(day)) for day in days if day}
        return _pathway_keys(Q(pk=instance.pk))
    if sender is RecruitmentSession:
        keys = _pathway_keys(Q(session=instance.pk))
        row = RecruitmentSession.objects.filter(pk=instance.pk).values_list("programme_id", "date").first()
        return keys | ({(row[0], first_of_month(row[1]))} if row else set())
    if sender is AccompanimentEvent:
        pathway = _cached(instance, "pathway")
        if as_saved and pathway is not None:
            return {(pathway.programme_id, first_of_month(instance.on))} if instance.kind in EVENT_KINDS else set()
        row = (AccompanimentEvent.objects.filter(pk=instance.pk, kind__in=sorted(EVENT_KINDS))
               .values_list("pathway__programme_id", "on").first())
        return {(row[0], first_of_month(row[1]))} if row else set()
    if sender is FollowUp:
        return _pathway_keys(Q(follow_ups=instance.pk))
    if sender is Participant:
        return _pathway_keys(Q(participant=instance.pk, contract_start__isnull=False))
    return set()


# The columns a write to each model can change.
PARTS_OF = {Pathway: ("pathways",), RecruitmentSession: ("sessions", "pathways"), AccompanimentEvent: ("events",),
            FollowUp: ("pathways",), Participant: ("pathways",)}


def _profile(instance) -> tuple:
    return tuple(getattr(instance, name) for name in PROFILE_FIELDS)


def _before(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding:
        instance._summary_keys = set()
        return
    if sender is Participant:  # only its profile counts: nothing to do when it does not change
        old = Participant.objects.filter(pk=instance.pk).values_list(*PROFILE_FIELDS).first()
        if old == _profile(instance):
            instance._summary_keys = None
            return
    if sender is AccompanimentEvent and instance.kind not in EVENT_KINDS:
        old_kind = AccompanimentEvent.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()
        if old_kind not in EVENT_KINDS:  # neither before nor after an item the indicators count
            instance._summary_keys = set()
            return
    instance._summary_keys = keys_of(sender, instance)


def _after_save(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_summary_keys", set())
    instance._summary_keys = set()
    if before is None:  # a participant whose profile did not change
        return
    if sender is Participant and created:
        return
    _refresh_keys(before | keys_of(sender, instance, as_saved=True), PARTS_OF[sender])


# A deletion that cascades (a pathway and its timeline, a participant and their pathways) sends a signal per row:
# the rows it touches are gathered under the deletion's origin and refreshed once, when the origin itself goes
# (Django deletes the dependent rows first).
_PENDING: dict = {}


def _cascaded(sender, instance, origin) -> bool:
    if origin is None or origin is instance:
        return False
    return not (isinstance(origin, QuerySet) and origin.model is sender)


def _before_delete(sender, instance, origin=None, **kwargs):
    if not _cascaded(sender, instance, origin):
        instance._summary_keys = keys_of(sender, instance)
        return
    pending = _PENDING.setdefault(id(origin), {"keys": set(), "programmes": {}})
    if sender is AccompanimentEvent:
        if instance.kind in EVENT_KINDS:
            programmes = pending["programmes"]
            if instance.pathway_id not in programmes:
                programmes[instance.pathway_id] = (Pathway.objects.filter(pk=instance.pathway_id)
                                                   .values_list("programme_id", flat=True).first())
            pending["keys"].add((programmes[instance.pathway_id], first_of_month(instance.on)))
    elif sender is not FollowUp:  # a follow-up goes with its pathway, whose rows are refreshed
        pending["keys"] |= keys_of(sender, instance)


def _after_delete(sender, instance, origin=None, **kwargs):
    keys = getattr(instance, "_summary_keys", None) or set()
    parts = PARTS_OF[sender]
    if not _cascaded(sender, instance, origin):
        pending = _PENDING.pop(id(origin), None)
        if pending:
            keys, parts = keys | pending["keys"], tuple(PARTS)
    _refresh_keys(keys, parts)


# Inside ``deferred()``: the programmes written to, refreshed once when the block ends.
_DEFERRED: ContextVar[set | None] = ContextVar("summaries_deferred", default=None)


@contextmanager
def deferred():
    """For a load that writes thousands of rows (load_demo): inside the block the receivers only note which
    programmes were written to; when it ends, every month of those programmes is recomputed at once, in the same
    transaction as the load. The figures are the same as row by row, at a fraction of the cost."""
    if _DEFERRED.get() is not None:  # already inside a deferred block: the outer one refreshes
        yield
        return
    token = _DEFERRED.set(set())
    try:
        with transaction.atomic():
            yield
            refresh(_DEFERRED.get(), None)
    finally:
        _DEFERRED.reset(token)


def _refresh_keys(keys: set, parts=tuple(PARTS)) -> None:
    pending = _DEFERRED.get()
    if pending is not None:
        pending.update(programme for programme, _month in keys)
        return
    by_programme = defaultdict(set)
    for programme, month in keys:
        by_programme[programme].add(month)
    if len(by_programme) > 1:  # every programme locked at once, in order (no deadlock between two writers)
        with transaction.atomic(savepoint=False):
            _lock(set(by_programme))
            for programme, months in sorted(by_programme.items()):
                refresh({programme}, months, parts)
        return
    for programme, months in by_programme.items():
        refresh({programme}, months, parts)


SOURCES = tuple(PARTS_OF)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    for model in SOURCES:
        label = model._meta.label
        pre_save.connect(_before, sender=model, dispatch_uid=f"summaries_pre_save_{label}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"summaries_post_save_{label}")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"summaries_pre_delete_{label}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"summaries_post_delete_{label}")


# --- The nightly check ----------------------------------------------------------------------------------------


def check_sample(*, programmes: int = 20, seed=None) -> list[tuple]:
    """Recomputes the summaries of a random sample of programmes (every month) from the raw tables; logs an
    error for each difference (ids, months and counts only) and returns them."""
    from programmes.models import Programme

    ids = list(Programme.objects.order_by("pk").values_list("pk", flat=True))
    sample = random.Random(seed).sample(ids, min(programmes, len(ids)))
    found = differences(sample) if sample else []
    for programme, month, name, stored, computed in found[:50]:
        logger.error("Résumés des tableaux de bord : programme %s, %s, %s = %s, recalculé %s", programme,
                     month.isoformat(), name, stored, computed)
    if found:
        logger.error("Résumés des tableaux de bord : %d écart(s) sur %d programme(s) vérifiés ; lancez "
                     "`manage.py rebuild_summaries --wet-run`.", len(found), len(sample))
    else:
        logger.info("Résumés des tableaux de bord : %d programme(s) vérifiés, aucun écart.", len(sample))
    return found

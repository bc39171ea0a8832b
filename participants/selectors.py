"""Reads on participants and pathways, always for a viewer: every query starts from access.scope.

List selectors take the filters of their page as keyword arguments (the filter form's field names) and
return querysets whose rows need no further query (select_related, annotations): the list pages and their
exports run a fixed number of queries whatever the number of rows.
"""

import datetime
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from access import permissions, scope
from core.search import fold
from documents import selectors as document_selectors

from . import rules, services
from .enums import (
    ENTERED_STATUSES,
    OPEN_STATUSES,
    RELEASE_REASONS,
    ContractKind,
    EventKind,
    FollowUpMilestone,
    PathwayStatus,
    Transition,
)
from .models import AccompanimentEvent, FollowUp, ImportJob, Participant, Pathway, PathwayLog, RecruitmentSession

# The order of the pathway, for sorting by status: candidacy first, exits last.
STATUS_ORDER = [
    PathwayStatus.CANDIDATE, PathwayStatus.SELECTED, PathwayStatus.CLASSIFIED, PathwayStatus.ASSIGNED,
    PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED, PathwayStatus.EXITED, PathwayStatus.NOT_SELECTED,
    PathwayStatus.NOT_CLASSIFIED, PathwayStatus.WITHDRAWN,
]
RELEASE_WITHIN_DAYS = (30, 60, 90, 180)
MILESTONES = [milestone.value for milestone in FollowUpMilestone]

# ?tri= on the caseload: the only orderings accepted (anything else falls back to the name).
CASELOAD_SORTS = {
    "nom": ["last_name", "first_names", "pk"],
    "-nom": ["-last_name", "-first_names", "-pk"],
    "liberation": [F("expected_release_date").asc(nulls_last=True), "last_name", "first_names", "pk"],
    "-liberation": [F("expected_release_date").desc(nulls_last=True), "last_name", "first_names", "pk"],
    "statut": [F("current_status_rank").asc(nulls_last=True), "last_name", "first_names", "pk"],
    "-statut": [F("current_status_rank").desc(nulls_last=True), "last_name", "first_names", "pk"],
}
DEFAULT_CASELOAD_SORT = "nom"


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _status_rank():
    """A pathway's status as its place in STATUS_ORDER (the caseload's sort by status)."""
    return Case(*[When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_ORDER)],
                output_field=IntegerField())


# --- Follow-ups after release -------------------------------------------------------------------------


def released_on_or_before_for_due(today: datetime.date, milestone: int) -> datetime.date:
    """The latest release date whose +``milestone`` months follow-up (services.follow_up_due_on) is due on
    ``today``: "release + N months <= today", turned into a date to compare the release with.

    Adding months clips to the end of the month (31 August + 6 months = 28 February), so on the last day of a
    month every release up to the end of the month N months before is due.
    """
    back = today - relativedelta(months=milestone)
    if (today + datetime.timedelta(days=1)).month != today.month:
        back += relativedelta(day=31)
    return back


def follow_up_due_condition(today: datetime.date, prefix: str = "") -> Q:
    """Pathways exited by a release with a +3, +6 or +12 months follow-up due and not recorded."""
    condition = Q()
    for milestone in MILESTONES:
        recorded = FollowUp.objects.filter(pathway=OuterRef(f"{prefix}pk"), milestone=milestone)
        condition |= Q(**{f"{prefix}exit_on__lte": released_on_or_before_for_due(today, milestone)}) & ~Q(
            Exists(recorded))
    return Q(**{f"{prefix}status": PathwayStatus.EXITED, f"{prefix}exit_reason__in": list(RELEASE_REASONS)}) & (
        condition)


def pathways_with_follow_up_due_for(*, user, today: datetime.date | None = None) -> QuerySet[Pathway]:
    """The viewer's pathways with a follow-up after release to record (for the caseload and the alerts)."""
    return scope.pathways_for(user).filter(follow_up_due_condition(_today(today)))


# --- Caseload -----------------------------------------------------------------------------------------


def _visible_pathways(user, programme=None) -> QuerySet[Pathway]:
    pathways = scope.pathways_for(user)
    return pathways.filter(programme=programme) if programme else pathways


class CaseloadQuerySet(QuerySet):
    """A caseload whose pages (slices after the first) are read in one query of two steps: the page's people chosen
    and sorted without the columns' subqueries, then those subqueries for the page's rows only. PostgreSQL computes
    the columns of every row that ``OFFSET`` drops: the last page of a caseload of 1 818 people took 109 ms."""

    def __getitem__(self, k):
        if not isinstance(k, slice) or not k.start or self._result_cache is not None:
            return super().__getitem__(k)
        return self.filter(pk__in=super().__getitem__(k).values("pk"))  # the sort's columns only, in the subquery


def caseload_for(*, user, q: str = "", programme=None, status: str = "", release_within: int | None = None,
                 follow_up_due: bool = False, tri: str = "", today: datetime.date | None = None
                 ) -> QuerySet[Participant]:
    """The participants a user follows, with their current pathway (the latest they may see, in ``programme``
    when one is chosen) annotated: ``current_status``, ``current_programme_code``, ``has_follow_up_due`` (and
    ``current_status_rank`` when sorted by status).

    Each annotation is a subquery that PostgreSQL plans and runs for each row it returns: only those the page shows
    or sorts by (issue 19 §1). A page after the first is read in two steps (CaseloadQuerySet).
    """
    today = _today(today)
    latest = _visible_pathways(user, programme).filter(participant=OuterRef("pk")).order_by("-created_at", "-pk")
    due = pathways_with_follow_up_due_for(user=user, today=today).filter(participant=OuterRef("pk"))
    annotations = {
        "current_status": Subquery(latest.values("status")[:1]),
        "current_programme_code": Subquery(latest.values("programme__code")[:1]),
        "has_follow_up_due": Exists(due),
    }
    if tri in ("statut", "-statut"):
        # ranked inside the subquery: a CASE over the annotation above would repeat its subquery in each WHEN
        annotations["current_status_rank"] = Subquery(latest.annotate(rank=_status_rank()).values("rank")[:1])
    qs = scope.participants_for(user).select_related("establishment", "quartier", "counsellor").annotate(**annotations)
    if programme:
        qs = qs.filter(pk__in=_visible_pathways(user, programme).values("participant"))
    if q:
        qs = qs.filter(person_match(q))
    if status:
        qs = qs.filter(current_status=status)
    if release_within:
        qs = qs.filter(expected_release_date__gte=today,
                       expected_release_date__lte=today + datetime.timedelta(days=release_within))
    if follow_up_due:
        qs = qs.filter(has_follow_up_due=True)
    qs = qs.order_by(*CASELOAD_SORTS.get(tri, CASELOAD_SORTS[DEFAULT_CASELOAD_SORT]))
    return CaseloadQuerySet(model=qs.model, query=qs.query, using=qs.db)


def person_match(q: str, prefix: str = "") -> Q:
    """A person searched by name, first name or écrou (issue 18, §1): each word of the term in the last name or the
    first names, case, accents, spaces, hyphens and apostrophes ignored (core.search: "saidi" finds "SAÏDI", "jean
    pierre" finds "Jean-Pierre"); or the term as an écrou (part of it, or the same number written otherwise)."""
    words = [fold(word) for word in q.split()]
    names = Q()
    for word in filter(None, words):
        names &= (Q(**{f"{prefix}search_last_name__contains": word})
                  | Q(**{f"{prefix}search_first_names__contains": word}))
    match = Q(**{f"{prefix}ecrou__icontains": q.strip()})
    if any(words):
        match |= names
    if key := rules.ecrou_key(q):
        match |= Q(**{f"{prefix}ecrou_key": key})
    return match


def participant_detail_for(*, user) -> QuerySet[Participant]:
    return scope.participants_for(user).select_related("establishment", "quartier", "counsellor")


# --- Pathways -----------------------------------------------------------------------------------------


def _with_totals(qs: QuerySet[Pathway]) -> QuerySet[Pathway]:
    """Hours worked (months entered on the timeline, plus a total carried by an import) and PMSMP count."""
    decimal = DecimalField(max_digits=9, decimal_places=1)
    return qs.annotate(
        hours_entered=Coalesce(Sum("events__hours", filter=Q(events__kind=EventKind.HOURS_WORKED)),
                               Value(0), output_field=decimal),
        pmsmp_entered=Count("events", filter=Q(events__kind=EventKind.PMSMP)),
    ).annotate(
        hours_total=F("hours_entered") + Coalesce("imported_hours_worked", Value(0), output_field=decimal),
        pmsmp_total=F("pmsmp_entered") + Coalesce("imported_pmsmp", Value(0)),
    )


def pathway_list_for(*, user, q: str = "", programme=None, status: str = "", exit_reason: str = "",
                     outcome: str = "") -> QuerySet[Pathway]:
    qs = _with_totals(
        scope.pathways_for(user).select_related("participant", "programme__siae", "session")
    )
    if q:
        qs = qs.filter(person_match(q, "participant__"))
    if programme:
        qs = qs.filter(programme=programme)
    if status:
        qs = qs.filter(status=status)
    if exit_reason:
        qs = qs.filter(exit_reason=exit_reason)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.order_by("participant__last_name", "participant__first_names", "programme__code", "-created_at")


def pathway_detail_for(*, user) -> QuerySet[Pathway]:
    return scope.pathways_for(user).select_related(
        "participant__establishment", "participant__quartier", "participant__counsellor", "programme__siae",
        "programme__establishment", "session",
    )


# --- Participants, pathways, their timeline and follow-ups: one way in each ---------------------------------
# Each view fetches its object here: 404 outside the user's scope (access.scope), then whether the user may edit
# it (access.permissions: the role and the object's own rules), for the view's 403 (permissions.require).


def get_participant_for(user, pk) -> tuple[Participant, bool]:
    """The participant (establishment, quartier and counsellor joined) or 404 outside the user's scope, and whether
    the user may edit their record."""
    participant = get_object_or_404(participant_detail_for(user=user), pk=pk)
    return participant, permissions.may_edit(user, participant)


def get_pathway_for(user, pk) -> tuple[Pathway, bool]:
    """The pathway (participant, programme and session joined) or 404 outside the user's scope, and whether the user
    may move it on (its steps)."""
    pathway = get_object_or_404(pathway_detail_for(user=user), pk=pk)
    return pathway, permissions.may_edit(user, pathway)


def get_accompaniment_event_for(user, pk) -> tuple[AccompanimentEvent, bool]:
    """An item of a pathway's timeline (its pathway joined) or 404 outside the user's scope, and whether the user may
    change it (remove it)."""
    event = get_object_or_404(scope.accompaniment_events_for(user).select_related("pathway", "recorded_by"), pk=pk)
    return event, permissions.may_edit(user, event)


def get_follow_up_for(user, pathway_pk, milestone: int) -> tuple[Pathway, FollowUp | None, bool]:
    """The follow-up of a pathway at +3, +6 or +12 months: the pathway (as get_pathway_for) or 404, its record at that
    milestone (None while nothing is recorded), and whether the user may record it. Another milestone: 404."""
    if milestone not in FollowUpMilestone.values:
        raise Http404
    pathway, _ = get_pathway_for(user, pathway_pk)
    record = pathway.follow_ups.filter(milestone=milestone).first()
    return pathway, record, permissions.may_edit(user, record) if record else permissions.can_edit(user, FollowUp)


# --- What a pathway's page shows ----------------------------------------------------------------------

# Each step's page (participants:pathway_step) by its French slug, in the order of the pathway.
STEP_SLUGS = {
    Transition.DECIDE: "decision",
    Transition.CLASSIFY: "classement",
    Transition.ASSIGN: "affectation",
    Transition.START: "entree",
    Transition.SUSPEND: "suspension",
    Transition.RESUME: "reprise",
    Transition.EXIT: "sortie",
    Transition.WITHDRAW: "desistement",
}
CONTRACT_SLUG = "contrat"
CONVERSION_SLUG = "transformation-cep"  # an open acte d'engagement becomes a CEP (rules.check_conversion)
STEP_BUTTONS = {
    "decision": "Enregistrer la décision de la commission",
    "classement": "Enregistrer le classement au travail",
    "affectation": "Enregistrer l'affectation",
    "entree": "Enregistrer l'entrée en atelier",
    "contrat": "Compléter le contrat",
    "suspension": "Suspendre",
    "reprise": "Enregistrer la reprise",
    "sortie": "Enregistrer la sortie",
    "desistement": "Enregistrer un désistement",
    CONVERSION_SLUG: "Transformer en contrat d'emploi pénitentiaire",
}
# Steps that pause or end a pathway early, or correct it: after the steps forward.
SECONDARY_STEPS = frozenset({"suspension", "desistement", "contrat"})


def next_steps(pathway: Pathway) -> list[dict]:
    """The step pages open from the pathway's status (rules.ALLOWED_FROM), main step first."""
    slugs = [STEP_SLUGS[transition] for transition in rules.transitions_from(pathway.status)]
    if pathway.contract_start:
        slugs.append(CONTRACT_SLUG)
    if pathway.contract_kind == ContractKind.ENGAGEMENT_ACT and pathway.status in rules.CONVERTIBLE_STATUSES:
        slugs.insert(0, CONVERSION_SLUG)
    slugs.sort(key=lambda slug: slug in SECONDARY_STEPS)
    # One main button: the first step forward; the others (and any pause, withdrawal or correction) secondary.
    contract_complete = all([pathway.contract_signed_on, pathway.hours_per_week, pathway.hourly_pay])
    labels = {**STEP_BUTTONS, CONTRACT_SLUG: "Corriger le contrat" if contract_complete else "Compléter le contrat"}
    return [{"slug": slug, "label": labels[slug], "secondary": index > 0 or slug in SECONDARY_STEPS}
            for index, slug in enumerate(slugs)]


# The stepper of a pathway: where the person is on the way to the exit (closed candidacies have none).
STAGES = ["Candidature", "Retenu·e", "Classé·e au travail", "Affecté·e", "En atelier", "Sorti·e"]
STAGE_OF_STATUS = {
    PathwayStatus.CANDIDATE: 1, PathwayStatus.SELECTED: 2, PathwayStatus.CLASSIFIED: 3, PathwayStatus.ASSIGNED: 4,
    PathwayStatus.IN_WORKSHOP: 5, PathwayStatus.SUSPENDED: 5, PathwayStatus.EXITED: 6,
}


def stage_of(pathway: Pathway) -> dict | None:
    number = STAGE_OF_STATUS.get(pathway.status)
    if number is None:
        return None
    title = pathway.get_status_display() if pathway.status == PathwayStatus.SUSPENDED else STAGES[number - 1]
    return {"number": number, "count": len(STAGES), "title": title,
            "next": STAGES[number] if number < len(STAGES) else ""}


@dataclass
class FollowUpRow:
    milestone: int
    label: str
    due_on: datetime.date
    record: FollowUp | None
    is_due: bool  # the date has passed and nothing is recorded


@dataclass
class PathwayBlock:
    """A pathway with everything its block shows (participant page, pathway page)."""

    pathway: Pathway
    stage: dict | None = None
    steps: list[dict] = field(default_factory=list)
    events: list[AccompanimentEvent] = field(default_factory=list)
    log: list[PathwayLog] = field(default_factory=list)
    follow_ups: list[FollowUpRow] = field(default_factory=list)
    hours_entered: object = 0
    pmsmp_entered: int = 0


def participant_pathway_blocks_for(*, user, participant: Participant, today=None) -> list[PathwayBlock]:
    """The participant's pathways the user sees, latest first, as the participant's page shows them."""
    return pathway_blocks(scope.pathways_for(user).filter(participant=participant).order_by("-created_at"), today,
                          user=user)


def pathway_block_for(*, user, pathway: Pathway) -> PathwayBlock:
    """One pathway as its page shows it (timeline, log, suspensions, follow-ups); ``pathway`` as get_pathway_for gives
    it (in the user's scope, programme and session joined): its related rows are fetched for it, not the pathway
    again."""
    prefetch_related_objects([pathway], *_block_prefetches(user))
    return _block(pathway, _today(None), user)


def _block_prefetches(user) -> list:
    prefetches = [
        Prefetch("events", queryset=AccompanimentEvent.objects.select_related("recorded_by").order_by(
            "-on", "-recorded_at")),
        Prefetch("log", queryset=PathwayLog.objects.order_by("at", "pk")),
        "suspensions",
        "follow_ups",
    ]
    if user is not None:  # the "Documents" section of each block
        prefetches.append(document_selectors.pathway_documents_prefetch(user))
    return prefetches


def pathway_blocks(pathways: QuerySet[Pathway], today: datetime.date | None = None, *, user=None
                   ) -> list[PathwayBlock]:
    """``pathways`` (already scoped) with their events, log, suspensions, follow-ups and documents: 6 queries in all.
    Each event says whether ``user`` may remove it (``event.deletable``: access.permissions.may_edit)."""
    today = _today(today)
    pathways = pathways.select_related("programme__siae", "session").prefetch_related(*_block_prefetches(user))
    return [_block(pathway, today, user) for pathway in pathways]


def _block(pathway: Pathway, today: datetime.date, user) -> PathwayBlock:
    events = list(pathway.events.all())
    for event in events:
        event.deletable = user is not None and permissions.may_edit(user, event)
    recorded = {follow_up.milestone: follow_up for follow_up in pathway.follow_ups.all()}
    follow_ups = []
    for milestone in FollowUpMilestone:
        due_on = services.follow_up_due_on(pathway, milestone.value)
        if due_on is None:
            break
        record = recorded.get(milestone.value)
        follow_ups.append(FollowUpRow(milestone.value, milestone.label, due_on, record,
                                      is_due=record is None and due_on <= today))
    return PathwayBlock(
        pathway=pathway, stage=stage_of(pathway), steps=next_steps(pathway), events=events,
        log=list(pathway.log.all()), follow_ups=follow_ups,
        hours_entered=sum((e.hours for e in events if e.kind == EventKind.HOURS_WORKED), start=0),
        pmsmp_entered=sum(1 for e in events if e.kind == EventKind.PMSMP),
    )


# --- Recruitment sessions and import jobs: one way in each ------------------------------------------------

# The candidate board's columns, a partition of a session's pathways by their current status: no decision yet;
# selected (and every later step up to the exit); not selected; withdrawn (before or after the commission).
BOARD_STATUSES = {
    "candidates": frozenset({PathwayStatus.CANDIDATE}),
    "selected": frozenset({PathwayStatus.SELECTED, PathwayStatus.CLASSIFIED, PathwayStatus.NOT_CLASSIFIED,
                           PathwayStatus.ASSIGNED, PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED,
                           PathwayStatus.EXITED}),
    "not_selected": frozenset({PathwayStatus.NOT_SELECTED}),
    "withdrawn": frozenset({PathwayStatus.WITHDRAWN}),
}


def get_session_for(user, pk) -> tuple[RecruitmentSession, bool]:
    """The session (programme, SIAE and establishment joined) or 404 outside the user's scope, and whether the
    user may edit it (its board's actions included)."""
    session = get_object_or_404(
        scope.recruitment_sessions_for(user).select_related("programme__siae", "programme__establishment"), pk=pk
    )
    return session, permissions.may_edit(user, session)


def get_import_job_for(user, pk) -> tuple[ImportJob, bool]:
    """The import job or 404 (only its uploader and administrators open it), and whether the user may confirm
    it (a role that imports)."""
    job = get_object_or_404(scope.import_jobs_for(user).select_related("created_by"), pk=pk)
    return job, permissions.may_edit(user, job)


def own_import_jobs_for(*, user) -> QuerySet[ImportJob]:
    """The jobs the user uploaded, latest first (the upload page lists them; administrators too see only theirs)."""
    return scope.import_jobs_for(user).filter(created_by=user)


def session_list_for(*, user, programme=None, year: int | None = None) -> QuerySet[RecruitmentSession]:
    """The user's sessions, latest first, with their candidates counted by column (one query per page)."""
    qs = scope.recruitment_sessions_for(user).select_related("programme__siae", "programme__establishment")
    if programme:
        qs = qs.filter(programme=programme)
    if year:
        qs = qs.filter(date__year=year)

    def count(statuses):
        return Count("pathways", filter=Q(pathways__status__in=[status.value for status in statuses]))

    return qs.annotate(
        candidate_count=Count("pathways"),
        selected_count=count(BOARD_STATUSES["selected"]),
        not_selected_count=count(BOARD_STATUSES["not_selected"]),
        withdrawn_count=count(BOARD_STATUSES["withdrawn"]),
        entered_count=count(ENTERED_STATUSES),
    ).order_by("-date", "programme__code")


def session_eligible_participants_for(*, user, session: RecruitmentSession) -> QuerySet[Participant]:
    """Who may become a candidate at this session: people of the user's scope staying in the programme's
    establishment, with no open pathway in the programme, or only a candidacy recorded without a session
    (``waiting_candidacy``: it is attached to this session rather than doubled)."""
    open_pathway = Pathway.objects.filter(
        participant=OuterRef("pk"), programme_id=session.programme_id, status__in=[s.value for s in OPEN_STATUSES]
    )
    waiting = Q(status=PathwayStatus.CANDIDATE, session__isnull=True)
    return (
        scope.participants_for(user)
        .filter(establishment_id=session.programme.establishment_id, stay_ended_on__isnull=True)
        .exclude(Exists(open_pathway.exclude(waiting)))
        .annotate(waiting_candidacy=Exists(open_pathway.filter(waiting)))
        .select_related("quartier")
        .order_by("last_name", "first_names", "ecrou")
    )


def session_board_pathways_for(*, user, session: RecruitmentSession) -> QuerySet[Pathway]:
    """The session's pathways the user sees, with participant and quartier, by name."""
    return (
        scope.pathways_for(user).filter(session=session)
        .select_related("participant__quartier")
        .order_by("participant__last_name", "participant__first_names", "participant__ecrou")
    )

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from access import scope

from .enums import DecisionStatus
from .models import Contact, Decision, Event, Meeting, MeetingAttendee, Organisation, PartnerRole


def _today() -> datetime.date:
    return timezone.localdate()


def organisation_list_for(*, user, q: str = "", kind: str = "") -> QuerySet[Organisation]:
    qs = scope.organisations_for(user).select_related("department", "region", "disp")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(former_names__name__icontains=q)).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def organisation_detail_for(*, user) -> QuerySet[Organisation]:
    return scope.organisations_for(user).select_related(
        "department", "region", "disp", "siae", "establishment"
    ).prefetch_related(
        "former_names", "served_establishments", Prefetch("contacts", queryset=Contact.objects.order_by(
            "last_name", "first_name"))
    )


def contact_detail_for(*, user) -> QuerySet[Contact]:
    return scope.contacts_for(user).select_related("organisation")


def partner_role_detail_for(*, user) -> QuerySet[PartnerRole]:
    return scope.partner_roles_for(user).select_related("programme", "organisation", "contact")


def with_decision_counts(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    is_open = Q(decisions__status=DecisionStatus.OPEN)
    return qs.annotate(
        open_decisions=Count("decisions", filter=is_open),
        overdue_decisions=Count("decisions", filter=is_open & Q(decisions__due_date__lt=_today())),
    )


def meeting_list_for(
    *, user, q: str = "", kind: str = "", programme=None, overdue: bool = False
) -> QuerySet[Meeting]:
    qs = with_decision_counts(scope.meetings_for(user).select_related("programme", "establishment"))
    if q:
        qs = qs.filter(
            Q(agenda__icontains=q) | Q(minutes__icontains=q) | Q(programme__code__icontains=q)
            | Q(establishment__name__icontains=q)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if programme:
        qs = qs.filter(programme=programme)
    if overdue:
        qs = qs.filter(overdue_decisions__gt=0)
    return qs.order_by("-date", "pk")


def meeting_detail_for(*, user) -> QuerySet[Meeting]:
    return scope.meetings_for(user).select_related("programme__siae", "programme__establishment", "establishment") \
        .prefetch_related(
            Prefetch("attendees", queryset=_attendees()),
            Prefetch("decisions", queryset=Decision.objects.select_related("owner").order_by("due_date", "pk")),
        )


def _attendees():
    return (
        MeetingAttendee.objects.select_related("organisation")
        .prefetch_related("organisation__former_names")
        .order_by("organisation__name", "pk")
    )


def decision_detail_for(*, user) -> QuerySet[Decision]:
    return scope.decisions_for(user).select_related(
        "meeting__programme", "meeting__establishment", "owner"
    )


def event_list_for(*, user, q: str = "", region=None, year: int | None = None) -> QuerySet[Event]:
    qs = scope.events_for(user).prefetch_related("regions", "co_organisers").annotate(
        project_count=Count("projects", distinct=True)
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(programme_items__icontains=q))
    if region:
        qs = qs.filter(pk__in=Event.objects.filter(regions=region).values("pk"))
    if year:
        qs = qs.filter(date__year=year)
    return qs.order_by("date", "title", "pk")


def event_detail_for(*, user) -> QuerySet[Event]:
    return scope.events_for(user).prefetch_related("regions", "co_organisers")


def event_projects_for(*, user, event: Event):
    """The projects an event gave rise to, among the programmes the user sees."""
    return scope.programmes_for(user).filter(events=event).select_related("siae", "establishment").order_by("code")


def programme_partners_for(*, user, programme) -> dict:
    """What the programme page shows of its partners and committees, in a fixed number of queries."""
    roles = scope.partner_roles_for(user).filter(programme=programme).select_related(
        "organisation", "contact"
    ).order_by("role", "organisation__name", "start_date")
    meetings = with_decision_counts(scope.meetings_for(user).filter(programme=programme)).order_by("-date", "pk")
    groups = {}
    for role in roles:
        groups.setdefault(role.get_role_display(), []).append(role)
    return {"role_groups": list(groups.items()), "meetings": list(meetings), "today": _today()}

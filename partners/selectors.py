import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from access import permissions, scope

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


# --- One way in per model: the object in the user's scope (404 outside: access.scope), with what its page shows,
# and whether the user may edit it (access.permissions.may_edit: the role and the object's own rules).


def get_organisation_for(user, pk) -> tuple[Organisation, bool]:
    organisation = get_object_or_404(
        scope.organisations_for(user).select_related("department", "region", "disp", "siae", "establishment")
        .prefetch_related("former_names", "served_establishments",
                          Prefetch("contacts", queryset=Contact.objects.order_by("last_name", "first_name"))),
        pk=pk,
    )
    return organisation, permissions.may_edit(user, organisation)


def get_contact_for(user, pk) -> tuple[Contact, bool]:
    contact = get_object_or_404(scope.contacts_for(user).select_related("organisation"), pk=pk)
    return contact, permissions.may_edit(user, contact)


def get_partner_role_for(user, pk) -> tuple[PartnerRole, bool]:
    role = get_object_or_404(
        scope.partner_roles_for(user).select_related("programme", "organisation", "contact"), pk=pk
    )
    return role, permissions.may_edit(user, role)


def get_meeting_for(user, pk) -> tuple[Meeting, bool]:
    meeting = get_object_or_404(
        scope.meetings_for(user).select_related("programme__siae", "programme__establishment", "establishment")
        .prefetch_related(
            Prefetch("attendees", queryset=_attendees()),
            Prefetch("decisions", queryset=Decision.objects.select_related("owner").order_by("due_date", "pk")),
        ),
        pk=pk,
    )
    return meeting, permissions.may_edit(user, meeting)


def get_decision_for(user, pk) -> tuple[Decision, bool]:
    decision = get_object_or_404(
        scope.decisions_for(user).select_related("meeting__programme", "meeting__establishment", "owner"), pk=pk
    )
    return decision, permissions.may_edit(user, decision)


def get_event_for(user, pk) -> tuple[Event, bool]:
    event = get_object_or_404(scope.events_for(user).prefetch_related("regions", "co_organisers"), pk=pk)
    return event, permissions.may_edit(user, event)


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


def _attendees():
    return (
        MeetingAttendee.objects.select_related("organisation")
        .prefetch_related("organisation__former_names")
        .order_by("organisation__name", "pk")
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

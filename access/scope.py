"""The one way in: what a user may see. Every view, form choice list and export starts here.

Each function returns a queryset of what the user may read; outside it, views answer 404.
What a role may *change* inside that scope is decided in access.permissions.
"""

import functools

from django.db.models import Q, QuerySet

from accounts.enums import Role
from accounts.models import User
from documents.models import DocumentBatch, GeneratedDocument
from participants.models import AccompanimentEvent, FollowUp, ImportJob, Participant, Pathway, RecruitmentSession
from partners.models import Contact, Decision, Event, Meeting, Organisation, PartnerRole
from programmes.models import (
    Department,
    Disp,
    Establishment,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    Programme,
    Region,
    Siae,
    StateConvention,
)

SEES_EVERYTHING = frozenset({Role.NATIONAL, Role.ADMIN})
SPIP_ROLES = frozenset({Role.CPIP, Role.SPIP_MANAGER})
SIAE_ROLES = frozenset({Role.SIAE_DIRECTOR, Role.SIAE_STAFF})


def _built_once(function):
    """Builds the queryset once per state of the user (issue 19: a participant's page asked for the documents' scope
    twice, 3.5 ms each): kept on the user object, which each request loads afresh, and answered as a fresh copy
    (``.all()``: the same SQL, evaluated again where it is used, never a cached result). The key holds everything the
    query's shape depends on (role, flags, organisation and its bindings), so a user object changed in place (a test,
    a command) gets a new one."""

    @functools.wraps(function)
    def memoised(user):
        if not _active(user) or not hasattr(user, "__dict__"):
            return function(user)
        built = user.__dict__.setdefault("_scope_querysets", {})
        found = built.get((function.__name__, _shape(user)))
        if found is None:
            found = function(user)
            built[(function.__name__, _shape(user))] = found  # the organisation is loaded by now
        return found.all()

    return memoised


def _shape(user) -> tuple:
    organisation = user.organisation if User.organisation.is_cached(user) else None
    bindings = None if organisation is None else (organisation.pk, organisation.siae_id, organisation.establishment_id,
                                                  organisation.disp_id, organisation.region_id,
                                                  organisation.department_id)
    return user.pk, user.role, user.is_superuser, user.is_active, user.organisation_id, bindings


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _sees_everything(user) -> bool:
    return user.is_superuser or user.role in SEES_EVERYTHING


def _everything_or(model):
    """Decorates `rule(user, qs)`, which narrows `qs` (all the model's rows) for the user's role, into
    `name_for(user)`: nothing for an inactive or anonymous user, everything for the roles that see everything."""

    def decorate(rule):
        @functools.wraps(rule)
        def queryset_for(user):
            qs = model.objects.all()
            if not _active(user):
                return qs.none()
            if _sees_everything(user):
                return qs
            return rule(user, qs)

        return queryset_for

    return decorate


def _territory_filter(user, prefix: str) -> Q | None:
    """Filter on a department field (``prefix`` points at a Department) for territorial roles."""
    org = user.organisation
    if user.role == Role.DISP_STAFF:
        return Q(**{f"{prefix}region__disp_id": org.disp_id})
    if user.role == Role.DREETS_STAFF:
        return Q(**{f"{prefix}region_id": org.region_id})
    if user.role == Role.DDETS_STAFF:
        return Q(**{f"{prefix}code": org.department_id})
    return None


@_built_once
@_everything_or(Establishment)
def establishments_for(user, qs) -> QuerySet[Establishment]:
    org = user.organisation
    if user.role in SPIP_ROLES:
        return qs.filter(spips=org)
    if user.role in SIAE_ROLES:
        return qs.filter(programmes__siae_id=org.siae_id).distinct() if org.siae_id else qs.none()
    if user.role == Role.ESTABLISHMENT_STAFF:
        return qs.filter(pk=org.establishment_id) if org.establishment_id else qs.none()
    territory = _territory_filter(user, "department__")
    return qs.filter(territory) if territory is not None else qs.none()


@_built_once
@_everything_or(Programme)
def programmes_for(user, qs) -> QuerySet[Programme]:
    if user.role in SIAE_ROLES:
        siae_id = user.organisation.siae_id
        return qs.filter(siae_id=siae_id) if siae_id else qs.none()
    if user.role in SPIP_ROLES or user.role == Role.ESTABLISHMENT_STAFF:
        return qs.filter(establishment__in=establishments_for(user))
    territory = _territory_filter(user, "establishment__department__")
    return qs.filter(territory) if territory is not None else qs.none()


@_built_once
@_everything_or(Siae)
def siaes_for(user, qs) -> QuerySet[Siae]:
    """SIAE running a programme the user sees; territorial roles also see the SIAE based on their territory."""
    if user.role in SIAE_ROLES:
        siae_id = user.organisation.siae_id
        return qs.filter(pk=siae_id) if siae_id else qs.none()
    condition = Q(programmes__in=programmes_for(user))
    territory = _territory_filter(user, "department__")
    if territory is not None:
        condition |= territory
    return qs.filter(pk__in=Siae.objects.filter(condition).values("pk"))


@_everything_or(Department)
def departments_for(user, qs) -> QuerySet[Department]:
    """Departments the user works in: their territory, or where their establishments and programmes are."""
    territory = _territory_filter(user, "")
    if territory is not None:
        return qs.filter(territory)
    condition = Q(establishments__in=establishments_for(user)) | Q(siaes__in=siaes_for(user))
    if user.organisation.department_id:
        condition |= Q(pk=user.organisation.department_id)
    return qs.filter(pk__in=Department.objects.filter(condition).values("pk"))


@_everything_or(Organisation)
def organisations_for(user, qs) -> QuerySet[Organisation]:
    """National bodies, the user's own organisation, and organisations of the departments they work in."""
    departments = departments_for(user)
    condition = (
        Q(pk=user.organisation_id)
        | Q(department__isnull=True, region__isnull=True, disp__isnull=True)
        | Q(department__in=departments)
        | Q(region__departments__in=departments)
        | Q(disp__regions__departments__in=departments)
        | Q(siae__in=siaes_for(user))
        | Q(establishment__in=establishments_for(user))
    )
    return qs.filter(pk__in=Organisation.objects.filter(condition).values("pk"))


# --- Territories a dashboard may show (indicators, never names) --------------------------------------


def sees_national(user) -> bool:
    return _active(user) and _sees_everything(user)


@_everything_or(Disp)
def disps_for(user, qs) -> QuerySet[Disp]:
    """Interregions whose dashboard the user may open: national roles all, DISP staff their own."""
    if user.role == Role.DISP_STAFF:
        return qs.filter(pk=user.organisation.disp_id)
    return qs.none()


@_everything_or(Region)
def regions_for(user, qs) -> QuerySet[Region]:
    """Regions whose dashboard the user may open: those of their interregion (DISP) or their region (DREETS)."""
    if user.role == Role.DISP_STAFF:
        return qs.filter(disp_id=user.organisation.disp_id)
    if user.role == Role.DREETS_STAFF:
        return qs.filter(pk=user.organisation.region_id)
    return qs.none()


@_everything_or(Department)
def territory_departments_for(user, qs) -> QuerySet[Department]:
    """Departments whose dashboard the user may open: only territorial and national roles (a department
    dashboard of an SPIP or an SIAE would show their own programmes under a territory's name)."""
    territory = _territory_filter(user, "")
    return qs.filter(territory) if territory is not None else qs.none()


# --- What binds programmes (conventions, contracts, funding) and who works on them -------------------


@_built_once
def state_conventions_for(user) -> QuerySet[StateConvention]:
    """State conventions of the SIAE the user sees."""
    return StateConvention.objects.filter(siae__in=siaes_for(user))


def financial_annexes_for(user) -> QuerySet[FinancialAnnex]:
    return FinancialAnnex.objects.filter(convention__in=state_conventions_for(user))


def implantation_contracts_for(user) -> QuerySet[ImplantationContract]:
    return ImplantationContract.objects.filter(programme__in=programmes_for(user))


def partnership_conventions_for(user) -> QuerySet[PartnershipConvention]:
    return PartnershipConvention.objects.filter(programme__in=programmes_for(user))


def funding_lines_for(user) -> QuerySet[FundingLine]:
    return FundingLine.objects.filter(programme__in=programmes_for(user))


def partner_roles_for(user) -> QuerySet[PartnerRole]:
    return PartnerRole.objects.filter(programme__in=programmes_for(user))


def contacts_for(user) -> QuerySet[Contact]:
    return Contact.objects.filter(organisation__in=organisations_for(user))


def meetings_for(user) -> QuerySet[Meeting]:
    """Committees of a programme the user sees, or of an establishment they see."""
    return Meeting.objects.filter(
        Q(programme__in=programmes_for(user)) | Q(programme__isnull=True, establishment__in=establishments_for(user))
    )


def decisions_for(user) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting__in=meetings_for(user))


@_everything_or(Event)
def events_for(user, qs) -> QuerySet[Event]:
    """Regional events of the regions the user works in; national and administrators see them all."""
    return qs.filter(pk__in=Event.objects.filter(regions__departments__in=departments_for(user)).values("pk"))


# --- Participants: nominative data of people in detention ---------------------------------------------
# Only the roles that work with the person read it; territorial and national staff get aggregates
# (dashboards), never names.

NOMINATIVE_ROLES = SPIP_ROLES | SIAE_ROLES | {Role.ESTABLISHMENT_STAFF, Role.ADMIN}


def reads_names(user) -> bool:
    return _active(user) and (user.is_superuser or user.role in NOMINATIVE_ROLES)


def sees_spip_fields(user) -> bool:
    """Fields the SPIP keeps for itself (constraints for work outside): SPIP roles and administrators."""
    return _active(user) and (user.is_superuser or user.role in SPIP_ROLES | {Role.ADMIN})


@_built_once
def participants_for(user) -> QuerySet[Participant]:
    """SPIP and establishment staff: people staying in their establishments; SIAE staff: people with a
    pathway in their programmes."""
    qs = Participant.objects.all()
    if not reads_names(user):
        return qs.none()
    if _sees_everything(user):
        return qs
    if user.role in SIAE_ROLES:
        return qs.filter(pk__in=Pathway.objects.filter(programme__in=programmes_for(user)).values("participant"))
    return qs.filter(establishment__in=establishments_for(user))


@_built_once
def pathways_for(user) -> QuerySet[Pathway]:
    if not reads_names(user):
        return Pathway.objects.none()
    return Pathway.objects.filter(programme__in=programmes_for(user))


def recruitment_sessions_for(user) -> QuerySet[RecruitmentSession]:
    """Sessions list their candidates by name: the same readers as pathways."""
    if not reads_names(user):
        return RecruitmentSession.objects.none()
    return RecruitmentSession.objects.filter(programme__in=programmes_for(user))


def accompaniment_events_for(user) -> QuerySet[AccompanimentEvent]:
    return AccompanimentEvent.objects.filter(pathway__in=pathways_for(user))


def follow_ups_for(user) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(pathway__in=pathways_for(user))


def import_jobs_for(user) -> QuerySet[ImportJob]:
    """The import jobs a user may open: their own (the report holds the file's names); every job for an
    administrator."""
    if user.is_superuser or user.role == Role.ADMIN:
        return ImportJob.objects.all()
    return ImportJob.objects.filter(created_by=user)


# --- Standard documents: readable where their subject is ----------------------------------------------


@_built_once
def documents_for(user) -> QuerySet[GeneratedDocument]:
    """Programme documents with the programme, convention documents with the convention, participant documents
    with the pathway (so only the roles that read names see those)."""
    if not _active(user):
        return GeneratedDocument.objects.none()
    return GeneratedDocument.objects.filter(
        Q(programme__in=programmes_for(user)) | Q(convention__in=state_conventions_for(user))
        | Q(pathway__in=pathways_for(user))
    )


def document_batches_for(user) -> QuerySet[DocumentBatch]:
    return DocumentBatch.objects.filter(session__in=recruitment_sessions_for(user))

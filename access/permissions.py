"""What a role may change, inside what access.scope lets it see (403 otherwise). The tables are keyed by model."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.enums import Role
from accounts.models import User
from participants.models import AccompanimentEvent, FollowUp, ImportJob, Participant, Pathway, RecruitmentSession
from partners.models import Contact, Decision, Event, Meeting, Organisation, PartnerRole
from programmes.models import (
    Establishment,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    Programme,
    Siae,
    StateConvention,
)

_TERRITORY = frozenset({Role.ADMIN, Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF})
_COMMITTEES = _TERRITORY | {Role.SIAE_DIRECTOR, Role.SPIP_MANAGER}
_STATE_FUNDING = frozenset({Role.ADMIN, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR})
_ACCOMPANIMENT = frozenset({Role.ADMIN, Role.CPIP, Role.SPIP_MANAGER, Role.SIAE_DIRECTOR, Role.SIAE_STAFF})

# Who may create and edit each kind of object (within their scope).
EDITORS = {
    Establishment: frozenset({Role.ADMIN, Role.DISP_STAFF}),
    Siae: frozenset({Role.ADMIN, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR}),
    Programme: _TERRITORY | {Role.SIAE_DIRECTOR},
    Organisation: _TERRITORY,
    # State conventions and their annexes: the SIAE director drafts them, the DREETS/DDETS validate them.
    StateConvention: _STATE_FUNDING,
    FinancialAnnex: _STATE_FUNDING,
    ImplantationContract: frozenset({Role.ADMIN, Role.DISP_STAFF, Role.ESTABLISHMENT_STAFF}),
    PartnershipConvention: _TERRITORY,
    FundingLine: _STATE_FUNDING,
    PartnerRole: _COMMITTEES,
    Contact: _TERRITORY | {Role.SIAE_DIRECTOR},
    Meeting: _COMMITTEES,
    Decision: _COMMITTEES,  # decisions are recorded by those who run the committee
    Event: frozenset({Role.ADMIN, Role.DISP_STAFF, Role.DREETS_STAFF}),
    # Participants: the SPIP records the person; SIAE and establishment staff move the pathway on.
    Participant: frozenset({Role.ADMIN, Role.CPIP, Role.SPIP_MANAGER}),
    Pathway: _ACCOMPANIMENT | {Role.ESTABLISHMENT_STAFF},
    RecruitmentSession: _ACCOMPANIMENT,
    AccompanimentEvent: _ACCOMPANIMENT,
    FollowUp: _ACCOMPANIMENT,
    ImportJob: frozenset({Role.ADMIN, Role.CPIP, Role.SPIP_MANAGER, Role.SIAE_DIRECTOR}),
}
# Who asks for a standard document, by the model it is about (reading and downloading follow access.scope).
DOCUMENT_REQUESTERS = {
    Programme: frozenset({Role.ADMIN, Role.SIAE_DIRECTOR, Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF}),
    StateConvention: frozenset({Role.ADMIN, Role.SIAE_DIRECTOR, Role.DREETS_STAFF, Role.DDETS_STAFF}),
    Pathway: _ACCOMPANIMENT,
}
# The programme activity report holds no names: every role that may open the programme's dashboard asks for it
# (the dashboards' scope decides which programmes, dashboards.scopes.resolve).
ACTIVITY_REPORT_REQUESTERS = frozenset(Role)
# Who validates (moves out of draft) a State convention or a financial annex.
VALIDATORS = frozenset({Role.ADMIN, Role.DREETS_STAFF, Role.DDETS_STAFF})
# SIAE directors edit their own SIAE and programmes but do not create new ones.
CREATORS = {
    model: roles - {Role.SIAE_DIRECTOR} if model in {Establishment, Siae, Programme} else roles
    for model, roles in EDITORS.items()
}
# What an SIAE director may still change once the State has validated it: nothing.
DRAFT_ONLY_FOR_SIAE = (StateConvention, FinancialAnnex)
# The month's hours sheet of a workshop (issue 18 §2): the SIAE running it enters the hours, its director validates
# (locks) the month; who reads it is who reads names in the programme's scope (access.scope).
HOURS_EDITORS = frozenset({Role.ADMIN, Role.SIAE_DIRECTOR, Role.SIAE_STAFF})
HOURS_VALIDATORS = frozenset({Role.ADMIN, Role.SIAE_DIRECTOR})


# Relations that decide who reads what (issue 14): the establishments an SPIP serves, the establishment or SIAE an
# organisation stands for, a user's organisation and role. Only an administrator changes them: the application's
# forms leave them out for anyone else, the administration shows them read only, the services refuse them.
SCOPE_FIELDS = {
    Organisation: ("siae", "establishment", "served_establishments"),
    User: ("organisation", "role"),
}
SCOPE_CHANGE_REFUSED = gettext_lazy(
    "Seul·e un·e administrateur·rice modifie ce rattachement : il décide de qui lit quelles données.")


def _has_role(user, roles) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in roles)


def _model(model_or_instance) -> type:
    return model_or_instance if isinstance(model_or_instance, type) else type(model_or_instance)


def can_edit(user, model) -> bool:
    """Whether the user's role edits objects of this model (a model class or one of its objects)."""
    return _has_role(user, EDITORS[_model(model)])


def can_create(user, model) -> bool:
    return _has_role(user, CREATORS[_model(model)])


def can_edit_object(user, instance) -> bool:
    """Rules on one object beyond the role: bodies without a territory (national agencies, IAE networks,
    delegated managers) are shared by every scope, so only an administrator changes them; an SIAE director changes
    a draft only; a timeline item belongs to its author's organisation."""
    if isinstance(instance, Organisation) and not (instance.department_id or instance.region_id or instance.disp_id):
        return user.is_superuser or user.role == Role.ADMIN
    if isinstance(instance, DRAFT_ONLY_FOR_SIAE) and user.role == Role.SIAE_DIRECTOR:
        return instance.status == "DRAFT"
    if isinstance(instance, AccompanimentEvent):
        return _may_change_event(user, instance)
    return True


def _may_change_event(user, event: AccompanimentEvent) -> bool:
    """An item of the timeline is changed (removed) by its author's organisation only, or by an administrator: an SIAE
    does not remove what the SPIP recorded (issue 18, §5). ``recorded_by`` is joined by the selectors."""
    if _has_role(user, {Role.ADMIN}):
        return True
    author = event.recorded_by
    return author is not None and author.organisation_id is not None and author.organisation_id == user.organisation_id


def may_edit(user, instance) -> bool:
    """The role and the object's own rules: what the fetch functions of each app's selectors return with it."""
    return can_edit(user, instance) and can_edit_object(user, instance)


def may_change_scope(user) -> bool:
    return _has_role(user, {Role.ADMIN})


def locked_scope_fields(user, model) -> tuple[str, ...]:
    """The scope fields of ``model`` (a model class or one of its objects) this user may not change."""
    return () if may_change_scope(user) else SCOPE_FIELDS[_model(model)]


def require_scope_change(user, model, changed) -> None:
    """The services' check: ValidationError (a French message on each field) when ``changed`` names a scope field
    the user may not change. ``user`` None is a command run on the server, which may."""
    if user is None:
        return
    refused = [name for name in changed if name in locked_scope_fields(user, model)]
    if refused:
        raise ValidationError({name: [SCOPE_CHANGE_REFUSED] for name in refused})


def can_validate(user) -> bool:
    return _has_role(user, VALIDATORS)


def can_edit_hours(user) -> bool:
    return _has_role(user, HOURS_EDITORS)


def can_validate_hours(user) -> bool:
    return _has_role(user, HOURS_VALIDATORS)


def can_request_document(user, subject_model, *, activity_report: bool = False) -> bool:
    """Whether the user's role asks for documents about objects of this model (a programme, a State convention, a
    pathway); the activity report has its own, wider, list."""
    if activity_report:
        return _has_role(user, ACTIVITY_REPORT_REQUESTERS)
    return _has_role(user, DOCUMENT_REQUESTERS[_model(subject_model)])


def require(allowed: bool, message: str | None = None) -> None:
    """The 403 of a view, after the object was found in the user's scope: `require(can_edit)`."""
    if not allowed:
        raise PermissionDenied(message or _("Votre rôle ne permet pas de modifier cet élément."))


# --- Accounts (issue 18, §3): who manages whose account, and which roles each grants -----------------------------
# An administrator manages every account and grants every role; an SPIP manager the counsellors and managers of their
# own SPIP; an SIAE director the staff and directors of their own SIAE. Nobody else manages accounts.
ROLES_GRANTED_BY = {
    Role.SPIP_MANAGER: frozenset({Role.CPIP, Role.SPIP_MANAGER}),
    Role.SIAE_DIRECTOR: frozenset({Role.SIAE_DIRECTOR, Role.SIAE_STAFF}),
}
ACCOUNT_MANAGERS = frozenset({Role.ADMIN, *ROLES_GRANTED_BY})


def _is_administrator(user) -> bool:
    return _has_role(user, {Role.ADMIN})


def can_manage_accounts(user) -> bool:
    """Whether the « Comptes » section is theirs (the menu, the list)."""
    return bool(user.is_authenticated and user.is_active and _has_role(user, ACCOUNT_MANAGERS)
                and (_is_administrator(user) or user.organisation_id))


def grantable_roles(user) -> frozenset:
    """The roles this user gives to the accounts they create or manage."""
    if not can_manage_accounts(user):
        return frozenset()
    if _is_administrator(user):
        return frozenset(Role)
    return ROLES_GRANTED_BY[user.role]


def accounts_for(user):
    """The accounts a manager reads in « Comptes »: every account for an administrator, those of their own
    organisation for an SPIP manager or an SIAE director, none for anyone else (404)."""
    if not can_manage_accounts(user):
        return User.objects.none()
    if _is_administrator(user):
        return User.objects.all()
    return User.objects.filter(organisation_id=user.organisation_id)


def may_manage_account(user, account) -> bool:
    """Whether ``user`` deactivates, reactivates, resets the second factor of or invites again ``account``: an account
    they read whose role they may grant, never a technical (staff) account unless they are an administrator, never
    their own (a manager does not lock themselves out)."""
    if not can_manage_accounts(user) or account.pk == user.pk:
        return False
    if _is_administrator(user):
        return True
    return (account.organisation_id == user.organisation_id and account.role in grantable_roles(user)
            and not (account.is_staff or account.is_superuser))


def organisations_granted_by(user):
    """The organisations a manager attaches new accounts to: any for an administrator, their own otherwise."""
    if not can_manage_accounts(user):
        return Organisation.objects.none()
    if _is_administrator(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=user.organisation_id)

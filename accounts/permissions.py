"""What a role may change, inside what accounts.scope lets it see (403 otherwise)."""

from .enums import Role

# Registry objects: who may create and edit them (within their scope).
EDITORS = {
    "establishment": frozenset({Role.ADMIN, Role.DISP_STAFF}),
    "siae": frozenset({Role.ADMIN, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR}),
    "programme": frozenset({Role.ADMIN, Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR}),
    "organisation": frozenset({Role.ADMIN, Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF}),
    # State conventions and their annexes: the SIAE director drafts them, the DREETS/DDETS validate them.
    "state_convention": frozenset({Role.ADMIN, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR}),
    "financial_annex": frozenset({Role.ADMIN, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR}),
    "implantation_contract": frozenset({Role.ADMIN, Role.DISP_STAFF, Role.ESTABLISHMENT_STAFF}),
    "partnership_convention": frozenset({Role.ADMIN, Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF}),
    "funding_line": frozenset({Role.ADMIN, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR}),
    "partner_role": frozenset(
        {Role.ADMIN, Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR, Role.SPIP_MANAGER}
    ),
    "contact": frozenset({Role.ADMIN, Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR}),
    "meeting": frozenset(
        {Role.ADMIN, Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR, Role.SPIP_MANAGER}
    ),
    "event": frozenset({Role.ADMIN, Role.DISP_STAFF, Role.DREETS_STAFF}),
    # Participants: the SPIP records the person; SIAE and establishment staff move the pathway on.
    "participant": frozenset({Role.ADMIN, Role.CPIP, Role.SPIP_MANAGER}),
    "pathway": frozenset(
        {Role.ADMIN, Role.CPIP, Role.SPIP_MANAGER, Role.SIAE_DIRECTOR, Role.SIAE_STAFF, Role.ESTABLISHMENT_STAFF}
    ),
    "recruitment_session": frozenset(
        {Role.ADMIN, Role.CPIP, Role.SPIP_MANAGER, Role.SIAE_DIRECTOR, Role.SIAE_STAFF}
    ),
    "accompaniment_event": frozenset(
        {Role.ADMIN, Role.CPIP, Role.SPIP_MANAGER, Role.SIAE_DIRECTOR, Role.SIAE_STAFF}
    ),
    "follow_up": frozenset({Role.ADMIN, Role.CPIP, Role.SPIP_MANAGER, Role.SIAE_DIRECTOR, Role.SIAE_STAFF}),
    "pathway_import": frozenset({Role.ADMIN, Role.CPIP, Role.SPIP_MANAGER, Role.SIAE_DIRECTOR}),
    # Who asks for a standard document, by what it is about (reading and downloading follow accounts.scope).
    "document_programme": frozenset(
        {Role.ADMIN, Role.SIAE_DIRECTOR, Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF}
    ),
    "document_convention": frozenset({Role.ADMIN, Role.SIAE_DIRECTOR, Role.DREETS_STAFF, Role.DDETS_STAFF}),
    "document_pathway": frozenset({Role.ADMIN, Role.CPIP, Role.SPIP_MANAGER, Role.SIAE_DIRECTOR, Role.SIAE_STAFF}),
    # The programme activity report holds no names: every role that may open the programme's dashboard asks for it
    # (the dashboards' scope decides which programmes, dashboards.scopes.resolve).
    "activity_report": frozenset(Role),
}
# Who validates (moves out of draft) a State convention or a financial annex.
VALIDATORS = frozenset({Role.ADMIN, Role.DREETS_STAFF, Role.DDETS_STAFF})
# SIAE directors edit their own SIAE and programmes but do not create new ones.
CREATORS = {
    kind: roles - {Role.SIAE_DIRECTOR} if kind in {"establishment", "siae", "programme"} else roles
    for kind, roles in EDITORS.items()
}
# What an SIAE director may still change once the State has validated it: nothing.
DRAFT_ONLY_FOR_SIAE = frozenset({"programmes.StateConvention", "programmes.FinancialAnnex"})


def can_edit(user, kind: str) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in EDITORS[kind])


def can_edit_object(user, instance) -> bool:
    """Rules on one object beyond the role: bodies without a territory (national agencies, IAE networks,
    delegated managers) are shared by every scope, so only an administrator changes them."""
    if instance._meta.label == "partners.Organisation" and not (
        instance.department_id or instance.region_id or instance.disp_id
    ):
        return user.is_superuser or user.role == Role.ADMIN
    if instance._meta.label in DRAFT_ONLY_FOR_SIAE and user.role == Role.SIAE_DIRECTOR:
        return instance.status == "DRAFT"
    return True


def can_validate(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in VALIDATORS)


def can_create(user, kind: str) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in CREATORS[kind])

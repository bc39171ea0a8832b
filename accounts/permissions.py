"""What a role may change, inside what accounts.scope lets it see (403 otherwise)."""

from .enums import Role

# Registry objects: who may create and edit them (within their scope).
EDITORS = {
    "establishment": frozenset({Role.ADMIN, Role.DISP_STAFF}),
    "siae": frozenset({Role.ADMIN, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR}),
    "programme": frozenset({Role.ADMIN, Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.SIAE_DIRECTOR}),
    "organisation": frozenset({Role.ADMIN, Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF}),
}
# SIAE directors edit their own SIAE and programmes but do not create new ones.
CREATORS = {kind: roles - {Role.SIAE_DIRECTOR} for kind, roles in EDITORS.items()}


def can_edit(user, kind: str) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in EDITORS[kind])


def can_edit_object(user, instance) -> bool:
    """Rules on one object beyond the role: bodies without a territory (national agencies, IAE networks,
    delegated managers) are shared by every scope, so only an administrator changes them."""
    if instance._meta.label == "partners.Organisation" and not (
        instance.department_id or instance.region_id or instance.disp_id
    ):
        return user.is_superuser or user.role == Role.ADMIN
    return True


def can_create(user, kind: str) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in CREATORS[kind])

"""Who may read a document made for each audience (documents.enums.Audience): one rule, used by every list and
download of documents (documents.selectors), on top of the scope (access.scope.documents_for).

INTERNAL (exact figures): the State's agents who pilot and fund the programmes (DISP, DREETS, DDETS, national
staff) and the programme's own readers (SPIP, establishment, SIAE staff), administrators included; the scope
still decides which programmes. DIFFUSABLE (protected figures, dashboards/disclosure: for partners, committees and
the press): the same readers inside the application, who pass it on.
"""

from django.db.models import Q

from accounts.enums import Role

from .enums import Audience

READER_ROLES = {
    Audience.INTERNAL: frozenset({Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.NATIONAL, Role.CPIP,
                                  Role.SPIP_MANAGER, Role.ESTABLISHMENT_STAFF, Role.SIAE_DIRECTOR, Role.SIAE_STAFF,
                                  Role.ADMIN}),
}
READER_ROLES[Audience.DIFFUSABLE] = READER_ROLES[Audience.INTERNAL]

# What a document made for each audience says of its figures, on its first page.
NOTICES = {Audience.INTERNAL: "Chiffres exacts, à usage interne : ne pas diffuser",
           Audience.DIFFUSABLE: "Version diffusable : secret statistique appliqué"}


def audiences_for(user) -> list[str]:
    """The audiences whose documents ``user`` may read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [audience for audience, roles in READER_ROLES.items() if user.is_superuser or user.role in roles]


def readable_by(user) -> Q:
    """The filter on GeneratedDocument for the audiences ``user`` belongs to."""
    return Q(audience__in=audiences_for(user))

"""What the menu shows (core.navigation): the participant pages only to the roles that read names (access.scope),
the import to the roles that import, the dashboards to national roles and anyone acting for an organisation."""

from access import permissions, scope
from core.navigation import menu_for
from participants.importing.jobs import may_import

from . import two_factor


def navigation(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        # No query, as the menu is on every page: the role's flags only.
        "nav_menu": menu_for(
            path=request.path, reads_names=scope.reads_names(user), imports=signed_in and may_import(user),
            # "Tableaux de bord": the landing page lists their dashboards.
            dashboards=scope.sees_national(user) or bool(signed_in and user.organisation_id),
            accounts=permissions.can_manage_accounts(user),  # « Comptes », under Partenaires
        ) if signed_in else [],
        # Signed in but the second factor not typed yet: no menu (its pages would only lead back to the code).
        "nav_owes_second_factor": _owes_second_factor(request, user),
    }


def _owes_second_factor(request, user) -> bool:
    if user is None or not user.is_authenticated or two_factor.is_verified(request):
        return False
    return two_factor.requires_two_factor(user) or two_factor.is_enrolled(user)

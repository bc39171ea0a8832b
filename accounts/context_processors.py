"""What the menu shows: the participant pages only to the roles that read names (access.scope)."""

from access import scope

from . import two_factor


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_reads_names": scope.reads_names(user),
        # "Tableaux de bord" for national roles and anyone acting for an organisation
        # (the landing page lists their dashboards); no query, as the menu is on every page.
        "nav_dashboards": scope.sees_national(user) or bool(user and user.is_authenticated and user.organisation_id),
        # Signed in but the second factor not typed yet: no menu (its pages would only lead back to the code).
        "nav_owes_second_factor": _owes_second_factor(request, user),
    }


def _owes_second_factor(request, user) -> bool:
    if user is None or not user.is_authenticated or two_factor.is_verified(request):
        return False
    return two_factor.requires_two_factor(user) or two_factor.is_enrolled(user)

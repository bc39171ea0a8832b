"""What the menu shows: the participant pages only to the roles that read names (accounts.scope)."""

from . import scope


def navigation(request):
    user = getattr(request, "user", None)  # CHANGED BY issue 6 task A (dashboards menu entry)
    return {
        "nav_reads_names": scope.reads_names(user),
        # CHANGED BY issue 6 task A: "Tableaux de bord" for national roles and anyone acting for an organisation
        # (the landing page lists their dashboards); no query, as the menu is on every page.
        "nav_dashboards": scope.sees_national(user) or bool(user and user.is_authenticated and user.organisation_id),
    }

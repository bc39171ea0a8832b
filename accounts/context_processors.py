"""What the menu shows: the participant pages only to the roles that read names (accounts.scope)."""

from . import scope


def navigation(request):
    return {"nav_reads_names": scope.reads_names(getattr(request, "user", None))}

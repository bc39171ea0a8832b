"""Recruitment sessions: list, page with the candidate board, bulk decisions."""

from django.http import Http404
from django.views import View


class _NotYet(View):
    """Placeholder until the page is built: answers 404."""

    def dispatch(self, request, *args, **kwargs):
        raise Http404


SessionListView = _NotYet  # STUB: replace
SessionCreateView = _NotYet  # STUB: replace
SessionDetailView = _NotYet  # STUB: replace
SessionUpdateView = _NotYet  # STUB: replace
SessionAddCandidatesView = _NotYet  # STUB: replace
SessionDecideView = _NotYet  # STUB: replace

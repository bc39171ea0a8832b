"""Caseload, participant and pathway pages."""

from django.http import Http404
from django.views import View


class _NotYet(View):
    """Placeholder until the page is built: answers 404."""

    def dispatch(self, request, *args, **kwargs):
        raise Http404


ParticipantListView = _NotYet  # STUB: replace
ParticipantCreateView = _NotYet  # STUB: replace
ParticipantDetailView = _NotYet  # STUB: replace
ParticipantUpdateView = _NotYet  # STUB: replace
PathwayCreateView = _NotYet  # STUB: replace
PathwayListView = _NotYet  # STUB: replace
PathwayDetailView = _NotYet  # STUB: replace
PathwayStepView = _NotYet  # STUB: replace
EventCreateView = _NotYet  # STUB: replace
EventDeleteView = _NotYet  # STUB: replace
FollowUpView = _NotYet  # STUB: replace

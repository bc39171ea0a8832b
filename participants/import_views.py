"""Import of pathway spreadsheets: upload, checked preview, confirmation, progress."""

from django.http import Http404
from django.views import View


class _NotYet(View):
    """Placeholder until the page is built: answers 404."""

    def dispatch(self, request, *args, **kwargs):
        raise Http404


ImportUploadView = _NotYet  # STUB: replace
ImportDetailView = _NotYet  # STUB: replace
ImportConfirmView = _NotYet  # STUB: replace

"""One middleware for the traces: it names the acting user for the change history (audit.context) and writes
one access-log row after each successful read that audit.registry lists (a GET, or the POST of a form that
answers a file).

A refused access (403, 404, a redirect to the login or to the second factor) writes no row: nothing was read. A
change refused in the object's current state (409, participants.views.refused) shows the page again: logged as read.
A response sent as an attachment by a page missing from the registry is still logged, as an export of its route.
If the row cannot be written, the response is not sent (500): no read without its trace.
"""

from http import HTTPStatus

from . import context, registry
from .enums import AccessAction
from .models import AccessLog


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with context.serving(request):
            response = self.get_response(request)
            if 200 <= response.status_code < 300 or response.status_code == HTTPStatus.CONFLICT:
                try:
                    record_access(request, response)
                except Exception:
                    response.close()  # a FileResponse's file handle
                    raise
        return response


def record_access(request, response) -> AccessLog | None:
    match = request.resolver_match
    if match is None:
        return None
    found = registry.action_for(match.view_name, request.method, request.GET, response)
    if found is None:
        if not registry.is_attachment(response):
            return None
        route, action, detail = registry.Route(None, id_kwargs=()), AccessAction.EXPORT, ""
    else:
        route, action, detail = found
    user, label = context.actor()
    return AccessLog.objects.create(
        user=user, user_label=label, action=action, object_type=route.object_type,
        object_id=route.object_id(match.kwargs), route=match.view_name[:120], detail=detail,
    )

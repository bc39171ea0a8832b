"""The programme activity report: asked for from the programme dashboard, made by the document pipeline.

Rendered for its audience whoever asks: internal (exact figures, documents.enums.Audience.INTERNAL) by default,
or the "version diffusable" (``version=diffusable``: protected by dashboards/disclosure, a calendar quarter or year
only), and stored for that audience only (documents.audiences). POST only, with the dashboard's period
(``du``/``au``, or ``periode``; none: the last twelve months). The programme is looked up as its dashboard is
(dashboards.scopes.resolve): outside the user's scope, 404. A period that makes no sense is refused with the
dashboards' French message, back on the page the request came from.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import permissions
from dashboards import periods
from dashboards.scopes import Level, resolve
from programmes.models import Programme

from . import services
from .enums import Audience, DocumentKind


@require_POST
def activity_report_request(request, code):
    scope = resolve(request.user, Level.PROGRAMME, code)  # Http404 outside the user's scope
    permissions.require(permissions.can_request_document(request.user, Programme, activity_report=True),
                        _("Votre rôle ne permet pas de demander ce document."))
    try:
        period = periods.parse(**{name: request.POST.get(name, "") for name in ("periode", "du", "au")})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return HttpResponseRedirect(_back(request, scope.url))
    audience = Audience.DIFFUSABLE if request.POST.get("version") == "diffusable" else Audience.INTERNAL
    programme = scope.programmes.get()
    try:
        document = services.document_request(kind=DocumentKind.ACTIVITY_REPORT, subject=programme,
                                             by=request.user, options={"period": period, "audience": audience})
    except ValidationError as error:  # the diffusable version: a calendar quarter or year only
        for message in error.messages:
            messages.error(request, message)
        return HttpResponseRedirect(_back(request, scope.url))
    messages.success(request, _("Votre demande est enregistrée : le rapport d'activité est en cours de "
                                "préparation."))
    return HttpResponseRedirect(document.get_absolute_url())


def _back(request, default: str) -> str:
    """The page the form was on (the dashboard with its filters), when it is one of ours."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    return default

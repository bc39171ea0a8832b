"""The right-of-access page (GDPR art. 15): the SPIP exports everything held about one participant as a JSON file.

For the SPIP (CPIP, SPIP manager) and administrators, within their scope: the person exercises their rights through
the SPIP (see the privacy notice). Other roles that see the person get 403; outside the scope, 404.
The page asks the date of the person's request (kept in the file: the SPIP answers within a month), then the
file is sent (participants.right_of_access builds it). The download is recorded in the access log by audit's
middleware (an attachment response).
"""

import json
import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from access import permissions
from core.views import link_to, require_form_methods

from .access_forms import RightOfAccessForm
from .right_of_access import access_export, may_export_access
from .selectors import get_participant_for

logger = logging.getLogger(__name__)


@require_form_methods
def right_of_access(request, pk):
    """participants:participant_access_export: GET shows the form, a valid POST answers the JSON file."""
    participant, _may_edit = get_participant_for(request.user, pk)
    permissions.require(may_export_access(request.user), _(
        "Seuls le SPIP et les administrateurs exportent les données d'une personne au titre du droit d'accès."))
    if request.method == "POST":
        form = RightOfAccessForm(request.POST)
        if form.is_valid():
            data = access_export(participant, requested_on=form.cleaned_data["requested_on"], by=request.user)
            response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                                    content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="droit-d-acces-{participant.pk}.json"'
            # Ids only: never a name in the logs.
            logger.info("right of access export: participant %s, user %s", participant.pk, request.user.pk)
            return response
    else:
        form = RightOfAccessForm(initial={"requested_on": timezone.localdate()})
    return render(request, "participants/right_of_access.html", {
        "form": form, "participant": participant, "title": _("Droit d'accès : exporter toutes les données"),
        "breadcrumb_parent": link_to(participant),
        "breadcrumb_current": _("Droit d'accès"), "cancel_url": participant.get_absolute_url(),
    })

"""Batches: the charters and contracts of a recruitment session in one ZIP, with a progress bar.

The session, or the batch, outside the user's scope: 404 (participants.selectors.get_session_for,
documents.selectors.get_batch_for). Asking for a batch needs a role that may ask for participant documents (403
otherwise); reading the batch and downloading its ZIP follow the scope.
"""

import logging
import zipfile

from django.contrib import messages
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from access import permissions
from core.views import link_to
from participants.models import Pathway
from participants.selectors import get_session_for

from . import batch as batches
from .enums import BatchStatus
from .selectors import get_batch_for

logger = logging.getLogger(__name__)


@require_POST
def batch_create(request, pk):
    """From the session page: a new batch of the session's selected people, then its page."""
    session, _may_edit = get_session_for(request.user, pk)
    permissions.require(permissions.can_request_document(request.user, Pathway),
                        _("Votre rôle ne permet pas de demander les documents des personnes retenues."))
    if not batches.selected_pathways(session=session, user=request.user).exists():
        messages.error(request, _("Aucune personne n'est retenue dans cette session : il n'y a pas de document "
                                  "à préparer."))
        return HttpResponseRedirect(session.get_absolute_url())
    batch = batches.batch_create(session=session, by=request.user)
    if batch.total:
        messages.success(request, ngettext(
            "Votre demande est enregistrée : %(count)d document est en cours de préparation.",
            "Votre demande est enregistrée : %(count)d documents sont en cours de préparation.",
            batch.total) % {"count": batch.total})
    return HttpResponseRedirect(batch.get_absolute_url())


@require_safe
def batch_detail(request, pk):
    """The batch's page; the htmx poll of the same URL gets only the progress partial, every 2 s until the ZIP is
    ready (or the batch failed). A batch left behind by a lost message is sent again."""
    batch, may_request = get_batch_for(request.user, pk)
    running = batch.status in (BatchStatus.PENDING, BatchStatus.RUNNING)
    context = {"batch": batch, "progress": batches.batch_progress(batch), "polling": running,
               "can_request": may_request}
    if running and batches.batch_is_stalled(batch):
        batches.dispatch_build(batch.pk)
    if request.htmx:
        return render(request, "documents/includes/_batch_status.html", context)
    session = batch.session
    context.update(
        title=_("Documents des personnes retenues — %(session)s") % {"session": session},
        session=session,
        skipped=batches.batch_skipped(batch, user=request.user),
        breadcrumb_parent=link_to(session),
        breadcrumb_current=_("Documents des personnes retenues"),
    )
    return render(request, "documents/batch_detail.html", context)


@require_safe
def batch_download(request, pk):
    """The ZIP from private storage, as an attachment; one download is recorded for each document in it."""
    batch, _may_request = get_batch_for(request.user, pk)
    if batch.status != BatchStatus.READY or not batch.file:
        messages.info(request, _("Le fichier ZIP n'est pas encore prêt : il le sera quand tous les documents "
                                 "seront générés."))
        return HttpResponseRedirect(batch.get_absolute_url())
    try:
        handle = batch.file.open("rb")
        names = zipfile.ZipFile(handle).namelist()
    except (OSError, zipfile.BadZipFile):
        logger.error("batch %s: ZIP missing or unreadable in storage", batch.pk)
        return render(request, "documents/batch_unavailable.html", {
            "title": _("Fichier indisponible"), "batch": batch,
            "breadcrumb_parent": link_to(batch.session),
            "breadcrumb_current": _("Fichier indisponible"),
        }, status=500)
    handle.seek(0)
    batches.batch_download_record(batch=batch, names=names, by=request.user)
    return FileResponse(handle, as_attachment=True, filename=batches.zip_name(batch),
                        content_type="application/zip")

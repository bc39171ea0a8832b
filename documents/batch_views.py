"""Batches: the charters and contracts of a recruitment session in one ZIP, with a progress bar.

The session, or the batch, outside the user's scope: 404 (access.scope). Asking for a batch needs a role that
may ask for participant documents (403 otherwise); reading the batch and downloading its ZIP follow the scope.
"""

import logging
import zipfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from access import permissions, scope
from participants.models import Pathway

from . import batch as batches
from .enums import BatchStatus

logger = logging.getLogger(__name__)

def _batch_for(user, pk):
    return get_object_or_404(
        scope.document_batches_for(user).select_related("session__programme__siae",
                                                        "session__programme__establishment", "requested_by"),
        pk=pk,
    )


class BatchCreateView(View):
    """POST only, from the session page: a new batch of the session's selected people, then its page."""

    http_method_names = ["post"]

    def post(self, request, pk):
        session = get_object_or_404(scope.recruitment_sessions_for(request.user).select_related("programme"), pk=pk)
        if not permissions.can_request_document(request.user, Pathway):
            raise PermissionDenied(_("Votre rôle ne permet pas de demander les documents des personnes retenues."))
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


def _status_context(request, batch) -> dict:
    progress = batches.batch_progress(batch)
    running = batch.status in (BatchStatus.PENDING, BatchStatus.RUNNING)
    if running and batches.batch_is_stalled(batch):
        batches.dispatch_build(batch.pk)
    return {
        "batch": batch,
        "progress": progress,
        "polling": running,
        "can_request": permissions.can_request_document(request.user, Pathway),
    }


class BatchDetailView(View):
    """The batch's page; the htmx poll of the same URL gets only the progress partial, every 2 s until the ZIP is
    ready (or the batch failed)."""

    def get(self, request, pk):
        batch = _batch_for(request.user, pk)
        context = _status_context(request, batch)
        if request.htmx:
            return render(request, "documents/includes/_batch_status.html", context)
        session = batch.session
        context.update(
            title=_("Documents des personnes retenues — %(session)s") % {"session": session},
            session=session,
            skipped=batches.batch_skipped(batch, user=request.user),
            breadcrumb_parent={"label": str(session), "url": session.get_absolute_url()},
            breadcrumb_current=_("Documents des personnes retenues"),
        )
        return render(request, "documents/batch_detail.html", context)


class BatchDownloadView(View):
    """The ZIP from private storage, as an attachment; one download is recorded for each document in it."""

    def get(self, request, pk):
        batch = _batch_for(request.user, pk)
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
                "breadcrumb_parent": {"label": str(batch.session), "url": batch.session.get_absolute_url()},
                "breadcrumb_current": _("Fichier indisponible"),
            }, status=500)
        handle.seek(0)
        batches.batch_download_record(batch=batch, names=names, by=request.user)
        return FileResponse(handle, as_attachment=True, filename=batches.zip_name(batch),
                            content_type="application/zip")

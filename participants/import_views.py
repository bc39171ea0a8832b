"""Import of pathway spreadsheets: upload, checked preview, confirmation, progress.

An import job is seen only by the person who uploaded it and by administrators (404 for anybody else: the
report holds the file's names, access.scope.import_jobs_for). Uploading and confirming need a role that may
import (403 otherwise). The jobs themselves are participants.importing.jobs.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from access import permissions
from core.views import EXPORT_FORMATS, crumb, require_form_methods
from programmes.exports import table_response

from .enums import ImportStatus
from .import_forms import MAX_UPLOAD_BYTES, ImportUploadForm
from .importing import COLUMN_NAMES, COLUMNS, error_text
from .importing import jobs as import_jobs
from .selectors import get_import_job_for, own_import_jobs_for

RECENT_JOBS = 10
NO_IMPORT_ROLE = "Votre rôle ne permet pas d'importer des parcours."
TEMPLATE_NAME = "modele-import-parcours"


@require_safe
def import_template(request):
    """The file to fill: the format's columns in its order, no row (``?format=csv``, with ";", or ``xlsx``)."""
    permissions.require(import_jobs.may_import(request.user), NO_IMPORT_ROLE)
    fmt = request.GET.get("format")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return table_response(filename=TEMPLATE_NAME, headers=list(COLUMN_NAMES), rows=[], fmt=fmt)


@require_form_methods
def import_upload(request):
    permissions.require(import_jobs.may_import(request.user), NO_IMPORT_ROLE)
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST, request.FILES) if posted else ImportUploadForm()
    if posted and form.is_valid():
        job = import_jobs.import_job_create(upload=form.cleaned_data["file"], by=request.user)
        return redirect(job)
    return render(request, "participants/import_upload.html", {
        "form": form,
        "title": "Importer des parcours",
        "breadcrumb_parent": crumb("Participants", reverse("participants:participant_list")),
        "breadcrumb_current": "Importer des parcours",
        "columns": COLUMNS,
        "max_megabytes": MAX_UPLOAD_BYTES // (1024 * 1024),
        "recent_jobs": own_import_jobs_for(user=request.user)[:RECENT_JOBS],
    })


@require_safe
def import_detail(request, pk):
    """The job's page; the htmx poll of the same URL gets only the status partial, every second while it runs."""
    job, may_confirm = get_import_job_for(request.user, pk)
    report = job.report or {}
    context = {
        "job": job,
        "running": job.status in import_jobs.RUNNING,
        "report": report,
        "errors": [{**error, "text": error_text(error)} for error in report.get("errors", [])],
        "percent": int(100 * job.processed_rows / job.total_rows) if job.total_rows else 0,
        "can_confirm": job.status == ImportStatus.CHECKED and may_confirm,
        "ImportStatus": ImportStatus,
    }
    if request.htmx:
        return render(request, "participants/includes/_import_status.html", context)
    context.update(
        title=f"Import du fichier « {job.file_name} »",
        breadcrumb_parent=crumb("Importer des parcours", reverse("participants:import_upload")),
        breadcrumb_current=job.file_name,
    )
    return render(request, "participants/import_detail.html", context)


@require_POST
def import_confirm(request, pk):
    """Confirm a checked file: the import task checks it again, then writes all or nothing."""
    job, may_confirm = get_import_job_for(request.user, pk)
    permissions.require(may_confirm, NO_IMPORT_ROLE)
    try:
        import_jobs.import_job_confirm(job=job, by=request.user)
    except ValidationError as refusal:  # when it starts, the page itself shows the progress
        messages.error(request, refusal.messages[0])
    return redirect(job)

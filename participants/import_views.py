"""Import of pathway spreadsheets: upload, checked preview, confirmation, progress.

An import job is seen only by the person who uploaded it and by administrators (404 for anybody else: the
report holds the file's names). Uploading and confirming need a role that may import (403 otherwise).
"""

import uuid
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from access import permissions
from accounts.enums import Role

from . import tasks
from .enums import ImportStatus
from .import_forms import MAX_UPLOAD_BYTES, ImportUploadForm
from .importing import COLUMNS, error_text
from .models import ImportJob

RUNNING = frozenset({ImportStatus.CHECKING, ImportStatus.IMPORTING})
RECENT_JOBS = 10


def _sees_every_job(user) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def import_jobs_for(user):
    """The jobs a user may open: their own; every job for an administrator."""
    jobs = ImportJob.objects.select_related("created_by")
    return jobs if _sees_every_job(user) else jobs.filter(created_by=user)


def _require_import_role(user):
    if not permissions.can_create(user, ImportJob):
        raise PermissionDenied("Votre rôle ne permet pas d'importer des parcours.")


class ImportUploadView(FormView):
    template_name = "participants/import_upload.html"
    form_class = ImportUploadForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_import_role(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title="Importer des parcours",
            breadcrumb_parent={"label": "Participants", "url": reverse("participants:participant_list")},
            breadcrumb_current="Importer des parcours",
            columns=COLUMNS,
            max_megabytes=MAX_UPLOAD_BYTES // (1024 * 1024),
            recent_jobs=ImportJob.objects.filter(created_by=self.request.user)[:RECENT_JOBS],
        )
        return context

    def form_valid(self, form):
        upload, user = form.cleaned_data["file"], self.request.user
        extension = Path(upload.name).suffix.lower()
        with transaction.atomic():
            # A random name: the uploaded name may hold a person's name, and is kept only in the job row.
            path = tasks.import_storage().save(f"imports/{uuid.uuid4().hex}{extension}", upload)
            job = ImportJob.objects.create(created_by=user, file_name=upload.name[:255], file_path=path)
            transaction.on_commit(lambda: tasks.check_import.delay(str(job.pk), user.pk))
        return redirect(job)


def _job_context(request, job: ImportJob) -> dict:
    report = job.report or {}
    errors = report.get("errors", [])
    return {
        "job": job,
        "running": job.status in RUNNING,
        "report": report,
        "errors": [{**error, "text": error_text(error)} for error in errors],
        "percent": int(100 * job.processed_rows / job.total_rows) if job.total_rows else 0,
        "can_confirm": job.status == ImportStatus.CHECKED and permissions.can_create(request.user, ImportJob),
        "ImportStatus": ImportStatus,
    }


class ImportDetailView(View):
    """The job's page; the htmx poll of the same URL gets only the status partial, every second while it runs."""

    def get(self, request, pk):
        job = get_object_or_404(import_jobs_for(request.user), pk=pk)
        context = _job_context(request, job)
        if request.htmx:
            return render(request, "participants/includes/_import_status.html", context)
        context.update(
            title=f"Import du fichier « {job.file_name} »",
            breadcrumb_parent={"label": "Importer des parcours", "url": reverse("participants:import_upload")},
            breadcrumb_current=job.file_name,
        )
        return render(request, "participants/import_detail.html", context)


class ImportConfirmView(View):
    """Confirm a checked file: the import task checks it again, then writes all or nothing."""

    def post(self, request, pk):
        job = get_object_or_404(import_jobs_for(request.user), pk=pk)
        _require_import_role(request.user)
        with transaction.atomic():
            # Conditional UPDATE: a double click or two tabs start the import once.
            started = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
                status=ImportStatus.IMPORTING, processed_rows=0, finished_at=None)
            if started:
                user_pk = request.user.pk
                transaction.on_commit(lambda: tasks.import_pathways.delay(str(job.pk), user_pk))
        if not started:  # when it starts, the page itself shows the progress
            messages.error(request, "Cet import n'attend pas de confirmation : il est déjà lancé, terminé, ou son "
                                    "fichier contient des erreurs.")
        return redirect(job)

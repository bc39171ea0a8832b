"""The import's jobs: one ImportJob row per uploaded file, which the pages poll and the Celery tasks fill.

``import_job_create`` (the upload page) stores the file and sends the check (a dry run); once the file is
CHECKED, ``import_job_confirm`` sends the import (a wet run). Both runs go through ``import_job_run``, called by
the tasks with ids only: it claims the row, re-checks the user, reads the file and calls ``run_import``, the
same function as the command line (participants/management/commands/import_pathways.py).
"""

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from access import permissions
from audit.context import records_by
from participants import tasks
from participants.enums import ImportStatus
from participants.models import ImportJob

from . import run_import
from .report import Report

logger = logging.getLogger(__name__)

RUNNING = frozenset({ImportStatus.CHECKING, ImportStatus.IMPORTING})
NOT_WAITING = ("Cet import n'attend pas de confirmation : il est déjà lancé, terminé, ou son fichier contient des "
               "erreurs.")


def import_storage():
    """Where uploaded files wait for their import: private storage, never served under a public URL."""
    return storages["private" if "private" in settings.STORAGES else "default"]


def may_import(user) -> bool:
    """The roles that upload, confirm and run an import (the pages, the tasks and the command line)."""
    return permissions.can_create(user, ImportJob)


@records_by
def import_job_create(*, upload, by) -> ImportJob:
    """Store the uploaded file under a random name and send its check once the row is committed."""
    extension = Path(upload.name).suffix.lower()
    with transaction.atomic():
        # A random name: the uploaded name may hold a person's name, and is kept only in the job row.
        path = import_storage().save(f"imports/{uuid.uuid4().hex}{extension}", upload)
        job = ImportJob.objects.create(created_by=by, file_name=upload.name[:255], file_path=path)
        transaction.on_commit(lambda: tasks.check_import.delay(str(job.pk), by.pk))
    return job


@records_by
def import_job_confirm(*, job: ImportJob, by) -> None:
    """Start the import of a checked file (the task checks it again, then writes all or nothing).

    A conditional UPDATE: a double click or two tabs start the import once; any other status is refused."""
    with transaction.atomic():
        started = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
            status=ImportStatus.IMPORTING, processed_rows=0, finished_at=None)
        if started:
            transaction.on_commit(lambda: tasks.import_pathways.delay(str(job.pk), by.pk))
    if not started:
        raise ValidationError(NOT_WAITING)


def import_job_run(*, job_id: str, user_id: int, wet_run: bool) -> str:
    """The check (``wet_run`` False, a job CHECKING) or the import (a job IMPORTING) of one job; its new status.

    "skipped" when the job is no longer in that status: a second delivery of the same message does nothing."""
    waiting = ImportStatus.IMPORTING if wet_run else ImportStatus.CHECKING
    job = ImportJob.objects.filter(pk=job_id, status=waiting).first()
    if job is None:
        return "skipped"
    user = _allowed_user(user_id)
    if user is None:
        report = Report(job.file_name, wet_run)
        report.error(None, None, "Votre compte ne permet plus d'importer des parcours : rien n'a été importé.")
        _finish(job, ImportStatus.INVALID, report.as_dict())
        return ImportStatus.INVALID
    try:
        with import_storage().open(job.file_path, "rb") as handle:
            data = handle.read()
        report = run_import(data, job.file_name, user=user, wet_run=wet_run, on_progress=_progress(job.pk))
    except Exception as error:  # noqa: BLE001 - any failure ends the job with a readable state
        # No personal data in the log: the job's id and the kind of error only.
        logger.error("Import %s : échec technique (%s)", job.pk, type(error).__name__)
        failed = Report(job.file_name, wet_run)
        failed.error(None, None, "L'import a échoué pour une raison technique : rien n'a été importé. Réessayez plus "
                                 "tard ; si l'échec se répète, signalez-le à l'administrateur (import "
                                 f"{job.pk}).")
        _finish(job, ImportStatus.FAILED, failed.as_dict())
        return ImportStatus.FAILED
    if report["errors"]:
        status = ImportStatus.INVALID
    elif wet_run:
        status = ImportStatus.DONE
        report["preview"] = []  # the rows are in the database now; the job keeps the counts only
    else:
        status = ImportStatus.CHECKED
    _finish(job, status, report)
    return status


def _allowed_user(user_id):
    """The requesting user, only while their account is active and their role may still import."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).select_related("organisation").first()
    return user if user is not None and may_import(user) else None


def _progress(job_pk):
    def report(done: int, total: int):
        ImportJob.objects.filter(pk=job_pk).update(processed_rows=done, total_rows=total)  # a plain UPDATE
    return report


def _finish(job: ImportJob, status: str, report: dict):
    ImportJob.objects.filter(pk=job.pk).update(status=status, report=report, finished_at=timezone.now())
    if status != ImportStatus.CHECKED:  # the file is needed only until the import is confirmed
        import_storage().delete(job.file_path)

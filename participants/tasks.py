"""Celery tasks of the pathway import: thin, they take ids, re-check the user's rights and scope, and call
participants.importing. The page polls the ImportJob row they update (status, processed_rows, report)."""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.utils import timezone

from access import permissions

from .enums import ImportStatus
from .importing import run_import
from .importing.report import Report
from .models import ImportJob

logger = logging.getLogger(__name__)


def import_storage():
    """Where uploaded files wait for their import: private storage, never served under a public URL."""
    return storages["private" if "private" in settings.STORAGES else "default"]


def _progress(job_pk):
    def report(done: int, total: int):
        ImportJob.objects.filter(pk=job_pk).update(processed_rows=done, total_rows=total)  # a plain UPDATE
    return report


def _allowed_user(user_id):
    """The requesting user, only while their account is active and their role may still import."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).select_related("organisation").first()
    return user if user is not None and permissions.can_create(user, ImportJob) else None


def _finish(job: ImportJob, status: str, report: dict):
    ImportJob.objects.filter(pk=job.pk).update(status=status, report=report, finished_at=timezone.now())
    if status != ImportStatus.CHECKED:  # the file is needed only until the import is confirmed
        import_storage().delete(job.file_path)


def _run(job: ImportJob, user_id, *, wet_run: bool) -> str:
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


@shared_task(name="participants.check_import", acks_late=True, ignore_result=True)
def check_import(job_id: str, user_id: int) -> str:
    """Dry run: read and check the whole file, report what the import would do."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportStatus.CHECKING).first()
    if job is None:  # already checked: a second delivery of the same message does nothing
        return "skipped"
    return _run(job, user_id, wet_run=False)


@shared_task(name="participants.import_pathways", acks_late=True, ignore_result=True)
def import_pathways(job_id: str, user_id: int) -> str:
    """Wet run, once confirmed: check again (the data may have changed), then write all or nothing."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportStatus.IMPORTING).first()
    if job is None:
        return "skipped"
    return _run(job, user_id, wet_run=True)


@shared_task(name="participants.apply_retention", acks_late=True, ignore_result=True)
def apply_retention() -> dict:
    """Nightly (Celery beat, settings.CELERY_BEAT_SCHEDULE): the retention, wet. Counts only in the log."""
    from .retention import apply_retention as run

    report = run(wet_run=True)
    return {"participants": report.participants, "documents": report.documents, "audit": report.audit}

"""Celery tasks of the pathway import and the retention: thin, they take ids and call a service
(participants.importing.jobs re-checks the user's rights and scope). The page polls the ImportJob row the import
updates (status, processed_rows, report)."""

from celery import shared_task

from .importing import jobs


@shared_task(name="participants.check_import", acks_late=True, ignore_result=True)
def check_import(job_id: str, user_id: int) -> str:
    """Dry run: read and check the whole file, report what the import would do."""
    return jobs.import_job_run(job_id=job_id, user_id=user_id, wet_run=False)


@shared_task(name="participants.import_pathways", acks_late=True, ignore_result=True)
def import_pathways(job_id: str, user_id: int) -> str:
    """Wet run, once confirmed: check again (the data may have changed), then write all or nothing."""
    return jobs.import_job_run(job_id=job_id, user_id=user_id, wet_run=True)


@shared_task(name="participants.apply_retention", acks_late=True, ignore_result=True)
def apply_retention() -> dict:
    """Nightly (Celery beat, settings.CELERY_BEAT_SCHEDULE): the retention, wet. Counts only in the log."""
    from .retention import apply_retention as run

    report = run(wet_run=True)
    return {"participants": report.participants, "documents": report.documents, "audit": report.audit}

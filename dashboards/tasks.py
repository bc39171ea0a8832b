"""Celery tasks of the dashboards: thin, they call dashboards.summaries."""

from celery import shared_task


@shared_task(name="dashboards.check_summaries", acks_late=True, ignore_result=True)
def check_summaries() -> dict:
    """Nightly (Celery beat, settings.CELERY_BEAT_SCHEDULE): a random sample of programmes' monthly summaries
    recomputed from the raw tables; every difference is logged as an error (the alerting of this project)."""
    from .summaries import check_sample

    return {"differences": len(check_sample())}

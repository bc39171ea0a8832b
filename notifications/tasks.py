"""The digest's Celery task: thin, it calls the service (notifications.services.send_digests)."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="notifications.send_digests", acks_late=True, ignore_result=True)
def send_digests(day: str | None = None) -> dict:
    """Every morning (Celery beat, settings.CELERY_BEAT_SCHEDULE): the daily digests, and the weekly ones on Monday.
    ``day`` (ISO date) only to send as on another day; counts only in the result and the log."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return services.send_digests(today=today).as_dict()

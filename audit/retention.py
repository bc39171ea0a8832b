"""The access log's retention: rows older than ACCESS_LOG_RETENTION_MONTHS are deleted, and so are the failed
logins (accounts.LoginFailure) of the same age. Dry run unless ``wet_run``; the counts are returned either way
and logged (logger "audit"), never any user name.

Called by the ``apply_retention`` command (another module): keep the signature.
"""

import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import LoginFailure

from .models import AccessLog
from .protection import purge_gate

logger = logging.getLogger("audit")


def cutoff(now=None):
    """Rows strictly older than this go (a row exactly N months old stays one more day's run)."""
    return (now or timezone.now()) - relativedelta(months=settings.ACCESS_LOG_RETENTION_MONTHS)


def purge_expired(*, now=None, wet_run=False) -> dict[str, int]:
    before = cutoff(now)
    access = AccessLog.objects.filter(at__lt=before)
    failures = LoginFailure.objects.filter(at__lt=before)
    if not wet_run:
        counts = {"access_log": access.count(), "login_failures": failures.count()}
    else:
        with transaction.atomic():
            with purge_gate(before):
                deleted_access = access.delete()[0]
            counts = {"access_log": deleted_access, "login_failures": failures.delete()[0]}
    logger.info("access-log retention (%s months, before %s): %s access-log rows, %s failed logins %s",
                settings.ACCESS_LOG_RETENTION_MONTHS, before.isoformat(timespec="seconds"), counts["access_log"],
                counts["login_failures"], "deleted" if wet_run else "to delete (dry run)")
    return counts

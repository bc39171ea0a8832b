"""Liveness and readiness, for the orchestrator and the load balancer (security.md R-13).

- ``/healthz``: 200 while the process answers; touches no dependency (a database or broker outage must not get
  the web processes restarted in a loop).
- ``/readyz``: 200 when the database and the Celery broker answer, else 503 naming the failing dependency.
  Each check has a short timeout, so a hung dependency answers "indisponible" within a few seconds.
No personal data, no error details (the log gets the exception's class only).
"""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)
BROKER_TIMEOUT = 2  # seconds


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {})
    options.setdefault("socket_timeout", BROKER_TIMEOUT)
    options.setdefault("socket_connect_timeout", BROKER_TIMEOUT)
    with Connection(settings.CELERY_BROKER_URL, transport_options=options,
                    connect_timeout=BROKER_TIMEOUT) as broker:
        broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)


CHECKS = {"database": _database, "broker": _broker}


@login_not_required
@never_cache
@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@login_not_required
@never_cache
@require_GET
def readyz(request):
    results, failing = {}, []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure of a dependency means "not ready"
            logger.warning("readiness: %s unavailable (%s)", name, type(error).__name__)
            results[name], failing = "indisponible", [*failing, name]
        else:
            results[name] = "ok"
    body = {"status": "ok" if not failing else "indisponible", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)

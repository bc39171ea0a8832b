"""The digest's task through Redis and a real Celery worker (the fixture of tests/celery_worker.py), as Celery
beat sends it every morning. Skipped without Redis on a developer's machine; run by `make test`."""

import datetime
import re
import time
from decimal import Decimal

import pytest

from notifications.models import DigestPreference
from notifications.tasks import send_digests
from programmes.models import ImplantationContract

# transaction=True: what the test writes is committed, so the worker process sees it.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MONDAY = datetime.date(2026, 11, 16)
TIMEOUT = 30  # seconds
SUCCEEDED = re.compile(r"Task notifications\.send_digests\[[0-9a-f-]+\] succeeded")


def log_of(worker) -> str:
    return worker.log_path.read_text(encoding="utf-8", errors="replace")


def test_the_worker_sends_the_weekly_digest_once(celery_worker_process, scope_a, personas):  # noqa: F811 - the fixture imported above
    ImplantationContract.objects.create(
        programme=scope_a.programme, regime="R2016", start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2026, 11, 1), tacit_renewal=False, posts=8, weekly_hours=Decimal("24"),
        hourly_pay=Decimal("6.00"),
    )
    disp = personas["DISP_STAFF_A"]
    disp.email = "disp.a@example.org"
    disp.save(update_fields=["email"])

    for _ in range(2):  # the second message of the day finds the digest sent
        send_digests.apply_async(kwargs={"day": MONDAY.isoformat()}, queue=celery_worker_process.queue)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and len(SUCCEEDED.findall(log_of(celery_worker_process))) < 2:
        time.sleep(0.2)

    preference = DigestPreference.objects.filter(user=disp).first()
    assert preference is not None, celery_worker_process.log_tail()
    assert (preference.last_sent_on, preference.failed_on) == (MONDAY, None), celery_worker_process.log_tail()
    log = log_of(celery_worker_process)
    assert len(SUCCEEDED.findall(log)) == 2, celery_worker_process.log_tail()
    # The worker's mail backend (EMAIL_BACKEND, the console in the tests) printed the message: once.
    assert log.count("To: disp.a@example.org") == 1, celery_worker_process.log_tail()

"""The import end to end through Redis and a real Celery worker (the fixture of tests/celery_worker.py):
the page dispatches the check, the worker reads the file from private storage and reports; once confirmed the
worker imports. Skipped without Redis on a developer's machine; run by `make test` (PostgreSQL and Redis)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants.enums import ImportStatus, PathwayStatus
from participants.models import ImportJob, Pathway, PathwayLog
from tests.participants.import_worker import import_worker  # noqa: F401 - the fixture, reused
from tests.participants.test_import import csv_file, person

# transaction=True: what the test writes is committed, so the worker process sees it.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TIMEOUT = 60  # seconds for the worker to finish a step
ROWS = 1200  # enough for the worker to report progress (every 500 rows) before it finishes


def wait_until_finished(job: ImportJob, worker, running: str) -> ImportJob:
    seen_progress = set()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen_progress.add(job.processed_rows)
        if job.status != running:
            job.seen_progress = seen_progress
            return job
        time.sleep(0.1)
    pytest.fail(f"the import job is still {job.status} after {TIMEOUT} s; worker log:\n{worker.log_tail()}",
                pytrace=False)


def test_the_worker_checks_then_imports_an_uploaded_file(import_worker, client_as, scope_a, personas):  # noqa: F811 - the fixture imported above
    client = client_as("CPIP_A")
    data = csv_file([person(n, date_entree="03/02/2025") if n % 2 else person(n) for n in range(ROWS)])

    response = client.post(reverse("participants:import_upload"), {"file": SimpleUploadedFile("suivi.csv", data)})
    job = wait_until_finished(ImportJob.objects.get(), import_worker, ImportStatus.CHECKING)

    assert response.status_code == 302
    assert job.status == ImportStatus.CHECKED, (job.report, import_worker.log_tail())
    assert job.total_rows == job.processed_rows == ROWS
    assert job.report["counts"]["pathways"]["created"] == ROWS
    assert Pathway.objects.count() == 0  # checked only

    client.post(reverse("participants:import_confirm", args=[job.pk]))
    job = wait_until_finished(job, import_worker, ImportStatus.IMPORTING)

    assert job.status == ImportStatus.DONE, (job.report, import_worker.log_tail())
    assert Pathway.objects.count() == ROWS
    assert Pathway.objects.filter(status=PathwayStatus.IN_WORKSHOP).count() == ROWS // 2
    assert set(PathwayLog.objects.values_list("by", flat=True)) == {personas["CPIP_A"].pk}
    assert "Import terminé" in client.get(job.get_absolute_url()).content.decode()

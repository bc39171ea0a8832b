"""Documents end to end through real Redis and a real Celery worker (the fixtures of conftest.py).

A requested document becomes READY in the worker; a document whose message was lost (the broker refused it at
request time) is sent again by the sweep and rendered once. Skipped without Redis on a developer's machine;
run by `make test` and scripts/test-services.sh (PostgreSQL and Redis).
"""

import datetime
import hashlib
import time

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from documents import services
from documents.enums import DocumentStatus
from documents.models import GeneratedDocument
from documents.tasks import generate_document
from tests.accounts.factories import UserFactory

from .factories import kind_under_test, real_kinds

# transaction=True: what the test writes is committed, so the worker process sees it.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TIMEOUT = 60  # seconds for the worker to render a document
TASK = "documents.generate"


@pytest.fixture
def broker_down():
    """Set ``broker_down["now"] = True`` and publishing fails as with Redis unreachable."""
    return {"now": False}


@pytest.fixture
def worker(celery_worker_process, broker_down, monkeypatch):
    """The real worker listens on its own queue: the messages of documents.generate are routed there (the
    broker boundary); everything else is the application's own code."""
    if "memory" in str(settings.DATABASES["default"]["NAME"]):
        pytest.skip("an in-memory SQLite test database cannot be shared with the worker process")
    publish = generate_document.apply_async

    def routed(args=None, kwargs=None, **options):
        if broker_down["now"]:
            raise BrokerOperationalError("Error 111 connecting to the broker. Connection refused.")
        return publish(args, kwargs, **{**options, "queue": celery_worker_process.queue})

    monkeypatch.setattr(generate_document, "apply_async", routed)
    return celery_worker_process


@pytest.fixture
def under_test():
    """A real kind: the worker process renders it from the templates deployed with the application (a kind
    registered only in the test process, like the pipeline tests' TEST_SHEET, does not exist there)."""
    kinds = real_kinds()
    assert kinds, "no real kind (STATE_CONVENTION, PROJECT_SHEET) is registered in documents/kinds/"
    return kind_under_test(kinds[0])


@pytest.fixture
def stored():
    """The files the worker writes, removed at the end (the worker uses the configured private storage)."""
    documents = []
    yield documents
    for document in documents:
        document.refresh_from_db()
        if document.file:
            document.file.storage.delete(document.file.name)


def generated_count(app, worker) -> int:
    """How many documents.generate messages the worker has run since it started."""
    stats = app.control.inspect(destination=[worker.nodename], timeout=5).stats() or {}
    assert worker.nodename in stats, f"no stats from {worker.nodename}: {stats}"
    return stats[worker.nodename]["total"].get(TASK, 0)


def runs_since(before: int, app, worker, settle: float = 2.0) -> int:
    """The messages run since ``before``, once the count has stopped moving for ``settle`` seconds (the worker
    counts a task when it returns, just after the row is marked READY)."""
    count, stable_since = generated_count(app, worker), time.monotonic()
    while time.monotonic() - stable_since < settle:
        time.sleep(0.25)
        now = generated_count(app, worker)
        if now != count:
            count, stable_since = now, time.monotonic()
    return count - before


def wait_until_done(document: GeneratedDocument, worker) -> GeneratedDocument:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status in (DocumentStatus.READY, DocumentStatus.FAILED):
            return document
        time.sleep(0.1)
    pytest.fail(f"the document is still {document.status} after {TIMEOUT} s; worker log:\n{worker.log_tail()}",
                pytrace=False)


def test_a_requested_document_becomes_ready_in_the_worker(worker, redis_broker, under_test, stored):
    before = generated_count(redis_broker, worker)

    # Autocommit (transaction=True): the on-commit dispatch runs when document_request's transaction commits.
    document = services.document_request(kind=under_test.kind, subject=under_test.make("Atelier Émeraude"),
                                         by=UserFactory())
    stored.append(document)
    document = wait_until_done(document, worker)

    assert document.status == DocumentStatus.READY, (document.error, worker.log_tail())
    with document.file.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    assert document.size == len(pdf)
    assert document.attempts == 1
    assert runs_since(before, redis_broker, worker) == 1


def test_a_lost_message_is_sent_again_by_the_sweep_and_rendered_once(
        worker, broker_down, redis_broker, under_test, stored):
    before = generated_count(redis_broker, worker)
    broker_down["now"] = True
    document = services.document_request(kind=under_test.kind, subject=under_test.make(), by=UserFactory())
    stored.append(document)
    broker_down["now"] = False

    assert runs_since(before, redis_broker, worker) == 0  # the message never reached Redis
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING

    later = timezone.now() + services.PENDING_GRACE + datetime.timedelta(seconds=1)
    report = services.sweep(now=later)  # what Celery beat runs every minute
    assert (report["waiting"], report["resent"]) == (1, 1)
    document = wait_until_done(document, worker)

    assert document.status == DocumentStatus.READY, (document.error, worker.log_tail())
    assert document.attempts == 1
    assert services.sweep(now=later) == {"reset": 0, "failed": 0, "resent": 0, "waiting": 0}
    assert runs_since(before, redis_broker, worker) == 1

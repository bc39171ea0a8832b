"""The documents' tasks sent to the real Celery worker of tests/documents/conftest.py (its own queue, fed through
Redis): the fixture of the browser journeys that generate a PDF."""

import pytest
from django.conf import settings

from tests.documents.conftest import celery_worker_process, redis_broker  # noqa: F401 - the fixtures, reused


@pytest.fixture
def document_worker(celery_worker_process, monkeypatch):  # noqa: F811 - the fixture imported above
    """The real worker listens on its own queue: the documents' messages are sent there, nothing else changes."""
    if "memory" in str(settings.DATABASES["default"]["NAME"]):
        pytest.skip("an in-memory SQLite test database cannot be shared with the worker process")
    from documents.tasks import generate_document

    send = generate_document.apply_async
    monkeypatch.setattr(generate_document, "apply_async",
                        lambda *args, **kwargs: send(*args, **{**kwargs, "queue": celery_worker_process.queue}))
    return celery_worker_process

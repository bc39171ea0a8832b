"""The documents' tasks sent to the real Celery worker of tests/celery_worker.py (its own queue, fed through
Redis): the fixture of the browser journeys that generate a PDF."""

import pytest
from django.conf import settings


@pytest.fixture
def document_worker(celery_worker_process, monkeypatch):
    """The real worker listens on its own queue: the documents' messages are sent there, nothing else changes."""
    if "memory" in str(settings.DATABASES["default"]["NAME"]):
        pytest.skip("an in-memory SQLite test database cannot be shared with the worker process")
    from documents.tasks import generate_document

    send = generate_document.apply_async
    monkeypatch.setattr(generate_document, "apply_async",
                        lambda *args, **kwargs: send(*args, **{**kwargs, "queue": celery_worker_process.queue}))
    return celery_worker_process

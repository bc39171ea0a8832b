"""The import's tasks sent to the real Celery worker of tests/celery_worker.py (its own queue, fed through
Redis): the fixture of the import's worker tests and of the browser journey."""

import pytest
from django.conf import settings

from participants import tasks


@pytest.fixture
def import_worker(celery_worker_process, monkeypatch):
    """The real worker listens on its own queue: the page's .delay() is routed there, nothing else changes."""
    if "memory" in str(settings.DATABASES["default"]["NAME"]):
        pytest.skip("an in-memory SQLite test database cannot be shared with the worker process")
    for task in (tasks.check_import, tasks.import_pathways):
        monkeypatch.setattr(task, "delay", lambda *args, task=task: task.apply_async(
            args, queue=celery_worker_process.queue))
    return celery_worker_process

"""The document service end to end: a task goes through Redis to a real Celery worker, which renders a PDF."""

import dj_database_url
import pytest
from django.conf import settings

# django_db: pytest-django creates the test database, which the worker is pointed at.
pytestmark = [pytest.mark.worker, pytest.mark.django_db]

RESULT_TIMEOUT = 30  # seconds


def test_the_broker_and_result_backend_are_redis(redis_broker):
    app = redis_broker
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert app.conf.broker_url.startswith("redis://"), app.conf.broker_url
    assert app.conf.result_backend.startswith("redis://"), app.conf.result_backend
    with app.connection_for_write() as connection:
        assert connection.transport_cls == "redis", connection.transport_cls
    assert type(app.backend).__name__ == "RedisBackend", type(app.backend)


def test_probe_task_round_trip_renders_a_pdf_in_the_worker(celery_worker_process, redis_broker):
    from documents.tasks import probe_worker

    app = redis_broker
    worker = celery_worker_process
    async_result = probe_worker.apply_async(queue=worker.queue)
    try:
        result = async_result.get(timeout=RESULT_TIMEOUT)
    except Exception as error:
        pytest.fail(f"probe_worker failed or timed out ({error!r}); worker log:\n{worker.log_tail()}",
                    pytrace=False)
    assert async_result.successful()
    assert result["starts_with"] == "%PDF-", result
    assert result["pdf_bytes"] > 1000, f"suspiciously small PDF: {result}"

    # Our worker (its unique node name) ran it, and the message went through Redis.
    stats = app.control.inspect(destination=[worker.nodename], timeout=5).stats() or {}
    assert worker.nodename in stats, f"no stats from {worker.nodename}: {stats}"
    assert stats[worker.nodename]["total"].get("documents.probe_worker", 0) >= 1, stats[worker.nodename]
    transport = stats[worker.nodename]["broker"]["transport"]
    assert transport == "redis", transport
    assert app.conf.broker_url.startswith("redis://"), app.conf.broker_url


def test_the_worker_is_given_the_test_database(celery_worker_process):
    db = settings.DATABASES["default"]
    given = dj_database_url.parse(celery_worker_process.database_url)
    if "memory" in str(db["NAME"]):  # SQLite in memory cannot be shared: the worker gets a scratch file
        assert given["NAME"].endswith("worker-test.sqlite3"), given
        return
    assert given["ENGINE"] == db["ENGINE"]
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        assert str(given.get(key) or "") == str(db.get(key) or ""), key
    assert str(given["NAME"]).startswith("test_"), given["NAME"]

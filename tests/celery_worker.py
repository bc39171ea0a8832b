"""A real Celery worker process for the tests (documents, import, digest, browser journeys), fed through Redis and
using the test database. Its fixtures are registered once, in tests/conftest.py: one worker per test process (a
test module importing them would start a worker of its own, for the rest of the session).

Without REDIS_URL the worker tests are skipped on a developer's machine (SQLite, no server) and fail
under `make test` (IAE_TEST_SERVICES=1), where scripts/test-services.sh must have started Redis.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings

from tests import clock

WORKER_START_TIMEOUT = 60.0  # seconds until the worker answers a ping
WORKER_STOP_TIMEOUT = 20.0  # seconds of warm shutdown before the worker is killed


def services_required() -> bool:
    return os.environ.get("IAE_TEST_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip on a plain local run; fail under `make test`, where every service must be there."""
    if services_required():
        pytest.fail(f"{reason} (IAE_TEST_SERVICES=1: `make test` must provide it)", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class WorkerProcess:
    pid: int
    nodename: str
    queue: str
    database_url: str
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no worker log)"
        return "\n".join(text.splitlines()[-lines:])


def worker_database_url(db: dict, scratch_dir: Path) -> str:
    """A DATABASE_URL (parsed by dj_database_url in settings.py) for the test database ``db``."""
    engine, name = db["ENGINE"], str(db["NAME"])
    if engine.endswith("sqlite3"):
        if name == ":memory:" or "mode=memory" in name:
            # An in-memory test database cannot be shared with another process: give the worker an empty
            # file of its own rather than letting it fall back to the development database (var/db.sqlite3).
            return f"sqlite:///{scratch_dir / 'worker-test.sqlite3'}"
        return f"sqlite:///{name}"
    if not engine.endswith(("postgresql", "postgis")):
        pytest.fail(f"No DATABASE_URL scheme known for the test database engine {engine}", pytrace=False)
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(str(db.get("HOST") or ""), safe="")  # a socket directory is percent-encoded
    port = f":{db['PORT']}" if db.get("PORT") else ""
    options = {k: v for k, v in (db.get("OPTIONS") or {}).items() if isinstance(v, str | int | bool)}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}{host}{port}/{quote(name, safe='')}{query}"


@pytest.fixture(scope="session")
def redis_broker():
    """The project's Celery app, checked to be configured for Redis and able to reach it."""
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set: the Celery worker tests need a Redis server")
    from iae_detention.celery import app

    assert app.conf.broker_url.startswith("redis://"), app.conf.broker_url
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=5)
    except Exception as error:  # noqa: BLE001 - any connection error means the same thing here
        pytest.fail(f"Redis at {settings.REDIS_URL} does not answer: {error!r}", pytrace=False)
    return app


@pytest.fixture(scope="session")
def celery_worker_process(redis_broker, django_db_setup, tmp_path_factory):
    """Start `celery -A iae_detention worker` (prefork, concurrency 1) on its own queue; stop it at the end.

    The worker gets the tests' environment, with DATABASE_URL pointing at the pytest-django test database
    (use it from tests marked ``django_db`` so that database exists), and a unique node name and queue,
    so no other worker listening on the same Redis can take the tasks.
    """
    app = redis_broker
    db = settings.DATABASES["default"]
    name = str(db["NAME"])
    if not (name.startswith("test_") or "memory" in name):
        pytest.fail(f"The worker would use {name!r}, which is not a test database: mark the test "
                    "@pytest.mark.django_db so that pytest-django creates the test database first.",
                    pytrace=False)
    scratch = tmp_path_factory.mktemp("celery-worker")
    token = uuid.uuid4().hex[:10]
    nodename = f"iae-test-{token}@{socket.gethostname()}"
    queue = f"iae-test-{token}"
    database_url = worker_database_url(db, scratch)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "iae_detention.settings"),
        "REDIS_URL": settings.REDIS_URL,
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        **clock.environment_for_child(),  # the worker lives at the tests' moment (tests/clock.py)
    }
    log_path = scratch / "worker.log"
    command = [
        sys.executable, "-m", "tests.clock", "celery", "-A", "iae_detention", "worker",
        "--concurrency", "1", "--pool", "prefork", "-l", "info",
        "-n", nodename, "-Q", queue,
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed command line
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the prefork children can be killed with it
        )
    worker = WorkerProcess(process.pid, nodename, queue, database_url, log_path)
    try:
        _wait_until_it_answers(app, process, worker)
        yield worker
    finally:
        _stop(process)


def _wait_until_it_answers(app, process: subprocess.Popen, worker: WorkerProcess) -> None:
    started = time.monotonic()
    while time.monotonic() - started < WORKER_START_TIMEOUT:
        if process.poll() is not None:
            pytest.fail(f"The Celery worker exited with code {process.returncode} before answering:\n"
                        f"{worker.log_tail()}", pytrace=False)
        if app.control.ping(destination=[worker.nodename], timeout=1.0):
            return
    pytest.fail(f"The Celery worker did not answer a ping within {WORKER_START_TIMEOUT:g} s:\n"
                f"{worker.log_tail()}", pytrace=False)


def _stop(process: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM), then SIGKILL to the worker's process group if it takes too long."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=WORKER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the worker and its pool children: the group we started
        process.wait(timeout=10)

"""Health endpoints (security.md R-13): /healthz answers while the process lives; /readyz names what is down.

Dependencies are really down here: a broker URL on a closed port, a socket that accepts and never answers, a
database connection whose server cannot be reached.
"""

import socket
import threading
import time

import pytest
from django.db import connection
from django.test import Client


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def closed_port():
    """A local port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return port


@pytest.fixture
def hung_port():
    """A server that accepts connections and never answers (a Redis that hangs)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for sock in accepted:
        sock.close()
    server.close()


# Transactional tests here keep serialized_rollback like tests/participants/test_concurrency.py: a plain
# transactional test before those leaves content types that their setup then inserts again (duplicate key).
@pytest.fixture
def database_down():
    """The default connection pointed at a server that cannot be reached, then put back."""
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    settings_dict.update(HOST="127.0.0.1", PORT="1")  # PostgreSQL: nobody listens there
    yield
    connection.close()
    settings_dict.clear()
    settings_dict.update(saved)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_healthz_answers_200_without_touching_any_dependency(client, database_down, settings, closed_port):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_200_when_the_database_and_the_broker_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_readyz_names_the_broker_when_redis_is_stopped(client, settings, closed_port):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert response.json()["checks"] == {"database": "ok", "broker": "indisponible"}


@pytest.mark.django_db
def test_readyz_answers_within_seconds_when_redis_hangs(client, settings, hung_port):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{hung_port}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert elapsed < 6, f"readyz took {elapsed:.1f} s with a hung broker"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="the SQLite test database lives in memory and never "
                    "closes: an unreachable server needs PostgreSQL (make test)")
def test_readyz_names_the_database_when_it_cannot_be_reached(client, database_down):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert "database" in response.json()["failing"]
    assert response.json()["checks"]["database"] == "indisponible"


def test_health_endpoints_need_no_login_and_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405

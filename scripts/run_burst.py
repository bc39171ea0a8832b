#!/usr/bin/env python
"""`make run-burst`: a burst of document requests against `make run` itself, in a throwaway folder.

    .venv/bin/python scripts/run_burst.py [--requests 30] [--timeout 240]

Runs `make run` as a developer would (no DATABASE_URL, no REDIS_URL: SQLite and the embedded broker, the worker and
beat started by the Makefile) with IAE_VAR_DIR in a temporary folder and the server on a free loopback port, signs
in as cpip.meaux through the login form, sends ``--requests`` document requests at the same instant (one thread
each), then waits until every document is READY. Prints figures in French; exits 1 when a document is not READY in
time, when the worker process died or was replaced, or when its log says "Unrecoverable error" (issue 14, item 10:
two requests in the same second killed the worker of the filesystem broker).
"""

import argparse
import concurrent.futures
import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import redis
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "resilience"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import embedded_redis  # noqa: E402
from client import current_code, login, post_form  # noqa: E402

USER = "cpip.meaux"
KIND = "ACCOMPANIMENT_CHARTER"
BROWSE_PATH = "/participants/"  # the CPIP's caseload: a signed-in page that reads the database
PASSWORD = "Demo-IAE-detention-2026"
# What `make run` must not inherit from the caller (make test's services, another configuration).
SCRUBBED = ("DATABASE_URL", "REDIS_URL", "PRIVATE_STORAGE_ROOT", "DJANGO_STATIC_ROOT", "DJANGO_SETTINGS_MODULE",
            "DJANGO_ENV", "DEMO_PASSWORD", "IAE_TEST_NOW", "IAE_TEST_SERVICES")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def line(label: str, value) -> None:
    print(f"  {label:<52} {value}", flush=True)


def wait_until(check, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            result = check()
            if result:
                return result
        time.sleep(interval)
    return None


def workers_of(make: subprocess.Popen) -> list[psutil.Process]:
    """The Celery worker main processes below `make run` (not their pool children)."""
    found = []
    with contextlib.suppress(psutil.Error):
        for proc in psutil.Process(make.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                cmdline = proc.cmdline()
                parent = proc.parent()
                is_worker = any(part.endswith("celery") for part in cmdline[:2]) and "worker" in cmdline
                if is_worker and not (parent and "worker" in parent.cmdline()):
                    found.append(proc)
    return found


def stop(make: subprocess.Popen) -> None:
    """Ctrl-C as a developer would (SIGINT to the whole group), then harder if anything is left."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(make.pid, sig)
        if wait_until(lambda: make.poll() is not None and not group_alive(make.pid), 30):
            return


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--spread", type=float, default=15, help="seconds over which the second wave is spread")
    parser.add_argument("--browsers", type=int, default=4, help="clients reading pages during the second wave")
    parser.add_argument("--timeout", type=float, default=180, help="seconds for a wave's documents to be READY")
    args = parser.parse_args()

    # A short path: the embedded broker's Unix socket lives below it (107 bytes at most).
    var_dir = Path(tempfile.mkdtemp(prefix="run-burst-", dir="/tmp"))
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    port = free_port()
    env.update({"IAE_VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1"})
    os.environ.clear()
    os.environ.update(env, DJANGO_SETTINGS_MODULE="iae_detention.settings")  # the same SQLite file as make run
    log_path = var_dir / "make-run.log"
    print(f"=== make run (SQLite, broker embarqué) dans {var_dir}, port {port} : {args.requests} demandes "
          f"de document simultanées ===", flush=True)
    started = time.monotonic()
    with open(log_path, "wb") as log:
        make = subprocess.Popen(["make", "--no-print-directory", "run", f"RUN_ADDR=127.0.0.1:{port}"], cwd=ROOT,
                                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    failures: list[str] = []
    try:
        failures = burst(args, make, port, log_path, started)
    finally:
        stop(make)
        # The embedded Redis runs in a session of its own (out of Ctrl-C's reach): make run's trap stops it.
        redis_left = embedded_redis.answers(var_dir / "redis" / "redis.sock")
        left = group_alive(make.pid) or redis_left
        line("make run arrêté (Ctrl-C), processus restants", "OUI" if left else "aucun (Redis embarqué compris)")
        if left:
            failures.append("des processus de make run survivent au Ctrl-C")
        if redis_left:
            with contextlib.suppress(redis.RedisError):
                redis.Redis(unix_socket_path=str(var_dir / "redis" / "redis.sock")).shutdown(nosave=True)
        if failures:
            print("--- fin du journal de make run ---")
            print("\n".join(log_path.read_text(errors="replace").splitlines()[-60:]))
        shutil.rmtree(var_dir, ignore_errors=True)
    for failure in failures:
        print(f"  ÉCHEC  {failure}", flush=True)
    print("OK" if not failures else f"{len(failures)} objectif(s) manqué(s)", flush=True)
    return 1 if failures else 0


def burst(args, make: subprocess.Popen, port: int, log_path: Path, started: float) -> list[str]:
    base = f"http://127.0.0.1:{port}"
    failures: list[str] = []

    def log_text() -> str:
        return log_path.read_text(errors="replace")

    def up() -> bool:
        return make.poll() is None and requests.get(f"{base}/healthz", timeout=2).status_code == 200

    if not wait_until(up, 600, 0.5):
        return [f"make run ne répond pas sur {base}/healthz (code de sortie {make.poll()})"]
    if not wait_until(lambda: workers_of(make) and " ready." in log_text(), 120, 0.5):
        return ["le worker Celery de make run n'est pas prêt"]
    workers = workers_of(make)
    worker_pids = {proc.pid for proc in workers}
    line("make run prêt (installation, migrations, démonstration)", f"{time.monotonic() - started:.1f} s")
    ready = requests.get(f"{base}/readyz", timeout=10)
    line("/readyz (base et broker embarqué)", f"{ready.status_code} {ready.text[:80]}")
    if ready.status_code != 200:
        failures.append(f"/readyz répond {ready.status_code} : {ready.text[:200]}")

    import django

    django.setup()
    from access import scope
    from accounts.models import User
    from documents import kinds  # noqa: F401 - registers the kinds
    from documents.enums import DocumentStatus
    from documents.models import GeneratedDocument
    from documents.registry import spec_of
    from documents.selectors import request_url

    user = User.objects.get(username=USER)
    spec = spec_of(KIND)
    subjects = [p for p in scope.pathways_for(user).order_by("pk") if not spec.missing(p)]
    if not subjects:
        return [f"aucun parcours de {USER} ne permet {KIND}"]
    targets = [(base + request_url(subjects[n % len(subjects)], KIND), base + subjects[n % len(subjects)]
                .get_absolute_url()) for n in range(args.requests)]
    first = requests.Session()
    login(first, base, USER, PASSWORD, code_for=lambda name: current_code(name, env=dict(os.environ)))

    def worker_gone() -> bool:
        return not all(proc.is_running() for proc in workers)

    def browse(stop: threading.Event) -> None:
        """A colleague reading the caseload, page after page: keeps runserver's threads busy (the GIL taken
        between two steps of a publish is what turned a burst into a crash with the filesystem broker)."""
        session = requests.Session()
        session.cookies.update(first.cookies)
        while not stop.is_set() and not worker_gone():
            with contextlib.suppress(requests.RequestException):
                session.get(f"{base}{BROWSE_PATH}", timeout=30)

    def wave(title: str, delays: list[float], browsers: int = 0) -> None:
        """One request per thread, each ``delay`` seconds after a common start; each client then polls its
        document's page every 2 s, as the page's htmx does, until the document is READY. ``browsers`` other
        clients read the caseload meanwhile."""
        before = set(GeneratedDocument.objects.values_list("pk", flat=True))
        resets: list[str] = []
        barrier = threading.Barrier(len(delays))
        deadline = time.monotonic() + args.timeout + max(delays)

        def one(n: int):
            session = requests.Session()
            session.cookies.update(first.cookies)
            barrier.wait(timeout=60)
            time.sleep(delays[n])
            for attempt in range(3):
                try:
                    answer = post_form(session, *targets[n % len(targets)], timeout=60)
                    break
                except requests.ConnectionError as error:
                    # runserver's listen queue (10) overflows under 30 simultaneous connections: the connection is
                    # reset before Django reads the request, and the person clicks again.
                    resets.append(str(error)[:120])
                    time.sleep(0.5 + attempt)
                except requests.RequestException as error:
                    return f"{type(error).__name__} ({str(error)[:120]})"
            else:
                return "ConnectionError"
            page = base + answer.headers.get("Location", "/")
            while time.monotonic() < deadline and not worker_gone():
                with contextlib.suppress(requests.RequestException):
                    if "Télécharger le PDF" in session.get(page, timeout=30).text:
                        break
                time.sleep(2)
            return answer.status_code

        sent = time.monotonic()
        stop = threading.Event()
        readers = [threading.Thread(target=browse, args=(stop,), daemon=True) for _ in range(browsers)]
        for reader in readers:
            reader.start()
        with concurrent.futures.ThreadPoolExecutor(len(delays)) as pool:
            results = [pool.submit(one, n) for n in range(len(delays))]
            wait_until(lambda: GeneratedDocument.objects.exclude(pk__in=before).count() >= len(delays)
                       or worker_gone(), 60 + max(delays), 0.2)
            requested = time.monotonic() - sent
            statuses = [result.result() for result in results]
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
        rows = GeneratedDocument.objects.exclude(pk__in=before)
        ready = rows.filter(status=DocumentStatus.READY).count()
        accepted = sum(1 for status in statuses if status == 302)
        by_status = ", ".join(f"{s} {rows.filter(status=s).count()}" for s in DocumentStatus.values
                              if rows.filter(status=s).exists())
        print(f"--- {title}", flush=True)
        line("Demandes acceptées (302)", f"{accepted}/{len(delays)} en {requested:.1f} s"
             + (f", {len(resets)} connexion(s) coupée(s) par runserver puis renvoyée(s)" if resets else ""))
        if rows.count() != len(delays):
            failures.append(f"{title} : {rows.count()} documents enregistrés pour {len(delays)} demandes")
        line("Documents prêts", f"{ready}/{len(delays)} en {time.monotonic() - sent:.1f} s ({by_status or 'aucun'})")
        if accepted != len(delays):
            failures.append(f"{title} : demandes refusées ou en erreur : {sorted(map(str, statuses))}")
        if ready < len(delays):
            failures.append(f"{title} : {len(delays) - ready} document(s) pas prêts")

    wave(f"{args.requests} demandes au même instant", [0.0] * args.requests)
    if not worker_gone():
        rng = random.Random(14)
        wave(f"{args.requests} demandes étalées sur {args.spread:g} s (le worker attend entre deux), "
             f"{args.browsers} collègues lisant {BROWSE_PATH} pendant ce temps",
             sorted(rng.uniform(0, args.spread) for _ in range(args.requests)), browsers=args.browsers)
    crashes = log_text().count("Unrecoverable error")
    alive = not worker_gone() and {proc.pid for proc in workers_of(make)} == worker_pids
    print("--- worker", flush=True)
    line("Plantages (« Unrecoverable error » dans son journal)", crashes)
    line("Même processus du début à la fin", "oui" if alive else "NON (mort ou remplacé)")
    if crashes:
        failures.append(f"le worker a planté {crashes} fois")
    if not alive:
        failures.append("le worker de make run est mort pendant la rafale")
    return failures


if __name__ == "__main__":
    sys.exit(main())

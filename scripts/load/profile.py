"""Where a page's time goes (issue 19, docs/performance.md): the pages of `make load`, one request at a time, in this
process, on the load data set (21 117 participants) and signed in as the load personas.

    .venv/bin/python scripts/load/profile.py [--requests 20] [--pages caseload,participant] [--profile var/profiles]

Starts what `make load` starts (a throwaway PostgreSQL and Redis in var/profile/, removed at exit; migrate, load_demo,
scripts/load/seed.py), with DJANGO_DEBUG=0 as gunicorn serves. For each page, after 3 requests to warm up: the median
CPU milliseconds of this process per request (Python: middleware, view, SQL compilation, templates; PostgreSQL's own
work is not in it), the mean CPU milliseconds of the PostgreSQL process serving this connection (« PG ms »,
planning and execution), the median wall time, the queries of one request, and how the CPU splits between rendering
templates and compiling SQL. ``--profile DIR`` also writes a pyinstrument profile per page (text and HTML; pyinstrument
is in the dev extras). ``--database-url`` measures an existing database instead (it must hold the load data).
``--hold`` starts and fills the throwaway database, prints its address and waits (Ctrl-C or SIGTERM ends it): to
measure two versions of the code on the same data with ``--database-url``, alternately.
"""

import argparse
import collections
import os
import re
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts" / "resilience"), str(ROOT / "scripts" / "load")]
PASSWORD = "Charge-IAE-detention-2026"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PAGES = ("caseload", "participant", "pathway", "search", "documents", "document", "disp", "disp_json", "healthz")


class Split:
    """CPU seconds spent in the outermost template render and SQL compilation (wrapped once, for the whole run)."""

    def __init__(self):
        from django.db.models.sql import compiler
        from django.template import base

        self.seconds = collections.Counter()
        self._wrap(base.Template, "render", "templates")
        self._wrap(compiler.SQLCompiler, "as_sql", "sql")

    def _wrap(self, owner, attribute, key):
        original, depth = getattr(owner, attribute), [0]

        def wrapped(*args, **kwargs):
            if depth[0]:
                return original(*args, **kwargs)
            depth[0] += 1
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[key] += time.process_time() - started
                depth[0] -= 1

        setattr(owner, attribute, wrapped)


def signed_in(username: str):
    """A test client signed in as ``username``, second factor included (the load accounts' demo device)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    user = User.objects.get(username=username)
    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def pages() -> dict:
    """Each page of the load test: (client, address, follow the redirect)."""
    counsellor, director, officer = (signed_in(f"load.{role}.1") for role in ("cpip", "siae", "disp"))
    listing = counsellor.get("/participants/?page=3").content.decode()
    participant = re.search(rf'href="(/participants/{UUID}/)"', listing).group(1)
    record = counsellor.get(participant).content.decode()
    pathway = re.search(rf'href="(/participants/parcours/{UUID}/)"', record).group(1)
    documents = director.get("/documents/").content.decode()
    document = re.search(rf'href="(/documents/{UUID}/)"', documents).group(1)
    landing = officer.get("/tableaux-de-bord/")
    dashboard = landing.url if landing.status_code == 302 else "/tableaux-de-bord/"
    return {
        "caseload": (counsellor, "/participants/?page=7", False),
        "participant": (counsellor, participant, False),
        "pathway": (counsellor, pathway, False),
        "search": (counsellor, "/participants/?q=synth+0123", True),  # the search and the list it redirects to
        "documents": (director, "/documents/", False),
        "document": (director, document, False),
        "disp": (officer, dashboard, False),
        "disp_json": (officer, f"{dashboard}indicateurs.json", False),
        "healthz": (counsellor, "/healthz", False),
    }


def backend_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL process serving this connection (persistent: DATABASE_CONN_MAX_AGE),
    read in /proc (PostgreSQL runs on this machine); 10 ms steps, hence a mean over many requests."""
    from django.db import connection

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(names: list[str], requests: int, profile_dir: Path | None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    split = Split()
    found = pages()
    print(f"{'Page':<12}{'CPU ms':>8}{'PG ms':>7}{'mur ms':>8}{'gabarits':>10}{'SQL comp.':>11}{'requêtes':>10}"
          "  adresse")
    for name in names:
        client, path, follow = found[name]
        def clear(client=client, search=name == "search"):  # the term kept in the session, cleared as « Effacer » does
            if search:
                client.get("/participants/?effacer=1")

        for _ in range(3):
            client.get(path, follow=follow)
            clear()
        profiler = None
        if profile_dir is not None:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        split.seconds.clear()
        cpu, wall = [], []
        backend_started = backend_cpu()
        for _ in range(requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, follow=follow)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name} : HTTP {response.status_code} pour {path}")
            if profiler is None:
                clear()  # out of the figures, except under the profiler (its figures are inflated anyway)
        backend = (backend_cpu() - backend_started) * 1000 / requests  # the clearing of a search included
        templates, sql = (split.seconds[key] * 1000 / requests for key in ("templates", "sql"))
        if profiler is not None:
            profiler.stop()
            profile_dir.mkdir(parents=True, exist_ok=True)
            (profile_dir / f"{name}.txt").write_text(profiler.output_text(unicode=True, color=False))
            (profile_dir / f"{name}.html").write_text(profiler.output_html())
        clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(path, follow=follow)
        count = len(queries)  # read now: the next request empties the connection's log
        clear()
        print(f"{name:<12}{statistics.median(cpu):>8.1f}{backend:>7.1f}{statistics.median(wall):>8.1f}{templates:>10.1f}{sql:>11.1f}"
              f"{count:>10}  {path}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--profile", type=Path, default=None, help="dossier des profils pyinstrument")
    parser.add_argument("--database-url", default="", help="une base qui contient déjà les données de charge")
    parser.add_argument("--hold", action="store_true", help="remplir la base jetable, afficher son adresse, attendre")
    args = parser.parse_args()
    names = [name for name in args.pages.split(",") if name]
    unknown = set(names) - set(PAGES)
    if unknown:
        parser.error(f"pages inconnues : {sorted(unknown)} (connues : {', '.join(PAGES)})")
    os.environ.update({"DJANGO_SETTINGS_MODULE": "iae_detention.settings", "DJANGO_DEBUG": "0",
                       "DJANGO_LOG_LEVEL": "WARNING"})
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")  # as gunicorn serves (and as the held database ran)
        import django

        django.setup()
        measure(names, args.requests, args.profile)
        return 0
    from stack import Stack

    with Stack("profile", env={"DATABASE_CONN_MAX_AGE": "60"}) as stack:
        os.environ.update({key: stack.env()[key] for key in ("DATABASE_URL", "REDIS_URL", "PRIVATE_STORAGE_ROOT",
                                                             "DEMO_PASSWORD")})
        stack.start_postgres()
        stack.start_redis()
        import django

        django.setup()
        from seed import seed

        stack.prepare_database(demo=True)
        figures = seed(stack.env(), 20_000, 1, PASSWORD, log=lambda text: print(text, flush=True))
        print(f"{figures['participants']} participant·es, {figures['caseload']} dans la file active du SPIP de "
              f"charge ; {args.requests} requêtes par page (médianes), DJANGO_DEBUG=0", flush=True)
        if args.hold:
            print(f"Base prête : --database-url {stack.database_url()} (Ctrl-C pour arrêter)", flush=True)
            signal.pause()
            return 0
        measure(names, args.requests, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())

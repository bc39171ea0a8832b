"""R-1 inside scripts/resilience/run.py (`make load`, or `--only r1`): seed, then locust twice against gunicorn
(4 workers) on the same server: the three personas (-u 10 -t 30s), then /healthz alone (10 s) for comparison.
Figures read from locust's CSV. Goals (security.md section 5): R-1, the list and detail pages: the p95 of EVERY
request type under 300 ms (stricter than the p95 of all of them together); R-3, the dashboards (the DISP persona):
p95 under 1 s; 0 errors. The throughput is printed beside that of /healthz on the same server (and as a ratio to it),
checked only when LOAD_MIN_RPS is set: the personas pause 0.1-0.5 s between two requests as a person would.

The thresholds come from the environment, for a CI that sets them from measured figures (docs/performance.md):
LOAD_P95_MS (300), LOAD_DASHBOARD_P95_MS (1000), LOAD_MIN_RPS (0: not checked).

Beside the times, the CPU the server spent (gunicorn's workers and PostgreSQL's processes, read in /proc) divided by
the requests served: a figure that depends much less than the times on what else runs on a shared machine."""

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PASSWORD = "Charge-IAE-detention-2026"
P95_MS = float(os.environ.get("LOAD_P95_MS", "300"))
DASHBOARD_P95_MS = float(os.environ.get("LOAD_DASHBOARD_P95_MS", "1000"))
MIN_RPS = float(os.environ.get("LOAD_MIN_RPS", "0"))
DASHBOARD = "/tableaux-de-bord/"
SIGNED_IN = "Tous les utilisateurs sont connectés"  # printed by the locustfile when the measure starts
TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(process) -> float:
    """CPU seconds (user + system, with those of reaped children) of ``process`` and every live descendant (gunicorn
    and its workers; PostgreSQL and its backends, which leave the process group); 0 when unreadable."""
    if process is None:
        return 0.0
    parents, cpu = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])  # after the state: the parent's id
        cpu[int(entry.name)] = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    tree, grew = {process.pid}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return sum(cpu.get(pid, 0) for pid in tree) / TICKS


def server_cpu(stack) -> tuple[float, float]:
    return tree_cpu_seconds(stack.gunicorn), tree_cpu_seconds(stack.postgres)


def locust(stack, classes: list[str], users: int, duration: str, prefix: Path, measure: int = 0) -> dict:
    """One locust run; ``cpu``: the server's CPU seconds (gunicorn, PostgreSQL) over the measure (from the reset of
    the statistics when ``measure``, else the whole run)."""
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
               "-r", str(users), "-t", f"{measure + 300}s" if measure else duration, "--host", stack.url(""),
               "--csv", str(prefix), "--only-summary",
               "--stop-timeout", "5", "--loglevel", "WARNING", *classes]
    process = subprocess.Popen(command, cwd=ROOT, env=stack.env(LOAD_PASSWORD=PASSWORD,  # noqa: S603
                                                                LOAD_MEASURE_SECONDS=str(measure)),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    started, output = (server_cpu(stack), time.monotonic()), []
    for text in process.stdout:
        output.append(text)
        if measure and SIGNED_IN in text:
            started = (server_cpu(stack), time.monotonic())
    process.wait()
    ended = server_cpu(stack)
    cpu = {"gunicorn": ended[0] - started[0][0], "postgres": ended[1] - started[0][1],
           "seconds": time.monotonic() - started[1]}
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"locust n'a rien mesuré :\n{''.join(output)[-6000:]}")
    with stats.open() as handle:
        rows = list(csv.DictReader(handle))
    aggregated = next(row for row in rows if row["Name"] == "Aggregated")
    failures_csv = Path(f"{prefix}_failures.csv")
    failures = list(csv.DictReader(failures_csv.open())) if failures_csv.exists() else []
    return {"requests": int(aggregated["Request Count"]), "failures": int(aggregated["Failure Count"]),
            "p95": float(aggregated["95%"]), "median": float(aggregated["50%"]),
            "rps": float(aggregated["Requests/s"]), "rows": [row for row in rows if row["Name"] != "Aggregated"],
            "failure_rows": failures, "cpu": cpu}


def cpu_line(run: dict) -> str:
    """The server's CPU per request: gunicorn + PostgreSQL, and what two cores could serve at that cost."""
    requests = max(run["requests"], 1)
    gunicorn, postgres = (run["cpu"][name] * 1000 / requests for name in ("gunicorn", "postgres"))
    per_request = gunicorn + postgres
    ceiling = f", soit au plus {2000 / per_request:.0f} req/s sur 2 cœurs" if per_request else ""
    window = run["cpu"]["seconds"]
    return f"{per_request:.1f} ms (gunicorn {gunicorn:.1f} + PostgreSQL {postgres:.1f}, sur {window:.0f} s){ceiling}"


def one_at_a_time(stack, username: str) -> tuple[float, float]:
    """Median milliseconds of the caseload list and of a participant's page, requested one after the other by a
    counsellor (an account of its own): what a page costs without concurrency, beside the load figures."""
    import re
    import statistics
    import time

    import requests

    sys.path.insert(0, str(ROOT / "scripts" / "resilience"))
    from client import login, totp_code

    session = requests.Session()
    key = stack.env().get("DEMO_TOTP_KEY", "3132333435363738393031323334353637383930")
    login(session, stack.url(""), username, PASSWORD, code_for=lambda _: totp_code(key))
    figures = []
    for path in ("/participants/?page=2", None):
        if path is None:
            listing = session.get(stack.url("/participants/"), timeout=30).text
            path = re.search(r'href="(/participants/[0-9a-f-]{36}/)"', listing).group(1)
        times = []
        for _ in range(10):
            started = time.perf_counter()
            session.get(stack.url(path), timeout=30).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
        figures.append(statistics.median(times))
    return figures[0], figures[1]


def run_load(stack, args, failures, line, check):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from seed import seed

    if stack.gunicorn is None:
        stack.prepare_database(demo=True)
    figures = seed(stack.env(), args.participants, args.users + 1, PASSWORD,
                   log=lambda text: print(f"  {text}", flush=True))
    line("Participant·es en base ; dossiers du SPIP de charge", f"{figures['participants']} ; "
                                                               f"{figures['caseload']}")
    line("Documents prêts pour la SIAE ; durée de préparation", f"{figures['documents']} ; "
                                                              f"{figures['seconds']:.0f} s")
    if stack.gunicorn is None:
        stack.start_gunicorn(workers=args.gunicorn_workers)
    baseline = one_at_a_time(stack, f"load.cpip.{args.users + 1}")
    line("Une requête à la fois (médiane de 10, liste ; fiche)", f"{baseline[0]:.0f} ms ; {baseline[1]:.0f} ms")
    seconds = int(args.duration.rstrip("s"))
    personas = locust(stack, ["CounsellorUser", "SiaeDirectorUser", "DispOfficerUser"], args.users, args.duration,
                      stack.tmp / "personas", measure=seconds)
    health = locust(stack, ["HealthUser"], args.users, "10s", stack.tmp / "healthz")
    print(f"  {'Requête':<58}{'nb':>6}{'méd.':>7}{'p95':>7}", flush=True)
    for row in sorted((r for r in personas["rows"] if r["Request Count"] != "0"), key=lambda r: r["Name"]):
        print(f"  {row['Type'] + ' ' + row['Name']:<58}{row['Request Count']:>6}{row['50%']:>7}{row['95%']:>7}")
    line(f"Personas ({args.users} utilisateurs, {seconds} s après leurs connexions)",
         f"{personas['requests']} requêtes, {personas['failures']} erreurs, médiane {personas['median']:.0f} ms, "
         f"p95 {personas['p95']:.0f} ms, {personas['rps']:.1f} req/s")
    line("/healthz seul (même serveur, sans attente, 10 s)",
         f"{health['requests']} requêtes, p95 {health['p95']:.0f} ms, {health['rps']:.1f} req/s")
    line("Débit des personas / débit de /healthz", f"{personas['rps'] / max(health['rps'], 0.1):.3f}")
    line("CPU du serveur par requête, personas", cpu_line(personas))
    line("CPU du serveur par requête, /healthz", cpu_line(health))
    for row in personas["failure_rows"][:5]:
        line("Erreur", f"{row.get('Method')} {row.get('Name')} : {row.get('Error')} ×{row.get('Occurrences')}")
    measured = [row for row in personas["rows"] if int(row["Request Count"])]
    pages = [float(row["95%"]) for row in measured if not row["Name"].startswith(DASHBOARD)]
    dashboards = [float(row["95%"]) for row in measured if row["Name"].startswith(DASHBOARD)]
    line("p95 le plus lent : listes et fiches ; tableaux de bord",
         f"{max(pages, default=0):.0f} ms ; {max(dashboards, default=0):.0f} ms")
    check(bool(pages) and max(pages) < P95_MS, f"R-1 : p95 de chaque liste et fiche < {P95_MS:g} ms", failures)
    check(bool(dashboards) and max(dashboards) < DASHBOARD_P95_MS,
          f"R-3 : p95 des tableaux de bord < {DASHBOARD_P95_MS:g} ms", failures)
    check(personas["failures"] == 0 and personas["requests"] > 0, "R-1 : 0 erreur", failures)
    if MIN_RPS:
        check(personas["rps"] >= MIN_RPS, f"Débit des personas ≥ {MIN_RPS:g} req/s", failures)

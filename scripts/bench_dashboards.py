#!/usr/bin/env python
"""Benchmark of the dashboards on national-scale synthetic data: server time and queries against hand-written SQL.

    .venv/bin/python scripts/bench_dashboards.py [--seed 1] [--runs 20] [--regenerate] [--explain]
    make bench-dashboards

The database is PostgreSQL, never the development one:
- when DATABASE_URL points at PostgreSQL, a dedicated database ``<its name>_bench_dashboards`` on that server
  (its role needs CREATEDB);
- otherwise a PostgreSQL 15 cluster of its own in var/bench-dashboards/ (initdb the first time, like
  scripts/test-services.sh; started for the run on a free port of 127.0.0.1 and stopped at the end).
Both are kept between runs: the national dataset (demo/synthetic.py, about 250,000 pathways and
2,000,000 timeline events) is generated the first time and reused while its seed is the same (``--regenerate``
to build it again; ``rm -rf var/bench-dashboards`` to start from nothing).

Then, as a national user, for the national dashboard, one DISP's (DISP_PARIS) and one programme's (the
synthetic programme with the most entrants in the period), over the default period (the last twelve months):
- "page": the dashboard page through django.test.Client (middleware, view, template), when the page shows the
  indicators; "build": dashboards.report.build(), what the view runs;
- the median and 95th percentile of ``--runs`` timed requests after a warm-up, and the number of queries;
- "SQL": the same figures computed by hand-written SQL (psycopg, a few SELECTs: the totals and the per-child
  grouping with GROUPING SETS, the cohorts, the quarterly trends, the funding), median of as many runs; the
  script checks that both give the same numbers.
Measured over two periods: the default period, the twelve months ended before today's month, which the dashboards
read from the monthly summaries (dashboards.summaries, rebuilt here after a generation: the generator's COPY sends
no signal), and the last twelve months to the day (to today), read from the raw tables. Targets (issue 19, §3): on
the summaries, national at most 0.5x its SQL (which reads the raw tables), DISP and programme at most 1x; a query
count that does not grow with the data (pinned by tests/dashboards/test_query_budget.py). It prints figures; it
asserts nothing.
"""

import argparse
import datetime
import math
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from dateutil.relativedelta import relativedelta

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iae_detention.settings")

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CLUSTER_DIR = ROOT / "var" / "bench-dashboards"
# The cluster's own settings, printed with the figures: a small production-like server on this machine.
PG_SETTINGS = {"shared_buffers": "512MB", "work_mem": "16MB", "effective_cache_size": "4GB",
               "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_wal_size": "4GB"}
DISP = "DISP_PARIS"


# --- The PostgreSQL server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres() -> list[str]:
    """initdb and postgres refuse root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def run_psql(port: int, password: str, *sql: str, database: str = "postgres") -> str:
    command = [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database,
               "-v", "ON_ERROR_STOP=1", "-Atq"]
    for statement in sql:
        command += ["-c", statement]
    result = subprocess.run(command, env={**os.environ, "PGPASSWORD": password}, check=True,  # noqa: S603
                            capture_output=True, text=True)
    return result.stdout.strip()


@contextmanager
def own_cluster():
    """The cluster in var/bench-dashboards/ (created the first time), started for the run: yields DATABASE_URL."""
    data, password_file = CLUSTER_DIR / "pgdata", CLUSTER_DIR / "superuser-password"
    CLUSTER_DIR.mkdir(parents=True, exist_ok=True)
    if not (data / "PG_VERSION").exists():
        print(f"Création du cluster PostgreSQL de mesure dans {CLUSTER_DIR.relative_to(ROOT)}/")
        shutil.rmtree(data, ignore_errors=True)
        password_file.write_text(secrets.token_hex(16) + "\n")
        password_file.chmod(0o600)
        if os.geteuid() == 0:
            shutil.chown(CLUSTER_DIR, "postgres")
            shutil.chown(password_file, "postgres")
        subprocess.run([*as_postgres(), str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres",  # noqa: S603
                        "-A", "scram-sha-256", f"--pwfile={password_file}", "-E", "UTF8", "--locale=C.UTF-8",
                        "--no-sync"], check=True, cwd=CLUSTER_DIR, capture_output=True)
    password = password_file.read_text().strip()
    port = free_port()
    options = [item for key, value in PG_SETTINGS.items() for item in ("-c", f"{key}={value}")]
    log = open(CLUSTER_DIR / "postgres.log", "ab")  # noqa: SIM115 - closed below
    server = subprocess.Popen([*as_postgres(), str(PG_BIN / "postgres"), "-D", str(data), "-k", str(CLUSTER_DIR),  # noqa: S603
                               "-h", "127.0.0.1", "-p", str(port), *options], cwd=CLUSTER_DIR, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(150):
            ready = subprocess.run([str(PG_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)],  # noqa: S603
                                   check=False).returncode == 0
            if ready or server.poll() is not None:
                break
            time.sleep(0.2)
        else:
            ready = False
        if not ready:
            raise SystemExit(f"PostgreSQL n'a pas démarré (voir {CLUSTER_DIR / 'postgres.log'}).")
        if not run_psql(port, password, "SELECT 1 FROM pg_database WHERE datname = 'bench'"):
            run_psql(port, password, "CREATE DATABASE bench")
        yield f"postgres://postgres:{quote(password, safe='')}@127.0.0.1:{port}/bench"
    finally:
        subprocess.run([*as_postgres(), str(PG_BIN / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-s"],  # noqa: S603
                       check=False, cwd=CLUSTER_DIR)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@contextmanager
def dedicated_database(url: str):
    """A database of its own beside DATABASE_URL's (created when missing): yields its URL."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench_dashboards"
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path="/" + name))


@contextmanager
def as_given(url: str):
    yield url


def server(url: str | None, given: str | None = None):
    if given:
        return as_given(given)
    if url and url.startswith(("postgres://", "postgresql://")):
        return dedicated_database(url)
    return own_cluster()


# --- The same figures in hand-written SQL ------------------------------------------------------------------

# The scope's programmes, each with its SIAE's kind, its reference hours and its child group (key and label).
PROGRAMMES = """
    SELECT p.id, p.code, p.siae_id, p.establishment_id, p.start_date, p.end_date, s.kind AS siae_kind,
           {child} AS child, {child_label} AS child_label,
           CASE s.kind WHEN 'ACI' THEN %(hours_aci)s WHEN 'EI' THEN %(hours_ei)s ELSE %(hours_default)s END AS reference
    FROM programmes_programme p
    JOIN programmes_siae s ON s.id = p.siae_id
    JOIN programmes_establishment e ON e.id = p.establishment_id
    JOIN programmes_department d ON d.code = e.department_id
    JOIN programmes_region r ON r.code = d.region_id
    LEFT JOIN programmes_disp dp ON dp.code = r.disp_id
    WHERE {where}
"""
CHILDREN = {  # what each measured level lists (the first of scopes.CHILD_CHOICES / CHILD_LEVEL)
    "national": ("r.disp_id", "dp.name"),
    "disp": ("e.id::text", "e.name"),
    "programme": ("NULL::text", "NULL::text"),
}
WHERE = {"national": "TRUE", "disp": "r.disp_id = %(key)s", "programme": "p.code = %(key)s"}

PATHWAYS = """
    WITH prog AS ({programmes})
    SELECT {group_columns}
      count(*) FILTER (WHERE se.date BETWEEN %(start)s AND %(end)s) AS candidates,
      count(*) FILTER (WHERE se.date BETWEEN %(start)s AND %(end)s AND pw.decision = 'SELECTED') AS selected,
      count(*) FILTER (WHERE pw.contract_start BETWEEN %(start)s AND %(end)s) AS entrants,
      count(*) FILTER (WHERE pw.contract_start <= %(end)s AND (pw.exit_on IS NULL OR pw.exit_on > %(end)s))
        AS in_pathway,
      count(*) FILTER (WHERE x.exited) AS exits,
      count(*) FILTER (WHERE x.exited AND pw.exit_reason = 'RETURN_ORDINARY_DETENTION')
        AS returns_to_ordinary_detention,
      count(*) FILTER (WHERE x.released) AS releases,
      count(*) FILTER (WHERE x.released AND pw.exit_reason = 'RELEASE_ADJUSTMENT') AS releases_with_adjustment,
      count(*) FILTER (WHERE x.released AND pw.outcome IN ('DURABLE', 'TRANSITION', 'POSITIVE')) AS releases_dynamic,
      count(*) FILTER (WHERE x.exited AND pw.outcome = 'DURABLE') AS outcome_durable,
      count(*) FILTER (WHERE x.exited AND pw.outcome = 'TRANSITION') AS outcome_transition,
      count(*) FILTER (WHERE x.exited AND pw.outcome = 'POSITIVE') AS outcome_positive,
      count(*) FILTER (WHERE x.exited AND pw.outcome = 'OTHER') AS outcome_other,
      count(*) FILTER (WHERE x.exited AND pw.outcome = 'NEUTRALISED') AS outcome_neutralised,
      count(*) FILTER (WHERE x.entered AND pa.sex = 'F') AS _women,
      count(*) FILTER (WHERE x.entered AND pa.birth_date > (pw.contract_start - interval '26 years')::date)
        AS _age_under_26,
      count(*) FILTER (WHERE x.entered AND pa.birth_date <= (pw.contract_start - interval '50 years')::date)
        AS _age_50_plus,
      count(*) FILTER (WHERE x.entered AND pa.rsa) AS _rsa,
      count(*) FILTER (WHERE x.entered AND (pa.rsa OR pa.ass OR pa.aah)) AS _benefits,
      count(*) FILTER (WHERE x.entered AND pa.jobseeker IN ('DELD', 'DETLD')) AS _deld,
      count(*) FILTER (WHERE x.entered AND pa.education_level IN ('NONE', '3')) AS _low_education,
      count(*) FILTER (WHERE x.entered AND pa.rqth) AS _rqth,
      count(*) FILTER (WHERE x.assigned) AS _assigned,
      sum(pw.imported_hours_worked) FILTER (WHERE x.entered) AS _imported_hours,
      sum(pw.imported_hours_worked) FILTER (WHERE x.entered AND prog.siae_kind = 'ACI') AS _imported_hours_aci,
      sum(pw.imported_hours_worked) FILTER (WHERE x.entered AND prog.siae_kind = 'EI') AS _imported_hours_ei,
      sum(pw.imported_hours_worked) FILTER (WHERE x.entered AND prog.siae_kind NOT IN ('ACI', 'EI'))
        AS _imported_hours_other,
      sum(pw.imported_pmsmp) FILTER (WHERE x.entered) AS _imported_pmsmp,
      sum(pw.exit_on - pw.contract_start) FILTER (WHERE x.exited) AS _exit_days_sum,
      count(*) FILTER (WHERE x.exited) AS _exit_days_count,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY pw.exit_on - pw.contract_start) FILTER (WHERE x.exited)
        AS median_days_in_pathway,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY pw.assigned_on - pw.classified_on) FILTER (WHERE x.assigned)
        AS median_days_classification_to_assignment
    FROM participants_pathway pw
    JOIN prog ON prog.id = pw.programme_id
    JOIN participants_participant pa ON pa.id = pw.participant_id
    LEFT JOIN participants_recruitmentsession se ON se.id = pw.session_id
    CROSS JOIN LATERAL (SELECT
        pw.contract_start BETWEEN %(start)s AND %(end)s AS entered,
        pw.status = 'EXITED' AND pw.exit_on BETWEEN %(start)s AND %(end)s AS exited,
        pw.status = 'EXITED' AND pw.exit_on BETWEEN %(start)s AND %(end)s
          AND pw.exit_reason IN ('RELEASE_END_OF_SENTENCE', 'RELEASE_ADJUSTMENT') AS released,
        pw.assigned_on BETWEEN %(start)s AND %(end)s AND pw.classified_on IS NOT NULL AS assigned) x
    WHERE x.entered OR x.exited OR x.assigned OR se.date BETWEEN %(start)s AND %(end)s
       OR (pw.contract_start <= %(end)s AND (pw.exit_on IS NULL OR pw.exit_on > %(end)s))
    {group_by}
"""
EVENTS = """
    WITH prog AS ({programmes})
    SELECT {group_columns}
      sum(ev.hours) FILTER (WHERE ev.kind = 'HOURS_WORKED') AS _hours,
      sum(ev.hours) FILTER (WHERE ev.kind = 'HOURS_WORKED' AND prog.siae_kind = 'ACI') AS _hours_aci,
      sum(ev.hours) FILTER (WHERE ev.kind = 'HOURS_WORKED' AND prog.siae_kind = 'EI') AS _hours_ei,
      sum(ev.hours) FILTER (WHERE ev.kind = 'HOURS_WORKED' AND prog.siae_kind NOT IN ('ACI', 'EI')) AS _hours_other,
      count(*) FILTER (WHERE ev.kind = 'PMSMP') AS _pmsmp,
      count(*) FILTER (WHERE ev.kind = 'TRAINING') AS trainings,
      count(*) FILTER (WHERE ev.kind = 'CIP_INTERVIEW') AS cip_interviews
    FROM participants_accompanimentevent ev
    JOIN participants_pathway pw ON pw.id = ev.pathway_id
    JOIN prog ON prog.id = pw.programme_id
    WHERE ev."on" BETWEEN %(start)s AND %(end)s AND ev.kind IN ('HOURS_WORKED', 'PMSMP', 'TRAINING', 'CIP_INTERVIEW')
    {group_by}
"""
SESSIONS = """
    WITH prog AS ({programmes})
    SELECT {group_columns} count(*) AS sessions
    FROM participants_recruitmentsession se JOIN prog ON prog.id = se.programme_id
    WHERE se.date BETWEEN %(start)s AND %(end)s
    {group_by}
"""
FOLLOW_UPS = """
    WITH prog AS ({programmes})
    SELECT {group_columns}
      count(*) FILTER (WHERE x.due6) AS follow_up_6_due,
      count(*) FILTER (WHERE x.due6 AND f6.reached) AS _follow_up_6_reached,
      count(*) FILTER (WHERE x.due6 AND f6.reached AND f6.situation IN ('DURABLE', 'TRANSITION', 'POSITIVE'))
        AS _follow_up_6_dynamic,
      count(*) FILTER (WHERE x.due12) AS follow_up_12_due,
      count(*) FILTER (WHERE x.due12 AND f12.reached) AS _follow_up_12_reached,
      count(*) FILTER (WHERE x.due12 AND f12.reached AND f12.situation IN ('DURABLE', 'TRANSITION', 'POSITIVE'))
        AS _follow_up_12_dynamic
    FROM participants_pathway pw
    JOIN prog ON prog.id = pw.programme_id
    CROSS JOIN LATERAL (SELECT pw.exit_on BETWEEN %(start6)s AND %(end6)s AS due6,
                               pw.exit_on BETWEEN %(start12)s AND %(end12)s AS due12) x
    LEFT JOIN participants_followup f6 ON f6.pathway_id = pw.id AND f6.milestone = 6
    LEFT JOIN participants_followup f12 ON f12.pathway_id = pw.id AND f12.milestone = 12
    WHERE pw.status = 'EXITED' AND pw.exit_reason IN ('RELEASE_END_OF_SENTENCE', 'RELEASE_ADJUSTMENT')
      AND (x.due6 OR x.due12)
    {group_by}
"""
# ETP conventioned: each validated annex once per group (and once in the total), weighted by its days in the period.
ANNEXES = """
    WITH prog AS ({programmes}),
    annex AS (
      SELECT DISTINCT prog.child, a.id, a.etp,
             LEAST(a.end_date, %(end)s) - GREATEST(a.start_date, %(start)s) + 1 AS days
      FROM prog
      JOIN programmes_stateconvention c ON c.siae_id = prog.siae_id
      JOIN programmes_financialannex a ON a.convention_id = c.id
      WHERE a.status = 'VALIDATED' AND a.measure IN ('ACI_MP', 'EI_MP')
        AND a.start_date <= %(end)s AND a.end_date >= %(start)s
        -- An annex counts for a programme of its establishment whose own dates it meets (indicators._annexes).
        AND (a.establishment_id IS NULL OR a.establishment_id = prog.establishment_id)
        AND (prog.start_date IS NULL OR a.end_date >= prog.start_date)
        AND (prog.end_date IS NULL OR a.start_date <= prog.end_date))
    SELECT FALSE AS is_child, NULL AS child, sum(etp * days) / %(days)s AS etp_conventioned
    FROM (SELECT DISTINCT id, etp, days FROM annex) once
    {children}
"""
ANNEX_CHILDREN = """
    UNION ALL
    SELECT TRUE, child, sum(etp * days) / %(days)s FROM annex GROUP BY child
"""
COHORTS = """
    WITH prog AS ({programmes})
    SELECT se.id, se.date, prog.code,
      count(pw.id) AS candidates,
      count(pw.id) FILTER (WHERE pw.decision = 'SELECTED') AS selected,
      count(pw.id) FILTER (WHERE x.entered) AS entrants,
      count(pw.id) FILTER (WHERE x.exited) AS exits,
      count(pw.id) FILTER (WHERE x.exited AND pw.exit_reason = 'RETURN_ORDINARY_DETENTION')
        AS returns_to_ordinary_detention,
      count(pw.id) FILTER (WHERE x.exited AND pw.outcome IN ('DURABLE', 'TRANSITION', 'POSITIVE'))
        AS outcome_dynamic,
      count(pw.id) FILTER (WHERE x.entered AND NOT x.exited) AS in_pathway
    FROM participants_recruitmentsession se
    JOIN prog ON prog.id = se.programme_id
    LEFT JOIN participants_pathway pw ON pw.session_id = se.id
    -- As they stood on the period's last day (a later entry or exit does not change a past period's table).
    CROSS JOIN LATERAL (SELECT
        coalesce(pw.decision = 'SELECTED' AND pw.contract_start <= %(end)s, FALSE) AS entered,
        coalesce(pw.status = 'EXITED' AND pw.exit_on <= %(end)s, FALSE) AS exited) x
    WHERE se.date BETWEEN %(start)s AND %(end)s
    GROUP BY se.id, se.date, prog.code
    ORDER BY se.date, prog.code
"""
TRENDS = """
    WITH prog AS ({programmes}),
    moves AS (
      SELECT date_trunc('quarter', pw.contract_start)::date AS quarter, 1 AS entrant, 0 AS exited, NULL AS outcome
      FROM participants_pathway pw JOIN prog ON prog.id = pw.programme_id
      WHERE pw.contract_start BETWEEN %(start)s AND %(end)s
      UNION ALL
      SELECT date_trunc('quarter', pw.exit_on)::date, 0, 1, pw.outcome
      FROM participants_pathway pw JOIN prog ON prog.id = pw.programme_id
      WHERE pw.status = 'EXITED' AND pw.exit_on BETWEEN %(start)s AND %(end)s)
    SELECT quarter, sum(entrant) AS entrants, sum(exited) AS exits,
      count(*) FILTER (WHERE outcome = 'DURABLE') AS outcome_durable,
      count(*) FILTER (WHERE outcome = 'TRANSITION') AS outcome_transition,
      count(*) FILTER (WHERE outcome = 'POSITIVE') AS outcome_positive,
      count(*) FILTER (WHERE outcome = 'OTHER') AS outcome_other,
      count(*) FILTER (WHERE outcome = 'NEUTRALISED') AS outcome_neutralised
    FROM moves GROUP BY quarter ORDER BY quarter
"""
FUNDING = """
    WITH prog AS ({programmes})
    SELECT f.year, f.funder, sum(f.amount) AS amount
    FROM programmes_fundingline f JOIN prog ON prog.id = f.programme_id
    WHERE f.year BETWEEN %(first_year)s AND %(last_year)s
    GROUP BY f.year, f.funder ORDER BY f.year, f.funder
"""


def hand_written(level: str) -> dict[str, str]:
    """The statements for a level: the totals and the per-child rows come out of one pass (GROUPING SETS)."""
    child, child_label = CHILDREN[level]
    programmes = PROGRAMMES.format(child=child, child_label=child_label, where=WHERE[level])
    grouped = level != "programme"
    group = {
        "programmes": programmes,
        "group_columns": "GROUPING(prog.child) = 0 AS is_child, prog.child, prog.child_label," if grouped else
                         "FALSE AS is_child, NULL AS child, NULL AS child_label,",
        "group_by": "GROUP BY GROUPING SETS ((), (prog.child, prog.child_label))" if grouped else "",
    }
    annexes = ANNEXES.format(programmes=programmes, children=ANNEX_CHILDREN if grouped else "")
    return {
        "pathways": PATHWAYS.format(**group), "events": EVENTS.format(**group), "sessions": SESSIONS.format(**group),
        "follow_ups": FOLLOW_UPS.format(**group), "annexes": annexes,
        "cohorts": COHORTS.format(programmes=programmes), "trends": TRENDS.format(programmes=programmes),
        "funding": FUNDING.format(programmes=programmes),
    }


def sql_parameters(key: str, period) -> dict:
    from django.conf import settings

    hours = settings.INDICATORS_REFERENCE_HOURS
    default = hours.get("DEFAULT", 1820)
    from dashboards import indicators

    # The releases whose follow-up falls due in the period (indicators' own window, month ends included).
    six, twelve = (indicators._released_when_due_in(period, months) for months in (6, 12))
    return {"key": key, "start": period.start, "end": period.end, "days": period.days,
            "start6": six.start, "end6": six.end, "start12": twelve.start, "end12": twelve.end,
            "first_year": period.start.year, "last_year": period.end.year,
            "hours_aci": float(hours.get("ACI_MP", default)), "hours_ei": float(hours.get("EI_MP", default)),
            "hours_default": float(default)}


def run_sql(statements: dict, parameters: dict) -> dict:
    """{name: rows as dicts} through psycopg (the connection Django opened, its own cursor)."""
    from django.db import connection

    connection.ensure_connection()
    results = {}
    with connection.connection.cursor() as cursor:
        for name, sql in statements.items():
            cursor.execute(sql, parameters)
            columns = [column.name for column in cursor.description]
            results[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return results


def compare(scope, period, results: dict, level: str) -> list[str]:
    """Where the hand-written SQL and dashboards.indicators disagree (empty: they give the same numbers)."""
    from decimal import Decimal

    from dashboards import indicators
    from dashboards.scopes import GROUPINGS

    merged: dict = {}
    for name in ("pathways", "events", "sessions", "follow_ups", "annexes"):
        for row in results[name]:
            target = merged.setdefault(row["child"] if row["is_child"] else None, {})
            target.update({k: v for k, v in row.items() if k not in ("is_child", "child", "child_label")})
    child_level = {"national": "disp", "disp": "establishment"}.get(level)
    orm = {None: indicators.compute(scope.programmes, period)[None]}
    if child_level:
        orm.update({str(k): v for k, v in
                    indicators.compute(scope.programmes, period, by=GROUPINGS[child_level].path).items()})
    differences = []
    for group, values in orm.items():
        sql = indicators._finish(merged.get(group, {}), period)
        for key in ["sessions", "candidates", "selected", "entrants", "in_pathway", "exits",
                    "returns_to_ordinary_detention", "releases", "releases_with_adjustment", "releases_dynamic",
                    "outcome_durable", "outcome_transition", "outcome_positive", "outcome_other",
                    "outcome_neutralised", "women_pct", "age_under_26_pct", "age_50_plus_pct", "rsa_pct",
                    "benefits_pct", "deld_pct", "low_education_pct", "rqth_pct", "median_days_in_pathway",
                    "mean_days_in_pathway", "median_days_classification_to_assignment", "hours_worked",
                    "etp_achieved", "etp_conventioned", "occupation_rate", "pmsmp", "trainings", "cip_interviews",
                    "follow_up_6_due", "follow_up_6_reached_pct", "follow_up_6_dynamic_pct", "follow_up_12_due",
                    "follow_up_12_reached_pct", "follow_up_12_dynamic_pct"]:
            if values.get(key) != sql.get(key):
                differences.append(f"{group or 'total'} {key} : ORM {values.get(key)} / SQL {sql.get(key)}")
    cohorts = indicators.cohorts(scope.programmes, period)
    if [(c["pk"], c["candidates"], c["entrants"], c["in_pathway"]) for c in cohorts] != [
            (c["id"], c["candidates"], c["entrants"], c["in_pathway"]) for c in results["cohorts"]]:
        differences.append("cohortes différentes")
    trends = {row["quarter"].start: (row["entrants"], row["exits"], row["outcome_durable"])
              for row in indicators.trends(scope.programmes, period) if row["entrants"] or row["exits"]}
    if trends != {row["quarter"]: (row["entrants"], row["exits"], row["outcome_durable"]) for row in results["trends"]}:
        differences.append("tendances différentes")
    funding = [(line["year"], line["funder"], Decimal(line["amount"])) for line in indicators.funding(scope.programmes,
                                                                                                       period)]
    if funding != [(row["year"], row["funder"], row["amount"]) for row in results["funding"]]:
        differences.append("financements différents")
    return differences


# --- Measures ---------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def in_turn(runs: dict, count: int, warm_up: int = 2) -> dict:
    """{name: (median, p95)}: the runs made in turn (one of each, ``count`` times) so that all see the same load."""
    for _ in range(warm_up):
        for run in runs.values():
            run()
    times: dict = {name: [] for name in runs}
    for _ in range(count):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: (statistics.median(values), percentile(values, 0.95)) for name, values in times.items()}


def count_queries(run) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries), [query["sql"] for query in captured.captured_queries]


def ms(seconds: float) -> str:
    return number(round(seconds * 1000))


def number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def dataset(seed: int, regenerate: bool) -> None:
    from django.core.management import call_command

    from demo import synthetic

    wanted = synthetic.mark("national", seed, 1)
    present = synthetic.describe()
    if present == wanted and not regenerate:
        from participants.models import AccompanimentEvent, Participant, Pathway

        print(f"Jeu de données réutilisé ({present}) : {number(Participant.objects.count())} participant·es, "
              f"{number(Pathway.objects.count())} parcours, {number(AccompanimentEvent.objects.count())} actions.")
        return
    started = time.monotonic()
    call_command("generate_synthetic", scale="national", seed=seed)
    print(f"Génération : {time.monotonic() - started:.0f} s")


def dashboards_to_measure():
    """(label, level, key) of the three dashboards: national, DISP_PARIS, the busiest synthetic programme."""
    from django.db.models import Count, Q

    from dashboards import periods
    from programmes.models import Programme

    period = periods.default_period()
    busiest = (Programme.objects.filter(code__startswith="SYN-")
               .annotate(n=Count("pathways", filter=Q(pathways__contract_start__gte=period.start,
                                                      pathways__contract_start__lte=period.end)))
               .order_by("-n", "code").values_list("code", flat=True).first())
    return period, [("National", "national", ""), (f"DISP ({DISP})", "disp", DISP),
                    (f"Programme ({busiest})", "programme", busiest)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="graine du jeu de données national (par défaut 1)")
    parser.add_argument("--runs", type=int, default=20, help="requêtes mesurées par tableau de bord (médiane)")
    parser.add_argument("--regenerate", action="store_true", help="régénérer le jeu de données même s'il existe")
    parser.add_argument("--url", help="mesurer sur cette base PostgreSQL telle quelle (pas de base dédiée)")
    parser.add_argument("--explain", action="store_true",
                        help="EXPLAIN ANALYZE de chaque requête du tableau de bord national")
    args = parser.parse_args()
    # A TERM (or an INT while in the background) stops the run through the ``finally`` that stops PostgreSQL.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda number, frame: sys.exit(128 + number))

    with server(os.environ.get("DATABASE_URL"), args.url) as url:
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_DEBUG"] = "false"  # as in production: no query log, cached templates
        # The test client's host (setup_test_environment would also instrument every template render).
        os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        call_command("migrate", verbosity=0)
        if connection.vendor != "postgresql":
            raise SystemExit("Ce banc d'essai mesure PostgreSQL seulement.")
        with connection.cursor() as cursor:
            tuning = []
            for key in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost",
                        "max_parallel_workers_per_gather", "jit"):
                cursor.execute(f"SHOW {key}")
                tuning.append(f"{key}={cursor.fetchone()[0]}")
        version = connection.connection.info.server_version
        print(f"PostgreSQL {version // 10000}.{version % 10000} ({', '.join(tuning)}) ; "
              f"base {connection.settings_dict['NAME']}")
        dataset(args.seed, args.regenerate)

        from django.utils import timezone

        from accounts.enums import Role
        from accounts.models import User
        from dashboards import periods

        user, _ = User.objects.get_or_create(username="bench.national", defaults={"role": Role.NATIONAL})
        client = Client()
        client.force_login(user)
        summaries_ready(args.regenerate)
        months, targets = dashboards_to_measure()
        # The default period, the twelve months ended, reads the monthly summaries (issue 19, §2); the twelve months
        # to the day (to today), the raw tables.
        today = timezone.localdate()
        days = periods.Period(today - relativedelta(years=1) + datetime.timedelta(days=1), today)
        for period, source in ((months, "résumés mensuels"), (days, "tables brutes")):
            measure(client, user, period, source, targets, args)


def summaries_ready(regenerated: bool) -> None:
    """The monthly summaries of the dataset: the generator writes by COPY (no signal), so they are rebuilt after a
    generation, or when they are missing."""
    from dashboards import summaries
    from dashboards.models import MonthlySummary

    if MonthlySummary.objects.exists() and not regenerated:
        print(f"Résumés mensuels réutilisés : {number(MonthlySummary.objects.count())} lignes.")
        return
    started = time.monotonic()
    written = summaries.rebuild()
    print(f"Résumés mensuels reconstruits (rebuild_summaries) : {number(written)} lignes en "
          f"{time.monotonic() - started:.1f} s.")


def measure(client, user, period, source: str, targets, args) -> None:
    from dashboards import report, scopes

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nPériode : {period.label} (lue dans les {source}) ; {args.runs} mesures de chaque, faites à tour de "
          f"rôle, après 2 de chauffe (charge de la machine : {load}).\n")
    header = (f"  {'Tableau de bord':<30}{'mesure':<8}{'médiane ms':>11}{'p95 ms':>9}{'requêtes':>10}"
              f"{'SQL ms':>9}{'rapport':>9}")
    rows, checks = [], []
    for label, level, key in targets:
        url = scopes.url_of(level, key)
        page = client.get(url, period.query)
        page_is_real = page.status_code == 200 and "Entrées en atelier" in page.content.decode()
        scope = scopes.resolve(user, level, key)
        statements, parameters = hand_written(level), sql_parameters(key, period)
        results = run_sql(statements, parameters)
        checks.append((label, compare(scope, period, results, level)))
        runs = {"sql": lambda s=statements, p=parameters: run_sql(s, p),
                "build": lambda scope=scope: report.build(scope, period)}
        if page_is_real:
            runs["page"] = lambda url=url: client.get(url, period.query)
        times = in_turn(runs, args.runs)
        for kind in ("page", "build"):
            if kind in runs:
                queries, statements_run = count_queries(runs[kind])
                rows.append((label, kind, times[kind], queries, times["sql"]))
                if args.explain and level == "national" and kind == "build":
                    explain(statements_run)
    print(header)
    print("  " + "-" * (len(header) - 2))
    for label, kind, (median, p95), queries, (sql_median, _sql_p95) in rows:
        print(f"  {label:<30}{kind:<8}{ms(median):>11}{ms(p95):>9}{queries:>10}{ms(sql_median):>9}"
              f"{median / sql_median:>8.2f}x")
    print("  (cibles : national ≤ 0,5, DISP et programme ≤ 1 sur les résumés ; page = requête HTTP complète, "
          "build = dashboards.report.build() ; "
          f"SQL = les mêmes chiffres en {len(hand_written('national'))} SELECT écrits à la main)")
    if not any(kind == "page" for _label, kind, *_rest in rows):
        print("  La page des tableaux de bord n'affiche pas encore les indicateurs : seul build() est mesuré.")
    for label, differences in checks:
        if differences:
            print(f"  ATTENTION, {label} : le SQL et les indicateurs diffèrent : " + " ; ".join(differences[:10]))
        else:
            print(f"  {label} : SQL écrit à la main et indicateurs donnent les mêmes chiffres.")


def explain(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"\n--- {sql[:200]}…\n{plan}")


if __name__ == "__main__":
    main()

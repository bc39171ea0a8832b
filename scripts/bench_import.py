#!/usr/bin/env python
"""Benchmark of the pathway import (participants.importing): rows per second and peak memory.

    .venv/bin/python scripts/bench_import.py [--rows 10000] [--profile]
    make bench-import

It runs on a throwaway database created and destroyed for the run (never the development database):
a temporary SQLite file by default, or a test database next to DATABASE_URL's when it points at PostgreSQL.
It prints figures; it asserts nothing (the tests check that 10,000 rows import, not how fast).
"""

import argparse
import cProfile
import datetime
import os
import pstats
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iae_detention.settings")


def build_file(rows: int) -> bytes:
    """A realistic mix: a quarter not selected, a quarter in the workshop, a quarter exited, a quarter selected."""
    header = ("programme;numero_ecrou;nom;prenom;date_naissance;sexe;date_session;decision_session;date_entree;"
              "date_sortie;motif_sortie;situation_sortie;date_liberation_previsible;rsa;deld;niveau_formation;"
              "heures_travaillees;pmsmp;motif_retour;type_contrat;duree_contrat_mois")
    lines = [header]
    for n in range(rows):
        birth = (datetime.date(1970, 1, 1) + datetime.timedelta(days=n % 12000)).strftime("%d/%m/%Y")
        session = (datetime.date(2023, 1, 9) + datetime.timedelta(weeks=n % 50)).strftime("%d/%m/%Y")
        entry, exit_on, reason, outcome, hours, back, contract, months = "", "", "", "", "", "", "", ""
        decision = "non_retenu" if n % 4 == 0 else "retenu"
        if n % 4 in (1, 2):
            entry = (datetime.date(2023, 1, 9) + datetime.timedelta(weeks=n % 50, days=14)).strftime("%d/%m/%Y")
            hours = str(100 + n % 300)
        if n % 4 == 2:
            exit_on = "30/06/2024"
            reason, outcome, back, contract, months = (
                ("liberation_fin_de_peine", "emploi_transition", "", "cdd", "4") if n % 8 == 2
                else ("retour_detention_ordinaire", "", "a_sa_demande", "", ""))
        lines.append(";".join([
            "BENCH-1", f"{100000 + n}", f"Nom{n}", "Alex", birth, "F" if n % 3 else "M", session, decision, entry,
            exit_on, reason, outcome, "", "oui" if n % 5 == 0 else "non", "non", "4", hours, str(n % 3), back,
            contract, months,
        ]))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def reference_data():
    from programmes.enums import EstablishmentKind, ProgrammePhase, ProgrammeStage, SiaeKind
    from programmes.models import Department, Establishment, Programme, Siae

    department = Department.objects.get(code="77")
    establishment = Establishment.objects.create(name="CP Banc d'essai", kind=EstablishmentKind.CP,
                                                 department=department)
    siae = Siae.objects.create(name="SIAE Banc d'essai", kind=SiaeKind.ACI, siret="81000000000005",
                               department=department)
    Programme.objects.create(code="BENCH-1", siae=siae, establishment=establishment, activity="Atelier",
                             phase=ProgrammePhase.choices[0][0], stage=ProgrammeStage.choices[0][0])


def wipe():
    from participants.models import Participant, Pathway, PathwayLog, RecruitmentSession

    PathwayLog.objects.all().delete()
    Pathway.objects.all().delete()
    Participant.objects.all().delete()
    RecruitmentSession.objects.all().delete()


def timed(label: str, rows: int, run):
    started = time.perf_counter()
    report = run()
    elapsed = time.perf_counter() - started
    assert not report["errors"], report["errors"][:3]
    print(f"  {label:<38}{elapsed:>7.2f} s  {rows / elapsed:>9,.0f} lignes/s".replace(",", " "))
    return report


def peak(label: str, run):
    tracemalloc.start()
    run()
    _current, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {label:<38}{top / 1024 / 1024:>7.1f} Mo (pic des allocations Python)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="profil cProfile de l'import (30 fonctions)")
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection

    from participants.importing import run_import

    database = settings.DATABASES["default"]
    scratch = tempfile.TemporaryDirectory(prefix="bench-import-")
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(Path(scratch.name) / "bench.sqlite3")
    print(f"Base de données : {connection.vendor} (base jetable), {args.rows} lignes")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        reference_data()
        data = build_file(args.rows)
        print(f"  Fichier CSV : {len(data) / 1024 / 1024:.1f} Mo")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(run_import, data, "bench.csv", wet_run=True)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            wipe()
        timed("Vérification (sans écriture)", args.rows, lambda: run_import(data, "bench.csv"))
        report = timed("Import (création de tout)", args.rows, lambda: run_import(data, "bench.csv", wet_run=True))
        assert report["counts"]["pathways"]["created"] == args.rows, report["counts"]
        report = timed("Ré-import du même fichier (inchangé)", args.rows,
                       lambda: run_import(data, "bench.csv", wet_run=True))
        assert report["counts"]["pathways"]["unchanged"] == args.rows, report["counts"]
        peak("Mémoire, vérification", lambda: run_import(data, "bench.csv"))
        wipe()
        peak("Mémoire, import", lambda: run_import(data, "bench.csv", wet_run=True))
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {'Mémoire maximale du processus':<38}{maxrss:>7.1f} Mo (RSS, Django compris)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        scratch.cleanup()


if __name__ == "__main__":
    main()

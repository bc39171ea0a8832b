"""``python manage.py publish_release --year YYYY --out DIR``: the annual open-data release (issue 16 §2).

Writes valeurs.csv, taux.csv, diffusion.json and LISEZMOI.md in DIR: by calendar quarter and year × national / DISP /
region × SIAE kind, the people counts and the rates, protected as one table (dashboards/disclosure), then checked by
the audit: a release that fails it is not written. docs/disclosure.md describes the files and the method.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dashboards.disclosure import release


class Command(BaseCommand):
    help = "Écrit la diffusion annuelle protégée (CSV, JSON, LISEZMOI) d'une année civile."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Année civile, par exemple 2018.")
        parser.add_argument("--out", required=True, help="Dossier où écrire les fichiers (créé au besoin).")

    def handle(self, *args, year, out, **options):
        try:
            year = release.parse_year(year)
        except ValueError as error:
            raise CommandError(str(error)) from error
        directory = Path(out)
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"« {out} » existe et n'est pas un dossier.")
        started = time.monotonic()
        published = release.build_release(year)
        findings = published.audit()
        if findings:
            raise CommandError("L'audit du secret statistique a échoué, rien n'a été écrit : "
                               + " ; ".join(str(finding) for finding in findings[:5]))
        for path in release.write(published, directory):
            self.stdout.write(f"  {path}")
        self.stdout.write(f"Diffusion {year} : {len(published.table.values)} cases, {len(published.suppressed)} "
                          f"masquées « {release.SYMBOL} », audit réussi ; {time.monotonic() - started:.1f} s en tout.")

"""python manage.py rebuild_summaries [--wet-run]

The dashboards' monthly summaries (dashboards.summaries) recomputed from the raw tables. A dry run unless
--wet-run: says how many rows differ from the raw tables (ids, months and counts only, never a name); with
--wet-run, replaces every row, in one transaction. Run it after a write that sends no signal (the synthetic
generator's COPY, a bulk statement) and whenever the nightly check reports a difference.
"""

from django.core.management.base import BaseCommand

from dashboards import summaries
from dashboards.models import MonthlySummary


class Command(BaseCommand):
    help = ("Recalcule les résumés mensuels des tableaux de bord à partir des tables de données. "
            "Simulation sans --wet-run.")

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Appliquer (sinon : simulation, rien n'est écrit).")

    def handle(self, *args, wet_run, **options):
        found = summaries.differences()
        rows = {(programme, month) for programme, month, *_rest in found}
        self.stdout.write(f"{MonthlySummary.objects.count()} résumé(s) mensuel(s) enregistré(s) ; "
                          f"{len(rows)} résumé(s) à corriger ({len(found)} valeur(s) différente(s)).")
        for programme, month, name, stored, computed in found[:20]:
            self.stdout.write(f"  programme {programme}, {month:%m/%Y}, {name} : {stored} enregistré, {computed} "
                              "recalculé")
        if not wet_run:
            self.stdout.write("Simulation : rien n'est écrit (--wet-run pour reconstruire).")
            return
        written = summaries.rebuild()
        self.stdout.write(f"Résumés reconstruits : {written} ligne(s).")

"""python manage.py apply_retention [--wet-run] [--today YYYY-MM-DD]

A dry run unless --wet-run: prints how many participants, pathways, notes, documents and access-log entries the
retention would anonymise or delete (counts only, never a name). See participants/retention.py for the rules.
"""


from django.core.management.base import BaseCommand

from core.commands import iso_day
from participants.retention import apply_retention


class Command(BaseCommand):
    help = ("Anonymise les participant·es dont le dernier parcours est terminé depuis plus de "
            "RETENTION_MONTHS_AFTER_EXIT mois et purge le journal d'accès. Simulation sans --wet-run.")

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Appliquer (sinon : simulation, rien n'est écrit).")
        parser.add_argument("--today", type=iso_day, metavar="AAAA-MM-JJ",
                            help="Agir comme à cette date (par défaut : aujourd'hui).")

    def handle(self, *args, wet_run, today, **options):
        report = apply_retention(today=today, wet_run=wet_run)
        for line in report.lines():
            self.stdout.write(line)

"""python manage.py send_digests [--dry-run] [--date YYYY-MM-DD]

Sends the day's digests of alerts by email, as the Celery beat task does every morning (notifications.services):
the daily ones, and the weekly ones on Monday; never twice the same day. --dry-run sends nothing and writes nothing:
it counts the mails that would go out. Counts only, never a name or an address.
"""


from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.commands import iso_day
from notifications.services import send_digests


class Command(BaseCommand):
    help = ("Envoie par courriel les alertes du jour (chaque jour, ou le lundi pour le rythme hebdomadaire) ; "
            "--dry-run compte sans rien envoyer.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien envoyer ni écrire.")
        parser.add_argument("--date", type=iso_day, metavar="AAAA-MM-JJ",
                            help="Envoyer comme à cette date (par défaut : aujourd'hui).")

    def handle(self, *args, dry_run, date, **options):
        report = send_digests(today=date or timezone.localdate(), dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(line)
        if report.failed:
            raise CommandError(f"{report.failed} courriel(s) refusé(s) par le serveur : réessayés au prochain passage.")

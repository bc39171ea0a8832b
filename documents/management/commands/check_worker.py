from celery.exceptions import TimeoutError as CeleryTimeout
from django.core.management.base import BaseCommand, CommandError

from documents.tasks import probe_worker


class Command(BaseCommand):
    help = "Vérifie qu'un worker Celery reçoit les tâches et produit un PDF."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=20.0)

    def handle(self, *args, timeout, **options):
        try:
            result = probe_worker.delay().get(timeout=timeout)
        except CeleryTimeout as error:
            raise CommandError(f"Aucun worker n'a répondu en {timeout:g} s : lancez « make run ».") from error
        self.stdout.write(self.style.SUCCESS(f"Worker opérationnel : PDF de {result['pdf_bytes']} octets produit."))

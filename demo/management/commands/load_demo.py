from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.cohorts import load_participants_demo
from demo.programmes import ACCOUNTS, load_demo


class Command(BaseCommand):
    help = "Charge les sites pilotes du client et les comptes de démonstration (sans effet si déjà chargés)."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true",
                            help="Autoriser le chargement hors développement (déconseillé).")

    def handle(self, *args, allow_production=False, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError("Données de démonstration refusées en production (option --allow-production).")
        counts = load_demo()
        self.stdout.write(self.style.SUCCESS(
            "Démo chargée : {programmes} programmes, {establishments} établissements, {siae} SIAE, "
            "{organisations} organisations, {users} comptes.".format(**counts)
        ))
        self.stdout.write("Comptes : " + ", ".join(a[0] for a in ACCOUNTS))
        counts = load_participants_demo()  # after the accounts: the demo users record the pathways
        self.stdout.write(
            "Parcours : {sessions} sessions de recrutement, {participants} participant·es, {pathways} parcours, "
            "{events} actions d'accompagnement, {follow_ups} suivis après la libération.".format(**counts)
        )

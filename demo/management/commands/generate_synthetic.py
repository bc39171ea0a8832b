"""python manage.py generate_synthetic --scale national|small [--seed N] [--multiplier N] [--force]

Writes a synthetic dataset (demo/synthetic.py) into the configured database, replacing the synthetic rows
already there. A generator for the benchmark and the tests, not the services path.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import synthetic

LABELS = [
    ("establishments", "établissements"), ("siae", "SIAE"), ("programmes", "programmes"),
    ("conventions", "conventions avec l'État"), ("annexes", "annexes financières"),
    ("funding_lines", "lignes de financement"), ("sessions", "sessions de recrutement"),
    ("participants", "participant·es"), ("pathways", "parcours"), ("events", "actions d'accompagnement"),
    ("follow_ups", "suivis après la libération"), ("suspensions", "suspensions"),
]


def number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


class Command(BaseCommand):
    help = ("Génère des données synthétiques (identités fictives SYNTH-…) pour mesurer les tableaux de bord : "
            "--scale national sur PostgreSQL, --scale small pour les tests. Remplace les données synthétiques "
            "présentes ; refuse une base qui contient des parcours réels, sauf --force.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(synthetic.SCALES), required=True,
                            help="national : environ 250 000 parcours ; small : environ 2 000.")
        parser.add_argument("--seed", type=int, default=1, help="Graine du tirage (la même graine donne les mêmes "
                                                                 "données). Par défaut 1.")
        parser.add_argument("--multiplier", type=int, default=1,
                            help="Multiplie les établissements, les programmes et les parcours de l'échelle.")
        parser.add_argument("--force", action="store_true",
                            help="Écrire même si la base contient des parcours réels (non synthétiques).")

    def handle(self, *args, scale, seed, multiplier, force, **options):
        if settings.PRODUCTION:
            raise CommandError("Données synthétiques refusées en production.")
        if multiplier < 1:
            raise CommandError("Le multiplicateur doit valoir 1 ou plus.")
        real = synthetic.real_pathways().count()
        if real and not force:
            raise CommandError(
                f"Cette base contient {number(real)} parcours "
                f"{'réels (non synthétiques)' if real > 1 else 'réel (non synthétique)'} : generate_synthetic refuse "
                "d'y ajouter des données fictives. Utilisez une base dédiée, ou --force pour écrire quand même.")
        self.stdout.write(f"Génération des données synthétiques : échelle {scale}, graine {seed}, ×{multiplier}, "
                          f"base {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
                          f"{' (écriture par COPY)' if self._postgres() else ' (bulk_create)'}.")
        counts = synthetic.generate(scale=scale, seed=seed, multiplier=multiplier,
                                    log=lambda line: self.stdout.write(line))
        self.stdout.write(self.style.SUCCESS("Données synthétiques écrites :"))
        for key, label in LABELS:
            self.stdout.write(f"  {label:<28}{number(counts[key]):>12}")

    @staticmethod
    def _postgres() -> bool:
        from django.db import connection

        return connection.vendor == "postgresql"

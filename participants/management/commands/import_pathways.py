"""python manage.py import_pathways FILE [--wet-run] [--by USERNAME]

A dry run unless --wet-run: prints what the import would do and every error. Without --by it acts for every
programme (an operator's command); with --by, for the programmes of that user, logged under their name.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from participants.importing import error_text, run_import
from participants.importing.jobs import may_import

KINDS = (("participants", "Participant·es"), ("sessions", "Sessions de recrutement"), ("pathways", "Parcours"))


class Command(BaseCommand):
    help = "Importe un fichier de parcours (CSV ou XLSX, format de docs/import-format.md). Vérification seule " \
           "sans --wet-run."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier .csv ou .xlsx")
        parser.add_argument("--wet-run", action="store_true", help="Écrire dans la base (sinon : vérification seule).")
        parser.add_argument("--by", metavar="USERNAME",
                            help="Importer pour cet utilisateur : ses programmes seulement, à son nom dans le journal.")

    def handle(self, *args, file, wet_run, by, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        user = None
        if by:
            user = get_user_model().objects.filter(username=by, is_active=True).first()
            if user is None:
                raise CommandError(f"Aucun utilisateur actif « {by} ».")
            if not may_import(user):
                raise CommandError(f"Le rôle de « {by} » ({user.get_role_display()}) ne permet pas d'importer des "
                                   "parcours.")
        report = run_import(path.read_bytes(), path.name, user=user, wet_run=wet_run)
        self._print(report, wet_run)
        if report["errors"]:
            count = report["error_count"]
            raise CommandError(f"{count} erreur{'s' if count > 1 else ''} dans le fichier : rien n'a été importé.")

    def _print(self, report: dict, wet_run: bool):
        out = self.stdout
        out.write(f"Fichier : {report['file_name']} ({report['rows']} ligne{'s' if report['rows'] > 1 else ''})")
        if report["errors"]:
            out.write(f"Erreurs ({report['error_count']}) :")
            for error in report["errors"]:
                out.write(f"  {error_text(error)}")
            return
        for warning in report["warnings"]:
            out.write(self.style.WARNING(warning))
        if report["written"]:
            out.write("Import effectué :")
        else:
            out.write("Vérification seule, rien n'a été écrit (ajoutez --wet-run pour importer). L'import ferait :")
        out.write(f"  {'':<26}{'créés':>8}{'modifiés':>10}{'inchangés':>11}")
        for kind, label in KINDS:
            counts = report["counts"][kind]
            out.write(f"  {label:<26}{counts['created']:>8}{counts['updated']:>10}{counts['unchanged']:>11}")
        if report["written"]:
            out.write(self.style.SUCCESS("Terminé."))

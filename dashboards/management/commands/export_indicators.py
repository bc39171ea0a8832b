"""``python manage.py export_indicators --scope SCOPE --from DATE --to DATE --format json|csv``.

The indicators of one scope and one period, exactly as the dashboard shows them (report.build: same formulas,
exact figures, for internal use only), as the dashboard's JSON or as a ``key;label;value`` CSV. The command sees
everything as national staff do (an unsaved national user). docs/indicators.md describes every key, the JSON and
this command.
"""

import csv
import datetime
import decimal
import io
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from accounts.enums import Role
from accounts.models import User
from dashboards import periods, report, scopes
from programmes.exports import neutralise

FORMATS = ("json", "csv")
CSV_HEADER = ["key", "label", "value"]
# What the code of each level is, for the message when it matches nothing.
KEY_HINTS = {
    scopes.Level.DISP: "le code de la direction interrégionale, par exemple DISP_PARIS",
    scopes.Level.REGION: "le code INSEE de la région, par exemple 11",
    scopes.Level.DEPARTMENT: "le numéro du département, par exemple 77",
    scopes.Level.ESTABLISHMENT: "l'identifiant numérique de l'établissement",
    scopes.Level.SIAE: "le SIRET de la structure (14 chiffres)",
    scopes.Level.PROGRAMME: "le code du programme, par exemple MEAUX-APRES",
}


def csv_value(value) -> str:
    """French spreadsheet conventions, like programmes/exports.py: a decimal comma, "" for an empty value."""
    if value is None:
        return ""
    if isinstance(value, decimal.Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(neutralise(value) if isinstance(value, str) else value)


def as_csv(dashboard: report.Dashboard) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_HEADER)
    for key, label, value in report.indicator_rows(dashboard):
        writer.writerow([key, neutralise(label), csv_value(value)])
    return buffer.getvalue()


def as_json(dashboard: report.Dashboard) -> str:
    return json.dumps(report.as_json(dashboard), ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = ("Exporte les indicateurs d'un périmètre (national, disp:CODE, region:CODE, department:CODE, "
            "establishment:ID, siae:SIRET, programme:CODE) sur une période, en JSON ou en CSV. "
            "Voir docs/indicators.md.")

    def add_arguments(self, parser):
        parser.add_argument("--scope", default="", metavar="PÉRIMÈTRE",
                            help="national, disp:CODE, region:CODE, department:CODE, establishment:ID, siae:SIRET "
                                 "ou programme:CODE.")
        parser.add_argument("--from", dest="start", default="", metavar="AAAA-MM-JJ",
                            help="Premier jour de la période (inclus). Sans --from ni --to : les douze derniers mois "
                                 "échus.")
        parser.add_argument("--to", dest="end", default="", metavar="AAAA-MM-JJ",
                            help="Dernier jour de la période (inclus).")
        parser.add_argument("--format", dest="fmt", default="json", metavar="json|csv",
                            help="json (par défaut) ou csv (clé;libellé;valeur, virgule décimale).")
        parser.add_argument("--siae-kind", default="", metavar="TYPE",
                            help="Ne compter que les programmes des SIAE de ce type (ACI ou EI).")
        parser.add_argument("--out", default="", metavar="FICHIER",
                            help="Écrire dans ce fichier (UTF-8) plutôt que sur la sortie standard.")

    def handle(self, *args, scope, start, end, fmt, siae_kind, out, **options):
        fmt = (fmt or "").strip().lower()
        if fmt not in FORMATS:
            raise CommandError(f"Format « {fmt} » non reconnu : attendu json ou csv.")
        kinds = [value for value, _label in report.SIAE_KIND_CHOICES if value]
        if siae_kind and siae_kind not in kinds:
            raise CommandError(f"Type de SIAE « {siae_kind} » non reconnu : attendu {' ou '.join(kinds)}.")
        if not (scope or "").strip():
            raise CommandError("Indiquez le périmètre avec --scope (par exemple --scope national ou "
                               "--scope programme:MEAUX-APRES).")
        try:
            level, key = scopes.from_spec(scope)
        except ValueError as error:
            raise CommandError(str(error)) from None
        try:
            period = periods.parse(du=start, au=end)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        try:
            resolved = scopes.resolve(User(role=Role.NATIONAL), level, key)
        except Http404:
            raise CommandError(f"Périmètre « {scope.strip()} » introuvable : vérifiez {KEY_HINTS[level]}.") from None
        dashboard = report.build(scopes.with_siae_kind(resolved, siae_kind), period, siae_kind=siae_kind,
                                 with_children=False)
        text = as_json(dashboard) if fmt == "json" else as_csv(dashboard)
        if not out:
            self.stdout.write(text, ending="")
            return
        try:
            Path(out).write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            raise CommandError(f"Impossible d'écrire « {out} » : {error.strerror or error}.") from None
        self.stdout.write(f"Indicateurs de « {resolved.label} » ({period.label}) écrits dans {out}.")

"""The spreadsheet format: its columns, the values a cell may hold, and how each cell is read."""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from participants import rules
from participants.enums import (
    EducationLevel,
    ExitReason,
    JobContract,
    JobseekerDuration,
    Outcome,
    ReturnReason,
    SentenceAdjustment,
    SessionDecision,
    Sex,
)

EXTENSIONS = (".csv", ".xlsx")
PROGRESS_EVERY = 500  # rows between two progress reports
PREVIEW_ROWS = 20
# Bounds of one file (docs/import-format.md): beyond them the file is refused before any row is checked.
MAX_ROWS = 10_000  # about 15 s of the worker on this 2-core machine (make bench-import)
MAX_COLUMNS = 60  # the format has 22; a few more of the spreadsheet's own are ignored with a warning
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024  # bytes of XML once unzipped (5 MB upload; a "zip bomb" is refused)
BATCH = 500  # rows per INSERT/UPDATE statement (SQLite limits the parameters of one statement)
COMMAND_LINE_LABEL = "Import en ligne de commande"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool  # the header must be there and every cell filled
    label: str
    written: str  # how a cell is written


DECISIONS = {"retenu": SessionDecision.SELECTED, "non_retenu": SessionDecision.NOT_SELECTED,
             "desiste": SessionDecision.WITHDRAWN}
EXIT_REASONS = {
    "liberation_fin_de_peine": ExitReason.RELEASE_END_OF_SENTENCE,
    "liberation_amenagement": ExitReason.RELEASE_ADJUSTMENT,
    "retour_detention_ordinaire": ExitReason.RETURN_ORDINARY_DETENTION,
    "transfert": ExitReason.TRANSFER,
    "demission": ExitReason.RESIGNATION,
    "rupture": ExitReason.TERMINATION,
    "sante": ExitReason.HEALTH,
    "autre": ExitReason.OTHER,
}
OUTCOMES = {"emploi_durable": Outcome.DURABLE, "emploi_transition": Outcome.TRANSITION,
            "sortie_positive": Outcome.POSITIVE, "autre_sortie": Outcome.OTHER, "neutralisee": Outcome.NEUTRALISED}
ADJUSTMENTS = {value.lower(): value for value in SentenceAdjustment}
RETURN_REASONS = {"a_sa_demande": ReturnReason.OWN_REQUEST, "insuffisance": ReturnReason.INSUFFICIENCY,
                  "accompagnement": ReturnReason.ACCOMPANIMENT, "disciplinaire": ReturnReason.DISCIPLINARY,
                  "securite": ReturnReason.SECURITY}
JOB_CONTRACTS = {"cdi": JobContract.CDI, "cdd": JobContract.CDD, "interim": JobContract.INTERIM,
                 "cddi": JobContract.CDDI, "contrat_aide": JobContract.SUBSIDISED,
                 "fonction_publique": JobContract.PUBLIC_SERVICE, "creation_entreprise": JobContract.BUSINESS_CREATION}
EDUCATION_LEVELS = {"sans_diplome": EducationLevel.NONE, "3": EducationLevel.LEVEL_3, "4": EducationLevel.LEVEL_4,
                    "5": EducationLevel.LEVEL_5, "6": EducationLevel.LEVEL_6, "7": EducationLevel.LEVEL_6,
                    "8": EducationLevel.LEVEL_6}
JOBSEEKER = {"oui": JobseekerDuration.DELD, "non": JobseekerDuration.NONE, "detld": JobseekerDuration.DETLD}
SEXES = {"f": Sex.F, "femme": Sex.F, "m": Sex.M, "h": Sex.M, "homme": Sex.M}
YES_NO = {"oui": True, "non": False}
# Spellings met in real spreadsheets, read as the value of the format.
ALIASES = {"retenue": "retenu", "non_retenue": "non_retenu", "desistee": "desiste", "neutralise": "neutralisee",
           "sans_diplome_ni_qualification": "sans_diplome", "aucun": "sans_diplome", "o": "oui", "n": "non"}

COLUMNS = (
    Column("programme", True, "Code du programme",
           "Le code affiché sur la page du programme, par exemple MEAUX-APRES."),
    Column("numero_ecrou", True, "Numéro d'écrou",
           "Tel qu'au registre d'écrou ; espaces, tirets et zéros initiaux sont ignorés pour la comparaison."),
    Column("nom", True, "Nom", "100 caractères au plus."),
    Column("prenom", True, "Prénom(s)", "150 caractères au plus."),
    Column("date_naissance", True, "Date de naissance", "JJ/MM/AAAA ou AAAA-MM-JJ."),
    Column("sexe", True, "Sexe", "F ou M (H est lu comme M)."),
    Column("date_session", True, "Date de la session de recrutement",
           "Date de la commission de sélection ; la session est créée si le programme n'en a pas à cette date."),
    Column("decision_session", True, "Décision de la commission", "retenu, non_retenu ou desiste."),
    Column("date_entree", False, "Date d'entrée en atelier", "Seulement si la décision est « retenu »."),
    Column("date_sortie", False, "Date de sortie du programme", "Demande une date d'entrée et un motif de sortie."),
    Column("motif_sortie", False, "Motif de sortie", ", ".join(EXIT_REASONS) + "."),
    Column("situation_sortie", False, "Situation à la sortie",
           ", ".join(OUTCOMES) + ". Vide : autre_sortie pour un retour en détention ordinaire, neutralisee pour "
           "un transfert ou une sortie pour raison de santé ; obligatoire pour les autres motifs."),
    Column("date_liberation_previsible", False, "Date de libération prévisible", "JJ/MM/AAAA ou AAAA-MM-JJ."),
    Column("rsa", False, "RSA avant la détention", "oui ou non."),
    Column("deld", False, "Demandeur d'emploi de longue durée",
           "oui (DELD, 12 à 24 mois), non, ou detld (24 mois et plus)."),
    Column("niveau_formation", False, "Niveau de formation",
           "sans_diplome, 3 (CAP, BEP), 4 (bac), 5 (bac + 2) ou 6 (licence et plus ; 7 et 8 sont lus comme 6)."),
    Column("heures_travaillees", False, "Heures travaillées (total)",
           "Nombre d'heures, par exemple 312 ou 312,5 ; arrondi au dixième ; demande une date d'entrée."),
    Column("pmsmp", False, "Nombre de PMSMP", "Nombre entier (0, 1, 2…)."),
    Column("amenagement", False, "Aménagement de peine obtenu",
           "sl, pe, ddse, lc ou lsc ; seulement pour une libération sous aménagement."),
    Column("motif_retour", False, "Motif du retour en détention ordinaire",
           ", ".join(RETURN_REASONS) + " ; seulement pour un retour en détention ordinaire."),
    Column("type_contrat", False, "Contrat de l'emploi à la sortie",
           ", ".join(JOB_CONTRACTS) + " ; seulement pour emploi_durable ou emploi_transition."),
    Column("duree_contrat_mois", False, "Durée du contrat (mois)", "Pour un CDD, un intérim ou un CDDI."),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)
HEADER_ALIASES = {"numero_d_ecrou": "numero_ecrou", "ecrou": "numero_ecrou", "prenoms": "prenom",
                  "date_de_naissance": "date_naissance", "date_de_session": "date_session",
                  "decision": "decision_session", "date_d_entree": "date_entree", "date_de_sortie": "date_sortie"}
# Rule fields (participants.rules) -> the column a message belongs to.
FIELD_COLUMNS = {"birth_date": "date_naissance", "session": "date_session", "contract_start": "date_entree",
                 "exit_on": "date_sortie", "exit_reason": "motif_sortie", "outcome": "situation_sortie",
                 "adjustment": "amenagement", "return_reason": "motif_retour", "job_contract": "type_contrat",
                 "job_months": "duree_contrat_mois"}
EXIT_COLUMNS = ("motif_sortie", "situation_sortie", "amenagement", "motif_retour", "type_contrat",
                "duree_contrat_mois")
PARTICIPANT_FIELDS = ("last_name", "first_names", "sex", "expected_release_date", "rsa", "jobseeker",
                      "education_level", "stay_ended_on")
PATHWAY_FIELDS = ("session", "decision", "status", "contract_start", "contract_kind", "withdrawn_on", "exit_on",
                  "exit_reason", "outcome", "adjustment", "return_reason", "job_contract", "job_months",
                  "imported_hours_worked", "imported_pmsmp")


def token(value) -> str:
    """"Non retenu·e " -> "non_retenu": lower case, no accent, words joined by underscores."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode().lower()
    text = text.replace("(e)", "").replace(".e", "")
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return ALIASES.get(text, text)


def identity_text(value: str) -> str:
    """Names compared without case, accents, spaces or hyphens: "Jean-Noël" and "JEAN NOEL" are the same."""
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower())


# --- Reading the cells ---------------------------------------------------------------------------------------


class CellError(Exception):
    pass


def _text(max_length: int):
    def parse(value):
        text = " ".join(str(value).split())
        if len(text) > max_length:
            raise CellError(f"{max_length} caractères au plus (ici {len(text)}).")
        return text
    return parse


def _participant_field(name: str, normalise=lambda text: " ".join(str(text).split())):
    """A cell read as the participant's field: the model field's own validation (length, characters), the same
    as the forms and the administration."""
    from django.core.exceptions import ValidationError

    from participants.models import Participant

    model_field = Participant._meta.get_field(name)

    def parse(value):
        text = normalise(value)
        try:
            return model_field.clean(text, None)
        except ValidationError as error:
            raise CellError(" ".join(error.messages)) from error
    return parse


def _ecrou(value):
    if not rules.ecrou_key(value):
        raise CellError("Le numéro d'écrou doit contenir au moins une lettre ou un chiffre.")
    return _participant_field("ecrou", rules.normalise_identifier)(value)


_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _TIME.sub("", str(value).strip())
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _YEAR_FIRST.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise CellError(f"« {value} » n'est pas une date : écrivez JJ/MM/AAAA ou AAAA-MM-JJ.")
    try:
        parsed = datetime.date(year, month, day)
    except ValueError as error:
        raise CellError(f"la date « {value} » n'existe pas.") from error
    if year < 1900:
        raise CellError(f"l'année de la date « {value} » n'est pas plausible.")
    return parsed


def _choice(values: dict, listed: str = ""):
    allowed = [key for key in values if key not in {"7", "8"}]
    listed = listed or ", ".join(allowed[:-1]) + f" ou {allowed[-1]}"

    def parse(value):
        key = token(value)
        if key not in values:
            raise CellError(f"« {value} » n'est pas une valeur possible : {listed}.")
        return values[key]
    return parse


_NUMBER = re.compile(r"[0-9]{1,6}([.,][0-9]{1,6})?")
_WHOLE = re.compile(r"[0-9]{1,6}")


def _hours(value):
    text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
    if text.startswith("-") and _NUMBER.fullmatch(text[1:]):
        raise CellError("le nombre d'heures ne peut pas être négatif.")
    if not _NUMBER.fullmatch(text):
        raise CellError(f"« {value} » n'est pas un nombre d'heures : écrivez par exemple 312 ou 312,5 (moins d'un "
                        "million).")
    return Decimal(text.replace(",", ".")).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _count(maximum: int):
    def parse(value):
        text = str(value).strip()
        if not _WHOLE.fullmatch(text):  # ASCII digits only: "²" or "٣" are not counts
            raise CellError(f"« {value} » n'est pas un nombre entier positif ou nul.")
        if int(text) > maximum:
            raise CellError(f"« {value} » dépasse le maximum possible ({maximum}).")
        return int(text)
    return parse


PARSERS = {
    "programme": _text(40), "numero_ecrou": _ecrou, "nom": _participant_field("last_name"),
    "prenom": _participant_field("first_names"),
    "date_naissance": parse_date, "sexe": _choice(SEXES, "F ou M"), "date_session": parse_date,
    "decision_session": _choice(DECISIONS), "date_entree": parse_date, "date_sortie": parse_date,
    "motif_sortie": _choice(EXIT_REASONS), "situation_sortie": _choice(OUTCOMES),
    "date_liberation_previsible": parse_date, "rsa": _choice(YES_NO), "deld": _choice(JOBSEEKER),
    "niveau_formation": _choice(EDUCATION_LEVELS), "heures_travaillees": _hours, "pmsmp": _count(32767),
    "amenagement": _choice(ADJUSTMENTS), "motif_retour": _choice(RETURN_REASONS),
    "type_contrat": _choice(JOB_CONTRACTS), "duree_contrat_mois": _count(600),
}
REQUIRED_SET = frozenset(REQUIRED_COLUMNS)

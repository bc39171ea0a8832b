"""Statuses, reasons and categories of the participant pathway (docs/domain.md §5 to §7).

Values are stable ASCII codes stored in the database: never rename one once stored (retire it instead).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    F = "F", _("Femme")
    M = "M", _("Homme")


class JobseekerDuration(models.TextChoices):
    NONE = "NONE", _("Moins de 12 mois ou non inscrit·e")
    DELD = "DELD", _("DELD : demandeur d'emploi de 12 à 24 mois")
    DETLD = "DETLD", _("DETLD : demandeur d'emploi de 24 mois et plus")


class EducationLevel(models.TextChoices):
    """French certification levels (nomenclature 2019)."""

    NONE = "NONE", _("Sans diplôme ni qualification")
    LEVEL_3 = "3", _("Niveau 3 (CAP, BEP)")
    LEVEL_4 = "4", _("Niveau 4 (baccalauréat)")
    LEVEL_5 = "5", _("Niveau 5 (bac + 2)")
    LEVEL_6 = "6", _("Niveau 6 et plus (licence et au-delà)")


class SessionDecision(models.TextChoices):
    SELECTED = "SELECTED", _("Retenu·e")
    NOT_SELECTED = "NOT_SELECTED", _("Non retenu·e")
    WITHDRAWN = "WITHDRAWN", _("Désisté·e")


class PathwayStatus(models.TextChoices):
    CANDIDATE = "CANDIDATE", _("Candidat·e")
    SELECTED = "SELECTED", _("Retenu·e")
    NOT_SELECTED = "NOT_SELECTED", _("Non retenu·e")
    WITHDRAWN = "WITHDRAWN", _("Désisté·e")
    CLASSIFIED = "CLASSIFIED", _("Classé·e au travail")
    # The establishment head refused the classification for work (after the CPU's opinion): the pathway closes.
    NOT_CLASSIFIED = "NOT_CLASSIFIED", _("Classement refusé")
    ASSIGNED = "ASSIGNED", _("Affecté·e")
    IN_WORKSHOP = "IN_WORKSHOP", _("En atelier")
    SUSPENDED = "SUSPENDED", _("Suspendu·e")
    EXITED = "EXITED", _("Sorti·e")


CLOSED_STATUSES = frozenset(
    {PathwayStatus.NOT_SELECTED, PathwayStatus.NOT_CLASSIFIED, PathwayStatus.WITHDRAWN, PathwayStatus.EXITED})
OPEN_STATUSES = frozenset(set(PathwayStatus) - CLOSED_STATUSES)
# Entered the workshop (a contract started): what the indicators call an entrant.
ENTERED_STATUSES = frozenset({PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED, PathwayStatus.EXITED})


class CpuOpinion(models.TextChoices):
    FAVOURABLE = "FAVOURABLE", _("Favorable")
    UNFAVOURABLE = "UNFAVOURABLE", _("Défavorable")


class ClassificationDecision(models.TextChoices):
    """The establishment head's decision on the request for classification, after the CPU's opinion (domain §4.2)."""

    GRANTED = "GRANTED", _("Classement accordé")
    REFUSED = "REFUSED", _("Classement refusé")


class ContractKind(models.TextChoices):
    ENGAGEMENT_ACT = "ENGAGEMENT_ACT", _("Acte d'engagement")
    CEP = "CEP", _("Contrat d'emploi pénitentiaire")


class SuspensionReason(models.TextChoices):
    ECONOMIC = "ECONOMIC", _("Difficultés économiques")
    SUPPLY = "SUPPLY", _("Difficultés d'approvisionnement")
    DISASTER = "DISASTER", _("Sinistre")
    RESTRUCTURING = "RESTRUCTURING", _("Restructuration")
    DISCIPLINE_SECURITY = "DISCIPLINE_SECURITY", _("Motif disciplinaire ou de sécurité")
    HEALTH = "HEALTH", _("Raison de santé")
    OTHER = "OTHER", _("Autre circonstance exceptionnelle")


class ExitReason(models.TextChoices):
    RELEASE_END_OF_SENTENCE = "RELEASE_END_OF_SENTENCE", _("Libération en fin de peine")
    RELEASE_ADJUSTMENT = "RELEASE_ADJUSTMENT", _("Libération sous aménagement de peine")
    RETURN_ORDINARY_DETENTION = "RETURN_ORDINARY_DETENTION", _("Retour en détention ordinaire")
    TRANSFER = "TRANSFER", _("Transfert vers un autre établissement")
    RESIGNATION = "RESIGNATION", _("Démission")
    TERMINATION = "TERMINATION", _("Rupture à l'initiative de la SIAE")
    HEALTH = "HEALTH", _("Raison de santé")
    OTHER = "OTHER", _("Autre motif")


RELEASE_REASONS = frozenset({ExitReason.RELEASE_END_OF_SENTENCE, ExitReason.RELEASE_ADJUSTMENT})
# The person leaves the establishment: their stay there (and its numéro d'écrou) ends.
STAY_ENDING_REASONS = RELEASE_REASONS | {ExitReason.TRANSFER}


class SentenceAdjustment(models.TextChoices):
    SL = "SL", _("Semi-liberté")
    PE = "PE", _("Placement à l'extérieur")
    DDSE = "DDSE", _("Détention à domicile sous surveillance électronique (DDSE)")
    LC = "LC", _("Libération conditionnelle")
    LSC = "LSC", _("Libération sous contrainte")


class ReturnReason(models.TextChoices):
    OWN_REQUEST = "OWN_REQUEST", _("À sa demande")
    INSUFFICIENCY = "INSUFFICIENCY", _("Insuffisance professionnelle")
    ACCOMPANIMENT = "ACCOMPANIMENT", _("Non-respect de l'accompagnement")
    DISCIPLINARY = "DISCIPLINARY", _("Motif disciplinaire")
    SECURITY = "SECURITY", _("Motif de sécurité")


class Outcome(models.TextChoices):
    """The State's IAE exit categories (docs/domain.md §7.2)."""

    DURABLE = "DURABLE", _("Emploi durable")
    TRANSITION = "TRANSITION", _("Emploi de transition")
    POSITIVE = "POSITIVE", _("Sortie positive (formation qualifiante, embauche dans une autre SIAE)")
    OTHER = "OTHER", _("Autre sortie")
    NEUTRALISED = "NEUTRALISED", _("Sortie neutralisée")


JOB_OUTCOMES = frozenset({Outcome.DURABLE, Outcome.TRANSITION})
# What a user sees pre-selected for a reason, and may change (issue 4, section 3).
DEFAULT_OUTCOME = {
    ExitReason.RETURN_ORDINARY_DETENTION: Outcome.OTHER,
    ExitReason.TRANSFER: Outcome.NEUTRALISED,
    ExitReason.HEALTH: Outcome.NEUTRALISED,
}


class JobContract(models.TextChoices):
    CDI = "CDI", _("CDI")
    CDD = "CDD", _("CDD")
    INTERIM = "INTERIM", _("Mission d'intérim")
    CDDI = "CDDI", _("CDD d'insertion (CDDI)")
    SUBSIDISED = "SUBSIDISED", _("Contrat aidé")
    PUBLIC_SERVICE = "PUBLIC_SERVICE", _("Stage ou titularisation dans la fonction publique")
    BUSINESS_CREATION = "BUSINESS_CREATION", _("Création d'entreprise")


# Fixed-term contracts: their length (months) decides durable (> 6) or transition (<= 6). A CDDI (hiring
# by an SIAE) is not among them: it makes a positive exit whatever its length.
FIXED_TERM_CONTRACTS = frozenset({JobContract.CDD, JobContract.INTERIM})
DURABLE_MIN_MONTHS_EXCLUSIVE = 6


class FollowUpMilestone(models.IntegerChoices):
    M3 = 3, _("3 mois après la libération")
    M6 = 6, _("6 mois après la libération")
    M12 = 12, _("12 mois après la libération")


class EventKind(models.TextChoices):
    CIP_INTERVIEW = "CIP_INTERVIEW", _("Entretien avec le ou la CIP")
    COLLECTIVE_WORKSHOP = "COLLECTIVE_WORKSHOP", _("Atelier collectif")
    TRAINING = "TRAINING", _("Formation")
    CERTIFICATION = "CERTIFICATION", _("Certification")
    PMSMP = "PMSMP", _("Immersion (PMSMP)")
    BARRIER_ID = "BARRIER_ID", _("Levée de freins : papiers d'identité")
    BARRIER_HOUSING = "BARRIER_HOUSING", _("Levée de freins : logement")
    BARRIER_HEALTH = "BARRIER_HEALTH", _("Levée de freins : santé")
    BARRIER_DEBTS = "BARRIER_DEBTS", _("Levée de freins : dettes")
    BARRIER_MOBILITY = "BARRIER_MOBILITY", _("Levée de freins : mobilité")
    PRE_RELEASE = "PRE_RELEASE", _("Action de préparation à la sortie")
    ADJUSTMENT_REQUEST = "ADJUSTMENT_REQUEST", _("Demande d'aménagement de peine déposée")
    ADJUSTMENT_DECISION = "ADJUSTMENT_DECISION", _("Décision sur l'aménagement de peine")
    FRANCE_TRAVAIL = "FRANCE_TRAVAIL", _("Rendez-vous France Travail")
    MISSION_LOCALE = "MISSION_LOCALE", _("Rendez-vous Mission locale")
    HOURS_WORKED = "HOURS_WORKED", _("Heures travaillées du mois")


class AdjustmentDecision(models.TextChoices):
    GRANTED = "GRANTED", _("Accordé")
    REFUSED = "REFUSED", _("Refusé")
    POSTPONED = "POSTPONED", _("Ajourné")


class Transition(models.TextChoices):
    """What the log records: each a step of the state machine (services.py)."""

    CREATE = "CREATE", _("Candidature enregistrée")
    DECIDE = "DECIDE", _("Décision de la commission de sélection")
    CLASSIFY = "CLASSIFY", _("Classement au travail")
    ASSIGN = "ASSIGN", _("Affectation")
    START = "START", _("Début du contrat")
    SUSPEND = "SUSPEND", _("Suspension")
    RESUME = "RESUME", _("Reprise")
    EXIT = "EXIT", _("Sortie du programme")
    WITHDRAW = "WITHDRAW", _("Désistement")
    EDIT = "EDIT", _("Correction des données")
    # An open acte d'engagement becomes a CEP (issue 15): the acte ends the day before the CEP starts.
    END_ACT = "END_ACT", _("Fin de l'acte d'engagement")
    CONVERT = "CONVERT", _("Début du contrat d'emploi pénitentiaire (transformation de l'acte d'engagement)")
    IMPORT = "IMPORT", _("Import d'un fichier")
    # The hourly pay raised from a date (participants.pay, issue 15 §2): a PayRate row and an avenant.
    REVALUE = "REVALUE", _("Revalorisation de la rémunération")
    # A correction of a validated month's hours sheet, with its reason (participants.hours, issue 18 §2).
    HOURS_AMEND = "HOURS_AMEND", _("Correction des heures d'un mois validé")


class ImportStatus(models.TextChoices):
    CHECKING = "CHECKING", _("Vérification en cours")
    CHECKED = "CHECKED", _("Vérifié, prêt à importer")
    INVALID = "INVALID", _("Erreurs à corriger")
    IMPORTING = "IMPORTING", _("Import en cours")
    DONE = "DONE", _("Importé")
    FAILED = "FAILED", _("Échec technique")


class AbsenceReason(models.TextChoices):
    """Why a person in the workshop did not work some days of a month (the month's hours sheet, issue 18 §2)."""

    SUSPENSION = "SUSPENSION", _("Suspension")
    SICK_LEAVE = "SICK_LEAVE", _("Arrêt maladie")
    TRANSFER = "TRANSFER", _("Transfert")
    COURT_APPEARANCE = "COURT_APPEARANCE", _("Comparution")


class ChoiceLabel:
    """``pathway.status_label``: the text of ``get_status_display`` without its cost, for pages that show many (each
    call of ``get_FOO_display`` builds the dict of every choice of the field, translating each label: 0.15 ms; the
    enum gives its one label in a tenth of that; issue 19). A value outside the choices (blank) is given back as is."""

    def __init__(self, field: str, choices: type[models.Choices]):
        self.field, self.choices = field, choices

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = getattr(instance, self.field)
        try:
            return self.choices(value).label
        except ValueError:
            return value

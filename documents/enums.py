"""Kinds and statuses of the standard documents (docs/domain.md §9). Stable ASCII values, French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    PROJECT_SHEET = "PROJECT_SHEET", _("Fiche-projet")
    APPLICATION_FILE = "APPLICATION_FILE", _("Dossier unique d'instruction")
    STATE_CONVENTION = "STATE_CONVENTION", _("Convention avec l'État et annexe financière")
    IMPLANTATION_CONTRACT = "IMPLANTATION_CONTRACT", _("Contrat d'implantation")
    ACCOMPANIMENT_CHARTER = "ACCOMPANIMENT_CHARTER", _("Charte d'accompagnement")
    WORK_CONTRACT = "WORK_CONTRACT", _("Acte d'engagement ou contrat d'emploi pénitentiaire")
    ACTIVITY_REPORT = "ACTIVITY_REPORT", _("Rapport d'activité du programme")
    # The amendment recording a contract's latest pay revaluation (participants.pay, issue 15 §2).
    PAY_AMENDMENT = "PAY_AMENDMENT", _("Avenant de revalorisation de la rémunération")
    # The amendment recording a contract's latest change of weekly hours or post (participants.contract_changes).
    CONTRACT_AMENDMENT = "CONTRACT_AMENDMENT", _("Avenant au contrat (durée du travail ou poste)")
    # The contract's life (issue 17 §3): its latest suspension, its end, and the attestation the person takes out.
    CONTRACT_SUSPENSION = "CONTRACT_SUSPENSION", _("Suspension du contrat")
    CONTRACT_END = "CONTRACT_END", _("Fin du contrat")
    RELEASE_CERTIFICATE = "RELEASE_CERTIFICATE", _("Attestation de fin de parcours")


class SubjectType(models.TextChoices):
    PROGRAMME = "PROGRAMME", _("Programme")
    CONVENTION = "CONVENTION", _("Convention avec l'État")
    PATHWAY = "PATHWAY", _("Parcours")


class DocumentStatus(models.TextChoices):
    PENDING = "PENDING", _("En attente")
    RUNNING = "RUNNING", _("En cours de génération")
    READY = "READY", _("Prêt")
    FAILED = "FAILED", _("Échec")


class BatchStatus(models.TextChoices):
    PENDING = "PENDING", _("En attente")
    RUNNING = "RUNNING", _("En cours")
    READY = "READY", _("Prêt")
    FAILED = "FAILED", _("Échec")


class Audience(models.TextChoices):
    """Who a document is made for, and so who may list and download it (documents.audiences). A document whose
    content depends on its reader (the activity report's figures) is rendered with its audience's rules."""

    INTERNAL = "INTERNAL", _("Chiffres exacts, à usage interne")
    DIFFUSABLE = "DIFFUSABLE", _("Version diffusable (secret statistique appliqué)")

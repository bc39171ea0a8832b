from django.db import models
from django.utils.translation import gettext_lazy as _


class EstablishmentKind(models.TextChoices):
    CP = "CP", _("Centre pénitentiaire")
    MA = "MA", _("Maison d'arrêt")
    CD = "CD", _("Centre de détention")
    MC = "MC", _("Maison centrale")
    CSL = "CSL", _("Centre de semi-liberté")
    CPA = "CPA", _("Centre pour peines aménagées")
    SAS = "SAS", _("Structure d'accompagnement vers la sortie")
    EPM = "EPM", _("Établissement pénitentiaire pour mineurs")
    EPSNF = "EPSNF", _("Établissement public de santé national de Fresnes")


class QuartierKind(models.TextChoices):
    QA = "QA", _("Quartier arrivants")
    QMA = "QMA", _("Quartier maison d'arrêt")
    QCD = "QCD", _("Quartier centre de détention")
    QMC = "QMC", _("Quartier maison centrale")
    QSL = "QSL", _("Quartier de semi-liberté")
    QPA = "QPA", _("Quartier pour peines aménagées")
    QCP = "QCP", _("Quartier courtes peines")
    QNC = "QNC", _("Quartier nouveau concept")
    QF = "QF", _("Quartier femmes")
    QM = "QM", _("Quartier mineurs")


class SiaeKind(models.TextChoices):
    ACI = "ACI", _("Atelier et chantier d'insertion (ACI)")
    EI = "EI", _("Entreprise d'insertion (EI)")
    AI = "AI", _("Association intermédiaire (AI)")
    ETTI = "ETTI", _("Entreprise de travail temporaire d'insertion (ETTI)")
    EITI = "EITI", _("Entreprise d'insertion par le travail indépendant (EITI)")
    GEIQ = "GEIQ", _("Groupement d'employeurs pour l'insertion et la qualification (GEIQ)")


# Kinds allowed to run a programme inside an establishment (décret 2016-531).
SIAE_KINDS_ALLOWED_IN_DETENTION = frozenset({SiaeKind.ACI, SiaeKind.EI})


class ProgrammePhase(models.TextChoices):
    PILOT = "PILOT", _("Phase pilote")
    DEPLOYMENT = "DEPLOYMENT", _("Essaimage")


class ProgrammeStage(models.TextChoices):
    EMERGENCE = "EMERGENCE", _("Émergence")
    INSTRUCTION = "INSTRUCTION", _("Instruction")
    CONVENTIONNEMENT = "CONVENTIONNEMENT", _("Conventionnement")
    MISE_EN_OEUVRE = "MISE_EN_OEUVRE", _("Mise en œuvre")
    SUIVI = "SUIVI", _("Suivi")
    BILAN = "BILAN", _("Bilan")

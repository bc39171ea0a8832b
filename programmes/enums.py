from decimal import Decimal

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


class ConventionStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Brouillon")
    SIGNED = "SIGNED", _("Signée")
    ACTIVE = "ACTIVE", _("En vigueur")
    EXPIRED = "EXPIRED", _("Échue")
    TERMINATED = "TERMINATED", _("Résiliée")


class AnnexStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Brouillon")
    VALIDATED = "VALIDATED", _("Validée")


class AspMeasure(models.TextChoices):
    ACI_MP = "ACI_MP", _("ACI en milieu pénitentiaire (ACI_MP)")
    EI_MP = "EI_MP", _("EI en milieu pénitentiaire (EI_MP)")
    ACI_DC = "ACI_DC", _("ACI de droit commun (ACI_DC)")
    EI_DC = "EI_DC", _("EI de droit commun (EI_DC)")


class AidTerritory(models.TextChoices):
    METROPOLE = "METROPOLE", _("Métropole et outre-mer (hors Mayotte)")
    MAYOTTE = "MAYOTTE", _("Mayotte")


class AidScheme(models.TextChoices):
    """Which socle a row of the aid table gives: the droit-commun one, or the specific aid of the prison measures
    (its own, lower socle until 31 July 2022; from 1 August 2022 a row that points to the droit-commun socle)."""

    COMMON = "COMMON", _("Droit commun")
    PRISON = "PRISON", _("Milieu pénitentiaire (aide spécifique)")


class ImplantationRegime(models.TextChoices):
    R2016 = "R2016", _("Régime 2016 (DISP, chef d'établissement, SIAE)")
    R2022 = "R2022", _("Régime 2022 (chef d'établissement, SIAE ; 7 ans au plus, tacite reconduction)")


class Funder(models.TextChoices):
    STATE = "STATE", _("État (aide au poste)")
    DEPARTEMENT = "DEPARTEMENT", _("Département")
    EPCI = "EPCI", _("EPCI")
    REGION = "REGION", _("Région")
    OTHER = "OTHER", _("Autre financeur")


# Part-time work in detention is at least 10 hours a week, full time 35 (docs/domain.md §4.3, §4.4): the implantation
# contract's rule (programmes.rules) and its database constraint (programmes.models).
IMPLANTATION_MIN_WEEKLY_HOURS, IMPLANTATION_MAX_WEEKLY_HOURS = Decimal("10"), Decimal("35")

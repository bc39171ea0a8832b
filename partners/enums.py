from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    SPIP = "SPIP", _("Service pénitentiaire d'insertion et de probation (SPIP)")
    DISP = "DISP", _("Direction interrégionale des services pénitentiaires (DISP)")
    DREETS = "DREETS", _("DREETS (DIRECCTE jusqu'au 31 mars 2021)")
    DDETS = "DDETS", _("DDETS (unité départementale de la DIRECCTE jusqu'au 31 mars 2021)")
    FRANCE_TRAVAIL = "FRANCE_TRAVAIL", _("Agence France Travail (Pôle emploi jusqu'au 31 décembre 2023)")
    MISSION_LOCALE = "MISSION_LOCALE", _("Mission locale")
    PREFECTURE = "PREFECTURE", _("Préfecture")
    REGION = "REGION", _("Conseil régional")
    DEPARTEMENT = "DEPARTEMENT", _("Conseil départemental")
    EPCI = "EPCI", _("EPCI (intercommunalité)")
    IAE_NETWORK = "IAE_NETWORK", _("Réseau de l'IAE")
    JUDICIAL = "JUDICIAL", _("Autorité judiciaire")
    HEALTH = "HEALTH", _("Unité sanitaire")
    EDUCATION = "EDUCATION", _("Enseignement")
    TRAINING = "TRAINING", _("Organisme de formation")
    SPORT_CULTURE = "SPORT_CULTURE", _("Sport ou culture")
    DELEGATED_MANAGER = "DELEGATED_MANAGER", _("Gestionnaire délégué")
    SIAE = "SIAE", _("Structure d'insertion (SIAE)")
    ESTABLISHMENT = "ESTABLISHMENT", _("Établissement pénitentiaire")
    NATIONAL_AGENCY = "NATIONAL_AGENCY", _("Administration ou agence nationale")
    OTHER = "OTHER", _("Autre")


class PartnerRoleKind(models.TextChoices):
    SIGNATORY = "SIGNATORY", _("Signataire")
    FUNDER = "FUNDER", _("Financeur")
    PRESCRIBER = "PRESCRIBER", _("Prescripteur")
    ACCOMPANIMENT = "ACCOMPANIMENT", _("Accompagnement socio-professionnel")
    TRAINING = "TRAINING", _("Formation")
    HEALTH = "HEALTH", _("Santé")
    SPORT_CULTURE = "SPORT_CULTURE", _("Sport et culture")
    EMPLOYMENT = "EMPLOYMENT", _("Service public de l'emploi")
    JUDICIAL = "JUDICIAL", _("Autorité judiciaire")
    STEERING = "STEERING", _("Membre du comité de pilotage")


class MeetingKind(models.TextChoices):
    STEERING = "STEERING", _("Comité de pilotage")
    TECHNICAL = "TECHNICAL", _("Comité technique")


class DecisionStatus(models.TextChoices):
    OPEN = "OPEN", _("À faire")
    DONE = "DONE", _("Faite")
    DROPPED = "DROPPED", _("Abandonnée")

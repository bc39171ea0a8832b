from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CPIP = "CPIP", _("Conseiller·e pénitentiaire d'insertion et de probation (CPIP)")
    SPIP_MANAGER = "SPIP_MANAGER", _("Encadrement du SPIP")
    SIAE_DIRECTOR = "SIAE_DIRECTOR", _("Direction de SIAE")
    SIAE_STAFF = "SIAE_STAFF", _("Salarié·e permanent·e de SIAE")
    ESTABLISHMENT_STAFF = "ESTABLISHMENT_STAFF", _("Personnel d'établissement pénitentiaire")
    DISP_STAFF = "DISP_STAFF", _("Agent·e de DISP")
    DREETS_STAFF = "DREETS_STAFF", _("Agent·e de DREETS")
    DDETS_STAFF = "DDETS_STAFF", _("Agent·e de DDETS")
    NATIONAL = "NATIONAL", _("Niveau national (lecture)")
    ADMIN = "ADMIN", _("Administrateur·rice")

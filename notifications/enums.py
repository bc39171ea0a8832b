"""How often a user receives the digest of their alerts by email. Stable ASCII values, French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestFrequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("chaque semaine (le lundi)")
    DAILY = "DAILY", _("chaque jour")
    NEVER = "NEVER", _("jamais")

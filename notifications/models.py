from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import DigestFrequency


class DigestPreference(models.Model):
    """How often a user receives their alerts by email, and when the last digest went out.

    A user without a row receives the weekly digest (the default); the row is created when they choose, or when a
    digest is first sent to them. ``last_sent_on`` makes a day's sending idempotent; ``failed_on`` marks a digest
    the mail server refused, retried at the next run (notifications.services.is_due)."""

    # CASCADE: the preference is the user's own and means nothing without them.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference",
                                verbose_name=_("utilisateur·rice"))
    frequency = models.CharField(_("fréquence"), max_length=8, choices=DigestFrequency.choices,
                                 default=DigestFrequency.WEEKLY)
    last_sent_on = models.DateField(_("dernier envoi le"), null=True, blank=True)
    failed_on = models.DateField(_("dernier envoi refusé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("préférence d'alertes par courriel")
        verbose_name_plural = _("préférences d'alertes par courriel")
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=DigestFrequency.values),
                name="digest_preference_frequency_known",
                violation_error_message=_("Choisissez chaque semaine, chaque jour ou jamais."),
            )
        ]

    def __str__(self):
        return f"{self.user} : {self.get_frequency_display()}"

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.validation import validate_person_name

from .enums import Role


class User(AbstractUser):
    """A person using the application, acting for one organisation with one role."""

    first_name = models.CharField(_("prénom"), max_length=150, blank=True, validators=[validate_person_name])
    last_name = models.CharField(_("nom"), max_length=150, blank=True, validators=[validate_person_name])
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    # RESTRICT: a user's organisation decides what they see; it cannot disappear under them.
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[Role.NATIONAL, Role.ADMIN]) | Q(organisation__isnull=False),
                name="user_scoped_role_has_organisation",
                violation_error_message=_("Ce rôle exige une organisation de rattachement."),
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username


class LoginFailure(models.Model):
    """One failed login, kept for the lockout (accounts.lockout) and as the security log of failures.

    ``username`` is what was typed (lower case), whether or not such an account exists; no password is kept.
    """

    username = models.CharField(_("identifiant saisi"), max_length=150)
    at = models.DateTimeField(_("le"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("échec de connexion")
        verbose_name_plural = _("échecs de connexion")
        ordering = ["-at"]
        indexes = [models.Index(fields=["username", "at"])]

    def __str__(self):
        return f"{self.username} ({self.at:%d/%m/%Y %H:%M})"


class AuthenticatorApp(TOTPDevice):
    """A user's authentication application (django-otp's TOTP device) as the administration names it in French: the
    administration lists these (accounts.admin), read only and without their key."""

    class Meta:
        proxy = True
        verbose_name = _("application d'authentification")
        verbose_name_plural = _("applications d'authentification")

"""Password rules beyond Django's validators: administrators need a longer password (16 characters, ANSSI
MonServiceSécurisé's default measure), without any composition rule."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .enums import Role


def _is_administrator(user) -> bool:
    return bool(user and (getattr(user, "is_superuser", False) or getattr(user, "is_staff", False)
                          or getattr(user, "role", "") == Role.ADMIN))


class AdministratorLengthValidator:
    def __init__(self, min_length: int = 16):
        self.min_length = min_length

    def validate(self, password, user=None):
        if _is_administrator(user) and len(password) < self.min_length:
            raise ValidationError(
                ngettext("Le mot de passe d'un compte administrateur doit contenir au moins %(min_length)d caractère.",
                         "Le mot de passe d'un compte administrateur doit contenir au moins %(min_length)d caractères.",
                         self.min_length) % {"min_length": self.min_length},
                code="password_too_short_for_administrator",
            )

    def get_help_text(self):
        return _("Un compte administrateur demande au moins %(min_length)d caractères.") % {
            "min_length": self.min_length}

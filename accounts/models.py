from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import Role


class User(AbstractUser):
    """A person using the application, acting for one organisation with one role."""

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

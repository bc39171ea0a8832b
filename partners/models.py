import datetime

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enums import OrganisationKind


class Organisation(models.Model):
    """A partner organisation; users act for exactly one of them."""

    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("nom actuel"), max_length=200)
    department = models.ForeignKey(
        "programmes.Department",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("département"),
    )
    region = models.ForeignKey(
        "programmes.Region",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("région"),
        help_text=_("Pour une organisation régionale (DREETS, Région…)."),
    )
    disp = models.ForeignKey(
        "programmes.Disp",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("direction interrégionale"),
        help_text=_("Pour une DISP : l'interrégion qu'elle dirige."),
    )
    siae = models.OneToOneField(
        "programmes.Siae",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("SIAE"),
    )
    establishment = models.OneToOneField(
        "programmes.Establishment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("établissement"),
    )
    served_establishments = models.ManyToManyField(
        "programmes.Establishment",
        blank=True,
        related_name="spips",
        verbose_name=_("établissements desservis"),
        help_text=_("Pour un SPIP : les établissements où il intervient."),
    )

    class Meta:
        verbose_name = _("organisation partenaire")
        verbose_name_plural = _("organisations partenaires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name"],
                name="organisation_kind_name_unique",
                violation_error_message=_("Une organisation de ce type porte déjà ce nom."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.DISP) | Q(disp__isnull=False),
                name="organisation_disp_has_interregion",
                violation_error_message=_("Une DISP doit être rattachée à son interrégion."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.DREETS) | Q(region__isnull=False),
                name="organisation_dreets_has_region",
                violation_error_message=_("Une DREETS doit être rattachée à sa région."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[OrganisationKind.DDETS, OrganisationKind.SPIP])
                | Q(department__isnull=False),
                name="organisation_departmental_has_department",
                violation_error_message=_("Un SPIP ou une DDETS doit être rattaché à son département."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:organisation_detail", args=[self.pk])

    def name_on(self, date: datetime.date) -> str:
        """The name the organisation bore on a date (DIRECCTE before DREETS, Pôle emploi before France Travail)."""
        for former in sorted(self.former_names.all(), key=lambda f: f.valid_until):
            if former.valid_until >= date and (former.valid_from is None or former.valid_from <= date):
                return former.name
        return self.name


class OrganisationFormerName(models.Model):
    """A name the organisation bore until a date, used on documents dated before a renaming."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="former_names", verbose_name=_("organisation")
    )
    name = models.CharField(_("ancien nom"), max_length=200)
    valid_from = models.DateField(_("depuis le"), null=True, blank=True)
    valid_until = models.DateField(_("jusqu'au"))

    class Meta:
        verbose_name = _("ancien nom")
        verbose_name_plural = _("anciens noms")
        ordering = ["-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="former_name_period_in_order",
                violation_error_message=_("La date de fin doit être postérieure à la date de début."),
            )
        ]

    def __str__(self):
        return f"{self.name} (jusqu'au {self.valid_until:%d/%m/%Y})"

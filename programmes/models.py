from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enums import EstablishmentKind, ProgrammePhase, ProgrammeStage, QuartierKind, SiaeKind
from .validators import validate_siret


class Disp(models.Model):
    """An interregional prison directorate (9 in mainland France, plus DSPOM overseas)."""

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    seat = models.CharField(_("siège"), max_length=100)

    class Meta:
        verbose_name = _("direction interrégionale")
        verbose_name_plural = _("directions interrégionales")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Region(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    # RESTRICT: a region's DISP is reference data; removing a DISP must not orphan regions.
    disp = models.ForeignKey(Disp, on_delete=models.RESTRICT, related_name="regions", verbose_name=_("DISP"))

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.RESTRICT, related_name="departments", verbose_name=_("région")
    )

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Establishment(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=8, choices=EstablishmentKind.choices)
    # RESTRICT: establishments carry programmes and pathways; their department is never deleted under them.
    department = models.ForeignKey(
        Department, on_delete=models.RESTRICT, related_name="establishments", verbose_name=_("département")
    )
    address = models.TextField(_("adresse"), blank=True)
    delegated_manager = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_establishments",
        verbose_name=_("gestionnaire délégué"),
        help_text=_("Opérateur privé en gestion déléguée, le cas échéant."),
    )

    class Meta:
        verbose_name = _("établissement pénitentiaire")
        verbose_name_plural = _("établissements pénitentiaires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="establishment_name_unique",
                violation_error_message=_("Un établissement porte déjà ce nom."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:establishment_detail", args=[self.pk])

    @property
    def disp(self):
        return self.department.region.disp


class Quartier(models.Model):
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="quartiers", verbose_name=_("établissement")
    )
    kind = models.CharField(_("quartier"), max_length=4, choices=QuartierKind.choices)

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["establishment__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "kind"],
                name="quartier_unique_per_establishment",
                violation_error_message=_("Cet établissement a déjà ce quartier."),
            )
        ]

    def __str__(self):
        return f"{self.kind} — {self.establishment.name}"


class Siae(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type de SIAE"), max_length=5, choices=SiaeKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, validators=[validate_siret])
    legal_form = models.CharField(_("forme juridique"), max_length=100, blank=True)
    network = models.CharField(_("réseau"), max_length=200, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.RESTRICT, related_name="siaes", verbose_name=_("département du siège")
    )
    director_name = models.CharField(_("direction (nom)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("SIAE")
        verbose_name_plural = _("SIAE")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                name="siae_siret_unique",
                violation_error_message=_("Une SIAE avec ce SIRET existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(siret__regex=r"^[0-9]{14}$"),
                name="siae_siret_14_digits",
                violation_error_message=_("Le SIRET doit comporter exactement 14 chiffres."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:siae_detail", args=[self.pk])


class Programme(models.Model):
    """An SIAE implanted in an establishment (and one of its quartiers)."""

    code = models.CharField(
        _("code"), max_length=40, help_text=_("Code stable en majuscules, par exemple MEAUX-APRES.")
    )
    # RESTRICT: a programme with pathways and conventions outlives neither its SIAE nor its establishment.
    siae = models.ForeignKey(Siae, on_delete=models.RESTRICT, related_name="programmes", verbose_name=_("SIAE"))
    establishment = models.ForeignKey(
        Establishment, on_delete=models.RESTRICT, related_name="programmes", verbose_name=_("établissement")
    )
    quartier = models.ForeignKey(
        Quartier,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("quartier"),
    )
    activity = models.CharField(_("activité"), max_length=300)
    sector = models.CharField(_("secteur"), max_length=200, blank=True)
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    end_date = models.DateField(_("date de fin"), null=True, blank=True)
    phase = models.CharField(_("phase"), max_length=12, choices=ProgrammePhase.choices)
    stage = models.CharField(_("étape"), max_length=20, choices=ProgrammeStage.choices)
    places_planned = models.PositiveIntegerField(_("places prévues"), null=True, blank=True)
    etp_planned = models.DecimalField(
        _("ETP prévus"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="programme_code_unique",
                violation_error_message=_("Un programme porte déjà ce code."),
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9]+(-[A-Z0-9]+)*$"),
                name="programme_code_format",
                violation_error_message=_(
                    "Le code ne contient que des majuscules et des chiffres, séparés par des tirets."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="programme_end_after_start",
                violation_error_message=_("La date de fin doit être postérieure à la date de début."),
            ),
            models.CheckConstraint(
                condition=Q(etp_planned__isnull=True) | Q(etp_planned__gte=0),
                name="programme_etp_not_negative",
                violation_error_message=_("Les ETP prévus ne peuvent pas être négatifs."),
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.siae.name}"

    def get_absolute_url(self):
        return reverse("programmes:programme_detail", args=[self.pk])

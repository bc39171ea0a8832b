import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.validation import period_in_order, validate_person_name

from .enums import DecisionStatus, MeetingKind, OrganisationKind, PartnerRoleKind


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
            period_in_order("former_name_period_in_order", start="valid_from", end="valid_until",
                            may_be_empty=("valid_from",))
        ]

    def __str__(self):
        return f"{self.name} (jusqu'au {self.valid_until:%d/%m/%Y})"


class Contact(models.Model):
    """A person of a partner organisation; has no account unless they use the application."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    first_name = models.CharField(_("prénom"), max_length=100, validators=[validate_person_name])
    last_name = models.CharField(_("nom"), max_length=100, validators=[validate_person_name])
    function = models.CharField(_("fonction"), max_length=200, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self):
        return reverse("partners:organisation_detail", args=[self.organisation_id]) + "#contacts"


class PartnerRole(models.Model):
    """The part an organisation plays in a programme, over a period."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="partner_roles", verbose_name=_("programme")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.RESTRICT, related_name="programme_roles", verbose_name=_("organisation")
    )
    role = models.CharField(_("rôle"), max_length=16, choices=PartnerRoleKind.choices)
    start_date = models.DateField(_("depuis le"))
    end_date = models.DateField(_("jusqu'au"), null=True, blank=True)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="roles",
        verbose_name=_("contact désigné"),
    )

    class Meta:
        verbose_name = _("rôle de partenaire")
        verbose_name_plural = _("rôles des partenaires")
        ordering = ["role", "organisation__name"]
        constraints = [
            period_in_order("partner_role_period_in_order", may_be_empty=("end_date",)),
            models.UniqueConstraint(
                fields=["programme", "organisation", "role", "start_date"], name="partner_role_once",
                violation_error_message=_("Ce rôle est déjà enregistré pour cette organisation à cette date."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()}"

    def get_absolute_url(self):
        return reverse("programmes:programme_detail", args=[self.programme_id]) + "#partenaires"


class Meeting(models.Model):
    """A steering or technical committee of a programme, or of an establishment."""

    kind = models.CharField(_("instance"), max_length=10, choices=MeetingKind.choices)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, null=True, blank=True, related_name="meetings",
        verbose_name=_("programme"),
    )
    establishment = models.ForeignKey(
        "programmes.Establishment", on_delete=models.CASCADE, null=True, blank=True, related_name="meetings",
        verbose_name=_("établissement"),
    )
    date = models.DateField(_("date"))
    agenda = models.TextField(_("ordre du jour"), blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)

    class Meta:
        verbose_name = _("comité")
        verbose_name_plural = _("comités")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=False) | Q(establishment__isnull=False), name="meeting_has_subject",
                violation_error_message=_("Un comité porte sur un programme ou sur un établissement."),
            )
        ]

    def __str__(self):
        subject = self.programme.code if self.programme_id else self.establishment.name
        return f"{self.get_kind_display()} {subject} du {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("partners:meeting_detail", args=[self.pk])


class MeetingAttendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("comité"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.RESTRICT, related_name="attendances", verbose_name=_("organisation")
    )
    role = models.CharField(_("qualité"), max_length=200, blank=True)
    person = models.CharField(_("personne présente"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("participant au comité")
        verbose_name_plural = _("participants au comité")

    def __str__(self):
        return f"{self.organisation} — {self.person or self.role}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("comité"))
    text = models.TextField(_("décision"))
    owner = models.ForeignKey(
        Organisation, on_delete=models.RESTRICT, related_name="decisions", verbose_name=_("responsable")
    )
    due_date = models.DateField(_("échéance"))
    status = models.CharField(_("suivi"), max_length=8, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    done_on = models.DateField(_("faite le"), null=True, blank=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["due_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=DecisionStatus.DONE, done_on__isnull=False)
                | (~Q(status=DecisionStatus.DONE) & Q(done_on__isnull=True)),
                name="decision_done_has_date",
                violation_error_message=_("Une décision faite porte la date où elle l'a été, et seulement elle."),
            )
        ]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("partners:meeting_detail", args=[self.meeting_id]) + "#decisions"


class Event(models.Model):
    """A regional event such as a stage of the 2021 "Tour de France de l'IAE en détention"."""

    title = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"), null=True, blank=True)
    regions = models.ManyToManyField("programmes.Region", related_name="events", verbose_name=_("régions"))
    co_organisers = models.ManyToManyField(
        Organisation, blank=True, related_name="events", verbose_name=_("co-organisateurs")
    )
    programme_items = models.TextField(_("programme de l'événement"), blank=True)
    replay_url = models.URLField(_("lien du replay"), blank=True)
    projects = models.ManyToManyField(
        "programmes.Programme", blank=True, related_name="events",
        verbose_name=_("projets issus de l'événement"),
    )

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["date", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partners:event_detail", args=[self.pk])

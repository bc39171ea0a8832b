"""A generated document is a row with a status: the row is the truth, the Celery message only a nudge.

The PDF lives in private storage under a random name (never under a public URL); the data it certifies is
frozen in ``snapshot`` when it is requested, so later edits do not change an issued document.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enums import Audience, BatchStatus, DocumentKind, DocumentStatus, SubjectType


class GeneratedDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    subject_type = models.CharField(_("objet"), max_length=12, choices=SubjectType.choices)
    # The subject: exactly one of these, the one subject_type names (checked by a constraint).
    # RESTRICT: an issued document keeps its subject; the subject is not deleted under it.
    programme = models.ForeignKey("programmes.Programme", on_delete=models.RESTRICT, null=True, blank=True,
                                  related_name="documents")
    convention = models.ForeignKey("programmes.StateConvention", on_delete=models.RESTRICT, null=True, blank=True,
                                   related_name="documents")
    pathway = models.ForeignKey("participants.Pathway", on_delete=models.RESTRICT, null=True, blank=True,
                                related_name="documents")
    version = models.PositiveIntegerField(
        _("version"), help_text=_("1 pour le premier document de ce type sur cet objet."))
    template_version = models.CharField(_("version du modèle"), max_length=20)
    title = models.CharField(_("titre"), max_length=300)
    snapshot = models.JSONField(_("données certifiées"), default=dict)
    status = models.CharField(_("état"), max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.PENDING)
    file = models.FileField(_("fichier"), upload_to="documents/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(_("erreur"), max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("demandé par"))
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(_("prêt le"), null=True, blank=True)
    batch = models.ForeignKey("DocumentBatch", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="documents")
    # Who the document is made for: only users of this audience (and scope) list and download it (issue 16, §4).
    audience = models.CharField(_("public"), max_length=12, choices=Audience.choices, default=Audience.INTERNAL)

    class Meta:
        verbose_name = _("document généré")
        verbose_name_plural = _("documents générés")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject_type=SubjectType.PROGRAMME, programme__isnull=False, convention__isnull=True,
                             pathway__isnull=True)
                           | Q(subject_type=SubjectType.CONVENTION, programme__isnull=True,
                               convention__isnull=False, pathway__isnull=True)
                           | Q(subject_type=SubjectType.PATHWAY, programme__isnull=True, convention__isnull=True,
                               pathway__isnull=False)),
                name="document_one_subject",
                violation_error_message=_("Un document porte sur un seul objet, celui de son type."),
            ),
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.READY) | (~Q(file="") & ~Q(sha256="")),
                name="document_ready_has_file",
                violation_error_message=_("Un document prêt a son fichier et son empreinte."),
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values),
                name="document_audience_known",
                violation_error_message=_("Ce public de document n'existe pas."),
            ),
            *[models.UniqueConstraint(
                fields=["kind", field, "version"], condition=Q(**{f"{field}__isnull": False}),
                name=f"document_version_unique_per_{field}",
                violation_error_message=_("Cette version de ce document existe déjà."),
            ) for field in ("programme", "convention", "pathway")],
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self):
        return reverse("documents:document_detail", args=[self.pk])

    @property
    def subject(self):
        return {SubjectType.PROGRAMME: self.programme, SubjectType.CONVENTION: self.convention,
                SubjectType.PATHWAY: self.pathway}[self.subject_type]


class DocumentDownload(models.Model):
    """Who downloaded which document, when. Rows are only ever added."""

    document = models.ForeignKey(GeneratedDocument, on_delete=models.RESTRICT, related_name="downloads")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("téléchargement")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.document_id} — {self.at:%d/%m/%Y %H:%M}"


class DocumentBatch(models.Model):
    """The charters and contracts of a recruitment session's selected people, gathered in one ZIP."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey("participants.RecruitmentSession", on_delete=models.RESTRICT,
                                related_name="document_batches")
    status = models.CharField(_("état"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="documents/lots/%Y/%m/", blank=True)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lot de documents")
        verbose_name_plural = _("lots de documents")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Lot {self.session}"

    def get_absolute_url(self):
        return reverse("documents:batch_detail", args=[self.pk])

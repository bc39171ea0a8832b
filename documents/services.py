"""Document requests, generation steps and the sweep. The row is the truth; messages only nudge workers.

- ``document_request``: refuses before any work when data is missing (MissingData, with the list), freezes
  the snapshot, creates the row (PENDING, next version) and dispatches the task after commit. A broker that
  is down or stalled does not fail the request: the sweep sends the message later.
- ``document_generate`` (called by the task): claims the row (PENDING -> RUNNING, its attempt counted), so a
  message delivered twice renders once; stores the PDF in private storage, under a name of its own attempt,
  with its sha256.
- ``sweep``: re-sends PENDING rows older than ``PENDING_GRACE`` and puts back to PENDING the RUNNING rows
  whose worker died (older than ``RUNNING_TIMEOUT``).
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.context import records_by

from . import renderer
from .enums import Audience, DocumentStatus, SubjectType
from .models import DocumentDownload, GeneratedDocument
from .registry import Missing, spec_of

logger = logging.getLogger(__name__)

# Settings (from the environment): 2 and 10 minutes by default, shorter in `make resilience`.
PENDING_GRACE = datetime.timedelta(seconds=settings.DOCUMENTS_PENDING_GRACE_SECONDS)
RUNNING_TIMEOUT = datetime.timedelta(seconds=settings.DOCUMENTS_RUNNING_TIMEOUT_SECONDS)
MAX_ATTEMPTS = 5
SUBJECT_FIELD = {SubjectType.PROGRAMME: "programme", SubjectType.CONVENTION: "convention",
                 SubjectType.PATHWAY: "pathway"}


class MissingData(ValidationError):
    """The document cannot be filled: ``missing`` lists what to enter first, and where."""

    def __init__(self, missing: list[Missing]):
        super().__init__(_("Des informations manquent pour établir ce document : %(items)s.")
                         % {"items": ", ".join(item.label for item in missing)}, code="missing")
        self.missing = missing


def dispatch(document_id) -> bool:
    """Send the generation message; False (and a log line without personal data) when the broker fails."""
    from .tasks import generate_document

    try:
        generate_document.apply_async(args=[str(document_id)], retry=False)
    except Exception as error:  # noqa: BLE001 - any broker failure: the sweep sends it later
        logger.warning("document %s: message not sent (%s), the sweep will send it", document_id,
                       type(error).__name__)
        return False
    return True


@records_by
def document_request(*, kind: str, subject, by, options: dict | None = None) -> GeneratedDocument:
    """A new version of ``kind`` on ``subject`` (already checked in the user's scope by the caller). ``options``:
    what the kind lets the requester choose (registry.KindSpec.options), frozen in the snapshot with the rest."""
    spec = spec_of(kind)
    # A kind with options (the activity report's period) is built for its requester, with the options.
    options = options or {}
    if set(options) - set(spec.options):
        raise ValueError(f"Options inconnues pour {kind} : {sorted(set(options) - set(spec.options))}")
    extra = {"by": by, **options} if spec.options else {}
    missing = spec.missing(subject)
    if missing:
        raise MissingData(missing)
    field = SUBJECT_FIELD[spec.subject_type]
    with transaction.atomic():
        type(subject).objects.select_for_update().filter(pk=subject.pk).first()  # versions numbered in turn
        last = GeneratedDocument.objects.filter(kind=kind, **{field: subject}).aggregate(n=Max("version"))["n"]
        document = GeneratedDocument.objects.create(
            kind=kind, subject_type=spec.subject_type, **{field: subject}, version=(last or 0) + 1,
            template_version=spec.template_version, title=spec.title(subject, **options),
            snapshot=spec.build(subject, timezone.localdate(), **extra), requested_by=by,
            audience=options.get("audience", Audience.INTERNAL),
        )
        transaction.on_commit(lambda: dispatch(document.pk))
    return document


@records_by
def document_retry(*, document: GeneratedDocument, by) -> GeneratedDocument:
    """A failed document goes back to PENDING (same snapshot, same version) and is sent again."""
    updated = GeneratedDocument.objects.filter(pk=document.pk, status=DocumentStatus.FAILED).update(
        status=DocumentStatus.PENDING, error="", attempts=0)
    if not updated:
        raise ValidationError(_("Seul un document en échec peut être relancé."))
    transaction.on_commit(lambda: dispatch(document.pk))
    document.refresh_from_db()
    return document


def pdf_name(document: GeneratedDocument, attempt: int) -> str:
    """Where attempt ``attempt`` of ``document`` stores its PDF: one name per attempt, known in advance, so the
    next attempt can remove what a worker killed between writing the file and marking the row left behind."""
    return f"documents/{document.requested_at:%Y/%m}/{document.pk.hex}-{attempt}.pdf"


def document_generate(document_id) -> str:
    """Claim, render, store. Returns what happened: "ready", or "skipped" when the row was not PENDING."""
    with transaction.atomic():  # the claim, with its attempt number (the row locked while it is counted)
        document = GeneratedDocument.objects.select_for_update().filter(
            pk=document_id, status=DocumentStatus.PENDING).first()
        if document is None:
            return "skipped"
        document.attempts += 1
        GeneratedDocument.objects.filter(pk=document.pk).update(
            status=DocumentStatus.RUNNING, started_at=timezone.now(), attempts=document.attempts)
    storage = document.file.storage
    for attempt in range(1, document.attempts + 1):  # files of earlier attempts that never reached their row
        storage.delete(pdf_name(document, attempt))
    pdf = renderer.render_document(document.kind, document.snapshot)
    name = storage.save(pdf_name(document, document.attempts), ContentFile(pdf))
    try:
        # Only this attempt may finish the row: a worker the sweep gave up on must not overwrite it.
        done = GeneratedDocument.objects.filter(
            pk=document.pk, status=DocumentStatus.RUNNING, attempts=document.attempts).update(
            status=DocumentStatus.READY, file=name, sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf), ready_at=timezone.now(), error="")
    except Exception:
        storage.delete(name)  # no certified PDF left that no row lists
        raise
    if not done:  # the sweep gave the row to another attempt meanwhile: keep theirs, drop this file
        storage.delete(name)
        return "skipped"
    return "ready"


def document_back_to_pending(document_id, error: str) -> None:
    """A transient failure: the row waits for the retry (or the sweep)."""
    GeneratedDocument.objects.filter(pk=document_id, status=DocumentStatus.RUNNING).update(
        status=DocumentStatus.PENDING, error=error[:500])


def document_fail(document_id, error: str) -> None:
    GeneratedDocument.objects.filter(pk=document_id).exclude(status=DocumentStatus.READY).update(
        status=DocumentStatus.FAILED, error=error[:500])


def sweep(now: datetime.datetime | None = None) -> dict:
    """Re-send what a lost message or a dead worker left behind. Returns the counts (for the beat log)."""
    now = now or timezone.now()
    stalled = GeneratedDocument.objects.filter(status=DocumentStatus.RUNNING, started_at__lt=now - RUNNING_TIMEOUT)
    given_up = stalled.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=DocumentStatus.FAILED, error=_("La génération a échoué plusieurs fois : relancez-la."))
    reset = stalled.filter(attempts__lt=MAX_ATTEMPTS).update(status=DocumentStatus.PENDING)
    waiting = list(GeneratedDocument.objects.filter(status=DocumentStatus.PENDING,
                                                    requested_at__lt=now - PENDING_GRACE).values_list("pk", flat=True))
    sent = sum(dispatch(pk) for pk in waiting)
    return {"reset": reset, "failed": given_up, "resent": sent, "waiting": len(waiting)}


@records_by
def download_record(*, document: GeneratedDocument, by) -> DocumentDownload:
    return DocumentDownload.objects.create(document=document, by=by)

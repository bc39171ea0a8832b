"""Batches: the charter and the contract of every selected person of a recruitment session, in one ZIP.

- ``batch_create``: one GeneratedDocument per document the data allows (through services.document_request, so
  each is a normal document: snapshot, version, worker), all in one DocumentBatch; the people whose data is
  incomplete are skipped, not failing the batch (``batch_skipped`` says who and what is missing); then the build
  task is dispatched after commit.
- ``batch_build`` (called by tasks.build_batch): waits while documents are pending; once none is, zips the
  ready ones (each checked against its sha256) into private storage and marks the batch ready. Two builds of the
  same batch (a message delivered twice) are harmless: the first to finish keeps its file, the other drops its.
- ``batch_progress``: documents ready / total, the failed ones, for the page's progress bar.
"""

import datetime
import hashlib
import logging
import tempfile
import uuid
import zipfile
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from access import scope
from participants.models import Pathway

from . import services
from .enums import BatchStatus, DocumentKind, DocumentStatus
from .kinds.accompaniment_charter import SELECTED_STATUSES
from .models import DocumentBatch, GeneratedDocument
from .registry import Missing, spec_of

logger = logging.getLogger(__name__)

BATCH_KINDS = (DocumentKind.ACCOMPANIMENT_CHARTER, DocumentKind.WORK_CONTRACT)
IN_PROGRESS = frozenset({DocumentStatus.PENDING, DocumentStatus.RUNNING})
POLL_SECONDS = 2  # the build task looks again after this while documents are being made
# The build task stops re-queueing itself after this; the batch page sends it again once the documents are done.
WAIT_LIMIT = datetime.timedelta(hours=1)
# The batch page re-sends the build when every document is done but the ZIP is still missing after this long
# (a build message lost while the broker was down).
NUDGE_AFTER = datetime.timedelta(seconds=30)
FILE_KIND_NAMES = {DocumentKind.ACCOMPANIMENT_CHARTER: "charte-accompagnement",
                   DocumentKind.WORK_CONTRACT: "contrat"}
NOTES_NAME = "A-LIRE.txt"


@dataclass(frozen=True)
class Skipped:
    """A selected person whose document could not be made: what is missing, and where to enter it."""

    pathway: Pathway
    kind: str
    missing: list[Missing]

    @property
    def kind_label(self) -> str:
        return DocumentKind(self.kind).label


def selected_pathways(*, session, user) -> QuerySet[Pathway]:
    """The session's selected people (every step from selection to exit) the user may see, by name."""
    return (
        scope.pathways_for(user).filter(session=session, status__in=sorted(SELECTED_STATUSES))
        .select_related("participant__quartier", "participant__counsellor__organisation",
                        "programme__siae", "programme__establishment")
        .order_by("participant__last_name", "participant__first_names", "participant__ecrou")
    )


def batch_plan(*, session, user) -> tuple[list[tuple[Pathway, str]], list[Skipped]]:
    """What a batch of ``session`` would hold now: the (pathway, kind) pairs to make, and the ones skipped."""
    planned, skipped = [], []
    for pathway in selected_pathways(session=session, user=user):
        for kind in BATCH_KINDS:
            missing = spec_of(kind).missing(pathway)
            if missing:
                skipped.append(Skipped(pathway, kind, missing))
            else:
                planned.append((pathway, kind))
    return planned, skipped


def dispatch_build(batch_id, countdown: float | None = None, queue: str | None = None) -> bool:
    """Send the build message; False (and a log line) when the broker fails: the batch page sends it later."""
    from .tasks import build_batch

    options = {"queue": queue} if queue else {}
    try:
        build_batch.apply_async(args=[str(batch_id)], countdown=countdown, retry=False, **options)
    except Exception as error:  # noqa: BLE001 - any broker failure: the batch page nudges it later
        logger.warning("batch %s: build message not sent (%s)", batch_id, type(error).__name__)
        return False
    return True


def batch_create(*, session, by) -> DocumentBatch:
    """A batch of every document the data allows for the session's selected people (``session`` already checked
    in the user's scope by the caller). With no document possible, the batch is created failed, so that its
    page lists who was skipped and why."""
    planned, _skipped = batch_plan(session=session, user=by)
    with transaction.atomic():
        batch = DocumentBatch.objects.create(session=session, requested_by=by, total=len(planned))
        for pathway, kind in planned:
            document = services.document_request(kind=kind, subject=pathway, by=by)
            GeneratedDocument.objects.filter(pk=document.pk).update(batch=batch)
        if not planned:
            DocumentBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.FAILED,
                error=_("Aucun document n'a pu être établi : des informations manquent pour chaque personne."))
            batch.refresh_from_db()
        else:
            transaction.on_commit(lambda: dispatch_build(batch.pk))
    return batch


def batch_skipped(batch: DocumentBatch, *, user) -> list[Skipped]:
    """The selected people of the batch's session that have no document of a kind in it, with what is missing
    today (empty when the data was completed since: a new batch would include them)."""
    made = set(batch.documents.values_list("pathway_id", "kind"))
    return [
        Skipped(pathway, kind, spec_of(kind).missing(pathway))
        for pathway in selected_pathways(session=batch.session, user=user)
        for kind in BATCH_KINDS
        if (pathway.pk, kind) not in made
    ]


@dataclass(frozen=True)
class Progress:
    total: int
    ready: int
    failed: list[GeneratedDocument]
    pending: int

    @property
    def done(self) -> int:
        return self.ready + len(self.failed)

    @property
    def percent(self) -> int:
        return int(100 * self.ready / self.total) if self.total else 0


def batch_progress(batch: DocumentBatch) -> Progress:
    documents = list(batch.documents.only("pk", "status", "title", "error", "version"))
    return Progress(
        total=batch.total,
        ready=sum(1 for d in documents if d.status == DocumentStatus.READY),
        failed=[d for d in documents if d.status == DocumentStatus.FAILED],
        pending=sum(1 for d in documents if d.status in IN_PROGRESS),
    )


def batch_is_stalled(batch: DocumentBatch, now: datetime.datetime | None = None) -> bool:
    """Every document is done, the ZIP is not there, and for long enough: the build message was lost."""
    if batch.status in (BatchStatus.READY, BatchStatus.FAILED):
        return False
    now = now or timezone.now()
    documents = batch.documents.all()
    if documents.filter(status__in=sorted(IN_PROGRESS)).exists():
        return False
    last = documents.aggregate(last=Max("ready_at"))["last"] or batch.requested_at
    return max(last, batch.requested_at) < now - NUDGE_AFTER


def zip_name(batch: DocumentBatch) -> str:
    session = batch.session
    return f"documents-{slugify(session.programme.code)}-session-{session.date:%Y-%m-%d}.zip"


def entry_name(document: GeneratedDocument) -> str:
    """"dupont-helene-10023-contrat-v1.pdf": the person, their écrou, the document and its version."""
    participant = document.pathway.participant
    person = slugify(f"{participant.last_name} {participant.first_names} {participant.ecrou}") or "personne"
    return f"{person}-{FILE_KIND_NAMES.get(document.kind, slugify(document.kind))}-v{document.version}.pdf"


def _notes(failed: list[str]) -> str:
    lines = [_("Documents de la session qui ne figurent pas dans ce fichier :"), ""]
    lines += [f"- {line}" for line in failed]
    lines += ["", _("Leur génération a échoué : relancez-la depuis la page du lot ou du document.")]
    return "\n".join(lines) + "\n"


def batch_build(batch_id) -> str:
    """Zip the batch once no document is pending. Returns "waiting", "ready", "failed", "done" (already built)
    or "skipped" (another build finished first)."""
    batch = DocumentBatch.objects.select_related("session__programme").get(pk=batch_id)
    if batch.status in (BatchStatus.READY, BatchStatus.FAILED):
        return "done"
    if batch.documents.filter(status__in=sorted(IN_PROGRESS)).exists():
        return "waiting"
    DocumentBatch.objects.filter(pk=batch.pk, status__in=[BatchStatus.PENDING, BatchStatus.RUNNING]).update(
        status=BatchStatus.RUNNING)
    documents = list(batch.documents.select_related("pathway__participant").order_by(
        "pathway__participant__last_name", "pathway__participant__first_names", "kind"))
    failed = [f"{d.title} : {d.error or _('échec de la génération')}" for d in documents
              if d.status != DocumentStatus.READY]
    added = 0
    with tempfile.TemporaryFile() as archive:
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            for document in documents:
                if document.status != DocumentStatus.READY:
                    continue
                try:
                    with document.file.open("rb") as handle:
                        pdf = handle.read()
                except OSError:
                    pdf = None
                if pdf is None or hashlib.sha256(pdf).hexdigest() != document.sha256:
                    logger.error("batch %s: document %s missing or altered in storage, left out", batch.pk,
                                 document.pk)
                    failed.append(f"{document.title} : {_('fichier introuvable ou altéré')}")
                    continue
                zipped.writestr(entry_name(document), pdf)
                added += 1
            if failed:
                zipped.writestr(NOTES_NAME, _notes(failed))
        if not added:
            DocumentBatch.objects.filter(pk=batch.pk, status=BatchStatus.RUNNING).update(
                status=BatchStatus.FAILED, error=_("Aucun document du lot n'a pu être généré."))
            return "failed"
        archive.seek(0)
        name = batch.file.storage.save(f"documents/lots/{uuid.uuid4().hex}.zip", File(archive))
    done = DocumentBatch.objects.filter(pk=batch.pk, status=BatchStatus.RUNNING).update(
        status=BatchStatus.READY, file=name, ready_at=timezone.now(), error="")
    if not done:  # another build of the same batch finished first: keep its file
        batch.file.storage.delete(name)
        return "skipped"
    return "ready"


def batch_waited_too_long(batch_id, now: datetime.datetime | None = None) -> bool:
    requested_at = DocumentBatch.objects.filter(pk=batch_id).values_list("requested_at", flat=True).first()
    return requested_at is None or requested_at < (now or timezone.now()) - WAIT_LIMIT


def batch_download_record(*, batch: DocumentBatch, names: list[str], by) -> int:
    """One DocumentDownload per document in the ZIP (``names``: its entries). Returns how many."""
    names = set(names)
    documents = [document for document in batch.documents.filter(status=DocumentStatus.READY)
                 .select_related("pathway__participant") if entry_name(document) in names]
    for document in documents:
        services.download_record(document=document, by=by)
    return len(documents)

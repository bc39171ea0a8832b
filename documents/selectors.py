"""Reads for the document pages, always for a viewer (access.scope is the one way in).

- ``get_document_for`` / ``get_batch_for``: the one way in to a document or a batch (404 outside the user's scope),
  with whether the user's role may ask for it (again);
- ``document_list_for``: "Mes documents", filtered;
- ``document_section``: the kinds of one subject (programme, convention, pathway) with their latest version,
  for the section shown on the subject's page;
- ``programme_blocks``: for SIAE staff, one block per programme with every kind it may have (the programme's
  and those of its SIAE's current State convention), each with its latest version.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from access import permissions, scope
from participants.models import Pathway
from programmes.models import Programme, StateConvention

from .audiences import readable_by
from .enums import DocumentKind, DocumentStatus, SubjectType
from .models import DocumentBatch, GeneratedDocument
from .registry import KindSpec, specs_for

SUBJECT_FIELD = {SubjectType.PROGRAMME: "programme", SubjectType.CONVENTION: "convention",
                 SubjectType.PATHWAY: "pathway"}
SUBJECT_TYPE_OF_MODEL = {Programme: SubjectType.PROGRAMME, StateConvention: SubjectType.CONVENTION,
                         Pathway: SubjectType.PATHWAY}
MODEL_OF_SUBJECT_TYPE = {subject_type: model for model, subject_type in SUBJECT_TYPE_OF_MODEL.items()}
REQUEST_URL = {SubjectType.PROGRAMME: "documents:programme_document_request",
               SubjectType.CONVENTION: "documents:convention_document_request",
               SubjectType.PATHWAY: "documents:pathway_document_request"}
IN_PROGRESS = frozenset({DocumentStatus.PENDING, DocumentStatus.RUNNING})
KIND_ORDER = list(DocumentKind.values)  # the order of a project's life (docs/domain.md §3.1)


def _documents_for(user) -> QuerySet[GeneratedDocument]:
    """The documents of the user's scope made for an audience they belong to (documents.audiences)."""
    return scope.documents_for(user).filter(readable_by(user))


# --- Kinds in URLs: "STATE_CONVENTION" <-> "state-convention" ----------------------------------------------


def kind_slug(kind: str) -> str:
    return kind.lower().replace("_", "-")


def kind_from_slug(slug: str) -> str | None:
    kind = slug.upper().replace("-", "_")
    return kind if kind in DocumentKind.values and kind_slug(kind) == slug else None


def subject_type_of(subject) -> str:
    return SUBJECT_TYPE_OF_MODEL[type(subject)]


def may_request(user, subject_type: str, kind: str = "") -> bool:
    """Whether the user's role asks for documents about this type of subject (the rule: access.permissions); the
    activity report, asked for from its own page, has its own list of roles."""
    return permissions.can_request_document(user, MODEL_OF_SUBJECT_TYPE[subject_type],
                                            activity_report=kind == DocumentKind.ACTIVITY_REPORT)


def request_url(subject, kind: str) -> str:
    return reverse(REQUEST_URL[subject_type_of(subject)], args=[subject.pk, kind_slug(kind)])


def subject_label(document: GeneratedDocument) -> str:
    """What the document is about, as the lists show it."""
    subject = document.subject
    if document.subject_type == SubjectType.PROGRAMME:
        return f"Programme {subject.code}"
    if document.subject_type == SubjectType.CONVENTION:
        return str(subject)
    return f"Parcours de {subject.participant} — {subject.programme.code}"


# --- Lists ---------------------------------------------------------------------------------------------------


def _with_subjects(qs: QuerySet[GeneratedDocument]) -> QuerySet[GeneratedDocument]:
    return qs.select_related("programme", "convention__siae", "pathway__participant", "pathway__programme",
                             "requested_by")


def document_list_for(*, user, kind: str = "", programme: Programme | None = None,
                      status: str = "") -> QuerySet[GeneratedDocument]:
    """Every document the user may read, newest first. ``programme``: its own documents, those of its
    participants' pathways and those of its SIAE's State conventions."""
    qs = _with_subjects(_documents_for(user))
    if kind:
        qs = qs.filter(kind=kind)
    if programme is not None:
        qs = qs.filter(Q(programme=programme) | Q(pathway__programme=programme) | Q(convention__siae=programme.siae_id))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-version")


# --- One document, one batch: the one way in -----------------------------------------------------------------


def get_document_for(user, pk) -> tuple[GeneratedDocument, bool]:
    """The document with its subject (404 outside the user's scope), and whether the user may ask for it again."""
    document = get_object_or_404(_with_subjects(_documents_for(user)), pk=pk)
    return document, may_request(user, document.subject_type, document.kind)


def get_batch_for(user, pk) -> tuple[DocumentBatch, bool]:
    """The batch with its session (404 outside the user's scope), and whether the user may ask for a batch."""
    batch = get_object_or_404(
        scope.document_batches_for(user).select_related("session__programme__siae",
                                                        "session__programme__establishment", "requested_by"),
        pk=pk,
    )
    return batch, permissions.can_request_document(user, Pathway)


def other_versions(*, user, document: GeneratedDocument) -> list[GeneratedDocument]:
    """The other versions of the same kind on the same subject, newest first (old versions stay available)."""
    field_name = SUBJECT_FIELD[document.subject_type]
    return list(_documents_for(user).filter(kind=document.kind, **{field_name: document.subject})
                .exclude(pk=document.pk).select_related("requested_by").order_by("-version"))


# --- The kinds of a subject, with their latest versions ---------------------------------------------------------


@dataclass
class KindRow:
    """One kind of document on one subject: its latest version (any state) and its latest ready one."""

    spec: KindSpec
    subject: object
    latest: GeneratedDocument | None = None
    latest_ready: GeneratedDocument | None = None
    request_url: str = ""  # empty when the user may not ask for it
    caption: str = ""  # what the row is about, when the block mixes subjects

    @property
    def label(self) -> str:
        return DocumentKind(self.spec.kind).label

    @property
    def in_progress(self) -> bool:
        return self.latest is not None and self.latest.status in IN_PROGRESS


def _rows(user, subjects: list, documents: list[GeneratedDocument], caption=None) -> list[KindRow]:
    """``documents`` ordered by version, newest first, for any of ``subjects``."""
    latest: dict[tuple, GeneratedDocument] = {}
    ready: dict[tuple, GeneratedDocument] = {}
    for document in documents:
        key = (document.kind, document.subject_type, getattr(document, f"{SUBJECT_FIELD[document.subject_type]}_id"))
        latest.setdefault(key, document)
        if document.status == DocumentStatus.READY:
            ready.setdefault(key, document)
    rows = []
    for subject in subjects:
        subject_type = subject_type_of(subject)
        allowed = may_request(user, subject_type)
        for spec in sorted(specs_for(subject_type), key=lambda spec: KIND_ORDER.index(spec.kind)):
            key = (spec.kind, subject_type, subject.pk)
            rows.append(KindRow(spec=spec, subject=subject, latest=latest.get(key), latest_ready=ready.get(key),
                                request_url=request_url(subject, spec.kind) if allowed else "",
                                caption=caption(subject) if caption else ""))
    return rows


SECTION_FIELDS = ("id", "kind", "subject_type", "programme_id", "convention_id", "pathway_id", "version", "status",
                  "size", "ready_at", "requested_at")
PREFETCHED = "readable_documents"  # where pathway_documents_prefetch puts a pathway's documents


def pathway_documents_prefetch(user) -> Prefetch:
    """For pathways read through the scope (access.scope.pathways_for), their documents ``user`` may read, newest
    version first, fetched with the pathways (one query for every pathway of a page, instead of one per "Documents"
    section, each rebuilding the whole documents' scope). The same documents as ``scope.documents_for``: a
    pathway's documents are readable where the pathway is; the audience (documents.audiences) still applies."""
    return Prefetch("documents", queryset=GeneratedDocument.objects.filter(readable_by(user)).only(*SECTION_FIELDS)
                    .order_by("-version"), to_attr=PREFETCHED)


def document_section(*, user, subject) -> list[KindRow]:
    """The kinds of documents of ``subject`` (already in the user's scope). One query, none when the subject's
    documents were fetched with it (``pathway_documents_prefetch``)."""
    documents = getattr(subject, PREFETCHED, None)
    if documents is None:
        subject_type = subject_type_of(subject)
        documents = list(_documents_for(user).filter(**{SUBJECT_FIELD[subject_type]: subject})
                         .only(*SECTION_FIELDS).order_by("-version"))
    return _rows(user, [subject], documents)


@dataclass
class ProgrammeBlock:
    programme: Programme
    rows: list[KindRow] = field(default_factory=list)


def current_conventions(conventions: list[StateConvention], today) -> list[StateConvention]:
    """The conventions in force or to come; the latest one when all have ended."""
    current = [c for c in conventions if c.end_date >= today]
    return current or conventions[:1]


def programme_blocks(*, user) -> list[ProgrammeBlock]:
    """For SIAE staff on "Mes documents": per programme, every kind of document it may have. Three queries
    (programmes, conventions, documents), whatever the number of programmes."""
    if user.role not in scope.SIAE_ROLES:
        return []
    programmes = list(scope.programmes_for(user).select_related("siae", "establishment").order_by("code"))
    conventions_of: dict[int, list[StateConvention]] = {}
    for convention in (scope.state_conventions_for(user).filter(siae__in={p.siae_id for p in programmes})
                       .select_related("siae").order_by("-start_date")):
        conventions_of.setdefault(convention.siae_id, []).append(convention)
    today = timezone.localdate()
    current = {siae_id: current_conventions(items, today) for siae_id, items in conventions_of.items()}
    convention_ids = {c.pk for items in current.values() for c in items}
    documents = list(_documents_for(user).filter(Q(programme__in=[p.pk for p in programmes])
                                                      | Q(convention__in=convention_ids))
                     .only(*SECTION_FIELDS).order_by("-version"))
    blocks = []
    for programme in programmes:
        rows = _rows(user, [programme], documents)
        rows += _rows(user, current.get(programme.siae_id, []), documents,
                      caption=lambda c: f"Convention du {c.start_date:%d/%m/%Y} au {c.end_date:%d/%m/%Y}")
        blocks.append(ProgrammeBlock(programme=programme, rows=rows))
    return blocks

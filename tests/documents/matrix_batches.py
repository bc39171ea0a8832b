"""Access matrix entries for the batches of a recruitment session (see tests/accounts/test_scope_matrix.py).

Written from issue 5, not from access.permissions or access.scope: a batch holds the charters and contracts of
the people a session selected, so only the roles that read names see it (SPIP, SIAE, establishment staff and
administrators; territorial and national staff get 404 even inside their territory, as for the session itself).
Asking for a batch is asking for participant documents: the SPIP and the SIAE that accompany the people, and
administrators; establishment staff read the batch and download its ZIP but ask for nothing (403).

The request answers POST only and leads to the new batch's page (302). The batch's page and its download are
checked on a built batch (a ZIP in private storage).
"""

import io
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from documents.enums import BatchStatus
from documents.models import DocumentBatch
from tests.documents.matrix_documents import complete_pathway
from tests.participants.factories import session_of

OBJECT_URLS = {
    "documents:batch_create": ("session@batch", "action"),
    "documents:batch_detail": ("document_batch", "detail"),
    "documents:batch_download": ("document_batch", "detail"),
}

NOMINATIVE_READERS = {"ADMIN", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR", "SIAE_STAFF", "ESTABLISHMENT_STAFF"}
REQUESTERS = {"ADMIN", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR", "SIAE_STAFF"}

MAY_EDIT = {"session@batch": REQUESTERS, "document_batch": REQUESTERS}
READERS = {"session@batch": NOMINATIVE_READERS, "document_batch": NOMINATIVE_READERS}

MATRIX_ZIP_NAME = "documents/tests/matrice-lot.zip"


def stored_zip() -> str:
    """A small ZIP in private storage, shared by every row of the matrix."""
    storage = storages["default"]
    if not storage.exists(MATRIX_ZIP_NAME):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zipped:
            zipped.writestr("matrice-camille-charte-accompagnement-v1.pdf", b"%PDF-1.4\n%%EOF\n")
        storage.save(MATRIX_ZIP_NAME, ContentFile(buffer.getvalue()))
    return MATRIX_ZIP_NAME


def selected_session(scope_a):
    """A session of ALPHA-1 whose one selected person has everything both documents need."""
    pathway = complete_pathway(scope_a)
    return session_of(scope_a.programme, day=pathway.session.date)


def built_batch(scope_a) -> DocumentBatch:
    return DocumentBatch.objects.create(session=selected_session(scope_a), status=BatchStatus.READY, total=1,
                                        file=stored_zip(), ready_at=timezone.now())


def scope_a_object(scope_a, kind: str):
    return selected_session(scope_a) if kind == "session@batch" else built_batch(scope_a)


def shown_text(obj) -> str:
    return str(obj.session)  # the batch page's title and breadcrumb: "Session du 06/01/2025 — ALPHA-1"

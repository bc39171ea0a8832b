"""Access matrix entries for the standard documents (see tests/accounts/test_scope_matrix.py).

Written from issue 5, section 3, not from access.permissions or access.scope:
- reading (the page of a document, its download) follows the subject: programme and convention documents are read
  by every role that sees the programme or the convention (every role of scope A), participant documents only by
  the roles that read names (territorial and national staff get 404, as for the pathway itself);
- asking for a document (and retrying a failed one): programme documents by the SIAE director and the DISP,
  DREETS and DDETS staff of the territory; the convention with the State by its parties' side, the SIAE director
  and the DREETS/DDETS (the DISP is no party to it, and does not edit it either); participant documents by the
  SPIP and the SIAE that accompany the person (the SIAE proposes the charter, the SPIP follows the person).
  Establishment and national staff read, and ask for nothing.

Each request posts a kind whose data scope A holds in full (the builders below complete it), so an allowed role is
redirected to the new document (302). The three document pages are checked on three subjects: the page of a
programme document (pending), the download of a participant document (ready, a real PDF file in private storage),
the retry of a failed convention document. tests/documents/test_pages.py checks the other combinations per role.
"""

import datetime
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from documents.enums import DocumentKind, DocumentStatus, SubjectType
from documents.models import GeneratedDocument
from programmes.models import FinancialAnnex, StateConvention
from tests.accounts.factories import UserFactory
from tests.participants.factories import pathway_in_workshop

OBJECT_URLS = {
    "documents:programme_document_request": ("document@programme", "action"),
    "documents:convention_document_request": ("document@convention", "action"),
    "documents:pathway_document_request": ("document@pathway", "action"),
    "documents:document_detail": ("programme_document", "detail"),
    "documents:document_download": ("pathway_document", "detail"),
    "documents:document_retry": ("convention_document", "action"),
}
EXTRA_ARGS = {
    "documents:programme_document_request": ["project-sheet"],
    "documents:convention_document_request": ["state-convention"],
    "documents:pathway_document_request": ["accompaniment-charter"],
}

ALL_ROLES = {"ADMIN", "NATIONAL", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR", "SIAE_STAFF", "ESTABLISHMENT_STAFF",
             "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF"}
NOMINATIVE_READERS = {"ADMIN", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR", "SIAE_STAFF", "ESTABLISHMENT_STAFF"}
PROGRAMME_REQUESTERS = {"ADMIN", "SIAE_DIRECTOR", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF"}
CONVENTION_REQUESTERS = {"ADMIN", "SIAE_DIRECTOR", "DREETS_STAFF", "DDETS_STAFF"}
PATHWAY_REQUESTERS = {"ADMIN", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR", "SIAE_STAFF"}

MAY_EDIT = {
    "document@programme": PROGRAMME_REQUESTERS,
    "document@convention": CONVENTION_REQUESTERS,
    "document@pathway": PATHWAY_REQUESTERS,
    "programme_document": PROGRAMME_REQUESTERS,
    "pathway_document": PATHWAY_REQUESTERS,
    "convention_document": CONVENTION_REQUESTERS,
}
READERS = {
    "document@programme": ALL_ROLES,
    "document@convention": ALL_ROLES,
    "document@pathway": NOMINATIVE_READERS,
    "programme_document": ALL_ROLES,
    "pathway_document": NOMINATIVE_READERS,
    "convention_document": ALL_ROLES,
}

SESSION_DAY = datetime.date(2025, 1, 6)
# A small valid PDF stands for the generated file: one shared file in private storage, whatever the number of rows.
MATRIX_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
              b"trailer<</Root 1 0 R>>\n%%EOF\n")
MATRIX_PDF_NAME = "documents/tests/matrice.pdf"


# --- Scope A's data, complete for each kind requested above --------------------------------------------------


def complete_programme(scope_a):
    """ALPHA-1 with what a fiche-projet needs (the scope already has the DISP, DREETS, DDETS and SPIP)."""
    programme = scope_a.programme
    programme.places_planned, programme.etp_planned = 12, Decimal("6")
    programme.save(update_fields=["places_planned", "etp_planned"])
    return programme


def complete_convention(scope_a) -> StateConvention:
    """SIAE Alpha's State convention with its annex, the SIAE's address and legal representative."""
    siae = scope_a.siae
    siae.address, siae.director_name, siae.legal_form = "12 rue de l'Atelier\n77100 Meaux", "Alice Durand", "SAS"
    siae.save(update_fields=["address", "director_name", "legal_form"])
    convention, _ = StateConvention.objects.get_or_create(
        siae=siae, start_date=datetime.date(2024, 1, 1),
        defaults={"authority": scope_a.organisations["ddets"], "end_date": datetime.date(2026, 12, 31),
                  "cdiae_opinion_on": datetime.date(2023, 12, 14), "signatory_name": "Claire Morel",
                  "signatory_title": "Directrice départementale", "target_dynamic_pct": Decimal("60"),
                  "target_durable_pct": Decimal("25")},
    )
    FinancialAnnex.objects.get_or_create(
        convention=convention, asp_number="ACI077240001",
        defaults={"measure": "ACI_MP", "year": 2024, "start_date": datetime.date(2024, 1, 1),
                  "end_date": datetime.date(2024, 12, 31), "etp": Decimal("4"), "aid_amount": Decimal("97423.20")},
    )
    return convention


def complete_pathway(scope_a, last_name="Matrice"):
    """A person of CP Alpha in the ALPHA-1 workshop, followed by a counsellor of SPIP Alpha."""
    pathway = pathway_in_workshop(programme=scope_a.programme, session__date=SESSION_DAY,
                                  participant__last_name=last_name)
    participant = pathway.participant
    participant.counsellor = UserFactory(role="CPIP", organisation=scope_a.organisations["spip"],
                                         first_name="Claire", last_name="Conseillère")
    participant.save(update_fields=["counsellor"])
    return pathway


# --- Documents in each state, made without a worker ----------------------------------------------------------


def stored_pdf() -> tuple[str, str]:
    """The matrix's PDF in private storage: (its name, its sha256)."""
    storage = storages["default"]
    if not storage.exists(MATRIX_PDF_NAME):
        storage.save(MATRIX_PDF_NAME, ContentFile(MATRIX_PDF))
    return MATRIX_PDF_NAME, hashlib.sha256(MATRIX_PDF).hexdigest()


def make_document(*, kind, subject, status=DocumentStatus.PENDING, version=1, title=None, by=None, **fields):
    subject_type = {DocumentKind.PROJECT_SHEET: SubjectType.PROGRAMME, DocumentKind.APPLICATION_FILE:
                    SubjectType.PROGRAMME, DocumentKind.IMPLANTATION_CONTRACT: SubjectType.PROGRAMME,
                    DocumentKind.ACTIVITY_REPORT: SubjectType.PROGRAMME,
                    DocumentKind.STATE_CONVENTION: SubjectType.CONVENTION}.get(kind, SubjectType.PATHWAY)
    field = {SubjectType.PROGRAMME: "programme", SubjectType.CONVENTION: "convention",
             SubjectType.PATHWAY: "pathway"}[subject_type]
    if status == DocumentStatus.READY and "file" not in fields:
        name, digest = stored_pdf()
        fields.update(file=name, sha256=digest, size=len(MATRIX_PDF))
    if status == DocumentStatus.FAILED:
        fields.setdefault("error", "Le rendu du document a échoué (RuntimeError).")
    return GeneratedDocument.objects.create(
        kind=kind, subject_type=subject_type, **{field: subject}, version=version, template_version="test",
        title=title or f"{DocumentKind(kind).label} — {subject}", snapshot={}, status=status, requested_by=by,
        **fields,
    )


OBJECTS = {
    "document@programme": complete_programme,
    "document@convention": complete_convention,
    "document@pathway": complete_pathway,
    "programme_document": lambda scope_a: make_document(
        kind=DocumentKind.PROJECT_SHEET, subject=scope_a.programme, title="Fiche-projet ALPHA-1"),
    "pathway_document": lambda scope_a: make_document(
        kind=DocumentKind.ACCOMPANIMENT_CHARTER, subject=complete_pathway(scope_a), status=DocumentStatus.READY,
        title="Charte d'accompagnement — MATRICE Camille"),
    "convention_document": lambda scope_a: make_document(
        kind=DocumentKind.STATE_CONVENTION, subject=complete_convention(scope_a), status=DocumentStatus.FAILED),
}


def scope_a_object(scope_a, kind: str):
    return OBJECTS[kind](scope_a)


def shown_text(obj) -> str:
    return obj.title  # the detail page's heading (downloads are checked by their headers)

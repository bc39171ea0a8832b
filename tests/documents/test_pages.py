"""The document pages: request, state (polled), download, retry, "Mes documents" and the section on the pages of
a programme, a convention and a pathway.

The Celery task is not sent here: the message dispatched on commit is recorded, and the generation is run in the
test process (services.document_generate, what the worker calls), with the real renderer. The round trip through
Redis and a worker is in tests/browser/test_documents_journey.py and tests/documents/test_worker_round_trip.py.
"""

import hashlib
import html
import logging
import re
import subprocess

import pytest
from django.urls import reverse

from documents import services
from documents.enums import DocumentKind, DocumentStatus
from documents.models import DocumentDownload, GeneratedDocument
from tests.documents.matrix_documents import (
    complete_convention,
    complete_pathway,
    complete_programme,
    make_document,
)
from tests.programmes.test_list_queries import PAGE_FRAME

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Generated files go to a temporary private storage during these tests."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    return tmp_path


@pytest.fixture
def dispatched(monkeypatch):
    """The ids of the documents sent to the workers on commit, instead of going to the broker."""
    sent = []
    monkeypatch.setattr(services, "dispatch", lambda document_id: sent.append(str(document_id)) or True)
    return sent


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True,
                          timeout=60).stdout.decode()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def request_url(name: str, subject, slug: str) -> str:
    return reverse(f"documents:{name}_document_request", args=[subject.pk, slug])


def ask(client, capture, name, subject, slug):
    with capture(execute=True):
        return client.post(request_url(name, subject, slug))


def generate(document) -> GeneratedDocument:
    """What the worker does with the message."""
    assert services.document_generate(document.pk) == "ready"
    document.refresh_from_db()
    return document


# --- Request, state, download -------------------------------------------------------------------------------


def test_director_asks_for_the_convention_waits_for_it_then_downloads_it(
        client_as, scope_a, personas, dispatched, django_capture_on_commit_callbacks):
    client = client_as("SIAE_DIRECTOR_A")
    convention = complete_convention(scope_a)

    response = ask(client, django_capture_on_commit_callbacks, "convention", convention, "state-convention")

    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    assert (document.kind, document.convention, document.version) == (DocumentKind.STATE_CONVENTION, convention, 1)
    assert document.status == DocumentStatus.PENDING
    assert document.requested_by == personas["SIAE_DIRECTOR_A"]
    assert dispatched == [str(document.pk)]  # sent once the row is committed

    # The page says it is being prepared, and polls itself.
    page = client.get(document.get_absolute_url())
    text = text_of(page)
    assert "Votre demande est enregistrée" in text
    assert "en attente du service de génération" in text
    assert 'hx-trigger="load delay:2s"' in page.content.decode()
    assert "Télécharger le PDF" not in text
    assert "Demandé par" in text and personas["SIAE_DIRECTOR_A"].get_full_name() in text

    # The poll gets only the state partial; once the worker is done it shows the link and stops polling.
    generate(document)
    poll = client.get(document.get_absolute_url(), headers={"HX-Request": "true"})
    partial = poll.content.decode()
    assert poll.status_code == 200 and "<html" not in partial
    assert "hx-trigger" not in partial
    assert reverse("documents:document_download", args=[document.pk]) in partial
    assert document.sha256[:12] in partial
    assert "Document prêt" in text_of(poll)

    download = client.get(reverse("documents:document_download", args=[document.pk]))
    data = body_of(download)

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="convention-avec-letat-siae-alpha-2024-2026-v1.pdf"'
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == document.sha256
    assert "SIAE Alpha" in pdf_text(data)
    recorded = DocumentDownload.objects.get()
    assert (recorded.document, recorded.by) == (document, personas["SIAE_DIRECTOR_A"])


def test_the_file_is_never_under_a_public_url(client_as, scope_a, personas, dispatched):
    document = generate(services.document_request(kind=DocumentKind.STATE_CONVENTION,
                                                  subject=complete_convention(scope_a),
                                                  by=personas["SIAE_DIRECTOR_A"]))

    page = client_as("SIAE_DIRECTOR_A").get(document.get_absolute_url()).content.decode()

    assert document.file.name not in page
    assert client_as("SIAE_DIRECTOR_A").get("/" + document.file.name).status_code == 404


def test_missing_data_page_lists_each_item_as_a_link_and_creates_nothing(
        client_as, scope_a, dispatched, django_capture_on_commit_callbacks):
    convention = complete_convention(scope_a)
    siae = scope_a.siae
    siae.address = siae.director_name = ""
    siae.save()

    response = ask(client_as("SIAE_DIRECTOR_A"), django_capture_on_commit_callbacks, "convention", convention,
                   "state-convention")

    text = text_of(response)
    assert response.status_code == 200
    assert "Des informations manquent pour établir ce document" in text
    assert "Aucun document n'a été créé" in text
    siae_form = reverse("programmes:siae_update", args=[siae.pk])
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', response.content.decode())
    assert [(url, html.unescape(label)) for url, label in links] == [
        (siae_form, "L'adresse du siège de la SIAE « SIAE Alpha »"),
        (siae_form, "Le nom de la personne qui dirige la SIAE « SIAE Alpha » (son représentant légal)"),
    ]
    assert GeneratedDocument.objects.count() == 0
    assert dispatched == []


@pytest.mark.parametrize("name, slug", [
    ("programme", "state-convention"),  # a convention document, asked on a programme
    ("programme", "fiche-projet"),  # no such kind
    ("programme", "PROJECT_SHEET"),  # the stored value, not its slug
    ("convention", "project-sheet"),
    ("pathway", "project-sheet"),
])
def test_an_unknown_kind_or_a_kind_of_another_subject_is_not_found(name, slug, client_as, scope_a, dispatched):
    subject = {"programme": complete_programme, "convention": complete_convention,
               "pathway": complete_pathway}[name](scope_a)

    response = client_as("ADMIN").post(request_url(name, subject, slug))

    assert response.status_code == 404
    assert GeneratedDocument.objects.count() == 0


def test_each_request_makes_a_new_version_and_old_versions_stay_downloadable(
        client_as, scope_a, personas, dispatched, django_capture_on_commit_callbacks):
    client = client_as("DISP_STAFF_A")
    programme = complete_programme(scope_a)
    ask(client, django_capture_on_commit_callbacks, "programme", programme, "project-sheet")
    first = generate(GeneratedDocument.objects.get())
    programme.places_planned = 20
    programme.save()
    ask(client, django_capture_on_commit_callbacks, "programme", programme, "project-sheet")
    second = generate(GeneratedDocument.objects.get(version=2))

    page = client.get(second.get_absolute_url())
    old = client.get(reverse("documents:document_download", args=[first.pk]))
    old_data = body_of(old)

    text = text_of(page)
    assert "Autres versions" in text and "Version 1" in text
    assert reverse("documents:document_download", args=[first.pk]) in page.content.decode()
    assert old.status_code == 200
    assert old["Content-Disposition"] == 'attachment; filename="fiche-projet-alpha-1-v1.pdf"'
    assert hashlib.sha256(old_data).hexdigest() == first.sha256 != second.sha256
    assert first.snapshot != second.snapshot  # each version certifies the data of its own day


def test_a_document_not_ready_cannot_be_downloaded(client_as, scope_a):
    for status in (DocumentStatus.PENDING, DocumentStatus.RUNNING, DocumentStatus.FAILED):
        document = make_document(kind=DocumentKind.PROJECT_SHEET, subject=scope_a.programme, status=status,
                                 version=list(DocumentStatus.values).index(status) + 1)

        response = client_as("ADMIN").get(reverse("documents:document_download", args=[document.pk]))

        assert response.status_code == 404, status
    assert DocumentDownload.objects.count() == 0


def test_a_file_that_no_longer_matches_its_sha256_is_not_sent(client_as, scope_a, personas, caplog):
    document = generate(services.document_request(kind=DocumentKind.PROJECT_SHEET,
                                                  subject=complete_programme(scope_a), by=personas["ADMIN"]))
    with document.file.storage.open(document.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7 altered")

    with caplog.at_level(logging.ERROR, logger="documents.views"):
        response = client_as("SIAE_DIRECTOR_A").get(reverse("documents:document_download", args=[document.pk]))

    text = text_of(response)
    assert response.status_code == 500
    assert "Le fichier n'a pas été envoyé" in text and "empreinte" in text
    assert "Générer une nouvelle version" in text  # the director may ask for the programme's documents
    assert "%PDF" not in response.content.decode()
    assert DocumentDownload.objects.count() == 0
    # one line, with the document's id only (no title: it may name a person)
    assert [r.getMessage() for r in caplog.records if r.name == "documents.views"] == [
        f"document {document.pk}: stored file does not match its sha256, not sent"]


def test_a_file_gone_from_the_storage_gives_the_same_french_page(client_as, scope_a, personas):
    document = generate(services.document_request(kind=DocumentKind.PROJECT_SHEET,
                                                  subject=complete_programme(scope_a), by=personas["ADMIN"]))
    document.file.storage.delete(document.file.name)

    response = client_as("ADMIN").get(reverse("documents:document_download", args=[document.pk]))

    assert response.status_code == 500
    assert "Document indisponible" in text_of(response)
    assert "est introuvable dans le stockage des documents" in text_of(response)
    assert DocumentDownload.objects.count() == 0


# --- Retry --------------------------------------------------------------------------------------------------


def test_a_failed_document_shows_its_error_and_is_generated_again_after_a_retry(
        client_as, scope_a, dispatched, django_capture_on_commit_callbacks):
    document = make_document(kind=DocumentKind.STATE_CONVENTION, subject=complete_convention(scope_a),
                             status=DocumentStatus.FAILED, error="Le rendu du document a échoué (OSError).")
    client = client_as("DREETS_STAFF_A")

    page = text_of(client.get(document.get_absolute_url()))
    assert "La génération a échoué" in page and "Le rendu du document a échoué (OSError)." in page
    assert "Relancer" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:document_retry", args=[document.pk]))

    document.refresh_from_db()
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    assert (document.status, document.error, document.version) == (DocumentStatus.PENDING, "", 1)
    assert dispatched == [str(document.pk)]
    assert "La génération du document est relancée." in text_of(client.get(response.url))


def test_readers_who_may_not_ask_see_no_retry_button(client_as, scope_a):
    document = make_document(kind=DocumentKind.STATE_CONVENTION, subject=complete_convention(scope_a),
                             status=DocumentStatus.FAILED)

    page = text_of(client_as("DISP_STAFF_A").get(document.get_absolute_url()))

    assert "La génération a échoué" in page
    assert "Relancer" not in page


def test_retrying_a_document_that_did_not_fail_changes_nothing(client_as, scope_a, dispatched):
    document = make_document(kind=DocumentKind.PROJECT_SHEET, subject=scope_a.programme, status=DocumentStatus.READY)
    client = client_as("SIAE_DIRECTOR_A")

    response = client.post(reverse("documents:document_retry", args=[document.pk]), follow=True)

    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert "Seul un document en échec peut être relancé." in text_of(response)
    assert dispatched == []


# --- Escaping -----------------------------------------------------------------------------------------------


def test_html_in_a_programme_activity_or_a_name_is_shown_as_text(
        client_as, scope_a, dispatched, django_capture_on_commit_callbacks):
    programme = complete_programme(scope_a)
    programme.activity = '<script>alert("atelier")</script>Menuiserie'
    programme.save()
    pathway = complete_pathway(scope_a, last_name="<b>Evil</b>")
    client = client_as("SIAE_DIRECTOR_A")
    ask(client, django_capture_on_commit_callbacks, "pathway", pathway, "accompaniment-charter")
    document = GeneratedDocument.objects.get()

    pages = [client.get(reverse("documents:document_list")), client.get(document.get_absolute_url()),
             client.get(programme.get_absolute_url()), client.get(pathway.get_absolute_url())]

    assert "<B>EVIL</B>" in document.snapshot["person"]["name"]  # the title names the kind, not the person
    for response in pages:
        raw = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in raw and "<B>EVIL</B>" not in raw and "<b>Evil</b>" not in raw
    assert "&lt;script&gt;alert(&quot;atelier&quot;)&lt;/script&gt;Menuiserie" in pages[0].content.decode()
    assert "&lt;B&gt;EVIL&lt;/B&gt;" in pages[1].content.decode()


# --- "Mes documents" ----------------------------------------------------------------------------------------


@pytest.fixture
def documents_of_both_scopes(scope_a, scope_b):
    """One document of each subject type in scope A, and a programme document in scope B."""
    return {
        "programme": make_document(kind=DocumentKind.PROJECT_SHEET, subject=scope_a.programme,
                                   title="Fiche-projet ALPHA-1", status=DocumentStatus.READY),
        "convention": make_document(kind=DocumentKind.STATE_CONVENTION, subject=complete_convention(scope_a),
                                    title="Convention avec l'État SIAE Alpha 2024-2026"),
        "pathway": make_document(kind=DocumentKind.ACCOMPANIMENT_CHARTER, subject=complete_pathway(scope_a),
                                 title="Charte d'accompagnement — MATRICE Camille", status=DocumentStatus.READY),
        "other": make_document(kind=DocumentKind.PROJECT_SHEET, subject=scope_b.programme,
                               title="Fiche-projet BRAVO-1"),
    }


# Written from issue 5, section 3: the participant documents only for those who read names.
SEES = {
    "SIAE_DIRECTOR_A": {"programme", "convention", "pathway"},
    "SIAE_STAFF_A": {"programme", "convention", "pathway"},
    "CPIP_A": {"programme", "convention", "pathway"},
    "SPIP_MANAGER_A": {"programme", "convention", "pathway"},
    "ESTABLISHMENT_STAFF_A": {"programme", "convention", "pathway"},
    "DISP_STAFF_A": {"programme", "convention"},
    "DREETS_STAFF_A": {"programme", "convention"},
    "DDETS_STAFF_A": {"programme", "convention"},
    "NATIONAL": {"programme", "convention", "other"},
    "ADMIN": {"programme", "convention", "pathway", "other"},
    "SIAE_DIRECTOR_B": {"other"},
    "CPIP_B": {"other"},
    "DISP_STAFF_B": {"other"},
}


@pytest.mark.parametrize("persona", list(SEES))
def test_my_documents_lists_what_each_role_may_read(persona, client_as, documents_of_both_scopes):
    response = client_as(persona).get(reverse("documents:document_list"))

    text = text_of(response)
    shown = {key for key, document in documents_of_both_scopes.items()
             if reverse("documents:document_detail", args=[document.pk]) in text}
    assert response.status_code == 200
    assert shown == SEES[persona]
    assert f"{len(shown)} document{'s' if len(shown) > 1 else ''}" in text
    if "pathway" not in SEES[persona]:
        assert "MATRICE" not in text


def test_my_documents_filters_by_kind_status_and_programme(client_as, documents_of_both_scopes, scope_a):
    client = client_as("ADMIN")

    def shown(**query):
        text = client.get(reverse("documents:document_list"), query).content.decode()
        return {key for key, document in documents_of_both_scopes.items()
                if reverse("documents:document_detail", args=[document.pk]) in text}

    assert shown(kind="PROJECT_SHEET") == {"programme", "other"}
    assert shown(status="READY") == {"programme", "pathway"}
    assert shown(programme=scope_a.programme.pk) == {"programme", "convention", "pathway"}
    assert shown(programme=scope_a.programme.pk, status="PENDING") == {"convention"}


def test_the_filter_partial_is_served_to_htmx(client_as, documents_of_both_scopes):
    response = client_as("ADMIN").get(reverse("documents:document_list"), {"kind": "STATE_CONVENTION"},
                                      headers={"HX-Request": "true"})

    assert "<html" not in response.content.decode()
    assert "1 document" in text_of(response)


def test_siae_director_gets_one_block_per_programme_with_every_kind_to_generate_or_download(
        client_as, scope_a, documents_of_both_scopes):
    convention = documents_of_both_scopes["convention"].convention
    response = client_as("SIAE_DIRECTOR_A").get(reverse("documents:document_list"))

    blocks = response.context["blocks"]
    assert [block.programme for block in blocks] == [scope_a.programme]
    rows = {(row.spec.kind, row.subject): row for row in blocks[0].rows}
    assert set(rows) == {(DocumentKind.PROJECT_SHEET, scope_a.programme),
                         (DocumentKind.APPLICATION_FILE, scope_a.programme),
                         (DocumentKind.IMPLANTATION_CONTRACT, scope_a.programme),
                         (DocumentKind.STATE_CONVENTION, convention)}
    text = text_of(response)
    raw = response.content.decode()
    assert "Programme ALPHA-1" in text and "Convention du 01/01/2024 au 31/12/2026" in text
    # the ready fiche-projet: one click to download; the others to generate
    assert reverse("documents:document_download", args=[documents_of_both_scopes["programme"].pk]) in raw
    assert request_url("programme", scope_a.programme, "application-file") in raw
    assert request_url("programme", scope_a.programme, "implantation-contract") in raw
    # the convention is being generated: follow it rather than ask again
    assert request_url("convention", convention, "state-convention") not in raw
    assert "Suivre la génération" in text


def test_siae_staff_sees_the_blocks_without_generate_buttons(client_as, documents_of_both_scopes):
    response = client_as("SIAE_STAFF_A").get(reverse("documents:document_list"))

    assert response.context["blocks"]
    assert "/demander/" not in response.content.decode()


def test_territorial_staff_gets_no_programme_blocks(client_as, documents_of_both_scopes):
    response = client_as("DISP_STAFF_A").get(reverse("documents:document_list"))

    assert response.context["blocks"] == []
    assert "ouvrez la page du programme, de la convention ou du parcours" in text_of(response)


@pytest.mark.parametrize("rows", [3, 12])
def test_my_documents_query_count_does_not_grow_with_rows(rows, client_as, scope_a, django_assert_num_queries):
    programme = complete_programme(scope_a)
    convention = complete_convention(scope_a)
    pathway = complete_pathway(scope_a)
    for version in range(1, rows + 1):
        make_document(kind=DocumentKind.PROJECT_SHEET, subject=programme, version=version,
                      status=DocumentStatus.READY)
        make_document(kind=DocumentKind.STATE_CONVENTION, subject=convention, version=version)
        make_document(kind=DocumentKind.ACCOMPANIMENT_CHARTER, subject=pathway, version=version)
    client = client_as("SIAE_DIRECTOR_A")

    # PAGE_FRAME
    # + programmes offered by the filter form
    # + COUNT of the documents in scope (paginator)
    # + one page of documents, with their subjects (programme, convention and SIAE, pathway, participant and
    #   programme) and who asked joined
    # + the director's programmes, with SIAE and establishment (the blocks)
    # + their SIAE's State conventions
    # + the latest documents of those programmes and conventions
    # + the access-log row of the page (audit: the titles name the people)
    with django_assert_num_queries(PAGE_FRAME + 7):
        response = client.get(reverse("documents:document_list"))

    assert response.context["paginator"].count == 3 * rows


# --- The section on the subject's page ----------------------------------------------------------------------


def test_programme_page_lists_its_kinds_with_their_latest_version(client_as, scope_a, personas, dispatched):
    programme = complete_programme(scope_a)
    ready = generate(services.document_request(kind=DocumentKind.PROJECT_SHEET, subject=programme,
                                               by=personas["ADMIN"]))

    director = client_as("SIAE_DIRECTOR_A").get(programme.get_absolute_url())
    national = client_as("NATIONAL").get(programme.get_absolute_url())

    text = text_of(director)
    assert "Documents" in text
    for label in ("Fiche-projet", "Dossier unique d'instruction", "Contrat d'implantation"):
        assert label in text
    assert "Convention avec l'État et annexe financière" not in text  # a document of the convention's page
    assert "Version 1" in text and "Prêt" in text
    assert reverse("documents:document_download", args=[ready.pk]) in director.content.decode()
    assert request_url("programme", programme, "project-sheet") in director.content.decode()
    # national staff read the documents, and ask for none
    assert reverse("documents:document_download", args=[ready.pk]) in national.content.decode()
    assert "/demander/" not in national.content.decode()


def test_convention_page_offers_the_convention_to_those_who_may_ask(client_as, scope_a):
    convention = complete_convention(scope_a)
    url = request_url("convention", convention, "state-convention")

    assert url in client_as("DREETS_STAFF_A").get(convention.get_absolute_url()).content.decode()
    disp_page = client_as("DISP_STAFF_A").get(convention.get_absolute_url())
    assert "Convention avec l'État et annexe financière" in text_of(disp_page)
    assert url not in disp_page.content.decode()


def test_pathway_page_has_the_participant_documents(client_as, scope_a):
    pathway = complete_pathway(scope_a)

    counsellor = client_as("CPIP_A").get(pathway.get_absolute_url()).content.decode()
    establishment = client_as("ESTABLISHMENT_STAFF_A").get(pathway.get_absolute_url()).content.decode()

    assert request_url("pathway", pathway, "accompaniment-charter") in counsellor
    assert request_url("pathway", pathway, "work-contract") in counsellor
    assert "Charte d'accompagnement" in html.unescape(establishment)
    assert "/demander/" not in establishment

"""A recruitment session's batch: the charter and the contract of every selected person, in one ZIP.

The documents go through the same pipeline as any other (services.document_request, then document_generate,
played here in the test process: the broker is the edge, recorded instead of sent); the build task zips them
once none is pending. People whose data is incomplete are skipped and listed with what is missing.
"""

import datetime
import html
import io
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from documents import batch as batches
from documents import services
from documents.enums import BatchStatus, DocumentKind, DocumentStatus
from documents.models import DocumentBatch, DocumentDownload, GeneratedDocument
from documents.tasks import build_batch
from participants.enums import PathwayStatus
from tests.participants.factories import counsellor, pathway_at, session_of

pytestmark = pytest.mark.django_db

CHARTER, CONTRACT = DocumentKind.ACCOMPANIMENT_CHARTER, DocumentKind.WORK_CONTRACT


def with_real_worker(request) -> bool:
    return request.node.get_closest_marker("worker") is not None


@pytest.fixture(autouse=True)
def private_storage(request, settings, tmp_path):
    """A temporary private storage (the real worker's test keeps the configured one: the worker writes there)."""
    if with_real_worker(request):
        return None
    root = tmp_path / "private"
    root.mkdir()
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}}
    return root


@pytest.fixture(autouse=True)
def broker(request, monkeypatch):
    """The messages the application sends (document generations, batch builds), recorded instead of sent
    (except in the real worker's test)."""
    sent = {"documents": [], "builds": []}
    if with_real_worker(request):
        return sent
    monkeypatch.setattr(services, "dispatch", lambda document_id: sent["documents"].append(str(document_id)) or True)
    monkeypatch.setattr(batches, "dispatch_build",
                        lambda batch_id, countdown=None, queue=None: sent["builds"].append((str(batch_id), countdown))
                        or True)
    return sent


@pytest.fixture
def session(scope_a):
    """Session of 3 March 2025 of ALPHA-1: four people selected, one not.

    - DURAND Émilie, in the workshop, with a referent: charter and contract;
    - FERRÉ Zoé, selected only (no contract yet): charter; contract skipped (no start date, hours, pay);
    - ABADIE Noël, in the workshop without a referent: contract; charter skipped (no CPIP referent);
    - MARTIN Léa, classified only and without a referent: nothing (both skipped);
    - BLANC Hugo, not selected: not part of the batch at all.
    """
    referent = counsellor(first_name="Anaïs", last_name="Cœurderoy", establishment=scope_a.establishment)
    session = session_of(scope_a.programme)

    def person(status, last_name, first_names, ecrou, with_referent=True):
        return pathway_at(status, programme=scope_a.programme, session=session,
                          participant__establishment=scope_a.establishment, participant__last_name=last_name,
                          participant__first_names=first_names, participant__ecrou=ecrou,
                          participant__counsellor=referent if with_referent else None)

    person(PathwayStatus.IN_WORKSHOP, "Durand", "Émilie", "50001")
    person(PathwayStatus.SELECTED, "Ferré", "Zoé", "50002")
    person(PathwayStatus.IN_WORKSHOP, "Abadie", "Noël", "50003", with_referent=False)
    person(PathwayStatus.CLASSIFIED, "Martin", "Léa", "50004", with_referent=False)
    person(PathwayStatus.NOT_SELECTED, "Blanc", "Hugo", "50005")
    return session


@pytest.fixture
def cpip(personas):
    return personas["CPIP_A"]


def generate(batch, count=None):
    """Play the worker for the batch's documents (the first ``count`` of them, by title)."""
    documents = list(batch.documents.order_by("title"))[:count]
    for document in documents:
        assert services.document_generate(document.pk) == "ready"


def page_text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- What a batch holds -----------------------------------------------------------------------------------


def test_a_batch_requests_each_document_the_data_allows_and_skips_the_rest(session, cpip, broker):
    batch = batches.batch_create(session=session, by=cpip)

    made = sorted((d.pathway.participant.last_name, d.kind) for d in batch.documents.select_related(
        "pathway__participant"))
    assert made == [("Abadie", CONTRACT), ("Durand", CHARTER), ("Durand", CONTRACT), ("Ferré", CHARTER)]
    assert batch.total == 4 and batch.status == BatchStatus.PENDING and batch.requested_by == cpip
    assert all(d.status == DocumentStatus.PENDING and d.version == 1 and d.requested_by == cpip
               for d in batch.documents.all())
    skipped = {(s.pathway.participant.last_name, s.kind): [m.label for m in s.missing]
               for s in batches.batch_skipped(batch, user=cpip)}
    assert skipped == {
        ("Abadie", CHARTER): ["le ou la CPIP référent·e de la personne"],
        ("Ferré", CONTRACT): ["la date d'entrée en atelier (le début du contrat)",
                              "le nombre d'heures de travail par semaine", "la rémunération horaire brute"],
        ("Martin", CHARTER): ["le ou la CPIP référent·e de la personne"],
        ("Martin", CONTRACT): ["la date d'entrée en atelier (le début du contrat)",
                               "le nombre d'heures de travail par semaine", "la rémunération horaire brute"],
    }


def test_the_documents_and_the_build_are_sent_after_commit(session, cpip, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.batch_create(session=session, by=cpip)

    assert sorted(broker["documents"]) == sorted(str(pk) for pk in batch.documents.values_list("pk", flat=True))
    assert broker["builds"] == [(str(batch.pk), None)]


def test_a_batch_where_everyone_lacks_data_fails_at_once_and_lists_them(scope_a, cpip, broker,
                                                                        django_capture_on_commit_callbacks):
    session = session_of(scope_a.programme)
    pathway_at(PathwayStatus.SELECTED, programme=scope_a.programme, session=session,
               participant__establishment=scope_a.establishment, participant__last_name="Seul")

    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.batch_create(session=session, by=cpip)

    assert batch.status == BatchStatus.FAILED and batch.total == 0
    assert "des informations manquent pour chaque personne" in batch.error
    assert broker["builds"] == []
    assert len(batches.batch_skipped(batch, user=cpip)) == 2


# --- Building the ZIP -------------------------------------------------------------------------------------


def test_the_build_waits_while_documents_are_pending(session, cpip):
    batch = batches.batch_create(session=session, by=cpip)
    generate(batch, count=2)

    assert batches.batch_build(batch.pk) == "waiting"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PENDING and not batch.file


def test_the_task_looks_again_in_two_seconds_on_the_queue_it_came_from(session, cpip, broker):
    batch = batches.batch_create(session=session, by=cpip)

    assert build_batch.apply(args=[str(batch.pk)]).get() == "waiting"
    assert broker["builds"] == [(str(batch.pk), batches.POLL_SECONDS)]

    DocumentBatch.objects.filter(pk=batch.pk).update(requested_at=timezone.now() - batches.WAIT_LIMIT * 2)
    assert build_batch.apply(args=[str(batch.pk)]).get() == "waiting"
    assert len(broker["builds"]) == 1  # after an hour the chain stops; the batch page sends it again later


def test_the_zip_holds_every_ready_document_named_after_the_person(session, cpip):
    batch = batches.batch_create(session=session, by=cpip)
    generate(batch)

    assert build_batch.apply(args=[str(batch.pk)]).get() == "ready"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY and batch.ready_at is not None
    with batch.file.open("rb") as handle, zipfile.ZipFile(handle) as zipped:
        names = sorted(zipped.namelist())
        pdfs = [zipped.read(name) for name in names]
    assert names == [
        "abadie-noel-50003-contrat-v1.pdf",
        "durand-emilie-50001-charte-accompagnement-v1.pdf",
        "durand-emilie-50001-contrat-v1.pdf",
        "ferre-zoe-50002-charte-accompagnement-v1.pdf",
    ]
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)
    assert batches.batch_build(batch.pk) == "done"  # a second delivery changes nothing


def test_failed_documents_are_left_out_and_listed_in_the_zip(session, cpip):
    batch = batches.batch_create(session=session, by=cpip)
    failed = batch.documents.get(pathway__participant__last_name="Ferré")
    services.document_fail(failed.pk, "Le rendu du document a échoué (ValueError).")
    for document in batch.documents.exclude(pk=failed.pk):
        services.document_generate(document.pk)

    assert batches.batch_build(batch.pk) == "ready"
    batch.refresh_from_db()
    with batch.file.open("rb") as handle, zipfile.ZipFile(handle) as zipped:
        assert len([n for n in zipped.namelist() if n.endswith(".pdf")]) == 3
        notes = zipped.read(batches.NOTES_NAME).decode()
    # the title names the kind, the programme and the pathway, never the person (issue 17): so do the notes
    reference = failed.pathway.pk.hex[:8].upper()
    assert (f"Charte d'accompagnement — programme {session.programme.code} — parcours {reference} : Le rendu du "
            "document a échoué (ValueError).") in notes


def test_a_pdf_altered_in_storage_is_left_out_of_the_zip(session, cpip):
    batch = batches.batch_create(session=session, by=cpip)
    generate(batch)
    altered = batch.documents.get(kind=CHARTER, pathway__participant__last_name="Durand")
    with altered.file.open("wb") as handle:
        handle.write(b"%PDF-1.7 not the document that was made")

    assert batches.batch_build(batch.pk) == "ready"
    batch.refresh_from_db()
    with batch.file.open("rb") as handle, zipfile.ZipFile(handle) as zipped:
        assert "durand-emilie-50001-charte-accompagnement-v1.pdf" not in zipped.namelist()
        assert "fichier introuvable ou altéré" in zipped.read(batches.NOTES_NAME).decode()


def test_a_batch_whose_documents_all_failed_has_no_zip(session, cpip):
    batch = batches.batch_create(session=session, by=cpip)
    for document in batch.documents.all():
        services.document_fail(document.pk, "Le rendu du document a échoué (ValueError).")

    assert batches.batch_build(batch.pk) == "failed"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and not batch.file
    assert batch.error == "Aucun document du lot n'a pu être généré."


# --- The pages --------------------------------------------------------------------------------------------


def test_the_session_page_offers_the_batch_to_those_who_may_ask_for_it(session, client_as):
    url = reverse("participants:session_detail", args=[session.pk])
    action = reverse("documents:batch_create", args=[session.pk])

    cpip_page = client_as("CPIP_A").get(url).content.decode()
    establishment_page = client_as("ESTABLISHMENT_STAFF_A").get(url).content.decode()

    assert "Documents des personnes retenues" in cpip_page and action in cpip_page
    assert "chacune des 4 personnes retenues" in page_text(client_as("CPIP_A").get(url))
    assert action not in establishment_page


def test_asking_for_the_batch_leads_to_its_progress_page(session, client_as, cpip):
    response = client_as("CPIP_A").post(reverse("documents:batch_create", args=[session.pk]))

    batch = DocumentBatch.objects.get()
    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    assert batch.requested_by == cpip and batch.documents.count() == 4


def test_establishment_staff_may_read_a_batch_but_not_ask_for_one(session, client_as):
    assert client_as("ESTABLISHMENT_STAFF_A").post(
        reverse("documents:batch_create", args=[session.pk])).status_code == 403
    assert client_as("DISP_STAFF_A").post(reverse("documents:batch_create", args=[session.pk])).status_code == 404
    assert client_as("CPIP_B").post(reverse("documents:batch_create", args=[session.pk])).status_code == 404
    assert not DocumentBatch.objects.exists()


def test_a_session_without_selected_people_has_nothing_to_prepare(scope_a, client_as):
    session = session_of(scope_a.programme)

    response = client_as("CPIP_A").post(reverse("documents:batch_create", args=[session.pk]), follow=True)

    assert "Aucune personne n'est retenue dans cette session" in page_text(response)
    assert not DocumentBatch.objects.exists()


def test_the_progress_partial_counts_the_ready_documents_and_polls_again(session, cpip, client_as):
    batch = batches.batch_create(session=session, by=cpip)
    generate(batch, count=1)

    response = client_as("CPIP_A").get(batch.get_absolute_url(), headers={"HX-Request": "true"})

    content = response.content.decode()
    assert 'hx-trigger="load delay:2s"' in content
    assert 'max="4" value="1"' in content
    assert "1 document prêt sur 4 (25 %)" in page_text(response)
    assert "Télécharger" not in content


def test_the_batch_page_lists_the_skipped_people_with_what_to_enter(session, cpip, client_as):
    batch = batches.batch_create(session=session, by=cpip)

    response = client_as("CPIP_A").get(batch.get_absolute_url())

    text = page_text(response)
    assert "Documents non établis" in text
    assert "FERRÉ Zoé" in text and "Écrou 50002" in text
    ferre = batch.session.pathways.get(participant__last_name="Ferré")
    # Selected only: the entry comes after the classification and the assignment (issue 15), so the link is the
    # pathway's page, where the next step is offered.
    assert f'<a href="{ferre.get_absolute_url()}">La date d&#x27;entrée en atelier (le début du contrat)</a>' in \
        response.content.decode()
    assert "BLANC Hugo" not in text  # not selected: not concerned by the batch


def test_once_built_the_page_offers_the_zip_and_lists_the_failed_documents(session, cpip, client_as):
    batch = batches.batch_create(session=session, by=cpip)
    failed = batch.documents.get(pathway__participant__last_name="Abadie")
    services.document_fail(failed.pk, "Le rendu du document a échoué (ValueError).")
    for document in batch.documents.exclude(pk=failed.pk):
        services.document_generate(document.pk)
    batches.batch_build(batch.pk)

    response = client_as("SIAE_STAFF_A").get(batch.get_absolute_url(), headers={"HX-Request": "true"})

    content = response.content.decode()
    assert "hx-trigger" not in content  # the poll stops
    assert reverse("documents:batch_download", args=[batch.pk]) in content
    assert "Documents en échec" in page_text(response)
    assert failed.get_absolute_url() in content


def test_the_download_streams_the_zip_and_records_each_document(session, cpip, client_as, personas):
    batch = batches.batch_create(session=session, by=cpip)
    generate(batch)
    batches.batch_build(batch.pk)

    response = client_as("SIAE_DIRECTOR_A").get(reverse("documents:batch_download", args=[batch.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="documents-alpha-1-session-{session.date:%Y-%m-%d}.zip"')
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(zipped.namelist()) == 4
    downloads = DocumentDownload.objects.filter(by=personas["SIAE_DIRECTOR_A"])
    assert sorted(downloads.values_list("document_id", flat=True)) == sorted(
        batch.documents.values_list("pk", flat=True))


def test_the_download_of_a_batch_not_yet_built_goes_back_to_its_page(session, cpip, client_as):
    batch = batches.batch_create(session=session, by=cpip)

    response = client_as("CPIP_A").get(reverse("documents:batch_download", args=[batch.pk]))

    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    assert not DocumentDownload.objects.exists()


def test_a_batch_whose_build_message_was_lost_is_sent_again_by_its_page(session, cpip, client_as, broker):
    batch = batches.batch_create(session=session, by=cpip)
    generate(batch)
    client = client_as("CPIP_A")

    client.get(batch.get_absolute_url(), headers={"HX-Request": "true"})
    assert broker["builds"] == []  # the documents have just been made: the build is on its way

    GeneratedDocument.objects.filter(batch=batch).update(ready_at=timezone.now() - datetime.timedelta(minutes=5))
    DocumentBatch.objects.filter(pk=batch.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=6))
    client.get(batch.get_absolute_url(), headers={"HX-Request": "true"})
    assert broker["builds"] == [(str(batch.pk), None)]


# --- Through real Redis and a real worker (`make test`) ----------------------------------------------------


@pytest.fixture
def routed_worker(celery_worker_process, monkeypatch):
    """The real worker listens on its own queue: the messages the test process sends go there; the build task,
    in the worker, looks again on the queue its message came from."""
    from django.conf import settings as django_settings

    from documents.tasks import generate_document

    if "memory" in str(django_settings.DATABASES["default"]["NAME"]):
        pytest.skip("an in-memory SQLite test database cannot be shared with the worker process")
    for task in (generate_document, build_batch):
        publish = task.apply_async
        monkeypatch.setattr(task, "apply_async", lambda args=None, kwargs=None, _publish=publish, **options:
                            _publish(args, kwargs, **{**options, "queue": celery_worker_process.queue}))
    return celery_worker_process


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_makes_the_documents_then_the_zip(session, cpip, routed_worker):
    import time

    batch = batches.batch_create(session=session, by=cpip)  # autocommit: the messages leave on commit
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status in (BatchStatus.READY, BatchStatus.FAILED):
            break
        time.sleep(0.25)
    try:
        assert batch.status == BatchStatus.READY, (batch.status, batch.error, routed_worker.log_tail())
        assert set(batch.documents.values_list("status", flat=True)) == {DocumentStatus.READY}
        with batch.file.open("rb") as handle, zipfile.ZipFile(handle) as zipped:
            assert len(zipped.namelist()) == 4
            assert all(zipped.read(name).startswith(b"%PDF-") for name in zipped.namelist())
    finally:
        for document in batch.documents.all():
            if document.file:
                document.file.storage.delete(document.file.name)
        if batch.file:
            batch.file.storage.delete(batch.file.name)

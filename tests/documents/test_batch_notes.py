"""The batch's A-LIRE.txt (documents.batch, NOTES_NAME) lists the documents left out of the zip, a failed render and
a file altered in storage alike, by their titles: the kind, the programme and the pathway's reference, never a
person's name nor écrou (the zip travels; its PDF entries are named after the people for the counsellor who
downloads them, the notes are not). The session of test_batch (five people, four selected)."""

import zipfile

import pytest

from documents import batch as batches
from documents import services
from documents.enums import DocumentKind
from tests.documents.test_batch import broker, cpip, private_storage, session  # noqa: F401 - the fixtures

pytestmark = pytest.mark.django_db


def test_the_notes_list_each_document_left_out_without_naming_anyone(session, cpip):  # noqa: F811
    batch = batches.batch_create(session=session, by=cpip)
    documents = list(batch.documents.select_related("pathway__participant", "pathway__programme").order_by("pk"))
    failed = next(d for d in documents if d.pathway.participant.last_name == "Ferré")
    services.document_fail(failed.pk, "Le rendu du document a échoué (ValueError).")
    for document in documents:
        if document.pk != failed.pk:
            services.document_generate(document.pk)
    altered = next(d for d in documents if d.pathway.participant.last_name == "Durand"
                   and d.kind == DocumentKind.ACCOMPANIMENT_CHARTER)
    altered.refresh_from_db()
    with altered.file.open("wb") as handle:
        handle.write(b"%PDF-1.7 not the document that was made")

    assert batches.batch_build(batch.pk) == "ready"
    batch.refresh_from_db()
    with batch.file.open("rb") as handle, zipfile.ZipFile(handle) as zipped:
        notes = zipped.read(batches.NOTES_NAME).decode()
        entries = zipped.namelist()
    # the failed render first (found before zipping), then the file found altered while zipping
    assert [line for line in notes.splitlines() if line.startswith("- ")] == [
        f"- {failed.title} : Le rendu du document a échoué (ValueError).",
        f"- {altered.title} : fichier introuvable ou altéré"]
    people = {document.pathway.participant for document in documents}
    named = [value for person in people for value in (person.last_name, person.first_names, person.ecrou)
             if value.casefold() in notes.casefold()]
    assert named == []
    assert len([entry for entry in entries if entry.endswith(".pdf")]) == len(documents) - 2

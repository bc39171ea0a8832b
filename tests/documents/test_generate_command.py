"""`python manage.py generate_document KIND SUBJECT_ID --out FILE`: one document rendered here and now."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from documents.enums import DocumentKind
from documents.models import GeneratedDocument
from documents.registry import REGISTRY, spec_of
from participants.enums import PathwayStatus
from tests.participants.factories import counsellor, pathway_at

from .factories import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway():
    from tests.programmes.factories import ProgrammeFactory

    programme = ProgrammeFactory(code="MEAUX-APRES", siae__name="Après — Groupe ARES")
    referent = counsellor(establishment=programme.establishment)
    return pathway_at(PathwayStatus.IN_WORKSHOP, programme=programme,
                      participant__establishment=programme.establishment, participant__last_name="Béranger",
                      participant__first_names="Zoé", participant__ecrou="61250", participant__counsellor=referent)


def run(*args) -> str:
    out = StringIO()
    call_command("generate_document", *args, stdout=out)
    return out.getvalue()


def test_writes_the_pdf_and_prints_its_sha256(pathway, tmp_path):
    target = tmp_path / "contrat.pdf"

    output = run("work_contract", str(pathway.pk), "--out", str(target))

    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert output == f"{hashlib.sha256(pdf).hexdigest()}  {target}\n"
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Contrat d'emploi pénitentiaire" in text and "BÉRANGER Zoé" in text and "61250" in text
    assert not GeneratedDocument.objects.exists()  # an operator's copy: no document row, nothing recorded


def test_the_kind_is_read_in_any_case(pathway, tmp_path):
    target = tmp_path / "charte.pdf"

    run("Accompaniment_Charter", str(pathway.pk), "--out", str(target))

    assert "Charte d'accompagnement" in pdf_text(target.read_bytes(), tmp_path)


def test_missing_data_stops_with_the_list_of_what_to_enter(pathway, tmp_path):
    pathway.participant.counsellor = None
    pathway.participant.save()
    target = tmp_path / "charte.pdf"

    with pytest.raises(CommandError) as error:
        run("ACCOMPANIMENT_CHARTER", str(pathway.pk), "--out", str(target))

    message = str(error.value)
    assert message.startswith("Des informations manquent pour établir « Charte d'accompagnement » :")
    assert "- le ou la CPIP référent·e de la personne (à saisir : " in message
    assert reverse("participants:participant_update", args=[pathway.participant_id]) in message
    assert not target.exists()


@pytest.mark.parametrize(("kind", "subject_id", "expected"), [
    ("FICHE", "1", "Type de document inconnu : « FICHE »"),
    ("WORK_CONTRACT", "12", "Aucun parcours n'a l'identifiant « 12 »."),
    ("WORK_CONTRACT", "8b4f7c2e-0000-4000-8000-000000000000", "Aucun parcours n'a l'identifiant"),
    ("PROJECT_SHEET", "987654", "Aucun programme n'a l'identifiant « 987654 »."),
    ("PROJECT_SHEET", "abc", "Aucun programme n'a l'identifiant « abc »."),
])
def test_an_unknown_kind_or_subject_is_said_in_french(kind, subject_id, expected, tmp_path):
    spec_of(DocumentKind.WORK_CONTRACT)  # the kinds are registered
    assert DocumentKind.PROJECT_SHEET in REGISTRY, "documents/kinds/project_sheet.py is not registered"

    with pytest.raises(CommandError, match=expected):
        run(kind, subject_id, "--out", str(tmp_path / "x.pdf"))


def test_a_kind_without_its_module_yet_is_said_so(pathway, monkeypatch, tmp_path):
    spec_of(DocumentKind.WORK_CONTRACT)
    monkeypatch.delitem(REGISTRY, DocumentKind.WORK_CONTRACT)

    with pytest.raises(CommandError, match="« Acte d'engagement ou contrat d'emploi pénitentiaire » n'a pas encore"):
        run("WORK_CONTRACT", str(pathway.pk), "--out", str(tmp_path / "x.pdf"))


def test_an_unwritable_target_is_said_in_french(pathway, tmp_path):
    with pytest.raises(CommandError, match="Impossible d'écrire"):
        run("WORK_CONTRACT", str(pathway.pk), "--out", str(tmp_path / "absent" / "x.pdf"))

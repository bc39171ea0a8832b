"""The PDF's metadata never carry a person's name (issue 17, introduction and §4): a PDF travels by mail and its
properties (title, subject, author, keywords) show in any file manager without opening it. They give the
document's kind, its programme and its reference. Read back with pdfinfo (the information dictionary) and from the
XMP packet (tests/documents/test_pdfa.py reads it the same way), for each pathway kind, a man and a woman, and for
the programme kinds.
"""

import datetime
import shutil
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from documents.enums import DocumentKind
from documents.registry import spec_of
from documents.renderer import render_document
from participants import services as pathway_services
from participants.enums import SessionDecision, Sex
from tests.participants.factories import PathwayFactory, counsellor, enter_workshop
from tests.programmes.convention_factories import make_annex, make_contract, make_convention
from tests.programmes.factories import ProgrammeFactory, SiaeFactory

from .factories import make_programme
from .test_pdfa import xmp_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) is not installed"),
]

D = datetime.date
TODAY = D(2026, 11, 27)
PERSONS = {
    Sex.M: {"last_name": "Lefèvre", "first_names": "Jérôme Élie", "ecrou": "58213", "birth_date": D(1990, 4, 12)},
    Sex.F: {"last_name": "Mérieux", "first_names": "Nadia", "ecrou": "58214", "birth_date": D(1987, 11, 3)},
}


def personal_values(sex) -> list[str]:
    person = PERSONS[sex]
    return [person["last_name"], person["last_name"].upper(), *person["first_names"].split(), person["ecrou"],
            "12 avril 1990" if sex == Sex.M else "3 novembre 1987", "Morel", "Camille"]


def metadata_of(pdf: bytes, tmp_path) -> tuple[dict[str, str], str]:
    """pdfinfo's fields, and the XMP packet as text."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], check=True, capture_output=True,  # noqa: S603, S607
                         text=True).stdout
    info = {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}
    return info, ET.tostring(xmp_of(pdf), encoding="unicode")


def pathway_of(sex, start):
    programme = ProgrammeFactory(code="MEAUX-APRES", activity="Conditionnement",
                                 siae=SiaeFactory(name="Après (Groupe ARES)"))
    referent = counsellor(first_name="Camille", last_name="Morel", establishment=programme.establishment)
    fields = {f"participant__{name}": value for name, value in PERSONS[sex].items()}
    pathway = PathwayFactory(programme=programme, session__date=start - datetime.timedelta(days=30),
                             participant__sex=sex, participant__counsellor=referent, **fields)
    pathway = pathway_services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    return enter_workshop(pathway, start, hours_per_week=Decimal("26"), hourly_pay=Decimal("5.50"))


@pytest.mark.parametrize("sex", [Sex.M, Sex.F])
@pytest.mark.parametrize(("kind", "start", "title"), [
    (DocumentKind.ACCOMPANIMENT_CHARTER, D(2025, 3, 24), "Charte d'accompagnement — programme MEAUX-APRES"),
    (DocumentKind.WORK_CONTRACT, D(2021, 9, 13), "Acte d'engagement — programme MEAUX-APRES"),
    (DocumentKind.WORK_CONTRACT, D(2025, 3, 24), "Contrat d'emploi pénitentiaire — programme MEAUX-APRES"),
])
def test_a_pathway_document_s_metadata_name_its_kind_and_programme_never_the_person(tmp_path, sex, kind, start,
                                                                                     title):
    pathway = pathway_of(sex, start)
    spec = spec_of(kind)
    assert spec.missing(pathway) == []
    snapshot = spec.build(pathway, TODAY)

    info, xmp = metadata_of(render_document(kind, snapshot), tmp_path)

    assert info["Title"] == title
    assert info["Subject"].startswith(title + ", Après (Groupe ARES), ")
    assert info["Keywords"] == f"{title.split(' — ')[0]}, MEAUX-APRES, IAE en détention"
    assert info["Author"] == "Après (Groupe ARES)"
    fields = " ".join(info[key] for key in ("Title", "Subject", "Keywords", "Author", "Creator"))
    assert [value for value in personal_values(sex) if value in fields] == []
    assert [value for value in personal_values(sex) if value in xmp] == []
    assert title in xmp
    # the printed document still names the person: only its properties and its title do not
    assert PERSONS[sex]["last_name"].upper() in snapshot["person"]["name"]
    assert PERSONS[sex]["last_name"].upper() not in snapshot["title"]


def test_programme_and_convention_documents_give_their_kind_programme_and_reference(tmp_path):
    programme = make_programme(code="MEAUX-BATIR")
    siae = programme.siae
    siae.address, siae.director_name, siae.legal_form = "3 rue de l'Église\n77100 Meaux", "Agnès Évrard", "SAS"
    siae.save()
    make_contract(programme, regime="R2022", start=D(2023, 1, 1), premises="Atelier")
    convention = make_convention(siae=siae, start=D(2025, 1, 1), end=D(2027, 12, 31), reference="CONV-77-2025")
    make_annex(convention, asp_number="EI077250001", measure="EI_MP", year=2025, start=D(2025, 1, 1),
               end=D(2025, 12, 31), etp="4", aid_amount="48711.60")
    expected = {
        DocumentKind.PROJECT_SHEET: (programme, "Fiche-projet — programme MEAUX-BATIR", ""),
        DocumentKind.APPLICATION_FILE: (programme, "Dossier unique d'instruction — programme MEAUX-BATIR", ""),
        DocumentKind.IMPLANTATION_CONTRACT: (programme, "Contrat d'implantation — programme MEAUX-BATIR", ""),
        DocumentKind.STATE_CONVENTION: (convention, "Convention avec l'État — programme MEAUX-BATIR", "CONV-77-2025"),
    }
    for kind, (subject, title, reference) in expected.items():
        spec = spec_of(kind)
        assert spec.missing(subject) == [], (kind, spec.missing(subject))
        info, xmp = metadata_of(render_document(kind, spec.build(subject, TODAY)), tmp_path)
        assert info["Title"] == title, kind
        assert "MEAUX-BATIR" in info["Keywords"], kind
        if reference:
            assert f"(référence {reference})" in info["Subject"] and reference in info["Keywords"]
        assert "Agnès Évrard" not in " ".join(info.values()) and "Agnès Évrard" not in xmp, kind

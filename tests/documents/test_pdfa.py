"""The documents of the demo's MEAUX-APRES (its programme, its convention, and the charter and acte d'engagement of its
first participant) are archival PDFs: PDF/A-3b read back from the
XMP metadata, with their title, author, subject, keywords and language, the output intent, every font embedded
(Marianne), neither encryption nor transparency group; the programme's activity report (with its SVG charts)
has every font embedded and no transparency either.

The demo (demo.programmes.load_demo) is loaded once for the module inside a transaction rolled back at the end.
It does not record everything these documents certify (the SIAE's address and legal representative, the head
of the establishment, the DISP's director, the planned places): ``complete_meaux`` enters what is missing the way
a user would through the forms, after checking that the documents are refused without it.

The metadata are read without any PDF library: the PDF's Flate streams are inflated with zlib (the XMP packet
and the catalog sit in compressed streams), and poppler's pdfinfo and pdffonts confirm what they see.
"""

import datetime
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
import zlib
from decimal import Decimal

import pytest
from django.utils import timezone

from demo.programmes import load_demo
from documents.enums import DocumentKind
from documents.registry import spec_of
from documents.renderer import render_document
from participants import services as pathway_services
from participants.enums import SessionDecision
from partners.enums import OrganisationKind
from partners.models import Contact, Organisation
from programmes.models import Programme
from tests.demo import demo_for_module
from tests.participants.factories import PathwayFactory, counsellor, enter_workshop

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not all(shutil.which(tool) for tool in ("pdfinfo", "pdffonts", "pdftotext")),
                       reason="poppler-utils (pdfinfo, pdffonts, pdftotext) is not installed"),
]

NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
KINDS = [DocumentKind.PROJECT_SHEET, DocumentKind.APPLICATION_FILE, DocumentKind.STATE_CONVENTION,
         DocumentKind.IMPLANTATION_CONTRACT, DocumentKind.ACCOMPANIMENT_CHARTER, DocumentKind.WORK_CONTRACT]
# The activity report (no PDF/A metadata of its own yet: its title and subject_line) is checked for what an
# archive refuses: transparency groups (its charts' texts anchored at their middle or end made some) and fonts.
ARCHIVED = [*KINDS, DocumentKind.ACTIVITY_REPORT]
RENDER_TIMES: dict[str, float] = {}


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker, load=load_demo_completed):
        yield


def load_demo_completed():
    load_demo()
    complete_meaux()


def subject_of(kind: str, programme: Programme):
    if kind == DocumentKind.STATE_CONVENTION:
        return programme.siae.conventions.get(reference="DEMO-77-APRES-EI-MP")
    if kind in (DocumentKind.ACCOMPANIMENT_CHARTER, DocumentKind.WORK_CONTRACT):  # a person in 2017 (complete_meaux)
        return programme.pathways.exclude(contract_start=None).order_by("contract_start", "pk").first()
    return programme


def complete_meaux() -> None:
    """What the demo leaves empty and the documents certify, entered as in the forms (only when empty)."""
    programme = Programme.objects.select_related("siae", "establishment").get(code="MEAUX-APRES")
    refused = {kind: [item.label for item in spec_of(kind).missing(subject_of(kind, programme))]
               for kind in KINDS[:4]}
    siae = programme.siae
    if not siae.director_name or not siae.address:
        assert any("SIAE « Après (Groupe ARES) »" in label for label in refused[DocumentKind.STATE_CONVENTION])
        siae.director_name = siae.director_name or "Thibault Guilluy"
        siae.address = siae.address or "Adresse de démonstration\n77100 Meaux"
        siae.save()
    if programme.places_planned is None or programme.etp_planned is None:
        assert "le nombre de places prévues du programme MEAUX-APRES" in refused[DocumentKind.PROJECT_SHEET]
        programme.places_planned = programme.places_planned or 10
        programme.etp_planned = programme.etp_planned or Decimal("6")
        programme.save()
    prison = Organisation.objects.get(establishment=programme.establishment)
    if not prison.contacts.exists():
        assert any(label.startswith("le chef d'établissement") for label in refused[DocumentKind.IMPLANTATION_CONTRACT])
        Contact.objects.create(organisation=prison, first_name="Pascal", last_name="Bruneau",
                               function="Directeur du centre pénitentiaire de Meaux-Chauconin")
    disp = Organisation.objects.get(kind=OrganisationKind.DISP, disp_id="DISP_PARIS")
    if not disp.contacts.exists():
        Contact.objects.create(organisation=disp, first_name="Laurent", last_name="Ridel",
                               function="Directeur interrégional des services pénitentiaires de Paris")
    if not programme.pathways.exclude(contract_start=None).exists():  # the programmes' demo has no participants
        pathway = PathwayFactory(programme=programme, session__date=datetime.date(2017, 8, 7),
                                 participant__counsellor=counsellor(establishment=programme.establishment))
        pathway = pathway_services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
        enter_workshop(pathway, datetime.date(2017, 9, 4), hours_per_week=Decimal("26"), hourly_pay=Decimal("4.40"))


@pytest.fixture(scope="module")
def documents(demo, tmp_path_factory):
    """Each kind of MEAUX-APRES rendered once: kind -> (snapshot, path of the PDF)."""
    folder = tmp_path_factory.mktemp("meaux")
    programme = Programme.objects.get(code="MEAUX-APRES")
    rendered = {}
    for kind in ARCHIVED:
        subject = subject_of(kind, programme)
        spec = spec_of(kind)
        assert spec.missing(subject) == [], (kind, spec.missing(subject))
        snapshot = spec.build(subject, timezone.localdate())
        started = time.perf_counter()
        pdf = render_document(kind, snapshot)
        RENDER_TIMES[kind] = time.perf_counter() - started
        path = folder / f"{kind.lower()}.pdf"
        path.write_bytes(pdf)
        rendered[kind] = (snapshot, path)
    print("\nWeasyPrint render times (MEAUX-APRES): " + ", ".join(  # shown with -s; figures for the README
        f"{kind} {seconds:.2f} s" for kind, seconds in RENDER_TIMES.items()))
    return rendered


def inflated_streams(data: bytes) -> list[bytes]:
    """Every Flate-compressed stream of the PDF, inflated; uncompressed streams as they are. A decompressor object
    stops at the end of the compressed data, so the end-of-line before "endstream" needs no stripping (stripping it
    cut a stream whose last compressed byte is 0x0A or 0x0D, and its XMP packet was then not found)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n", data):
        if data[max(0, match.start() - 3):match.start()] == b"end":
            continue
        raw = data[match.end():data.find(b"endstream", match.end())]
        try:
            streams.append(zlib.decompressobj().decompress(raw))
        except zlib.error:
            streams.append(raw)
    return streams


def xmp_of(data: bytes) -> ET.Element:
    for stream in [data, *inflated_streams(data)]:
        start = stream.find(b"<?xpacket begin")
        if start >= 0:
            end = stream.find(b"<?xpacket end", start)
            packet = stream[start:stream.find(b"?>", end) + 2]
            body = packet[packet.find(b"<x:xmpmeta"):packet.rfind(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")]
            return ET.fromstring(body)
    raise AssertionError("no XMP metadata packet in the PDF")


def catalog_language(data: bytes) -> str | None:
    for stream in [data, *inflated_streams(data)]:
        match = re.search(rb"/Type\s*/Catalog.*?/Lang\s*\(([^)]*)\)", stream, re.S)
        if match:
            return match.group(1).decode("latin-1")
    return None


def pdfinfo(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)],  # noqa: S603, S607
                         check=True, capture_output=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


@pytest.mark.parametrize("kind", KINDS)
def test_the_document_is_pdf_a_3b_with_its_title_author_subject_and_language(documents, kind):
    snapshot, path = documents[kind]
    data = path.read_bytes()
    xmp = xmp_of(data)
    ids = [d for d in xmp.iter(f"{{{NS['rdf']}}}Description") if d.get(f"{{{NS['pdfaid']}}}part")]
    assert len(ids) == 1, "the XMP metadata must declare the PDF/A part once"
    assert ids[0].get(f"{{{NS['pdfaid']}}}part") == "3"
    assert ids[0].get(f"{{{NS['pdfaid']}}}conformance") == "B"
    metadata = snapshot["metadata"]
    assert xmp.find(".//dc:title/rdf:Alt/rdf:li", NS).text == metadata["title"]
    assert [li.text for li in xmp.findall(".//dc:creator/rdf:Seq/rdf:li", NS)] == [snapshot["author"]]
    assert xmp.find(".//dc:description/rdf:Alt/rdf:li", NS).text == metadata["subject"]
    assert catalog_language(data) == "fr"
    everything = b"".join([data, *inflated_streams(data)])
    assert b"/OutputIntents" in everything  # the sRGB profile PDF/A asks for
    assert b"/GTS_PDFA1" in everything
    assert b"/Encrypt" not in everything  # PDF/A forbids encryption

    info = pdfinfo(path)  # poppler reads the same values from the document information dictionary
    assert (info["Title"], info["Author"], info["Subject"], info["Keywords"]) == (
        metadata["title"], snapshot["author"], metadata["subject"], metadata["keywords"])
    assert info["Encrypted"] == "no"
    assert info["Page size"].endswith("(A4)")
    assert info["PDF version"] == "1.7"


@pytest.mark.parametrize("kind", ARCHIVED)
def test_no_transparency_group(documents, kind):
    """PDF/A-1 refuses transparency groups; PDF/A-3 accepts them, but an archive may still ask for none (the State's
    bloc-marque is printed from opaque PNGs: templates/documents/pdf/includes/_bloc_marque.html; the activity
    report's charts are printed with start-anchored texts: dashboards.charts.start_anchored). Nor any constant
    alpha below 1 (/CA, /ca in a graphics state: an SVG opacity, an rgba colour)."""
    _, path = documents[kind]
    data = path.read_bytes()
    everything = b"".join([data, *inflated_streams(data)])
    assert not re.search(rb"/S\s*/Transparency", everything)
    assert all(float(alpha) == 1 for alpha in re.findall(rb"/(?:CA|ca)\s+([0-9.]+)", everything))


@pytest.mark.parametrize("kind", ARCHIVED)
def test_every_font_is_embedded_and_the_text_is_marianne(documents, kind):
    _, path = documents[kind]
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    names = [row[0].split("+")[-1] for row in rows]
    assert set(names) <= {"Marianne", "Marianne-Bold", "Marianne-Italic", "Marianne-Regular_Italic"}, out
    assert {"Marianne", "Marianne-Bold"} <= set(names), out
    # Columns: name, type (one or more words), encoding, emb, sub, uni, object id: "emb" is 5th from the end.
    assert all(row[-5] == "yes" for row in rows), f"a font is not embedded:\n{out}"


@pytest.mark.parametrize("kind", KINDS)
def test_the_demo_documents_name_the_siae_and_the_establishment_on_numbered_pages(documents, kind):
    _, path = documents[kind]
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],  # noqa: S603, S607
                          check=True, capture_output=True, text=True).stdout
    text = " ".join(re.sub(r"-\n\s*", "-", text).split())
    assert "Après (Groupe ARES)" in text
    assert "CP de Meaux-Chauconin" in text
    # the State's bloc-marque on the State convention only (tests/documents/test_layout.py for the others' letterheads)
    state = "RÉPUBLIQUE" in text and "FRANÇAISE" in text
    assert state is (kind == DocumentKind.STATE_CONVENTION)
    pages = int(pdfinfo(path)["Pages"])
    assert all(f"Page {n} / {pages}" in text for n in range(1, pages + 1))

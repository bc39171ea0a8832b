"""The programme's activity report (documents/kinds/activity_report.py, with its SVG charts) is an archival PDF:
PDF/A-3b read back from the XMP metadata with its title, author, subject and language, the output intent, every font
embedded (Marianne), neither encryption nor transparency group nor constant alpha (its charts' texts anchored at their
middle or end made transparency groups: dashboards.charts.start_anchored). The report of MEAUX-ARES, whose charts
hold every kind of text (values over bars, axes, legends, row labels, the funnel's note).

The kinds of docs/domain.md §7 are checked the same way on each demo subject where they are read back, each rendered
once: tests/documents/test_demo_readback.py. Other modules use the helpers below.

The metadata are read without any PDF library: the PDF's Flate streams are inflated with zlib (the XMP packet
and the catalog sit in compressed streams), and poppler's pdfinfo and pdffonts confirm what they see.
"""

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zlib

import pytest
from django.utils import timezone

from documents.enums import DocumentKind
from documents.registry import spec_of
from documents.renderer import render_document
from programmes.models import Programme
from tests.demo import demo_for_module

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not all(shutil.which(tool) for tool in ("pdfinfo", "pdffonts", "pdftotext")),
                       reason="poppler-utils (pdfinfo, pdffonts, pdftotext) is not installed"),
]

NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
REPORT = DocumentKind.ACTIVITY_REPORT


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


@pytest.fixture(scope="module")
def report(demo, tmp_path_factory):
    """The activity report of MEAUX-ARES over the last twelve months: (snapshot, path of the PDF)."""
    snapshot = spec_of(REPORT).build(Programme.objects.get(code="MEAUX-ARES"), timezone.localdate())
    path = tmp_path_factory.mktemp("report") / "report.pdf"
    path.write_bytes(render_document(REPORT, snapshot))
    return snapshot, path


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


def test_the_report_is_pdf_a_3b_with_its_title_author_subject_and_language(report):
    snapshot, path = report
    data = path.read_bytes()
    xmp = xmp_of(data)
    ids = [d for d in xmp.iter(f"{{{NS['rdf']}}}Description") if d.get(f"{{{NS['pdfaid']}}}part")]
    assert [(d.get(f"{{{NS['pdfaid']}}}part"), d.get(f"{{{NS['pdfaid']}}}conformance")) for d in ids] == [("3", "B")]
    assert xmp.find(".//dc:title/rdf:Alt/rdf:li", NS).text == snapshot["title"]
    assert [li.text for li in xmp.findall(".//dc:creator/rdf:Seq/rdf:li", NS)] == [snapshot["author"]]
    assert xmp.find(".//dc:description/rdf:Alt/rdf:li", NS).text == snapshot["subject_line"]
    assert catalog_language(data) == "fr"
    everything = b"".join([data, *inflated_streams(data)])
    assert b"/OutputIntents" in everything and b"/GTS_PDFA1" in everything  # the sRGB profile PDF/A asks for
    assert b"/Encrypt" not in everything  # PDF/A forbids encryption
    info = pdfinfo(path)
    assert (info["Title"], info["Author"], info["Encrypted"]) == (snapshot["title"], snapshot["author"], "no")
    assert info["Page size"].endswith("(A4)") and info["PDF version"] == "1.7"


def test_no_transparency_group(report):
    """PDF/A-1 refuses transparency groups; PDF/A-3 accepts them, but an archive may still ask for none (the State's
    bloc-marque is printed from opaque PNGs: templates/documents/pdf/includes/_bloc_marque.html; the report's charts
    with start-anchored texts: dashboards.charts.start_anchored). Nor any constant alpha below 1 (/CA, /ca in a
    graphics state: an SVG opacity, an rgba colour)."""
    snapshot, path = report
    assert all("<text" in svg for svg in snapshot["charts"].values())  # the charts have texts to anchor
    data = path.read_bytes()
    everything = b"".join([data, *inflated_streams(data)])
    assert not re.search(rb"/S\s*/Transparency", everything)
    assert all(float(alpha) == 1 for alpha in re.findall(rb"/(?:CA|ca)\s+([0-9.]+)", everything))


def test_every_font_is_embedded_and_the_text_is_marianne(report):
    _, path = report
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    names = [row[0].split("+")[-1] for row in rows]
    assert set(names) <= {"Marianne", "Marianne-Bold", "Marianne-Italic", "Marianne-Regular_Italic"}, out
    assert {"Marianne", "Marianne-Bold"} <= set(names), out
    # Columns: name, type (one or more words), encoding, emb, sub, uni, object id: "emb" is 5th from the end.
    assert all(row[-5] == "yes" for row in rows), f"a font is not embedded:\n{out}"

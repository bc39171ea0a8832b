"""documents.renderer without Celery: HTML to PDF; no network request, no local file outside the static folders."""

import logging
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

FILE_REFUSAL = "Fichier hors des ressources statiques refusé"
ONE_PIXEL_PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYJgIAACVAJLYAt6/AAAAAElFTkSuQmCC"
)
FRENCH_PAGE = (
    "<html lang='fr'><head><meta charset='utf-8'></head><body>"
    "<h1>Convention de mise à disposition</h1>"
    "<p>Établissement : CP de Meaux-Chauconin. Opérateur : Après (Groupe ARES).</p>"
    "</body></html>"
)


@pytest.fixture
def network_attempts(monkeypatch):
    """Any DNS lookup or connection is recorded and refused (OSError), so a test can assert there was none."""
    attempts = []

    def refuse(kind):
        def refused(*args, **kwargs):
            attempts.append((kind, args[1:] if kind.startswith("socket.") else args))
            raise OSError(f"network access attempted during a PDF rendering ({kind})")
        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    return attempts


def weasyprint_failures(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING]


def render(html: str) -> bytes:
    from documents.renderer import render_pdf  # imported here: an import error fails these tests only

    return render_pdf(html)


def test_renders_a_french_page_as_pdf(network_attempts):
    pdf = render(FRENCH_PAGE)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1000, len(pdf)
    assert network_attempts == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_rendered_pdf_contains_the_french_text(tmp_path):
    pdf_path = tmp_path / "page.pdf"
    pdf_path.write_bytes(render(FRENCH_PAGE))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],  # noqa: S603, S607
                          check=True, capture_output=True, text=True).stdout
    assert "Convention de mise à disposition" in text
    assert "Établissement : CP de Meaux-Chauconin" in text


def test_external_resources_are_skipped_without_any_network_request(network_attempts, caplog):
    """An <img>, a stylesheet and a CSS background on http(s) URLs: nothing is fetched, the PDF is still made.

    The renderer's StaticOnlyFetcher only allows data: and file: URLs; WeasyPrint catches the fetcher's
    refusal, logs it and renders the document without the resource.
    """
    urls = ["https://example.invalid/style.css", "http://example.invalid/x.png", "http://example.invalid/fond.png"]
    html = (
        f"<html lang='fr'><head><link rel='stylesheet' href='{urls[0]}'></head><body>"
        f"<h1>Document</h1><img src='{urls[1]}' alt='logo'>"
        f"<p style='background: url({urls[2]})'>Texte</p></body></html>"
    )
    caplog.set_level(logging.WARNING, logger="weasyprint")
    pdf = render(html)
    assert pdf.startswith(b"%PDF-")
    assert network_attempts == [], f"network access during rendering: {network_attempts}"
    failures = weasyprint_failures(caplog)
    for url in urls:
        # Refused by the fetcher's protocol check, not lost to a (blocked) network error.
        assert any(url in line and "disallowed protocol" in line for line in failures), (url, failures)


def test_local_files_outside_the_static_folders_are_refused(network_attempts, caplog, settings):
    settings_file = Path(settings.BASE_DIR, "iae_detention", "settings.py").resolve()
    static_root = Path(settings.BASE_DIR, "static").resolve()
    traversal = static_root.as_uri() + "/../iae_detention/settings.py"  # resolves outside static/
    caplog.set_level(logging.WARNING, logger="weasyprint")
    pdf = render(
        "<html lang='fr'><head>"
        f"<link rel='stylesheet' href='{settings_file.as_uri()}'>"
        f"<link rel='stylesheet' href='{traversal}'>"
        "</head><body><p>Texte</p></body></html>"
    )
    assert pdf.startswith(b"%PDF-")
    refusals = [line for line in weasyprint_failures(caplog) if FILE_REFUSAL in line]
    assert len(refusals) == 2, weasyprint_failures(caplog)
    assert network_attempts == []


def test_static_files_are_allowed(network_attempts, caplog, tmp_path):
    """The DSFR font (django-dsfr's static files) and the project's print stylesheet load and embed."""
    from django.contrib.staticfiles import finders

    font = Path(finders.find("dsfr/dist/fonts/Marianne-Regular.woff2"))
    stylesheet = Path(finders.find("css/documents.css"))
    caplog.set_level(logging.WARNING, logger="weasyprint")
    pdf = render(
        "<html lang='fr'><head>"
        f"<link rel='stylesheet' href='{stylesheet.as_uri()}'>"
        f"<style>@font-face {{ font-family: Marianne; src: url('{font.as_uri()}'); }}"
        " body { font-family: Marianne; }</style>"
        "</head><body><p>Marianne, la police de l'État</p></body></html>"
    )
    assert pdf.startswith(b"%PDF-")
    assert weasyprint_failures(caplog) == []
    assert network_attempts == []
    if shutil.which("pdffonts"):  # poppler-utils, installed by `make test`
        pdf_path = tmp_path / "marianne.pdf"
        pdf_path.write_bytes(pdf)
        fonts = subprocess.run(["pdffonts", str(pdf_path)],  # noqa: S603, S607
                               check=True, capture_output=True, text=True).stdout
        assert "Marianne" in fonts, f"the Marianne font was not embedded:\n{fonts}"


def test_data_urls_are_allowed(network_attempts, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    pdf = render(f"<html lang='fr'><body><p>Image intégrée</p><img src='{ONE_PIXEL_PNG}' alt=''></body></html>")
    assert pdf.startswith(b"%PDF-")
    assert weasyprint_failures(caplog) == []
    assert network_attempts == []

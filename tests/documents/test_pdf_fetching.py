"""S-16: the PDF renderer fetches nothing but data: URLs and the project's static files (documents/renderer.py).

A loopback HTTP listener counts the requests it receives; template values point at it, at /etc/passwd (in
several spellings) and at a static file outside of the static folders. WeasyPrint must not call the listener,
must not read the local file (neither as an image, a stylesheet nor a PDF attachment), and must still load our
own static files (the Marianne fonts, documents.css).
"""

import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from documents.renderer import StaticOnlyFetcher, render_pdf, static_roots

PASSWD = Path("/etc/passwd")
PASSWD_MARK = b"root:x:0:0"  # the first line of /etc/passwd on Debian


class Listener:
    """A loopback HTTP server answering 200 (or a redirect to /etc/passwd) and counting what reaches it."""

    def __init__(self):
        self.hits: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                listener.hits.append(self.path)
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", "file:///etc/passwd")
                    self.end_headers()
                    return
                body = b"body { color: red }"
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    with Listener() as running:
        yield running


def test_the_listener_counts_a_request_made_to_it(listener):
    """The control: a plain fetch does reach the listener, so 0 hits below means 0 requests."""
    from urllib.request import urlopen

    with urlopen(listener.url + "/control", timeout=5) as response:  # noqa: S310 - our loopback listener
        assert response.status == 200

    assert listener.hits == ["/control"]


def hostile_html(listener_url: str) -> str:
    return f"""<!DOCTYPE html><html lang="fr"><head><title>t</title>
    <link rel="stylesheet" href="{listener_url}/link.css">
    <link rel="stylesheet" href="FILE:///etc/passwd">
    <style>@import url("{listener_url}/import.css");
           body {{ background: url("{listener_url}/background.png"); }}</style></head>
    <body><p>Visible text</p>
    <img src="{listener_url}/image.png" alt="">
    <img src="https://127.0.0.1:{listener_url.rsplit(':', 1)[1]}/tls.png" alt="">
    <img src="{listener_url}/redirect" alt="">
    <img src="file:///etc/passwd" alt="">
    <a rel="attachment" href="file:///etc/passwd">pièce jointe</a>
    <a rel="attachment" href="FILE:///etc/passwd">pièce jointe</a>
    <a rel="attachment" href="file://localhost/etc/passwd">pièce jointe</a>
    <a rel="attachment" href="file:///{Path(settings.BASE_DIR, 'static')}/../../../../etc/passwd">pièce jointe</a>
    <a rel="attachment" href="{listener_url}/attachment.txt">pièce jointe</a>
    </body></html>"""


def pdf_tool(name: str, *args: str, pdf: bytes, tmp_path) -> str:
    if shutil.which(name) is None:
        pytest.skip(f"{name} (poppler-utils) is not installed")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run([name, *args, str(path), *(["-"] if name == "pdftotext" else [])],  # noqa: S603
                          capture_output=True, check=True, timeout=30).stdout.decode()


def test_rendering_hostile_html_makes_no_request_and_reads_no_local_file(listener, tmp_path):
    assert PASSWD_MARK in PASSWD.read_bytes()  # the file exists, so its absence below means something

    pdf = render_pdf(hostile_html(listener.url))

    assert listener.hits == []
    assert "Visible text" in pdf_tool("pdftotext", "-enc", "UTF-8", pdf=pdf, tmp_path=tmp_path)
    assert pdf_tool("pdfdetach", "-list", pdf=pdf, tmp_path=tmp_path).startswith("0 embedded files")
    assert PASSWD_MARK not in pdf


def test_an_attachment_from_the_static_folder_is_embedded(tmp_path):
    """The control of the attachment check: an allowed file does end up in the PDF, so 0 above means refused."""
    css = Path(settings.BASE_DIR, "static", "css", "documents.css")

    pdf = render_pdf(f'<html><body><a rel="attachment" href="{css.as_uri()}">css</a></body></html>')

    listing = pdf_tool("pdfdetach", "-list", pdf=pdf, tmp_path=tmp_path)
    assert listing.startswith("1 embedded files") and "documents.css" in listing


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:{port}/",
    "https://127.0.0.1:{port}/",
    "HTTP://127.0.0.1:{port}/upper",
    "ftp://127.0.0.1:{port}/",
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "File:/etc/passwd",
    "file://localhost/etc/passwd",
    "file:///etc/%70asswd",
    "file://{static}/../../../../../etc/passwd",
    "file://{static}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
])
def test_the_fetcher_refuses_the_network_and_files_outside_the_static_folders(url, listener):
    port = listener.url.rsplit(":", 1)[1]
    fetcher = StaticOnlyFetcher(static_roots())

    with pytest.raises(ValueError, match="refusé|disallowed protocol"):
        fetcher.fetch(url.format(port=port, static=Path(settings.BASE_DIR, "static")))

    assert listener.hits == []


def test_the_fetcher_refuses_a_file_of_the_project_outside_the_static_folders():
    settings_file = Path(settings.BASE_DIR, "iae_detention", "settings.py")

    with pytest.raises(ValueError, match="refusé"):
        StaticOnlyFetcher(static_roots()).fetch(settings_file.as_uri())


def test_the_fetcher_serves_our_static_files_and_data_urls():
    fetcher = StaticOnlyFetcher(static_roots())
    css = Path(settings.BASE_DIR, "static", "css", "documents.css")
    font = next(root / "dsfr" / "dist" / "fonts" / "Marianne-Regular.woff2" for root in static_roots()
                if (root / "dsfr" / "dist" / "fonts" / "Marianne-Regular.woff2").is_file())

    assert fetcher.fetch(css.as_uri()).read() == css.read_bytes()
    assert fetcher.fetch(font.as_uri()).read()[:4] == b"wOF2"
    assert fetcher.fetch("data:text/plain;base64,b2s=").read() == b"ok"

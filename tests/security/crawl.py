"""A small crawler for the security tests: follows the links (href, hx-get) of the pages a user reaches and reads
every answer as a person would (HTML and CSV as text, XLSX cells, PDF text through pdftotext, ZIP members)."""

import html
import io
import re
import shutil
import subprocess
import zipfile
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest

LINK = re.compile(r'(?:href|hx-get)="([^"]*)"')
# Not followed: static files, the admin, the logout (POST only), the language or theme switchers.
SKIPPED_PREFIXES = ("/static/", "/gestion/", "/deconnexion")


@dataclass
class Answer:
    url: str
    status: int
    kind: str  # html, csv, xlsx, pdf, zip, json, other
    text: str


def pdf_text(pdf: bytes, scratch: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = scratch / "crawl.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S603, S607 - fixed command
                          check=True, capture_output=True, text=True).stdout


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join("\t".join("" if cell is None else str(cell) for cell in row)
                     for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))


def read(response, scratch: Path) -> tuple[str, str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if body.startswith(b"%PDF"):
        return "pdf", pdf_text(body, scratch)
    if body.startswith(b"PK"):
        archive = zipfile.ZipFile(io.BytesIO(body))
        if any(name.startswith("xl/") for name in archive.namelist()):
            return "xlsx", xlsx_text(body)
        texts = [read_member(archive.read(name), scratch) for name in archive.namelist()]
        return "zip", "\n".join(texts)
    text = body.decode("utf-8", errors="replace")
    if "csv" in content_type:
        return "csv", text
    if "json" in content_type:
        return "json", text
    return ("html" if "html" in content_type else "other"), html.unescape(text)


def read_member(content: bytes, scratch: Path) -> str:
    return pdf_text(content, scratch) if content.startswith(b"%PDF") else content.decode("utf-8", errors="replace")


def crawl(client, starts, scratch: Path, *, prefixes=("/participants/", "/documents/"), limit=300,
          htmx=True, skipped=SKIPPED_PREFIXES, queries=True, per_shape=None) -> list[Answer]:
    """Every page reachable from ``starts`` by links, within ``prefixes`` (and the start URLs themselves), none
    under ``skipped``; ``queries=False``: no link with a query string (the administration's filters and orders of
    the same rows); ``per_shape``: at most that many links of one shape (the same path but for its numbers: a
    month's sheet after another, a department after another), the start URLs always. List pages are also fetched
    as htmx fragments."""
    seen, queue, answers, shapes = set(), deque(starts), [], Counter()
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        shape = re.sub(r"\d+", "N", url)
        if per_shape and url not in starts and shapes[shape] >= per_shape:
            continue
        shapes[shape] += 1
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            location = urljoin(url, response["Location"])
            if location.startswith(prefixes) and location not in seen:
                queue.append(location)
        kind, text = read(response, scratch)
        answers.append(Answer(url, response.status_code, kind, text))
        if kind != "html":
            continue
        if htmx and ("hx-target" in text) and urlsplit(url).path.endswith("/"):
            fragment = client.get(url, HTTP_HX_REQUEST="true")
            answers.append(Answer(f"{url} (htmx)", fragment.status_code, "html",
                                  html.unescape(fragment.content.decode())))
        for link in LINK.findall(text):
            target = urljoin(url, html.unescape(link)).split("#")[0]
            if "tri=" in target or (not queries and "?" in target):  # the same rows again: nothing new to read
                continue
            if not target.startswith("/") or target.startswith(skipped) or target in seen:
                continue
            if target.startswith(prefixes):
                queue.append(target)
    return answers

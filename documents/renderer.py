"""HTML to PDF with WeasyPrint; the renderer fetches nothing but data: URLs and the project's static files.

A standard document's text gets French typography on its way to print (``french_spacing``): a non-breaking space
before ; : ! ? and », after «, before % and the unit of an amount, so that no line starts with a colon or a
lone "€". The PDF's metadata (title, subject, keywords, author) come from the HTML's head (base.html)."""

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import UNICODE_SCHEME_RE, URLFetcher


@cache
def static_roots() -> tuple[Path, ...]:
    """The folders the staticfiles finders serve from (the project's static/ and the apps' static/)."""
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            roots.append(Path(storage.location).resolve())
    return tuple(roots)


class StaticOnlyFetcher(URLFetcher):
    """Refuses the network and any local file outside the static folders (WeasyPrint then skips the resource)."""

    def __init__(self, roots: tuple[Path, ...]):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.roots = roots

    def fetch(self, url, headers=None):
        # The scheme as WeasyPrint reads it (case-insensitive: "FILE:///etc/passwd" is a file URL too).
        match = UNICODE_SCHEME_RE.match(url)
        if match and match[1].lower() == "file":
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()
            if parts.netloc not in ("", "localhost") or not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"Fichier hors des ressources statiques refusé : {path.name}")
        return super().fetch(url, headers)


NBSP = "\u00a0"
# Tags and the contents of <style> and <script>: left as they are, only the text between them is set.
MARKUP = re.compile(r"(<style\b.*?</style>|<script\b.*?</script>|<[^>]*>)", re.DOTALL | re.IGNORECASE)
SPACING = [
    (re.compile(r"[ \t\n]+([;:!?»])"), NBSP + r"\1"),  # "Référence : X", "« la SIAE »"
    (re.compile(r"«[ \t\n]+"), "«" + NBSP),
    (re.compile(r"(\d)[ \t\n]+(%|€|h\b|ETP\b)"), r"\1" + NBSP + r"\2"),  # "50,5 %", "26 h", "8,50 ETP"
    (re.compile(r"\b(n°|N°)[ \t\n]+(?=\w)"), r"\1" + NBSP),  # "n° 2016-531"
]


def french_spacing(html: str) -> str:
    """French typography in the text of ``html`` (never inside a tag, a style or a script)."""
    parts = MARKUP.split(html)
    for index in range(0, len(parts), 2):  # even parts are text, odd ones the markup the pattern captured
        text = parts[index]
        for pattern, replacement in SPACING:
            text = pattern.sub(replacement, text)
        parts[index] = text
    return "".join(parts)


# Archival PDF (ISO 19005-3, level B): fonts embedded, metadata in XMP; WeasyPrint writes it.
PDF_VARIANT = "pdf/a-3b"


def render_pdf(html: str, *, base_url: str | None = None, archival: bool = False) -> bytes:
    """HTML to PDF. The title, author, subject (``<meta name=description>``) and language (``<html lang>``)
    of the HTML become the PDF's metadata."""
    document = HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyFetcher(static_roots()))
    return document.write_pdf(pdf_variant=PDF_VARIANT if archival else None)


def render_document(kind: str, snapshot: dict) -> bytes:
    """The pure function of the pipeline: a kind's print template filled with a frozen snapshot, as PDF/A."""
    from django.template.loader import render_to_string

    from .registry import spec_of

    spec = spec_of(kind)
    html = render_to_string(spec.template, {"doc": snapshot, "template_version": spec.template_version})
    return render_pdf(french_spacing(html), archival=True)

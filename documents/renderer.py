"""HTML to PDF with WeasyPrint; fetches nothing outside the project's static files."""

from django.core.exceptions import SuspiciousOperation
from weasyprint import HTML, default_url_fetcher


def _no_network_fetcher(url: str, *args, **kwargs):
    if not url.startswith("data:"):
        raise SuspiciousOperation(f"Ressource externe refusée dans un document : {url[:80]}")
    return default_url_fetcher(url, *args, **kwargs)


def render_pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=_no_network_fetcher).write_pdf()

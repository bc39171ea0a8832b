from celery import shared_task
from django.utils import timezone

from .renderer import render_pdf

PROBE_HTML = "<html lang='fr'><body><h1>Vérification du service de documents</h1><p>{when}</p></body></html>"


@shared_task(name="documents.probe_worker")
def probe_worker() -> dict:
    """Render a one-page PDF in the worker: proves the broker, the worker and WeasyPrint all answer."""
    pdf = render_pdf(PROBE_HTML.format(when=timezone.now().isoformat()))
    return {"pdf_bytes": len(pdf), "starts_with": pdf[:5].decode("ascii")}

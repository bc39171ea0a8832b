"""Celery tasks: thin, they take ids and call documents.services."""

import logging

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone

from . import services
from .renderer import render_pdf

logger = logging.getLogger(__name__)

PROBE_HTML = "<html lang='fr'><body><h1>Vérification du service de documents</h1><p>{when}</p></body></html>"
# The database restarting or unreachable for a moment: try again later, with growing delays.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(name="documents.probe_worker")
def probe_worker() -> dict:
    """Render a one-page PDF in the worker: proves the broker, the worker and WeasyPrint all answer."""
    pdf = render_pdf(PROBE_HTML.format(when=timezone.now().isoformat()))
    return {"pdf_bytes": len(pdf), "starts_with": pdf[:5].decode("ascii")}


# ignore_result: nobody waits for the return value; keeping it would make apply_async subscribe to the result
# backend first, which would hang a request on a stopped or stalled Redis.
@shared_task(name="documents.generate", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=services.MAX_ATTEMPTS, ignore_result=True)
def generate_document(self, document_id: str) -> str:
    """Render one document. Delivered twice, it renders once (the claim in services.document_generate)."""
    try:
        return services.document_generate(document_id)
    except TRANSIENT_ERRORS as error:
        try:
            services.document_back_to_pending(document_id, type(error).__name__)
        except TRANSIENT_ERRORS:
            pass  # the database is still away: the row stays RUNNING and the sweep puts it back if need be
        raise self.retry(exc=error, countdown=min(2 ** self.request.retries, 60)) from error
    except DatabaseError as error:
        services.document_fail(document_id, f"Erreur de base de données ({type(error).__name__}).")
        raise
    except Exception as error:
        logger.exception("document %s: rendering failed", document_id)
        services.document_fail(document_id, f"Le rendu du document a échoué ({type(error).__name__}).")
        raise


@shared_task(name="documents.sweep", ignore_result=True)
def sweep_documents() -> dict:
    """Scheduled by Celery beat (settings.CELERY_BEAT_SCHEDULE)."""
    return services.sweep()


# ignore_result: nothing reads it, and sending it must not wait on the result backend (only the broker has timeouts).
@shared_task(name="documents.build_batch", bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def build_batch(self, batch_id: str) -> str:
    """Zip a session's batch once its documents are made; while some are pending, look again in a moment (on
    the queue this message came from)."""
    from . import batch

    result = batch.batch_build(batch_id)
    if result == "waiting" and not batch.batch_waited_too_long(batch_id):
        queue = (self.request.delivery_info or {}).get("routing_key")
        batch.dispatch_build(batch_id, countdown=batch.POLL_SECONDS, queue=queue)
    return result

"""Tags of the print templates (templates/documents/pdf/)."""

from pathlib import Path

from django import template
from django.contrib.staticfiles import finders

register = template.Library()


@register.simple_tag
def pdf_static(path: str) -> str:
    """A static file as a file:// URI, the only kind of resource the renderer fetches (documents.renderer)."""
    found = finders.find(path)
    if not found:
        raise template.TemplateSyntaxError(f"Fichier statique introuvable : {path}")
    return Path(found).resolve().as_uri()

"""Tags of the document pages (not the print templates): the documents section of a subject's page."""

from django import template

from documents import selectors
from documents.enums import DocumentKind, DocumentStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def document_section(context, subject):
    """The kinds of documents of ``subject`` with their latest versions, for the viewer (one query)."""
    rows = selectors.document_section(user=context["request"].user, subject=subject)
    return {"rows": rows, "anchor": f"documents-{selectors.subject_type_of(subject).lower()}-{subject.pk}"}


@register.filter
def subject_label(document) -> str:
    return selectors.subject_label(document)


@register.filter
def kind_slug(kind: str) -> str:
    return selectors.kind_slug(kind)


# A kind's or a state's label: the same text as get_kind_display / get_status_display, without their cost (each call
# of those builds the dict of every choice, translating each label: a third of the time of "Mes documents" rows).
@register.filter
def kind_label(kind: str) -> str:
    return DocumentKind(kind).label


@register.filter
def status_label(status: str) -> str:
    return DocumentStatus(status).label

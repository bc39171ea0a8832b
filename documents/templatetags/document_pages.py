"""Tags of the document pages (not the print templates): the documents section of a subject's page."""

from django import template

from documents import selectors

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

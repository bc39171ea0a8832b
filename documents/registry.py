"""The kinds of standard documents: each is one HTML print template and one module that builds its data.

A kind module (documents/kinds/<name>.py) declares a ``KindSpec`` with ``register``: adding a kind means
adding that module and its template (templates/documents/pdf/<name>.html), nothing else.

- ``missing(subject)``: what the document needs and the data lacks, each with the page where it is entered
  (the request is refused before any work while this list is not empty);
- ``build(subject, today)``: the data the document certifies, as JSON-serialisable values already formatted
  for print (French dates and amounts): it is frozen in the document row when requested;
- ``title(subject)``: the document's title (PDF metadata, lists, file name).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Missing:
    label: str  # what is missing, in French ("le SIRET de la SIAE")
    url: str  # the form where it is entered


@dataclass(frozen=True)
class KindSpec:
    kind: str  # enums.DocumentKind
    subject_type: str  # enums.SubjectType
    template: str  # "documents/pdf/<name>.html"
    template_version: str  # printed in the footer and stored with each document
    build: Callable[[object, datetime.date], dict]
    missing: Callable[[object], list[Missing]]
    title: Callable[[object], str]
    # Options chosen at request time (the activity report's period). A kind that has
    # some is built as build(subject, today, by=requesting user, **options) and titled title(subject, **options);
    # each option has a default, so the generic request and the generate_document command still work.
    options: tuple[str, ...] = ()


REGISTRY: dict[str, KindSpec] = {}


def register(spec: KindSpec) -> KindSpec:
    REGISTRY[spec.kind] = spec
    return spec


def spec_of(kind: str) -> KindSpec:
    from . import kinds  # noqa: F401 - importing the package registers every kind

    return REGISTRY[kind]


def specs_for(subject_type: str) -> list[KindSpec]:
    from . import kinds  # noqa: F401

    # A kind with options (the activity report) is asked for from its own page (the dashboard),
    # with its options, so the lists of kinds to generate on a subject leave it out.
    return [spec for spec in REGISTRY.values() if spec.subject_type == subject_type and not spec.options]

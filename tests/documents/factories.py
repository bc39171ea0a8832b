"""Documents for the pipeline tests: a kind to request, subjects with complete or missing data, and the PDF text.

The pipeline (documents.services, documents.tasks) is the same for every kind, so its tests need one kind only:
a real one when its module is registered (STATE_CONVENTION, else PROJECT_SHEET), otherwise ``TEST_SHEET``, a
tiny test-only kind (a programme's SIAE and establishment on one page) registered for the duration of a test.
``KindUnderTest`` hides the difference: it builds a subject whose SIAE name is chosen by the test (a value every
one of these kinds prints), a subject the kind refuses for missing data, and tells which SIAE to rename.
"""

import datetime
import itertools
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.urls import reverse

from core.formatting import format_date
from documents.enums import DocumentKind, SubjectType
from documents.registry import REGISTRY, KindSpec, Missing

PREFERRED_REAL_KINDS = (DocumentKind.STATE_CONVENTION, DocumentKind.PROJECT_SHEET)

# The test-only kind: not a DocumentKind value, so it can never be mistaken for a real document.
TEST_KIND = "TEST_SHEET"
TEST_TEMPLATE = "documents/pdf/test_sheet.html"
TEST_TEMPLATE_TEXT = """{% extends "documents/pdf/base.html" %}
{% block body %}
<h1>{{ doc.title }}</h1>
<p>SIAE : {{ doc.siae }} — SIRET {{ doc.siret }}</p>
<p>Établissement : {{ doc.establishment }}</p>
<p>Activité : {{ doc.activity }}</p>
<p>Fait le {{ doc.date }}</p>
{% endblock body %}
"""
# A kind whose template is not deployed: rendering raises, as any bug in a kind's template would.
BROKEN_KIND = "TEST_BROKEN"


def _test_build(programme, today: datetime.date) -> dict:
    return {
        "title": f"Fiche de test — {programme.code}",
        "author": programme.siae.name,
        "subject_line": f"Programme {programme.code}",
        "siae": programme.siae.name,
        "siret": programme.siae.siret,
        "establishment": programme.establishment.name,
        "activity": programme.activity,
        "date": format_date(today),
    }


def _test_missing(programme) -> list[Missing]:
    edit = reverse("programmes:programme_update", args=[programme.pk])
    missing = []
    if programme.places_planned is None:
        missing.append(Missing(f"le nombre de places prévues du programme {programme.code}", edit))
    if programme.etp_planned is None:
        missing.append(Missing(f"les ETP prévus du programme {programme.code}", edit))
    return missing


def testonly_kind_specs() -> list[KindSpec]:
    common = {"subject_type": SubjectType.PROGRAMME, "template_version": "test-1", "build": _test_build,
              "missing": _test_missing, "title": lambda programme: f"Fiche de test — {programme.code}"}
    return [KindSpec(kind=TEST_KIND, template=TEST_TEMPLATE, **common),
            KindSpec(kind=BROKEN_KIND, template="documents/pdf/not_deployed.html", **common)]


def real_kinds() -> list[str]:
    """The preferred real kinds whose module is registered (importing documents.kinds registers them)."""
    from documents import kinds  # noqa: F401

    return [kind for kind in PREFERRED_REAL_KINDS if kind in REGISTRY]


@dataclass(frozen=True)
class KindUnderTest:
    kind: str
    real: bool
    make: Callable[..., object]  # make(siae_name=None, **subject_fields) -> a subject the kind accepts
    siae_of: Callable[[object], object]  # the SIAE whose name the document prints
    incomplete_fields: dict  # subject fields the kind needs, left empty
    missing_words: str  # found in the label of what is then missing

    def incomplete(self):
        """A subject the kind refuses for missing data."""
        return self.make(**self.incomplete_fields)


def _siae(name, fields):
    from tests.programmes.factories import SiaeFactory

    if name is not None:
        fields["name"] = name
    return SiaeFactory(**fields)


def _territory(establishment) -> None:
    """The organisations the real kinds name around an establishment (documents.kinds.common): its DISP, the
    region's DREETS, the department's DDETS, a SPIP serving it, and the establishment with its head."""
    from partners.enums import OrganisationKind
    from partners.models import Contact, Organisation
    from tests.partners.factories import OrganisationFactory

    department = establishment.department
    region = department.region
    if not Organisation.objects.filter(kind=OrganisationKind.DISP, disp_id=region.disp_id).exists():
        disp = OrganisationFactory(kind=OrganisationKind.DISP, name=f"DISP de {region.disp.seat}", disp=region.disp)
        Contact.objects.create(organisation=disp, first_name="Hélène", last_name="Lefèvre",
                               function="Directrice interrégionale")
    if not Organisation.objects.filter(kind=OrganisationKind.DREETS, region=region).exists():
        OrganisationFactory(kind=OrganisationKind.DREETS, name=f"DREETS {region.name}", region=region)
    if not Organisation.objects.filter(kind=OrganisationKind.DDETS, department=department).exists():
        OrganisationFactory(kind=OrganisationKind.DDETS, name=f"DDETS {department.name}", department=department)
    OrganisationFactory(kind=OrganisationKind.SPIP, name=f"SPIP {establishment.name}", department=department,
                        served_establishments=[establishment])
    greffe = OrganisationFactory(kind=OrganisationKind.ESTABLISHMENT, name=establishment.name,
                                 establishment=establishment, department=department)
    Contact.objects.create(organisation=greffe, first_name="François", last_name="Müller",
                           function="Chef d'établissement", email="direction@justice.invalid")


def make_programme(siae_name=None, **programme_fields):
    """A programme whose data every programme kind accepts (TEST_SHEET, PROJECT_SHEET)."""
    from tests.programmes.factories import ProgrammeFactory

    fields = {"activity": "Menuiserie et ébénisterie", "places_planned": 12, "etp_planned": Decimal("6.50"),
              **programme_fields}
    programme = ProgrammeFactory(siae=_siae(siae_name, {}), **fields)
    _territory(programme.establishment)
    return programme


ASP_NUMBERS = itertools.count(1)


def make_state_convention(siae_name=None, siae_fields=None, **convention_fields):
    """A convention (with its annex) of a SIAE running a programme: what STATE_CONVENTION needs."""
    from tests.programmes.convention_factories import make_annex, make_convention
    from tests.programmes.factories import ProgrammeFactory

    siae = _siae(siae_name, {"legal_form": "Association loi 1901", "director_name": "Dominique Laurent",
                             "address": "12 rue de la Gare, 77100 Meaux", **(siae_fields or {})})
    programme = ProgrammeFactory(siae=siae, activity="Blanchisserie industrielle", places_planned=10)
    _territory(programme.establishment)
    convention = make_convention(siae=siae, **{"reference": "CONV-077-2023-01", **convention_fields})
    make_annex(convention, asp_number=f"ACI0772{next(ASP_NUMBERS):05d}")
    return convention


def _programme_kind(kind) -> KindUnderTest:
    return KindUnderTest(kind=kind, real=kind != TEST_KIND, make=make_programme, siae_of=lambda p: p.siae,
                         incomplete_fields={"places_planned": None, "etp_planned": None},
                         missing_words="places prévues")


KINDS_UNDER_TEST = {
    TEST_KIND: _programme_kind(TEST_KIND),
    DocumentKind.PROJECT_SHEET: _programme_kind(DocumentKind.PROJECT_SHEET),
    DocumentKind.STATE_CONVENTION: KindUnderTest(
        kind=DocumentKind.STATE_CONVENTION, real=True, make=make_state_convention, siae_of=lambda c: c.siae,
        incomplete_fields={"siae_fields": {"director_name": ""}}, missing_words="dirige la SIAE"),
}


def kind_under_test(kind: str) -> KindUnderTest:
    return KINDS_UNDER_TEST[kind]


def install_test_kinds(settings, monkeypatch, template_dir: Path) -> None:
    """Register TEST_SHEET and TEST_BROKEN for one test, with TEST_SHEET's template in ``template_dir``."""
    target = template_dir / TEST_TEMPLATE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEST_TEMPLATE_TEXT, encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [template_dir, *engine["DIRS"]]}, *settings.TEMPLATES[1:]]
    real_kinds()  # the real kinds are registered before, so monkeypatch restores the registry as it was
    for spec in testonly_kind_specs():
        monkeypatch.setitem(REGISTRY, spec.kind, spec)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text of a PDF as a reader would copy it (pdftotext, from poppler-utils)."""
    if shutil.which("pdftotext") is None:
        import pytest

        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S603, S607 - fixed command
                          check=True, capture_output=True, text=True).stdout

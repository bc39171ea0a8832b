"""What the documents print, entered where users work (issue 17, §2 and §4), without HTTP: the programme's project
and post, the convention's CDIAE opinion, signatory and targets, the SIAE's logo. Each error in French beside its
field; a refused form changes nothing."""

import base64
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from documents.kinds import common
from programmes.forms import ProgrammeForm, SiaeLogoForm, StateConventionForm
from programmes.logos import MAX_BYTES
from programmes.models import Programme, Siae, StateConvention
from tests.programmes.convention_factories import make_convention
from tests.programmes.form_data import programme_data

pytestmark = pytest.mark.django_db

PERCENTAGE = "Un objectif de sorties est un pourcentage entre 0 et 100."


def errors_of(form) -> dict:
    assert not form.is_valid()
    return {field: list(messages) for field, messages in form.errors.items()}


def project_data(scope, **overrides) -> dict:
    """The programme form of ALPHA-1 with its project, as a French user types it."""
    programme = scope.programme
    data = programme_data(scope, code=programme.code, siae=programme.siae_id, establishment=programme.establishment_id)
    data.update({
        "target_public": "Hommes condamnés, à moins de 2 ans de leur libération", "schedule": "Lundi au jeudi",
        "markets": "Sous-traitance", "premises": "Atelier de 120 m²", "equipment": "Établis",
        "supervisors_etp": "1,5", "cip_etp": "0,5", "cip_name": "Camille Roche", "permanent_staff": "Deux ETP",
        "accompaniment_plan": "Entretiens", "continuity": "CDDI", "timeline": "2026 : ouverture",
        "target_entries": "14", "target_durable_pct": "22,5", "target_dynamic_pct": "60",
        "budget_pay": "36500,50", "budget_staff": "70000", "budget_purchases": "0", "budget_premises": "3000",
        "budget_overheads": "9000", "budget_sales": "12000", "post_risks": "Outils tranchants",
        "on_call": "Aucune astreinte", "bonuses": "Aucune prime",
    })
    return {**data, **overrides}


def test_the_programme_form_saves_the_project_as_typed_in_french(personas, scope_a):
    form = ProgrammeForm(data=project_data(scope_a), instance=scope_a.programme, user=personas["SIAE_DIRECTOR_A"])
    assert form.is_valid(), form.errors
    form.save()

    programme = Programme.objects.get(pk=scope_a.programme.pk)
    assert (programme.supervisors_etp, programme.cip_etp, programme.target_durable_pct) == (
        Decimal("1.5"), Decimal("0.5"), Decimal("22.5"))
    assert programme.budget_pay == Decimal("36500.50") and programme.target_entries == 14
    assert programme.post_risks == "Outils tranchants" and programme.cip_name == "Camille Roche"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("budget_staff", "-1", "Saisissez un nombre positif ou nul."),
    ("cip_etp", "-0,5", "Saisissez un nombre positif ou nul."),
    ("target_dynamic_pct", "120", PERCENTAGE),
    ("target_durable_pct", "-3", PERCENTAGE),
    ("cip_name", "=HYPERLINK(\"x\")", None),  # a person's name: no formula (core.validation)
])
def test_bad_project_values_are_refused_beside_their_field_and_change_nothing(personas, scope_a, field, value,
                                                                             message):
    before = Programme.objects.values().get(pk=scope_a.programme.pk)
    form = ProgrammeForm(data=project_data(scope_a, **{field: value}), instance=scope_a.programme,
                         user=personas["SIAE_DIRECTOR_A"])

    errors = errors_of(form)
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert Programme.objects.values().get(pk=scope_a.programme.pk) == before


def test_the_convention_form_saves_the_cdiae_opinion_the_signatory_and_the_targets(personas, scope_a):
    convention = make_convention(siae=scope_a.siae, authority=scope_a.organisations["ddets"])
    data = {"siae": scope_a.siae.pk, "authority": convention.authority_id, "reference": "CONV-1",
            "start_date": "2023-01-01", "end_date": "2025-12-31", "cdiae_opinion_on": "2022-12-12",
            "signatory_name": "Claire Morel", "signatory_title": "Directrice départementale",
            "target_dynamic_pct": "55,5", "target_durable_pct": "20", "objectives": "Une formation par personne"}
    form = StateConventionForm(data=data, instance=convention, user=personas["ADMIN"])
    assert form.is_valid(), form.errors
    form.save()
    convention.refresh_from_db()
    assert convention.cdiae_opinion_on == datetime.date(2022, 12, 12)
    assert (convention.signatory_name, convention.target_dynamic_pct) == ("Claire Morel", Decimal("55.5"))

    after_start = {**data, "cdiae_opinion_on": "2023-01-02", "signatory_name": "Autre"}
    errors = errors_of(StateConventionForm(data=after_start, instance=convention, user=personas["ADMIN"]))
    assert errors == {"cdiae_opinion_on": [
        "L'avis du CDIAE précède la convention : il est daté au plus tard de son premier jour."]}
    assert StateConvention.objects.get(pk=convention.pk).signatory_name == "Claire Morel"


# --- The SIAE's logo ------------------------------------------------------------------------------------------


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "files")}}}
    return tmp_path / "files"


def png(size=(60, 30), mode="RGB", colour=(0, 0, 145)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def send_logo(personas, siae, name, content, content_type="image/png"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return SiaeLogoForm(data={}, files={"logo": upload}, instance=siae, user=personas["SIAE_DIRECTOR_A"])


def test_a_png_logo_is_stored_under_a_random_name_and_printed_in_the_siae_s_letterhead(personas, scope_a,
                                                                                        private_storage):
    content = png()
    form = send_logo(personas, scope_a.siae, "mon logo.svg", content)  # the name lies: the content decides
    assert form.is_valid(), form.errors
    form.save()

    siae = Siae.objects.get(pk=scope_a.siae.pk)
    assert siae.logo.name.startswith("siae_logos/") and siae.logo.name.endswith(".png")
    assert "mon logo" not in siae.logo.name
    assert storages["default"].exists(siae.logo.name)
    letterhead = common.siae_letterhead(siae)
    assert letterhead["logo"].startswith("data:image/png;base64,")
    printed = Image.open(io.BytesIO(base64.b64decode(letterhead["logo"].split(",", 1)[1])))
    assert (printed.mode, printed.size, printed.getpixel((0, 0))) == ("RGB", (60, 30), (0, 0, 145))


def test_a_transparent_png_logo_is_printed_opaque_on_white(personas, scope_a, private_storage):
    form = send_logo(personas, scope_a.siae, "logo.png", png(mode="RGBA", colour=(0, 0, 145, 0)))
    assert form.is_valid(), form.errors
    form.save()
    logo = common.siae_letterhead(Siae.objects.get(pk=scope_a.siae.pk))["logo"]
    printed = Image.open(io.BytesIO(base64.b64decode(logo.split(",", 1)[1])))
    assert (printed.mode, printed.getpixel((0, 0))) == ("RGB", (255, 255, 255))


def test_a_plain_svg_logo_is_accepted(personas, scope_a, private_storage):
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs>'
           b'<rect width="10" height="10" fill="url(#g)"/></svg>')
    form = send_logo(personas, scope_a.siae, "logo.svg", svg, "image/svg+xml")
    assert form.is_valid(), form.errors
    form.save()
    assert common.siae_letterhead(Siae.objects.get(pk=scope_a.siae.pk))["logo"].startswith("data:image/svg+xml;")


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


@pytest.mark.parametrize(("name", "content", "message"), [
    ("logo.png", b"GIF89a... not a png at all", "Ce fichier n'est pas une image PNG, JPEG ou SVG"),
    ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "Ce fichier n'est pas une image PNG, JPEG ou SVG"),
    ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_BYTES, "Le logo dépasse 500 Ko"),
    ("logo.svg", SVG.format("<script>alert(1)</script>").encode(), "contient un script"),
    ("logo.svg", SVG.format('<rect onload="alert(1)"/>').encode(), "un script (attribut d'événement)"),
    ("logo.svg", SVG.format('<image xlink:href="https://tracker.invalid/pixel.png"/>').encode(),
     "une référence extérieure"),
    ("logo.svg", SVG.format('<rect style="fill: url(https://x.invalid/a)"/>').encode(), "une référence extérieure"),
    ("logo.svg", SVG.format("<foreignObject><p>x</p></foreignObject>").encode(), "un objet étranger"),
    ("logo.svg", SVG.format('<rect opacity="0.5"/>').encode(), "de la transparence (opacité)"),
    ("logo.svg", b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                 + SVG.format("<text>&x;</text>").encode(), "des entités"),
])
def test_a_fake_oversized_or_scripted_logo_is_refused_and_nothing_is_stored(personas, scope_a, private_storage, name,
                                                                            content, message):
    form = send_logo(personas, scope_a.siae, name, content)

    errors = errors_of(form)
    assert list(errors) == ["logo"] and message in errors["logo"][0]
    assert not Siae.objects.get(pk=scope_a.siae.pk).logo
    assert not private_storage.exists() or not any(private_storage.rglob("*.*"))


def test_the_fiche_projet_prints_the_logo_as_an_opaque_image_in_its_archival_pdf(personas, scope_a, private_storage):
    """The logo reaches the PDF from the snapshot (no URL of its own) and adds no transparency to the PDF/A."""
    import re
    import zlib

    from documents.enums import DocumentKind
    from documents.registry import spec_of
    from documents.renderer import render_document

    form = send_logo(personas, scope_a.siae, "logo.png", png(mode="RGBA", colour=(0, 0, 145, 128)))
    assert form.is_valid(), form.errors
    form.save()
    Programme.objects.filter(pk=scope_a.programme.pk).update(places_planned=10, etp_planned=Decimal("5"))
    programme = Programme.objects.select_related("siae", "establishment").get(pk=scope_a.programme.pk)
    snapshot = spec_of(DocumentKind.PROJECT_SHEET).build(programme, datetime.date(2026, 11, 16))
    pdf = render_document(DocumentKind.PROJECT_SHEET, snapshot)

    streams = []
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            streams.append(zlib.decompressobj().decompress(pdf[match.end():]))
        except zlib.error:
            continue  # an image or a font that is not deflated
    everything = b"".join([pdf, *streams])
    assert re.search(rb"/Subtype\s*/Image", everything)
    assert not re.search(rb"/S\s*/Transparency", everything) and b"/SMask" not in everything


def test_the_siae_director_sends_the_logo_from_the_siae_page(scope_a, client_as, private_storage):
    client = client_as("SIAE_DIRECTOR_A")
    page = client.get(scope_a.siae.get_absolute_url()).content.decode()
    logo_url = reverse("programmes:siae_logo", args=[scope_a.siae.pk])
    assert "Aucun : les documents de la SIAE portent son nom seul." in page and logo_url in page

    refused = client.post(logo_url, {"logo": SimpleUploadedFile("logo.svg", SVG.format("<script/>").encode(),
                                                                "image/svg+xml")})
    assert refused.status_code == 200 and "contient un script" in refused.content.decode()
    assert not Siae.objects.get(pk=scope_a.siae.pk).logo

    sent = client.post(logo_url, {"logo": SimpleUploadedFile("logo.png", png(), "image/png")})
    assert sent.status_code == 302 and sent.url == scope_a.siae.get_absolute_url()
    assert Siae.objects.get(pk=scope_a.siae.pk).logo.name.endswith(".png")
    assert "Enregistré : imprimé en tête des documents de la SIAE" in client.get(sent.url).content.decode()

"""The month's hours sheet's pages (issue 18 §2): the form saves all or nothing with the message beside the refused
cell, the CSV and XLSX files go out and come back through the same rules, validation and correction, and who may
do what (the object URLs are in tests/participants/matrix_hours.py)."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants import hours
from participants.enums import EventKind, SessionDecision
from participants.models import AccompanimentEvent, HoursAmendment
from participants.services import pathway_decide
from tests.participants.factories import PathwayFactory, enter_workshop, session_of

pytestmark = pytest.mark.django_db

NOVEMBER = datetime.date(2026, 11, 1)  # the suite's month (tests/clock.py)


def person(scope, last_name, pay="6.00"):
    pathway = PathwayFactory(programme=scope.programme, session=session_of(scope.programme),
                             participant__last_name=last_name, participant__first_names="Camille")
    pathway = pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    return enter_workshop(pathway, datetime.date(2026, 10, 5), hourly_pay=Decimal(pay))


@pytest.fixture
def sheet(scope_a):
    """Scope A's November: Abel and Bruno in the workshop."""
    abel, bruno = person(scope_a, "Abel"), person(scope_a, "Bruno", pay="6.50")
    url = reverse("participants:hours_sheet", args=[scope_a.programme.pk, 2026, 11])
    return scope_a.programme, url, str(abel.pk), str(bruno.pk)


def text(response) -> str:
    import html

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).replace("\xa0", " "))


def posted(abel, bruno, **cells) -> dict:
    data = {"rows": f"{abel},{bruno}"}
    for key in (abel, bruno):
        data |= {f"{column}-{key}": "" for column in hours.COLUMNS}
    return data | cells


def stored_hours() -> dict:
    return {str(pk): value for pk, value in AccompanimentEvent.objects.filter(
        kind=EventKind.HOURS_WORKED, on=NOVEMBER).values_list("pathway_id", "hours")}


def test_a_refused_cell_saves_nothing_and_its_message_is_beside_it_then_a_good_sheet_is_saved(sheet, client_as):
    _programme, url, abel, bruno = sheet
    client = client_as("SIAE_STAFF_A")

    refused = client.post(url, posted(abel, bruno, **{f"hours-{abel}": "75,5", f"hours-{bruno}": "450"}))
    saved = client.post(url, posted(abel, bruno, **{f"hours-{abel}": "75,5", f"hours-{bruno}": "60",
                                                     f"SICK_LEAVE-{bruno}": "3"}), follow=True)

    assert refused.status_code == 200
    assert re.search(r'id="id_hours-' + bruno + r'-erreur">Les heures \(0 à 400\) se saisissent',
                     refused.content.decode())
    assert "Rien n'a été enregistré" in text(refused)
    assert stored_hours() == {abel: Decimal("75.5"), bruno: Decimal("60.0")}
    page = text(saved)
    assert "Les heures de novembre 2026 sont enregistrées." in page
    assert "453,00 €" in page and "390,00 €" in page  # 75,5 h × 6,00 € and 60 h × 6,50 €
    assert "135.5 h" in page or "135,5 h" in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exported_file_filled_in_comes_back_through_the_same_rules(sheet, client_as, fmt):
    programme, url, abel, bruno = sheet
    client = client_as("SIAE_DIRECTOR_A")
    export = client.get(reverse("participants:hours_export", args=[programme.pk, 2026, 11]), {"format": fmt})
    assert export["Content-Disposition"] == f'attachment; filename="heures-{programme.code}-2026-11.{fmt}"'

    def filled(hours_of_bruno):
        if fmt == "csv":
            lines = export.content.decode("utf-8-sig").splitlines()
            rows = [line.split(";") for line in lines]
            for row in rows[1:]:
                row[2] = {abel: "120,5", bruno: hours_of_bruno}[row[0]]
            return "\n".join(";".join(row) for row in rows).encode()
        book = openpyxl.load_workbook(io.BytesIO(export.content))
        for row in book.active.iter_rows(min_row=2):
            row[2].value = {abel: 120.5, bruno: hours_of_bruno}[row[0].value]
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def upload(content):
        return client.post(reverse("participants:hours_import", args=[programme.pk, 2026, 11]),
                           {"fichier": SimpleUploadedFile(f"heures.{fmt}", content)}, follow=True)

    refused = upload(filled("cent"))
    assert stored_hours() == {}
    assert ("Rien n'a été importé. Ligne 3, colonne « Heures » : Saisissez un nombre (par exemple 151,5)."
            in text(refused))

    done = upload(filled("98"))
    assert stored_hours() == {abel: Decimal("120.5"), bruno: Decimal("98.0")}
    assert "Le fichier est importé : les heures de novembre 2026 sont enregistrées (2 ligne(s))." in text(done)
    again = client.get(reverse("participants:hours_export", args=[programme.pk, 2026, 11]), {"format": fmt})
    assert again.content != export.content  # the export now carries the hours, pay and ETP


def test_the_director_validates_then_a_correction_needs_its_reason_and_is_shown(sheet, client_as, personas):
    programme, url, abel, bruno = sheet
    staff, director = client_as("SIAE_STAFF_A"), client_as("SIAE_DIRECTOR_A")
    staff.post(url, posted(abel, bruno, **{f"hours-{abel}": "100", f"hours-{bruno}": "90"}))
    validate = reverse("participants:hours_validate", args=[programme.pk, 2026, 11])

    assert staff.post(validate).status_code == 403
    done = director.post(validate, follow=True)
    without_reason = staff.post(url, posted(abel, bruno, **{f"hours-{abel}": "110", f"hours-{bruno}": "90"}))
    corrected = staff.post(url, posted(abel, bruno, **{f"hours-{abel}": "110", f"hours-{bruno}": "90",
                                                       "reason": "Samedi 28 oublié"}), follow=True)

    assert "La feuille d'heures de novembre 2026 est validée" in text(done)
    assert "Cette feuille est validée : indiquez le motif de la correction." in text(without_reason)
    page = text(corrected)
    assert "Feuille validée" in page and "Corrections après validation" in page
    assert "motif : « Samedi 28 oublié »" in page and "Heures : 100,0 → 110,0" in page
    assert HoursAmendment.objects.get().by == personas["SIAE_STAFF_A"]


@pytest.mark.parametrize(("persona", "status", "link"), [
    ("SIAE_DIRECTOR_A", 200, "sheet"), ("SIAE_STAFF_A", 200, "sheet"), ("CPIP_A", 200, "file"),
    ("ESTABLISHMENT_STAFF_A", 200, "file"), ("DISP_STAFF_A", 403, None), ("NATIONAL", 403, None),
])
def test_the_list_of_workshops_links_the_sheet_to_who_enters_it_and_its_file_to_the_other_readers(
        sheet, client_as, persona, status, link):
    programme, url, _abel, _bruno = sheet
    export = reverse("participants:hours_export", args=[programme.pk, 2026, 11]) + "?format=xlsx"

    response = client_as(persona).get(reverse("participants:hours_index"))

    assert response.status_code == status
    if link:
        content = response.content.decode()
        assert (f'href="{url}"' in content, f'href="{export}"' in content) == (link == "sheet", link == "file")


def test_a_reader_who_may_not_enter_gets_the_file_not_the_form(sheet, client_as):
    programme, url, abel, _bruno = sheet
    client = client_as("CPIP_A")
    client_as("SIAE_STAFF_A").post(url, posted(abel, _bruno, **{f"hours-{abel}": "42"}))

    form = client.get(url)
    export = client.get(reverse("participants:hours_export", args=[programme.pk, 2026, 11]))

    assert form.status_code == 403
    assert f"{abel};ABEL Camille;42,0;" in export.content.decode("utf-8-sig")


def test_the_sheet_reads_the_same_number_of_queries_for_two_people_or_six(sheet, scope_a, client_as):
    """The sheet's own reads (participants.hours.sheet_for): the pathways with their persons, their pay rates and
    suspensions (two prefetches), the month's hours, its absences, the sheet's row; none per person."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _programme, url, _abel, _bruno = sheet
    client = client_as("SIAE_STAFF_A")
    client.get(url)  # the session and the menu's first reads out of the way

    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    for name in ("Chloé", "Denis", "Emma", "Farid"):
        person(scope_a, name)
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)

    assert "6 personnes en atelier" in text(response)
    assert len(six) == len(two)


def test_the_months_go_back_to_the_workshop_s_first_month_and_no_further(sheet, client_as):
    programme, url, _abel, _bruno = sheet
    programme.start_date = None
    programme.save(update_fields=["start_date"])
    client = client_as("SIAE_STAFF_A")
    october = reverse("participants:hours_sheet", args=[programme.pk, 2026, 10])

    assert f'href="{october}">Mois précédent' in client.get(url).content.decode()  # both came in on 5 October
    assert "Mois précédent" not in client.get(october).content.decode()

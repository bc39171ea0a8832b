"""The month's hours sheet (issue 18 §2), through its service: who is on it, pay and ETP, all or nothing with a French
message per refused cell, the copy of last month, the validation that locks it, the amendment with its reason."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants import hours
from participants.enums import AbsenceReason, EventKind, SessionDecision, Transition
from participants.hours_forms import HoursSheetForm
from participants.models import AccompanimentEvent, HoursAmendment, MonthlyAbsence, Pathway, PathwayLog
from participants.services import event_record, pathway_decide, pathway_exit, pathway_resume, pathway_suspend
from tests.participants.factories import PathwayFactory, enter_workshop, session_of

pytestmark = pytest.mark.django_db

D = datetime.date
OCTOBER, NOVEMBER = D(2026, 10, 1), D(2026, 11, 1)  # the suite's clock: 16 November 2026
SICK = AbsenceReason.SICK_LEAVE.value
SEPTEMBER_7 = D(2026, 9, 7)


def person(scope, last_name, start=SEPTEMBER_7, pay="6.00"):
    pathway = PathwayFactory(programme=scope.programme, session=session_of(scope.programme),
                             participant__last_name=last_name, participant__first_names="Camille")
    pathway = pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    return enter_workshop(pathway, start, hourly_pay=Decimal(pay))


@pytest.fixture
def workshop(scope_a):
    """Three people: Abel and Bruno in from September; Chloé from 20 October; Denis left on 30 September."""
    people = {name: person(scope_a, name) for name in ("Abel", "Bruno")}
    people["Chloé"] = person(scope_a, "Chloé", start=D(2026, 10, 20), pay="6.50")
    people["Denis"] = pathway_exit(pathway=person(scope_a, "Denis"), on=D(2026, 9, 30),
                                   reason="RELEASE_END_OF_SENTENCE", outcome="OTHER", by=None)
    return scope_a.programme, {name: str(pathway.pk) for name, pathway in people.items()}


def cells(sheet) -> dict:
    return {row.pathway.participant.last_name: row.values() for row in sheet.rows}


def test_the_sheet_lists_who_was_in_the_workshop_that_month_with_pay_and_etp(workshop, personas):
    programme, ids = workshop

    sheet = hours.sheet_save(programme=programme, month=OCTOBER, by=personas["SIAE_STAFF_A"], entries={
        ids["Abel"]: {"hours": Decimal("151.5")}, ids["Chloé"]: {"hours": Decimal("40"), SICK: 2}})

    assert [row.pathway.participant.last_name for row in sheet.rows] == ["Abel", "Bruno", "Chloé"]
    abel, bruno, chloe = sheet.rows
    assert (abel.days, chloe.days) == (31, 12)  # Chloé came in on 20 October
    assert (abel.pay, chloe.pay, bruno.pay) == (Decimal("909.00"), Decimal("260.00"), None)
    assert abel.etp == Decimal("1.00") and chloe.etp == Decimal("0.26")  # hours / (1 820 h / 12 = 151,67 h)
    assert (sheet.total_hours, sheet.total_pay, sheet.total_etp) == (Decimal("191.5"), Decimal("1169.00"),
                                                                     Decimal("1.26"))
    assert chloe.absences == {SICK: 2} and sheet.total_days_absent == 2
    # The hours are the timeline's monthly hours, which the dashboards read.
    assert AccompanimentEvent.objects.get(pathway_id=ids["Abel"], kind=EventKind.HOURS_WORKED).on == OCTOBER


@pytest.mark.parametrize(("column", "typed", "message"), [
    ("hours", "cent", "Saisissez un nombre (par exemple 151,5)."),
    ("hours", "12,25", "Les heures se saisissent avec une décimale au plus (par exemple 151,5)."),
    (SICK, "1,5", "Les jours d'absence se saisissent en jours entiers."),
    ("hours", "1e999999", "Les heures (0 à 400) se saisissent pour les heures travaillées du mois."),
    (SICK, "-1e400", "Les jours d'absence d'un mois sont compris entre 0 et 31."),
])
def test_a_cell_that_is_not_a_number_of_its_kind_is_refused_in_french(column, typed, message):
    with pytest.raises(hours.ValidationError) as refused:
        hours.parse_cell(column, typed)

    assert refused.value.messages == [message]


@pytest.mark.parametrize(("abel", "message"), [
    ({"hours": Decimal("450")}, "Les heures (0 à 400) se saisissent pour les heures travaillées du mois."),
    ({SICK: 32}, "Au plus 31 jours : la personne est en atelier 31 jours ce mois-ci."),
    ({SICK: 20, "TRANSFER": 15}, "35 jours d'absence en tout dépassent les 31 jours en atelier ce mois-ci."),
    ({"hours": Decimal("120"), SICK: 20},
     "120 h dépassent les 110 h possibles sur 11 jour(s) de présence (20 jour(s) d'absence) : vérifiez les heures "
     "ou les absences."),
])
def test_one_refused_cell_saves_nothing_and_says_why_beside_it(workshop, personas, abel, message):
    programme, ids = workshop

    with pytest.raises(hours.SheetError) as refused:
        hours.sheet_save(programme=programme, month=OCTOBER, by=personas["SIAE_STAFF_A"], entries={
            ids["Bruno"]: {"hours": Decimal("140")}, ids["Abel"]: abel})

    [(cell, said)] = refused.value.cells.items()
    assert cell[0] == ids["Abel"] and cell[1] in abel and said == message
    assert not AccompanimentEvent.objects.filter(kind=EventKind.HOURS_WORKED).exists()
    assert not MonthlyAbsence.objects.exists()


def test_a_person_not_in_the_workshop_that_month_or_a_month_to_come_is_refused(workshop, personas):
    programme, ids = workshop

    with pytest.raises(hours.SheetError) as not_in:
        hours.sheet_save(programme=programme, month=OCTOBER, by=None, entries={ids["Denis"]: {"hours": Decimal(8)}})
    with pytest.raises(hours.SheetError) as to_come:
        hours.sheet_save(programme=programme, month=D(2026, 12, 1), by=None, entries={})

    assert list(not_in.value.cells.values()) == ["Cette personne n'est pas en atelier dans ce programme ce mois-ci."]
    assert to_come.value.messages == ["Les heures d'un mois à venir ne se saisissent pas encore."]


def test_copy_last_month_proposes_its_cells_for_those_still_there(workshop, personas):
    programme, ids = workshop
    hours.sheet_save(programme=programme, month=OCTOBER, by=None, entries={
        ids["Abel"]: {"hours": Decimal("140"), SICK: 1}, ids["Chloé"]: {"hours": Decimal("50")}})

    proposed = hours.previous_entries(programme, NOVEMBER)

    assert proposed[ids["Abel"]] == {"hours": Decimal("140.0"), "SUSPENSION": None, SICK: 1, "TRANSFER": None,
                                     "COURT_APPEARANCE": None}
    assert proposed[ids["Chloé"]]["hours"] == Decimal("50.0") and proposed[ids["Bruno"]]["hours"] is None
    assert not AccompanimentEvent.objects.filter(on=NOVEMBER).exists()  # proposed, not saved


def test_validation_locks_the_sheet_and_a_correction_is_an_amendment_with_its_reason(workshop, personas):
    programme, ids = workshop
    director = personas["SIAE_DIRECTOR_A"]
    entries = {ids["Abel"]: {"hours": Decimal("140")}, ids["Bruno"]: {"hours": Decimal("120")}}
    with pytest.raises(hours.SheetError) as incomplete:
        hours.sheet_save(programme=programme, month=OCTOBER, by=None, entries=entries)
        hours.sheet_validate(programme=programme, month=OCTOBER, by=director)
    assert incomplete.value.cells == {(ids["Chloé"], "hours"): "Saisissez les heures avant de valider la feuille."}

    hours.sheet_save(programme=programme, month=OCTOBER, by=None, entries={**entries,
                                                                          ids["Chloé"]: {"hours": Decimal(0)}})
    record = hours.sheet_validate(programme=programme, month=OCTOBER, by=director)
    with pytest.raises(hours.SheetError) as locked:
        hours.sheet_save(programme=programme, month=OCTOBER, by=director, entries={ids["Abel"]: {"hours": 150}})
    sheet = hours.sheet_save(programme=programme, month=OCTOBER, by=director,
                             reason="Heures de la fin du mois oubliées",
                             entries={ids["Abel"]: {"hours": Decimal("150")}, ids["Bruno"]: {"hours": Decimal(120)}})

    assert record.validated_by == director and sheet.is_validated
    assert locked.value.messages == ["Cette feuille est validée : indiquez le motif de la correction."]
    [amendment] = sheet.amendments
    assert amendment.reason == "Heures de la fin du mois oubliées"
    assert amendment.changes == [[ids["Abel"], "hours", "140.0", "150"]]  # Bruno's unchanged 120 is not a change
    assert cells(sheet)["Abel"]["hours"] == Decimal("150.0")
    [log] = PathwayLog.objects.filter(transition=Transition.HOURS_AMEND)
    assert (str(log.pathway_id), log.on, log.by) == (ids["Abel"], OCTOBER, director)
    with pytest.raises(hours.SheetError) as twice:
        hours.sheet_validate(programme=programme, month=OCTOBER, by=director)
    assert twice.value.messages == ["Cette feuille est déjà validée."]
    assert HoursAmendment.objects.count() == 1


def test_an_emptied_cell_removes_its_hours_and_absence(workshop):
    programme, ids = workshop
    hours.sheet_save(programme=programme, month=OCTOBER, by=None, entries={ids["Abel"]: {"hours": 10, SICK: 3}})

    sheet = hours.sheet_save(programme=programme, month=OCTOBER, by=None,
                             entries={ids["Abel"]: {"hours": None, SICK: None}})

    assert cells(sheet)["Abel"]["hours"] is None and sheet.total_days_absent == 0
    assert not AccompanimentEvent.objects.filter(kind=EventKind.HOURS_WORKED).exists()
    assert not MonthlyAbsence.objects.exists()


def test_a_recorded_suspension_s_days_are_proposed_in_the_suspension_column(workshop):
    programme, ids = workshop
    bruno = Pathway.objects.get(pk=ids["Bruno"])
    bruno = pathway_suspend(pathway=bruno, start=D(2026, 10, 10), reason="HEALTH", by=None)
    pathway_resume(pathway=bruno, on=D(2026, 10, 20), by=None)  # suspended 10 to 19 October
    hours.sheet_save(programme=programme, month=OCTOBER, by=None, entries={ids["Abel"]: {"hours": Decimal(80)}})

    sheet = hours.sheet_for(programme, OCTOBER)
    form = HoursSheetForm(sheet=sheet)

    assert [row.suspended for row in sheet.rows] == [0, 10, 0]
    assert form[f"SUSPENSION-{ids['Bruno']}"].initial == "10"
    assert form[f"SUSPENSION-{ids['Abel']}"].initial == ""
    assert hours.sheet_for(programme, NOVEMBER).by_key()[ids["Bruno"]].suspended == 0


def test_a_validated_month_s_hours_change_on_its_sheet_only_not_from_the_timeline(workshop, personas, client_as):
    """The timeline's hours form and its delete button are the other ways to the same rows: refused once the month
    is validated, with the way to correct it; the other months stay open."""
    programme, ids = workshop
    hours.sheet_save(programme=programme, month=OCTOBER, by=None, entries={
        ids["Abel"]: {"hours": Decimal(140)}, ids["Bruno"]: {"hours": Decimal(120)}, ids["Chloé"]: {"hours": 0}})
    hours.sheet_validate(programme=programme, month=OCTOBER, by=personas["SIAE_DIRECTOR_A"])
    abel = Pathway.objects.get(pk=ids["Abel"])
    event = AccompanimentEvent.objects.get(pathway=abel, kind=EventKind.HOURS_WORKED, on=OCTOBER)
    message = ("La feuille d'heures de 10/2026 est validée : les heures de ce mois se corrigent sur la feuille du "
               "mois, avec le motif de la correction.")

    with pytest.raises(ValidationError) as recorded:
        event_record(pathway=abel, kind=EventKind.HOURS_WORKED, on=D(2026, 10, 15), hours=Decimal(150), by=None)
    response = client_as("ADMIN").post(reverse("participants:event_delete", args=[event.pk]), follow=True)

    assert recorded.value.message_dict == {"on": [message]}
    assert message in html.unescape(response.content.decode())
    assert AccompanimentEvent.objects.get(pk=event.pk).hours == Decimal(140)
    # September is not validated: its hours are still recorded from the timeline.
    assert event_record(pathway=abel, kind=EventKind.HOURS_WORKED, on=D(2026, 9, 1), hours=Decimal(90),
                        by=None).hours == Decimal(90)

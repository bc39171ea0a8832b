"""The avenant changing a contract's weekly hours or post (issue 17 §3) and the skills acquired: one service
(participants.contract_changes) reached by the pathway page's forms, with the pay revaluation's permissions.

A CEP from 24 March 2025 at 24 h a week, post « Conditionnement » (the programme's activity), with its hours worked
on the timeline; then 30 h a week and the post « Cariste » from 1 September 2025.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import ChangeRecord
from participants import contract_changes, services
from participants.contract_changes import contract_change_record, hours_on, post_on, skills_record
from participants.enums import EventKind, ExitReason, Outcome, SessionDecision, Transition
from participants.models import ContractChange
from tests import clock
from tests.documents.test_kinds_contract_life import JUDICIAL_WORDS
from tests.participants.factories import PathwayFactory, enter_workshop, session_of
from tests.participants.matrix_participants import STEP_EDITORS

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 16)
START, CHANGE = D(2025, 3, 24), D(2025, 9, 1)


@pytest.fixture(autouse=True)
def _today():
    with clock.at(TODAY):
        yield


def contract(scope, last_name="Avenant"):
    scope.programme.activity = "Conditionnement"
    scope.programme.save()
    pathway = PathwayFactory(programme=scope.programme, session=session_of(scope.programme),
                             participant__last_name=last_name, participant__first_names="Camille")
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    pathway = enter_workshop(pathway, START, hours_per_week=Decimal("24"))
    for month, hours in ((D(2025, 8, 1), Decimal("96")), (D(2025, 9, 1), Decimal("120"))):
        services.event_record(pathway=pathway, kind=EventKind.HOURS_WORKED, on=month, hours=hours, by=None)
    return pathway


def page_text(response) -> str:
    import html

    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def errors_of(call) -> str:
    with pytest.raises(ValidationError) as refused:
        call()
    return " ".join(refused.value.messages).replace("\u00a0", " ")


def test_an_avenant_records_the_change_updates_the_pathway_and_keeps_past_hours(scope_a, personas):
    pathway = contract(scope_a)
    hours_before = list(pathway.events.filter(kind=EventKind.HOURS_WORKED).values_list("on", "hours"))
    version = pathway.version
    director = personas["SIAE_DIRECTOR_A"]

    row = contract_change_record(pathway=pathway, valid_from=CHANGE, hours_per_week=Decimal("30"),
                                 post="  Cariste   (chariots) ", reason="Passage à temps plein", by=director)

    pathway.refresh_from_db()
    assert (row.valid_from, row.previous_hours_per_week, row.hours_per_week, row.previous_post, row.post) == (
        CHANGE, Decimal("24"), Decimal("30"), "Conditionnement", "Cariste (chariots)")
    assert (row.recorded_by, row.reason) == (director, "Passage à temps plein")
    assert (pathway.hours_per_week, pathway.post, pathway.version) == (Decimal("30"), "Cariste (chariots)", version + 1)
    assert pathway.log.filter(transition=Transition.EDIT, on=CHANGE, by=director).count() == 1
    change = ChangeRecord.objects.filter(object_type="pathway", object_id=str(pathway.pk)).first()  # the latest
    assert change.changes["hours_per_week"] == ["24,0", "30,0"], change.changes
    # the values in force on any day; the hours worked of past months unchanged
    assert (hours_on(pathway, D(2025, 8, 31)), hours_on(pathway, CHANGE)) == (Decimal("24"), Decimal("30"))
    assert (post_on(pathway, D(2025, 8, 31)), post_on(pathway, TODAY)) == ("Conditionnement", "Cariste (chariots)")
    assert list(pathway.events.filter(kind=EventKind.HOURS_WORKED).values_list("on", "hours")) == hours_before

    # a second avenant changes the hours only: the post stays, the first row is untouched
    second = contract_change_record(pathway=pathway, valid_from=D(2026, 2, 2), hours_per_week=Decimal("35"),
                                    post="Cariste (chariots)", reason="Atelier agrandi", by=director)
    pathway.refresh_from_db()
    assert (second.previous_hours_per_week, second.hours_per_week, second.post) == (Decimal("30"), Decimal("35"), "")
    assert (pathway.hours_per_week, pathway.post) == (Decimal("35"), "Cariste (chariots)")
    assert hours_on(pathway, START) == Decimal("24") and post_on(pathway, D(2026, 3, 1)) == "Cariste (chariots)"


@pytest.mark.parametrize(("fields", "message"), [
    ({"valid_from": D(2025, 3, 1)}, "L'avenant (01/03/2025) ne peut pas précéder le début du contrat (24/03/2025)."),
    ({"valid_from": D(2026, 12, 1)}, "La date d'effet de l'avenant ne peut pas être dans le futur (01/12/2026)."),
    ({"valid_from": D(2025, 10, 1)}, "L'avenant (01/10/2025) ne peut pas suivre la fin du contrat (30/09/2025)."),
    ({"hours_per_week": Decimal("24"), "post": "Conditionnement"},
     "Rien ne change : indiquez une nouvelle durée hebdomadaire, un nouveau poste, ou les deux."),
    ({"hours_per_week": Decimal("40")}, "La durée hebdomadaire est comprise entre 10 et 35 heures (saisi : 40 h)."),
    ({"hours_per_week": Decimal("8")}, "La durée hebdomadaire est comprise entre 10 et 35 heures (saisi : 8 h)."),
    ({"reason": "  "}, "Indiquez le motif de l'avenant."),
    ({"post": "Auxiliaire d'étage en détention"}, "sans mention de la détention ni de la justice (« detention »)."),
    ({"valid_from": None}, "Indiquez la date d'effet de l'avenant."),
])
def test_a_refused_avenant_changes_nothing_and_says_why_in_french(scope_a, fields, message):
    pathway = services.pathway_exit(pathway=contract(scope_a), on=D(2025, 9, 30), reason=ExitReason.RESIGNATION,
                                    outcome=Outcome.OTHER, by=None)
    version = pathway.version
    arguments = {"valid_from": CHANGE, "hours_per_week": Decimal("30"), "post": "", "reason": "Temps plein", **fields}

    assert message in errors_of(lambda: contract_change_record(pathway=pathway, by=None, **arguments))

    pathway.refresh_from_db()
    assert not ContractChange.objects.exists()
    assert (pathway.hours_per_week, pathway.post, pathway.version) == (Decimal("24"), "", version)


def test_an_avenant_follows_the_previous_one_and_needs_a_contract(scope_a):
    pathway = contract(scope_a)
    contract_change_record(pathway=pathway, valid_from=CHANGE, hours_per_week=Decimal("30"), reason="Temps", by=None)

    assert "doit suivre le précédent, en vigueur depuis le 01/09/2025" in errors_of(lambda: contract_change_record(
        pathway=pathway, valid_from=CHANGE, post="Cariste", reason="Poste", by=None))
    candidacy = PathwayFactory(programme=scope_a.programme)
    assert "Ce parcours n'a pas de contrat : un avenant suit l'entrée en atelier." in errors_of(
        lambda: contract_change_record(pathway=candidacy, valid_from=CHANGE, post="Cariste", reason="Poste", by=None))
    assert ContractChange.objects.count() == 1


def test_after_an_avenant_of_hours_the_contract_correction_leaves_the_hours_to_avenants(scope_a):
    pathway = contract(scope_a)
    contract_change_record(pathway=pathway, valid_from=CHANGE, hours_per_week=Decimal("30"), reason="Temps", by=None)
    pathway.refresh_from_db()

    assert "une nouvelle durée s'enregistre par un avenant" in errors_of(lambda: services.pathway_update_contract(
        pathway=pathway, signed_on=START, hours_per_week=Decimal("26"), hourly_pay=pathway.hourly_pay, by=None))
    pathway.refresh_from_db()
    assert pathway.hours_per_week == 30 and hours_on(pathway, START) == 24
    # the rest of the contract can still be corrected
    services.pathway_update_contract(pathway=pathway, signed_on=START + datetime.timedelta(days=1),
                                     hours_per_week=Decimal("30"), hourly_pay=pathway.hourly_pay, by=None)


def test_the_form_records_an_avenant_for_the_editors_of_the_contract_and_404_outside(scope_a, personas, client_as):
    pathway = contract(scope_a, last_name="Formulaire")
    url = reverse("participants:contract_change", args=[pathway.pk])

    # the pathway page offers it, with the current values
    page = page_text(client_as("SIAE_DIRECTOR_A").get(pathway.get_absolute_url()))
    assert "Avenant : durée du travail ou poste" in page
    assert "Actuellement : 24 h par semaine, poste « Conditionnement »" in page
    # a refused input changes nothing and keeps the form
    response = client_as("SIAE_DIRECTOR_A").post(url, {"valid_from": "2025-03-01", "hours_per_week": "30",
                                                       "reason": "Temps plein", "version": pathway.version})
    assert response.status_code == 200
    assert "L'avenant (01/03/2025) ne peut pas précéder le début du contrat (24/03/2025)." in page_text(response)
    assert not ContractChange.objects.exists()

    response = client_as("CPIP_A").post(url, {"valid_from": "2025-09-01", "hours_per_week": "30", "post": "Cariste",
                                              "reason": "Temps plein", "version": pathway.version})

    assert response.status_code == 302 and response.url == pathway.get_absolute_url() + "#avenants"
    [row] = ContractChange.objects.all()
    assert (row.hours_per_week, row.post, row.recorded_by) == (Decimal("30"), "Cariste", personas["CPIP_A"])
    page = page_text(client_as("SIAE_DIRECTOR_A").get(pathway.get_absolute_url()))
    assert "01/09/2025 24 h → 30 h « Conditionnement » → « Cariste » Temps plein" in page
    # who may open the form: the pathway's step editors in the scope; 404 outside it
    for name, status in (("SIAE_DIRECTOR_B", 404), ("CPIP_B", 404), ("DREETS_STAFF_A", 404)):
        assert client_as(name).get(url).status_code == status, name
        assert client_as(name).post(url, {"valid_from": "2025-10-01", "hours_per_week": "20",
                                          "reason": "x"}).status_code == status, name
    assert "SIAE_DIRECTOR" in STEP_EDITORS and "CPIP" in STEP_EDITORS
    assert ContractChange.objects.count() == 1


def test_the_skills_are_recorded_one_a_line_without_a_word_of_the_justice_system(scope_a, client_as):
    pathway = contract(scope_a, last_name="Competences")
    url = reverse("participants:pathway_skills", args=[pathway.pk])

    response = client_as("SIAE_STAFF_A").post(url, {
        "skills_acquired": "- Conduite de chariot élévateur\n\n• Préparation de commandes  \nTravail en équipe",
        "version": pathway.version})

    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.skills_acquired == "Conduite de chariot élévateur\nPréparation de commandes\nTravail en équipe"
    assert "Préparation de commandes" in page_text(client_as("CPIP_A").get(pathway.get_absolute_url()))
    for text, message in (
        ("Magasinier à la prison de Meaux", "n'y mentionnez ni la détention ni la justice (« prison »)"),
        ("Tri en Détention", "(« detention »)"),
        ("\n".join(f"Compétence {n}" for n in range(11)), "Au plus 10 compétences, une par ligne (saisies : 11)."),
        ("x" * 151, "Une compétence tient en 150 caractères au plus"),
    ):
        response = client_as("SIAE_STAFF_A").post(url, {"skills_acquired": text, "version": pathway.version})
        assert response.status_code == 200 and message in page_text(response), text
    pathway.refresh_from_db()
    assert pathway.skills_acquired.startswith("Conduite de chariot")
    assert client_as("SIAE_STAFF_B").get(url).status_code == 404
    # the words refused are those the attestation's own test looks for
    assert set(JUDICIAL_WORDS) - set(contract_changes.JUDICIAL_WORDS) <= {
        "etablissement", "liberation", "operateur", "chauconin", "cp de", "58213"}
    with pytest.raises(ValidationError):
        skills_record(pathway=PathwayFactory(programme=scope_a.programme), skills="Tri", by=None)

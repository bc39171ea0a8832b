"""Pathway pages: the pathway, each step's form, the timeline and the follow-ups, and the list of pathways."""

import datetime
import html
import json
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from audit import history
from audit.context import user_label
from core.formatting import format_euros
from participants import selectors, services
from participants.enums import (
    DEFAULT_OUTCOME,
    EventKind,
    ExitReason,
    Outcome,
    PathwayStatus,
    Transition,
)
from participants.models import AccompanimentEvent, FollowUp, Pathway
from programmes import rates
from tests.accounts.factories import UserFactory
from tests.accounts.pages import page_text
from tests.participants.factories import (
    STEP_DAYS,
    PathwayFactory,
    candidacy,
    counsellor,
    pathway_at,
    released_pathway,
    session_of,
)
from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def step_url(pathway, step: str) -> str:
    return reverse("participants:pathway_step", args=[pathway.pk, step])


def today() -> datetime.date:
    return timezone.localdate()


def snapshot(pathway) -> tuple:
    """What a refused step must leave as it was."""
    pathway = Pathway.objects.get(pk=pathway.pk)
    return pathway.status, pathway.version, pathway.log.count(), pathway.updated_at


def error_beside(text: str, field: str, message: str) -> bool:
    """The message is rendered in the error block of the field (DSFR: id="id_<field>-desc-error")."""
    block = re.search(rf'id="id_{field}-desc-error"[^>]*>(.*?)</div>', text, re.S)
    return bool(block) and message in block.group(1)


# --- The pathway's page -------------------------------------------------------------------------------


def test_pathway_page_shows_its_status_steps_and_a_link_to_the_person(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.ASSIGNED, programme=scope_a.programme, participant__last_name="Diallo")

    text = page_text(client_as("ESTABLISHMENT_STAFF_A").get(pathway.get_absolute_url()))

    assert "Parcours de DIALLO Camille" in text
    assert "Affecté·e" in text and "Étape 4 sur 6" in text
    assert "Commission du 03/03/2025" in text and "17/03/2025" in text
    assert pathway.participant.get_absolute_url() in text
    assert step_url(pathway, "entree") in text


# --- Each step: happy path ----------------------------------------------------------------------------

STEPS = [
    # (status before, step, persona, form data, status after, transition logged)
    (PathwayStatus.CANDIDATE, "decision", "SIAE_DIRECTOR_A", {"decision": "SELECTED"},
     PathwayStatus.SELECTED, Transition.DECIDE),
    (PathwayStatus.CANDIDATE, "decision", "CPIP_A", {"decision": "NOT_SELECTED",
                                                    "decision_reason": "Projet à consolider"},
     PathwayStatus.NOT_SELECTED, Transition.DECIDE),
    (PathwayStatus.SELECTED, "classement", "ESTABLISHMENT_STAFF_A",
     {"cpu_opinion": "FAVOURABLE", "classification_decision": "GRANTED", "classified_on": "2025-03-10"},
     PathwayStatus.CLASSIFIED, Transition.CLASSIFY),
    (PathwayStatus.SELECTED, "classement", "ESTABLISHMENT_STAFF_A",
     {"cpu_opinion": "UNFAVOURABLE", "classification_decision": "REFUSED", "classified_on": "2025-03-10",
      "classification_refusal_reason": "Comportement en détention"},
     PathwayStatus.NOT_CLASSIFIED, Transition.CLASSIFY),
    (PathwayStatus.CLASSIFIED, "affectation", "ESTABLISHMENT_STAFF_A", {"assigned_on": "2025-03-17"},
     PathwayStatus.ASSIGNED, Transition.ASSIGN),
    (PathwayStatus.ASSIGNED, "entree", "SIAE_STAFF_A",
     {"contract_start": "2025-03-24", "contract_signed_on": "2025-03-24", "hours_per_week": "24",
      "hourly_pay": "6,50"}, PathwayStatus.IN_WORKSHOP, Transition.START),
    (PathwayStatus.IN_WORKSHOP, "contrat", "SIAE_STAFF_A",
     {"contract_signed_on": "2025-03-25", "hours_per_week": "30,5", "hourly_pay": "6,80"},
     PathwayStatus.IN_WORKSHOP, Transition.EDIT),
    (PathwayStatus.IN_WORKSHOP, "suspension", "SIAE_DIRECTOR_A", {"start": "2025-04-14", "reason": "SUPPLY"},
     PathwayStatus.SUSPENDED, Transition.SUSPEND),
    (PathwayStatus.SUSPENDED, "reprise", "SIAE_DIRECTOR_A", {"on": "2025-04-28"},
     PathwayStatus.IN_WORKSHOP, Transition.RESUME),
    (PathwayStatus.IN_WORKSHOP, "sortie", "CPIP_A",
     {"exit_on": "2025-05-02", "exit_reason": "RESIGNATION", "outcome": "OTHER"},
     PathwayStatus.EXITED, Transition.EXIT),
    (PathwayStatus.CANDIDATE, "desistement", "SPIP_MANAGER_A", {"withdrawn_on": "2025-03-05", "reason": "Transfert"},
     PathwayStatus.WITHDRAWN, Transition.WITHDRAW),
]


@pytest.mark.parametrize(("before", "step", "persona", "data", "after", "transition"), STEPS,
                         ids=[f"{row[1]}-{row[4]}" for row in STEPS])
def test_each_step_moves_the_pathway_and_logs_who_did_it(client_as, personas, scope_a, before, step, persona, data,
                                                         after, transition):
    pathway = pathway_at(before, programme=scope_a.programme)
    client = client_as(persona)

    form_page = client.get(step_url(pathway, step))
    response = client.post(step_url(pathway, step), {**data, "version": pathway.version})

    assert form_page.status_code == 200 and form_page.context["form"] is not None
    assert response.status_code == 302 and response.url == pathway.get_absolute_url()
    saved = Pathway.objects.get(pk=pathway.pk)
    assert saved.status == after
    assert saved.version == pathway.version + 1
    log = saved.log.order_by("-at", "-pk").first()
    assert log.transition == transition and log.by == personas[persona]
    assert "Statut du parcours" in page_text(client.get(response.url))


def test_contract_step_stores_french_decimals(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)

    client_as("SIAE_STAFF_A").post(step_url(pathway, "contrat"), {
        "contract_signed_on": "2025-03-25", "hours_per_week": "30,5", "hourly_pay": "6,80",
        "version": pathway.version})

    saved = Pathway.objects.get(pk=pathway.pk)
    assert str(saved.hours_per_week) == "30.5" and str(saved.hourly_pay) == "6.80"


def test_decision_on_a_candidacy_without_session_asks_for_the_session(client_as, scope_a):
    pathway = PathwayFactory(programme=scope_a.programme, session=None)
    session = session_of(scope_a.programme)
    client = client_as("CPIP_A")

    empty = client.post(step_url(pathway, "decision"), {"decision": "SELECTED", "version": pathway.version})
    response = client.post(step_url(pathway, "decision"),
                           {"decision": "SELECTED", "session": session.pk, "version": pathway.version})

    assert error_beside(page_text(empty), "session", "Ce champ est obligatoire.")
    saved = Pathway.objects.get(pk=pathway.pk)
    assert response.status_code == 302
    assert saved.status == PathwayStatus.SELECTED and saved.session == session


def test_decision_page_says_when_the_programme_has_no_session_yet(client_as, scope_a):
    pathway = PathwayFactory(programme=scope_a.programme, session=None)

    text = page_text(client_as("CPIP_A").get(step_url(pathway, "decision")))

    assert "Aucune session de recrutement pour ce programme" in text
    assert reverse("participants:session_create") in text


def test_entry_page_shows_the_pay_floor_of_the_smic_in_force(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.ASSIGNED, programme=scope_a.programme)
    rate = rates.smic_rate_on(today())

    text = page_text(client_as("SIAE_STAFF_A").get(step_url(pathway, "entree")))

    floor = format_euros(rates.pay_floor(rate.hourly_amount))
    assert f"Plancher de rémunération : {floor} de l'heure" in text
    assert f"en vigueur depuis le {rate.valid_from:%d/%m/%Y}" in text
    assert "data-pay-floors=" in text  # the page's script updates it for the start date typed


# --- Each step: refused input -------------------------------------------------------------------------

INVALID = [
    (PathwayStatus.CANDIDATE, "decision", {"decision": "NOT_SELECTED"}, "decision_reason",
     "Indiquez le motif de la non-sélection."),
    (PathwayStatus.SELECTED, "classement", {"cpu_opinion": "FAVOURABLE", "classification_decision": "GRANTED",
                                            "classified_on": "2025-02-01"},
     "classified_on", "ne peut pas précéder la commission de sélection (03/03/2025)"),
    (PathwayStatus.SELECTED, "classement", {"cpu_opinion": "UNFAVOURABLE", "classification_decision": "REFUSED",
                                            "classified_on": "2025-03-10"},
     "classification_refusal_reason", "Indiquez le motif du refus de classement."),
    (PathwayStatus.ASSIGNED, "entree", {"contract_start": "2025-03-24", "hours_per_week": "40"},
     "hours_per_week", "La durée hebdomadaire est comprise entre 10 et 35 heures"),
    (PathwayStatus.ASSIGNED, "entree", {"contract_start": "2025-03-24", "hourly_pay": "1,00"},
     "hourly_pay", "La rémunération horaire doit atteindre 45 % du SMIC"),
    (PathwayStatus.ASSIGNED, "entree", {"contract_start": "2025-03-24", "hourly_pay": "six euros"},
     "hourly_pay", "Saisissez un nombre."),
    (PathwayStatus.IN_WORKSHOP, "suspension", {"start": "FUTURE", "reason": "ECONOMIC"},
     "start", "La suspension ne peut pas être dans le futur"),
    (PathwayStatus.IN_WORKSHOP, "sortie", {"exit_on": "2025-03-01", "exit_reason": "RESIGNATION", "outcome": "OTHER"},
     "exit_on", "La sortie (01/03/2025) ne peut pas précéder l'entrée en atelier (24/03/2025)."),
    (PathwayStatus.IN_WORKSHOP, "sortie", {"exit_on": "2025-05-02", "exit_reason": "RELEASE_ADJUSTMENT",
                                           "outcome": "OTHER"},
     "adjustment", "Indiquez l'aménagement de peine obtenu."),
    (PathwayStatus.IN_WORKSHOP, "sortie", {"exit_on": "2025-05-02", "exit_reason": "RELEASE_END_OF_SENTENCE",
                                           "outcome": "DURABLE", "job_contract": "CDD", "job_months": "4"},
     "outcome", "Un CDD de 4 mois est un emploi de transition"),
    (PathwayStatus.IN_WORKSHOP, "sortie", {"exit_on": "2025-05-02", "exit_reason": "RESIGNATION",
                                           "outcome": "DURABLE"},
     "job_contract", "Indiquez le type de contrat de l'emploi."),
    (PathwayStatus.IN_WORKSHOP, "sortie", {"exit_on": "2025-05-02"}, "exit_reason", "Ce champ est obligatoire."),
]


@pytest.mark.parametrize(("before", "step", "data", "field", "message"), INVALID,
                         ids=[f"{row[1]}-{row[3]}" for row in INVALID])
def test_invalid_input_shows_the_french_message_beside_the_field_and_changes_nothing(client_as, scope_a, before,
                                                                                     step, data, field, message):
    pathway = pathway_at(before, programme=scope_a.programme)
    if data.get("start") == "FUTURE":
        data = {**data, "start": (today() + datetime.timedelta(days=10)).isoformat()}
    before_snapshot = snapshot(pathway)

    response = client_as("CPIP_A").post(step_url(pathway, step), {**data, "version": pathway.version})

    assert response.status_code == 200
    assert error_beside(page_text(response), field, message)
    assert snapshot(pathway) == before_snapshot


@pytest.mark.parametrize(
    ("status", "step", "message"),
    [
        (PathwayStatus.CANDIDATE, "sortie",
         "Le parcours est « Candidat·e » : l'étape « Sortie du programme » n'est possible que depuis"),
        (PathwayStatus.EXITED, "suspension", "Le parcours est « Sorti·e » : l'étape « Suspension »"),
        (PathwayStatus.IN_WORKSHOP, "decision", "l'étape « Décision de la commission de sélection »"),
        (PathwayStatus.SELECTED, "contrat", "Ce parcours n'a pas encore de contrat"),
        # Issue 15: classification, then assignment, then the contract; each refusal says what to record first.
        (PathwayStatus.SELECTED, "affectation",
         "Le parcours est « Retenu·e » : l'étape « Affectation » n'est possible que depuis « Classé·e au travail ». "
         "Rien n'a été enregistré : enregistrez d'abord le classement au travail, décidé après l'avis de la CPU."),
        (PathwayStatus.SELECTED, "entree",
         "l'étape « Début du contrat » n'est possible que depuis « Affecté·e ». Rien n'a été enregistré : "
         "enregistrez d'abord l'affectation"),
        (PathwayStatus.CLASSIFIED, "entree", "Rien n'a été enregistré : enregistrez d'abord l'affectation"),
        (PathwayStatus.NOT_CLASSIFIED, "affectation",
         "Le parcours est « Classement refusé » : l'étape « Affectation »"),
        (PathwayStatus.NOT_CLASSIFIED, "entree",
         "Le parcours est « Classement refusé » : l'étape « Début du contrat »"),
        (PathwayStatus.IN_WORKSHOP, "transformation-cep",
         "Seul un acte d'engagement en cours (parcours en atelier ou suspendu) se transforme"),
    ],
)
def test_a_step_not_allowed_from_the_status_says_why_without_a_form_and_a_post_changes_nothing(
        client_as, scope_a, status, step, message):
    pathway = pathway_at(status, programme=scope_a.programme)
    client = client_as("CPIP_A")
    before_snapshot = snapshot(pathway)

    page = client.get(step_url(pathway, step))
    post = client.post(step_url(pathway, step), {"exit_on": "2025-05-02", "exit_reason": "RESIGNATION",
                                                  "start": "2025-04-14", "reason": "ECONOMIC",
                                                  "decision": "SELECTED", "version": pathway.version})

    assert page.status_code == 200
    assert message in page_text(page)
    assert page.context["form"] is None and 'name="version"' not in page_text(page)
    assert post.status_code == 409 and message in page_text(post)
    assert snapshot(pathway) == before_snapshot


def test_an_unknown_step_is_a_404(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)

    assert client_as("CPIP_A").get(step_url(pathway, "liberation")).status_code == 404


def test_second_editor_of_a_pathway_gets_the_conflict_message_with_their_input_kept(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)
    siae, cpip = client_as("SIAE_STAFF_A"), client_as("CPIP_A")
    siae_version = re.search(r'name="version" value="(\d+)"',
                             page_text(siae.get(step_url(pathway, "suspension")))).group(1)
    cpip_version = re.search(r'name="version" value="(\d+)"',
                             page_text(cpip.get(step_url(pathway, "sortie")))).group(1)
    exit_data = {"exit_on": "2025-05-02", "exit_reason": "RESIGNATION", "outcome": "OTHER",
                 "exit_note": "Souhaite se consacrer à sa formation"}

    siae.post(step_url(pathway, "suspension"), {"start": "2025-04-14", "reason": "SUPPLY", "version": siae_version})
    response = cpip.post(step_url(pathway, "sortie"), {**exit_data, "version": cpip_version})

    text = page_text(response)
    saved = Pathway.objects.get(pk=pathway.pk)
    assert response.status_code == 200
    assert "Ce parcours a été modifié par quelqu'un d'autre" in text and "Rien n'a été enregistré" in text
    assert "Le parcours est maintenant « Suspendu·e »" in text and "SIAE_STAFF_A Testeur" in text
    assert 'value="Souhaite se consacrer à sa formation"' in text  # the input is kept
    assert saved.status == PathwayStatus.SUSPENDED and saved.exit_on is None  # nothing overwritten
    assert f'name="version" value="{saved.version}"' in text

    again = cpip.post(step_url(pathway, "sortie"), {**exit_data, "version": saved.version})

    assert again.status_code == 302
    assert Pathway.objects.get(pk=pathway.pk).status == PathwayStatus.EXITED


# --- The exit: default outcome ------------------------------------------------------------------------


def test_exit_form_carries_the_default_outcomes_for_its_script_and_says_they_can_be_changed(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)

    response = client_as("CPIP_A").get(step_url(pathway, "sortie"))

    text = page_text(response)
    mapping = json.loads(html.unescape(
        re.search(r'data-default-outcomes="([^"]*)"', response.content.decode()).group(1)))
    assert mapping == {str(reason): str(outcome) for reason, outcome in DEFAULT_OUTCOME.items()}
    assert "retour en détention ordinaire : autre sortie" in text
    assert "vous pouvez la changer" in text
    assert "<script>" not in text and "participant-forms.js" in text  # no inline script


@pytest.mark.parametrize(
    ("reason", "extra", "expected"),
    [
        (ExitReason.TRANSFER, {}, Outcome.NEUTRALISED),
        (ExitReason.HEALTH, {}, Outcome.NEUTRALISED),
        (ExitReason.RETURN_ORDINARY_DETENTION, {"return_reason": "OWN_REQUEST"}, Outcome.OTHER),
    ],
)
def test_exit_without_outcome_takes_the_reasons_default(client_as, scope_a, reason, extra, expected):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)

    response = client_as("CPIP_A").post(step_url(pathway, "sortie"), {
        "exit_on": "2025-05-02", "exit_reason": reason, "outcome": "", **extra, "version": pathway.version})

    assert response.status_code == 302
    assert Pathway.objects.get(pk=pathway.pk).outcome == expected


def test_exit_keeps_the_outcome_the_user_chose_over_the_default(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)

    client_as("CPIP_A").post(step_url(pathway, "sortie"), {
        "exit_on": "2025-05-02", "exit_reason": ExitReason.TRANSFER, "outcome": Outcome.OTHER,
        "version": pathway.version})

    assert Pathway.objects.get(pk=pathway.pk).outcome == Outcome.OTHER


def test_exit_without_outcome_nor_default_asks_for_it(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)

    response = client_as("CPIP_A").post(step_url(pathway, "sortie"), {
        "exit_on": "2025-05-02", "exit_reason": ExitReason.RESIGNATION, "outcome": "", "version": pathway.version})

    assert error_beside(page_text(response), "outcome", "Indiquez la situation à la sortie.")
    assert Pathway.objects.get(pk=pathway.pk).status == PathwayStatus.IN_WORKSHOP


def test_release_with_a_job_records_its_contract(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)

    client_as("CPIP_A").post(step_url(pathway, "sortie"), {
        "exit_on": "2025-05-02", "exit_reason": ExitReason.RELEASE_ADJUSTMENT, "adjustment": "LC",
        "outcome": Outcome.DURABLE, "job_contract": "CDD", "job_months": "9", "version": pathway.version})

    saved = Pathway.objects.get(pk=pathway.pk)
    assert (saved.status, saved.adjustment, saved.job_contract, saved.job_months) == (
        PathwayStatus.EXITED, "LC", "CDD", 9)
    assert saved.participant.stay_ended_on == datetime.date(2025, 5, 2)


# --- Timeline -----------------------------------------------------------------------------------------


def event_url(pathway) -> str:
    return reverse("participants:event_create", args=[pathway.pk])


def test_an_event_is_added_to_the_timeline_with_who_recorded_it(client_as, personas, scope_a):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)
    client = client_as("SIAE_STAFF_A")

    response = client.post(event_url(pathway), {"kind": EventKind.CIP_INTERVIEW, "on": "2025-04-02",
                                                "detail": "Point sur le projet professionnel"})

    event = pathway.events.get()
    assert response.status_code == 302 and response.url == pathway.get_absolute_url()
    assert event.recorded_by == personas["SIAE_STAFF_A"]
    text = page_text(client.get(response.url))
    assert "Action ajoutée à la chronologie : Entretien avec le ou la CIP du 02/04/2025." in text
    assert "Point sur le projet professionnel" in text and "Saisi par SIAE_STAFF_A Testeur" in text


def test_hours_worked_are_dated_on_the_first_of_their_month(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)

    client_as("SIAE_STAFF_A").post(event_url(pathway), {"kind": EventKind.HOURS_WORKED, "on": "2025-04-17",
                                                        "hours": "72,5"})

    event = pathway.events.get()
    assert event.on == datetime.date(2025, 4, 1) and str(event.hours) == "72.5"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": EventKind.CIP_INTERVIEW, "on": "2025-04-02", "hours": "10"}, "hours",
         "Les heures se saisissent avec le type « Heures travaillées du mois »."),
        ({"kind": EventKind.ADJUSTMENT_DECISION, "on": "2025-04-02"}, "adjustment_decision",
         "Indiquez la décision du juge de l'application des peines."),
        ({"kind": EventKind.TRAINING, "on": "2025-04-02", "end_on": "2025-03-30"}, "end_on",
         "La fin ne peut pas précéder le début."),
        ({"kind": EventKind.HOURS_WORKED, "on": "2025-02-10", "hours": "20"}, "on",
         "Ce mois est hors de la période en atelier."),
    ],
)
def test_an_invalid_event_is_refused_beside_its_field(client_as, scope_a, data, field, message):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)

    response = client_as("CPIP_A").post(event_url(pathway), data)

    assert response.status_code == 200
    assert error_beside(page_text(response), field, message)
    assert not pathway.events.exists()


def test_a_months_hours_entered_twice_are_refused_beside_the_date(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)
    client = client_as("SIAE_STAFF_A")
    client.post(event_url(pathway), {"kind": EventKind.HOURS_WORKED, "on": "2025-04-01", "hours": "70"})

    response = client.post(event_url(pathway), {"kind": EventKind.HOURS_WORKED, "on": "2025-04-20", "hours": "80"})

    assert error_beside(page_text(response), "on", "Les heures de ce mois sont déjà saisies")
    assert pathway.events.get().hours == 70


def test_deleting_an_event_removes_it_returns_to_the_pathway_and_says_so_in_its_history(client_as, scope_a,
                                                                                        personas):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)
    colleague = UserFactory(role=Role.CPIP, organisation=personas["CPIP_A"].organisation, first_name="Lina",
                            last_name="Morel")
    event = services.event_record(pathway=pathway, kind=EventKind.PRE_RELEASE, on=datetime.date(2025, 4, 2),
                                  by=colleague)
    client = client_as("CPIP_A")  # the same SPIP as the author

    page = page_text(client.get(pathway.get_absolute_url()))
    response = client.post(reverse("participants:event_delete", args=[event.pk]))

    assert reverse("participants:event_delete", args=[event.pk]) in page and "data-confirm=" in page
    assert response.status_code == 302 and response.url == pathway.get_absolute_url() + "#chronologie"
    assert not AccompanimentEvent.objects.filter(pk=event.pk).exists()
    row = history.rows_for(pathway, personas["CPIP_A"])[0]
    assert row.author == user_label(personas["CPIP_A"]) and row.lines == [
        ("Action d'accompagnement supprimée", f"Action de préparation à la sortie du 02/04/2025, saisie par "
                                               f"{event.recorded_by_label}", None)]


def test_an_siae_director_neither_sees_nor_may_delete_what_the_spip_recorded(client_as, scope_a):
    """The issue's case: « Supprimer » was offered to the SIAE director on a CPIP's action, and the removal passed."""
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)
    event = services.event_record(pathway=pathway, kind=EventKind.PRE_RELEASE, on=datetime.date(2025, 4, 2),
                                  by=counsellor(establishment=scope_a.establishment))
    client = client_as("SIAE_DIRECTOR_A")

    page = page_text(client.get(pathway.get_absolute_url()))
    response = client.post(reverse("participants:event_delete", args=[event.pk]))

    assert reverse("participants:event_delete", args=[event.pk]) not in page
    assert response.status_code == 403
    assert AccompanimentEvent.objects.filter(pk=event.pk).exists()


def test_establishment_staff_may_not_delete_an_event(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)
    event = AccompanimentEvent.objects.create(pathway=pathway, kind=EventKind.PRE_RELEASE,
                                              on=datetime.date(2025, 4, 2), recorded_by_label="Test")

    response = client_as("ESTABLISHMENT_STAFF_A").post(reverse("participants:event_delete", args=[event.pk]))

    assert response.status_code == 403
    assert AccompanimentEvent.objects.filter(pk=event.pk).exists()


# --- Follow-ups after release -------------------------------------------------------------------------


def follow_up_url(pathway, milestone=3) -> str:
    return reverse("participants:follow_up", args=[pathway.pk, milestone])


@pytest.fixture
def released(scope_a):
    return released_pathway(scope_a.programme, exit_on=today() - relativedelta(months=7))


def test_follow_up_is_recorded_with_who_and_shown_on_the_pathway(client_as, personas, released):
    client = client_as("SIAE_DIRECTOR_A")
    contacted = released.exit_on + relativedelta(months=3)

    page = page_text(client.get(follow_up_url(released)))
    response = client.post(follow_up_url(released), {
        "reached": "oui", "contacted_on": contacted.isoformat(), "situation": Outcome.POSITIVE,
        "continued_in_siae": "on", "note": "CDDI chez Emmaüs"})

    follow_up = released.follow_ups.get()
    due = released.exit_on + relativedelta(months=3)
    assert f"{due:%d/%m/%Y}</span>, 3 mois après la libération du {released.exit_on:%d/%m/%Y}" in page
    assert response.status_code == 302
    assert (follow_up.milestone, follow_up.reached, follow_up.situation, follow_up.continued_in_siae) == (
        3, True, Outcome.POSITIVE, True)
    assert follow_up.recorded_by == personas["SIAE_DIRECTOR_A"]
    text = page_text(client.get(response.url))
    assert "poursuite en SIAE (CDDI)" in text and "CDDI chez Emmaüs" in text


def test_recorded_follow_up_opens_filled_in_and_is_corrected_in_place(client_as, released):
    client = client_as("CPIP_A")
    contacted = (released.exit_on + relativedelta(months=6)).isoformat()
    client.post(follow_up_url(released, 6), {"reached": "non", "contacted_on": contacted})

    page = client.get(follow_up_url(released, 6))
    client.post(follow_up_url(released, 6), {"reached": "oui", "contacted_on": contacted,
                                             "situation": Outcome.DURABLE})

    assert page.context["form"].initial["reached"] == "non" and "vous le corrigez" in page_text(page)
    assert FollowUp.objects.filter(pathway=released).count() == 1
    assert released.follow_ups.get().situation == Outcome.DURABLE


def test_follow_up_with_a_situation_for_a_person_not_reached_is_refused(client_as, released):
    response = client_as("CPIP_A").post(follow_up_url(released), {
        "reached": "non", "contacted_on": (released.exit_on + relativedelta(months=3)).isoformat(),
        "situation": Outcome.DURABLE})

    assert error_beside(page_text(response), "situation",
                        "La situation ne se saisit que si la personne a été jointe.")
    assert not released.follow_ups.exists()


def test_follow_up_contact_before_the_release_is_refused(client_as, released):
    response = client_as("CPIP_A").post(follow_up_url(released), {
        "reached": "non", "contacted_on": (released.exit_on - datetime.timedelta(days=1)).isoformat()})

    assert error_beside(page_text(response), "contacted_on", "ne peut pas précéder la libération")
    assert not released.follow_ups.exists()


@pytest.mark.parametrize("milestone", [1, 4, 24])
def test_follow_up_exists_only_at_3_6_and_12_months(client_as, released, milestone):
    assert client_as("CPIP_A").get(follow_up_url(released, milestone)).status_code == 404


def test_no_follow_up_after_an_exit_that_is_not_a_release(client_as, scope_a):
    pathway = released_pathway(scope_a.programme, exit_on=STEP_DAYS["exit"], reason=ExitReason.RESIGNATION)
    client = client_as("CPIP_A")

    page = client.get(follow_up_url(pathway))
    post = client.post(follow_up_url(pathway), {"reached": "non", "contacted_on": "2025-08-02"})

    assert "terminé par une libération" in page_text(page) and page.context["form"] is None
    assert post.status_code == 409
    assert not pathway.follow_ups.exists()


# --- List of pathways ---------------------------------------------------------------------------------

PATHWAYS = reverse("participants:pathway_list")


def listed(response) -> list[str]:
    return [pathway.participant.last_name for pathway in response.context["object_list"]]


@pytest.fixture
def four_pathways(scope_a):
    other = ProgrammeFactory(code="ALPHA-2", establishment=scope_a.establishment, siae=scope_a.siae)
    candidacy(scope_a.programme, participant__last_name="Andre")
    released_pathway(scope_a.programme, exit_on=STEP_DAYS["exit"], reason=ExitReason.TRANSFER,
                     outcome=Outcome.NEUTRALISED, participant__last_name="Blanc")
    released_pathway(scope_a.programme, exit_on=STEP_DAYS["exit"], outcome=Outcome.TRANSITION,
                     job_contract="INTERIM", job_months=3, participant__last_name="Colin")
    candidacy(other, participant__last_name="Dubois")
    return other


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["Andre", "Blanc", "Colin", "Dubois"]),
        ({"programme": "ALPHA-2"}, ["Dubois"]),
        ({"status": PathwayStatus.EXITED}, ["Blanc", "Colin"]),
        ({"exit_reason": ExitReason.TRANSFER}, ["Blanc"]),
        ({"outcome": Outcome.TRANSITION}, ["Colin"]),
        ({"q": "dub"}, ["Dubois"]),
    ],
)
def test_pathway_list_filters(client_as, four_pathways, filters, expected):
    if filters.get("programme") == "ALPHA-2":
        filters = {"programme": four_pathways.pk}

    client = client_as("SIAE_STAFF_A")
    # the search is POSTed (the name stays out of the URL), the other filters are in the query string
    response = client.post(PATHWAYS, filters, follow=True) if "q" in filters else client.get(PATHWAYS, filters)

    assert listed(response) == expected


def test_pathway_list_shows_only_the_viewers_programmes(client_as, scope_a, scope_b):
    candidacy(scope_a.programme, participant__last_name="Andre")
    candidacy(scope_b.programme, participant__last_name="Bravard")

    assert listed(client_as("SIAE_STAFF_A").get(PATHWAYS)) == ["Andre"]
    assert client_as("DISP_STAFF_A").get(PATHWAYS).status_code == 403


def test_pathway_list_pages_and_empty_state(client_as, scope_a):
    assert "Aucun parcours pour l'instant" in page_text(client_as("CPIP_A").get(PATHWAYS))
    for number in range(1, 23):
        candidacy(scope_a.programme, participant__last_name=f"Personne{number:02d}")

    second = client_as("CPIP_A").get(PATHWAYS, {"page": 2})

    assert listed(second) == ["Personne21", "Personne22"]


# --- The one way in: participants.selectors ----------------------------------------------------------


def test_get_pathway_for_is_a_404_outside_the_scope_and_says_who_moves_it_on(personas, scope_a):
    pathway = candidacy(scope_a.programme)

    found, can_edit = selectors.get_pathway_for(personas["ESTABLISHMENT_STAFF_A"], pathway.pk)

    assert found == pathway and can_edit
    for outsider in ("SIAE_STAFF_B", "DREETS_STAFF_A"):  # another scope; a role that reads no names
        with pytest.raises(Http404):
            selectors.get_pathway_for(personas[outsider], pathway.pk)


def test_get_accompaniment_event_for_says_only_the_author_s_organisation_may_remove(personas, scope_a):
    event = services.event_record(pathway=candidacy(scope_a.programme), kind=EventKind.CIP_INTERVIEW,
                                  on=datetime.date(2025, 3, 3), by=personas["CPIP_A"])
    own = services.event_record(pathway=event.pathway, kind=EventKind.CIP_INTERVIEW, on=datetime.date(2025, 3, 4),
                                by=personas["SIAE_STAFF_A"])

    assert selectors.get_accompaniment_event_for(personas["SPIP_MANAGER_A"], event.pk) == (event, True)
    assert selectors.get_accompaniment_event_for(personas["SIAE_STAFF_A"], event.pk) == (event, False)
    assert selectors.get_accompaniment_event_for(personas["SIAE_DIRECTOR_A"], own.pk) == (own, True)
    assert selectors.get_accompaniment_event_for(personas["ESTABLISHMENT_STAFF_A"], event.pk) == (event, False)
    with pytest.raises(Http404):
        selectors.get_accompaniment_event_for(personas["SIAE_STAFF_B"], event.pk)


def test_get_follow_up_for_gives_the_record_of_the_milestone_and_404_for_another_milestone(personas, released):
    cpip = personas["CPIP_A"]
    assert selectors.get_follow_up_for(cpip, released.pk, 3) == (released, None, True)
    record = services.follow_up_record(pathway=released, milestone=6, reached=False,
                                       contacted_on=released.exit_on + relativedelta(months=6), by=cpip)

    assert selectors.get_follow_up_for(cpip, released.pk, 6) == (released, record, True)
    assert selectors.get_follow_up_for(personas["ESTABLISHMENT_STAFF_A"], released.pk, 6) == (released, record, False)
    with pytest.raises(Http404):
        selectors.get_follow_up_for(cpip, released.pk, 4)


# --- Queries ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("items", [1, 4])
def test_pathway_page_reads_the_pathway_once_and_each_kind_of_its_rows_in_one_query(client_as, scope_a, items,
                                                                                     django_assert_num_queries):
    from documents.enums import DocumentKind, SubjectType
    from documents.models import GeneratedDocument
    from tests.programmes.test_list_queries import PAGE_FRAME

    user = counsellor(establishment=scope_a.establishment)
    released = timezone.localdate() - relativedelta(months=7)
    pathway = released_pathway(scope_a.programme, exit_on=released, by=user)
    for number in range(items):
        services.event_record(pathway=pathway, kind=EventKind.PMSMP, on=STEP_DAYS["exit"],
                              detail=f"Immersion {number}", by=user)
        GeneratedDocument.objects.create(kind=DocumentKind.ACCOMPANIMENT_CHARTER, subject_type=SubjectType.PATHWAY,
                                         pathway=pathway, version=number + 1, template_version="1", title="Charte")
    client = client_as("CPIP_A")
    client.get(pathway.get_absolute_url())  # the session's first page

    # + the pathway (in the scope, with its participant, programme and session)
    # + its timeline, log, suspensions, follow-ups and documents (one query each, for the page's blocks)
    # + the pay: the SMIC on the day, the pathway's pay rates, the SMIC's history; the contract's changes
    # + the change history of the page; the access-log row (a page that names a person)
    with django_assert_num_queries(PAGE_FRAME + 12):
        response = client.get(pathway.get_absolute_url())

    assert response.status_code == 200
    assert f"Version {items}<span" in response.content.decode()

"""Right of access (participants.access_views): the SPIP exports everything held about one person as a JSON file."""

import datetime
import json
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.enums import DocumentKind, DocumentStatus, SubjectType
from documents.models import GeneratedDocument
from participants import services
from participants.enums import EventKind, FollowUpMilestone, Outcome
from participants.models import FollowUp
from tests.accounts.pages import page_text
from tests.participants.factories import exited_pathway

pytestmark = pytest.mark.django_db

NOTE = "Ne pas approcher de la gare de Chelles"


@pytest.fixture
def pathway(scope_a):
    pathway = exited_pathway(programme=scope_a.programme, session__date=datetime.date(2025, 1, 6),
                             outcome=Outcome.POSITIVE, participant__last_name="Lefèvre",
                             participant__first_names="Jérôme", participant__ecrou="58213",
                             participant__work_constraints_note=NOTE)
    services.event_record(pathway=pathway, kind=EventKind.CIP_INTERVIEW, on=datetime.date(2025, 2, 3),
                          detail="Premier entretien", by=None)
    FollowUp.objects.create(pathway=pathway, milestone=FollowUpMilestone.M3, reached=False,
                            contacted_on=datetime.date(2025, 9, 1), recorded_by_label="Claire Martin (CPIP)")
    GeneratedDocument.objects.create(kind=DocumentKind.ACCOMPANIMENT_CHARTER, subject_type=SubjectType.PATHWAY,
                                     pathway=pathway, version=1, template_version="1",
                                     title="Charte d'accompagnement", status=DocumentStatus.PENDING)
    return pathway


def url(participant) -> str:
    return reverse("participants:participant_access_export", args=[participant.pk])


def export(client, participant, day="2026-11-02"):
    return client.post(url(participant), {"requested_on": day})


def test_counsellor_gets_a_json_file_with_everything_held_about_the_person(client_as, pathway):
    client = client_as("CPIP_A")
    client.get(reverse("participants:participant_detail", args=[pathway.participant_id]))  # one consultation

    response = export(client, pathway.participant)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="droit-d-acces-{pathway.participant_id}.json"')
    data = json.loads(response.content)
    person = data["Personne"]
    assert (person["Nom"], person["Prénoms"], person["Numéro d'écrou"]) == ("Lefèvre", "Jérôme", "58213")
    assert person["Date de naissance"] == "1990-04-12" and person["Sexe"] == "Homme"
    assert person["Contraintes pour un travail à l'extérieur"] == NOTE
    assert data["Export"]["Date de la demande"] == "2026-11-02"
    [block] = data["Parcours"]
    assert block["Programme"] == "ALPHA-1 — SIAE Alpha" and block["Statut"] == "Sorti·e"
    assert [step["Étape"] for step in block["Étapes du parcours"]] == [
        "Décision de la commission de sélection", "Classement au travail", "Affectation", "Début du contrat",
        "Sortie du programme"]
    assert [event["Précision"] for event in block["Actions d'accompagnement"]] == ["Premier entretien"]
    assert block["Suivis après la libération"][0]["Échéance"] == "3 mois après la libération"
    assert block["Documents générés"][0]["Titre"] == "Charte d'accompagnement"
    consultations = data["Consultations du dossier"]
    assert [(row["Action"], row["Utilisateur·rice"].split(" ")[0]) for row in consultations] == [
        ("Consultation d'un participant", "cpip_a")]


def test_change_history_is_in_the_file(client_as, pathway):
    participant = pathway.participant
    participant.refresh_from_db()
    participant.first_names = "Jérôme Élie"
    services.participant_save(participant=participant, by=None, expected_version=participant.version)

    data = json.loads(export(client_as("SPIP_MANAGER_A"), participant).content)

    history = data["Historique des modifications"]
    assert any("Jérôme Élie" in json.dumps(row, ensure_ascii=False) for row in history)


@pytest.mark.parametrize("persona", ["SIAE_DIRECTOR_A", "SIAE_STAFF_A", "ESTABLISHMENT_STAFF_A"])
def test_roles_that_see_the_person_but_are_not_the_spip_get_403(client_as, pathway, persona):
    client = client_as(persona)

    page, file = client.get(url(pathway.participant)), export(client, pathway.participant)

    assert page.status_code == file.status_code == 403
    assert "Lefèvre" not in file.content.decode() and NOTE not in file.content.decode()


@pytest.mark.parametrize("persona", ["CPIP_B", "SPIP_MANAGER_B", "DISP_STAFF_A", "NATIONAL"])
def test_outside_the_scope_or_without_names_it_does_not_exist(client_as, pathway, persona):
    assert export(client_as(persona), pathway.participant).status_code == 404


def test_anonymous_visitor_is_sent_to_the_login_page(client, pathway):
    response = export(client, pathway.participant)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={quote(url(pathway.participant))}"


def test_the_date_of_the_request_is_required_and_not_in_the_future(client_as, pathway):
    client = client_as("CPIP_A")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    empty, future = export(client, pathway.participant, day=""), export(client, pathway.participant, day=tomorrow)

    assert "Ce champ est obligatoire." in page_text(empty)
    assert "ne peut pas être dans le futur" in page_text(future)
    assert "attachment" not in empty.get("Content-Disposition", "") + future.get("Content-Disposition", "")


@pytest.mark.parametrize(("persona", "shown"), [("CPIP_A", True), ("ADMIN", True), ("SIAE_DIRECTOR_A", False),
                                                ("ESTABLISHMENT_STAFF_A", False)])
def test_the_button_is_on_the_participant_page_for_the_spip_only(client_as, pathway, persona, shown):
    text = page_text(client_as(persona).get(reverse("participants:participant_detail",
                                                    args=[pathway.participant_id])))

    assert ("Exporter toutes les données (droit d'accès)" in text) is shown
    assert (url(pathway.participant) in text) is shown

"""Change history of participants, pathways and State conventions: who changed what and when, written in the
transaction of the change, readable on the record's page, without the SPIP-only note for the SIAE."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse

from audit import context, history
from audit.enums import ChangeAction
from audit.models import ChangeRecord
from participants import services
from participants.models import Participant
from programmes import services as programme_services
from programmes.enums import ConventionStatus
from tests.participants.factories import PathwayFactory
from tests.participants.test_participant_pages import participant_data
from tests.programmes.convention_factories import make_convention

pytestmark = pytest.mark.django_db

CANARY = "CANARI-SPIP-7f3a9c"


def records(obj):
    return list(ChangeRecord.objects.filter(object_id=str(obj.pk)).order_by("at", "pk"))


def acting(user):
    return context.serving(SimpleNamespace(user=user))


# --- Participants ---------------------------------------------------------------------------------------------


def test_participant_created_and_corrected_through_the_pages(scope_a, personas, client_as):
    client = client_as("CPIP_A")
    response = client.post(reverse("participants:participant_create"), participant_data(scope_a))
    assert response.status_code == 302
    participant = Participant.objects.get(last_name="Traoré")
    [created] = records(participant)
    assert (created.user, created.user_label, created.object_type, created.action) == (
        personas["CPIP_A"], f"{personas['CPIP_A'].username} (CPIP)", "participant", ChangeAction.CREATE)
    assert created.changes["last_name"] == [None, "Traoré"]
    assert created.changes["birth_date"] == [None, "15/06/1991"]
    assert created.changes["jobseeker"] == [None, "DETLD : demandeur d'emploi de 24 mois et plus"]
    assert created.changes["rsa"] == [None, "Oui"]
    assert created.changes["establishment"] == [None, "CP Alpha"]
    assert "work_constraints_note" not in created.changes  # empty: not written
    assert not {"version", "ecrou_key", "created_at", "updated_at", "id"} & set(created.changes)

    data = participant_data(scope_a, ecrou="45 679", rsa="", version=participant.version)
    response = client.post(reverse("participants:participant_update", args=[participant.pk]), data)
    assert response.status_code == 302
    updated = records(participant)[1]
    assert (updated.user, updated.action) == (personas["CPIP_A"], ChangeAction.UPDATE)
    assert updated.changes == {"ecrou": ["45 678", "45 679"], "rsa": ["Oui", "Non"]}


def test_a_save_that_changes_nothing_writes_nothing(scope_a, personas):
    participant = PathwayFactory(programme=scope_a.programme).participant
    before = len(records(participant))
    with acting(personas["CPIP_A"]):
        services.participant_save(participant=Participant.objects.get(pk=participant.pk), by=personas["CPIP_A"])
    assert len(records(participant)) == before


def test_a_rolled_back_change_leaves_no_history(scope_a, personas):
    participant = PathwayFactory(programme=scope_a.programme).participant
    before = len(records(participant))
    with acting(personas["CPIP_A"]), pytest.raises(RuntimeError), transaction.atomic():
        participant.first_names = "Autre"
        services.participant_save(participant=participant, by=personas["CPIP_A"])
        assert len(records(participant)) == before + 1  # written inside the transaction...
        raise RuntimeError("the rest of the request failed")
    assert len(records(participant)) == before  # ...and gone with it
    assert Participant.objects.get(pk=participant.pk).first_names == "Camille"


def test_without_a_request_the_author_is_the_system(scope_a):
    participant = PathwayFactory(programme=scope_a.programme).participant
    created = records(participant)[0]
    assert (created.user, created.user_label, created.action) == (None, "système", ChangeAction.CREATE)
    with context.acting_as("système (rétention)"):
        participant.first_names = "Dominique"
        participant.save()
    assert records(participant)[-1].user_label == "système (rétention)"


# --- Pathways -------------------------------------------------------------------------------------------------


def test_pathway_creation_and_decision_record_the_user_and_the_fields(scope_a, personas):
    pathway = PathwayFactory(programme=scope_a.programme, session__date=datetime.date(2025, 3, 3))
    director = personas["SIAE_DIRECTOR_A"]
    with acting(director):
        services.pathway_decide(pathway=pathway, decision="SELECTED", by=director)
    created, decided = records(pathway)
    assert (created.object_type, created.action) == ("pathway", ChangeAction.CREATE)
    assert created.changes["status"] == [None, "Candidat·e"]
    assert created.changes["programme"][1].startswith("ALPHA-1")
    assert "participant" not in created.changes  # the person's name is not copied into the history
    assert (decided.user, decided.action) == (director, ChangeAction.UPDATE)
    assert decided.changes == {"status": ["Candidat·e", "Retenu·e"], "decision": [None, "Retenu·e"]}


# --- State conventions ----------------------------------------------------------------------------------------


def test_convention_validation_through_the_page_records_the_officer(scope_a, personas, client_as):
    convention = make_convention(siae=scope_a.siae, authority=scope_a.organisations["ddets"])
    response = client_as("DDETS_STAFF_A").post(reverse("programmes:convention_validate", args=[convention.pk]))
    assert response.status_code == 302
    assert StateStatus(convention) == ConventionStatus.SIGNED
    created, validated = records(convention)
    assert (created.object_type, created.action, created.user_label) == (
        "state_convention", ChangeAction.CREATE, "système")
    assert created.changes["start_date"] == [None, "01/01/2023"]
    assert (validated.user, validated.action, validated.changes) == (
        personas["DDETS_STAFF_A"], ChangeAction.UPDATE, {"status": ["Brouillon", "Signée"]})


def test_a_service_called_outside_a_request_records_its_by_as_the_author(scope_a, personas):
    """A command or a task calls the same services as the pages: the history names the `by=` it was given."""
    convention = make_convention(siae=scope_a.siae, authority=scope_a.organisations["ddets"])
    officer = personas["DDETS_STAFF_A"]

    programme_services.state_convention_validate(convention=convention, by=officer)

    validated = records(convention)[-1]
    assert (validated.user, validated.user_label, validated.changes) == (
        officer, f"{officer.username} (DDETS_STAFF)", {"status": ["Brouillon", "Signée"]})
    assert context.actor() == (None, "système")  # nobody once the service has returned


def StateStatus(convention):
    convention.refresh_from_db()
    return convention.status


def test_deletion_keeps_the_fact_not_the_values(scope_a, personas):
    convention = make_convention(siae=scope_a.siae, reference="REF-À-EFFACER")
    pk = convention.pk
    with acting(personas["ADMIN"]):
        convention.delete()
    deleted = ChangeRecord.objects.filter(object_id=str(pk), action=ChangeAction.DELETE).get()
    assert (deleted.user, deleted.changes) == (personas["ADMIN"], {})


# --- Reading it on the page ---------------------------------------------------------------------------------


def test_the_page_shows_the_history_newest_first_with_french_labels(scope_a, personas, client_as):
    participant = PathwayFactory(programme=scope_a.programme).participant
    with acting(personas["CPIP_A"]):
        participant.ecrou = "77 001"
        participant.save()
        participant.expected_release_date = datetime.date(2027, 2, 1)
        participant.save()
    page = client_as("CPIP_A").get(reverse("participants:participant_detail", args=[participant.pk])).content.decode()
    assert "Historique des modifications (3)" in page
    section = page[page.index("Historique des modifications"):]
    release = section.index("Date de libération prévisible</span> : (vide) → 01/02/2027")
    ecrou = section.index("Numéro d&#x27;écrou</span> : ")
    creation = section.index("Création")
    assert release < ecrou < creation  # newest first
    assert f"{personas['CPIP_A'].username} (CPIP)" in section


def test_the_dates_are_shown_in_paris_time(scope_a, personas, client_as):
    participant = PathwayFactory(programme=scope_a.programme).participant
    ChangeRecord.objects.filter(object_id=str(participant.pk)).update(
        at=datetime.datetime(2026, 7, 14, 22, 30, tzinfo=datetime.UTC))
    page = client_as("CPIP_A").get(reverse("participants:participant_detail", args=[participant.pk])).content.decode()
    assert "15/07/2026 à 00:30" in page  # UTC+2 in summer


def test_pathway_and_convention_pages_show_their_history(scope_a, client_as):
    pathway = PathwayFactory(programme=scope_a.programme)
    convention = make_convention(siae=scope_a.siae, authority=scope_a.organisations["ddets"], reference="ZX-42")
    page = client_as("SIAE_STAFF_A").get(reverse("participants:pathway_detail", args=[pathway.pk])).content.decode()
    assert "Historique des modifications (1)" in page and "Candidat·e" in page[page.index("Historique"):]
    page = client_as("SIAE_DIRECTOR_A").get(reverse("programmes:convention_detail", args=[convention.pk]))
    section = page.content.decode()[page.content.decode().index("Historique des modifications"):]
    assert "Référence</span> : ZX-42" in section


def test_empty_state(scope_a, client_as):
    participant = PathwayFactory(programme=scope_a.programme).participant
    ChangeRecord.objects.all().delete()
    page = client_as("CPIP_A").get(reverse("participants:participant_detail", args=[participant.pk])).content.decode()
    assert "Aucune modification enregistrée pour l'instant." in page


def test_the_siae_never_sees_the_spip_only_note_in_the_history(scope_a, personas, client_as):
    participant = PathwayFactory(programme=scope_a.programme).participant
    with acting(personas["CPIP_A"]):
        participant.work_constraints_note = f"Interdiction de paraître à Meaux {CANARY}"
        participant.save()
        participant.work_constraints_note = "Horaires de jour seulement"
        participant.first_names = "Alex"
        participant.save()
    url = reverse("participants:participant_detail", args=[participant.pk])
    spip_page = client_as("CPIP_A").get(url).content.decode()
    assert CANARY in spip_page[spip_page.index("Historique des modifications"):]  # the canary is really there
    for persona in ("SIAE_STAFF_A", "SIAE_DIRECTOR_A", "ESTABLISHMENT_STAFF_A"):
        page = client_as(persona).get(url).content.decode()
        assert "Historique des modifications (2)" in page  # the creation and the change of first names
        assert CANARY not in page and "Horaires de jour" not in page
        assert "Contraintes pour un travail" not in page
        assert "Camille → Alex" in page


# --- Erasure (for the retention) ----------------------------------------------------------------------------


def test_erase_for_removes_the_history_of_one_object_only(scope_a):
    first = PathwayFactory(programme=scope_a.programme).participant
    second = PathwayFactory(programme=scope_a.programme).participant
    first.first_names = "Sacha"
    first.save()
    assert history.erase_for("participant", first.pk) == 2
    assert records(first) == []
    assert len(records(second)) == 1

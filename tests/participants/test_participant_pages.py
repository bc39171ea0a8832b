"""Participant pages: the file of a person (identity, profile, pathways), its form, and a new candidacy."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from participants import rules, selectors, services
from participants.enums import EventKind, FollowUpMilestone, Outcome, PathwayStatus, Transition
from participants.models import Participant
from partners.enums import OrganisationKind
from tests.accounts.factories import UserFactory
from tests.accounts.pages import option_labels, page_text
from tests.participants.factories import (
    STEP_DAYS,
    ParticipantFactory,
    candidacy,
    counsellor,
    pathway_at,
    pathway_in_workshop,
    released_pathway,
    session_of,
)
from tests.partners.factories import OrganisationFactory
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory

pytestmark = pytest.mark.django_db

NOTE = "Interdiction de paraître en Seine-Saint-Denis"
NOTE_LABEL = "Contraintes pour un travail à l'extérieur"


def detail(participant) -> str:
    return reverse("participants:participant_detail", args=[participant.pk])


def today() -> datetime.date:
    return timezone.localdate()


# --- The participant's page ---------------------------------------------------------------------------


def test_page_shows_identity_computed_age_stay_and_profile(client_as, scope_a):
    user = counsellor(first_name="Claire", last_name="Martin", establishment=scope_a.establishment)
    person = candidacy(
        scope_a.programme, participant__last_name="Diallo", participant__first_names="Moussa",
        participant__birth_date=datetime.date(1994, 2, 28), participant__ecrou="12345",
        participant__quartier=scope_a.quartier, participant__rsa=True, participant__jobseeker="DELD",
        participant__education_level="3", participant__rqth=True, participant__counsellor=user,
        participant__expected_release_date=today() + datetime.timedelta(days=40),
    ).participant

    text = page_text(client_as("CPIP_A").get(detail(person)))

    age = rules.age_on(datetime.date(1994, 2, 28), today())
    assert "DIALLO Moussa" in text
    assert f"28/02/1994 ({age} ans)" in text
    assert "12345" in text and "Quartier maison d'arrêt" in text
    assert "dans 40 jours" in text
    assert "RSA" in text and "DELD : demandeur d'emploi de 12 à 24 mois" in text
    assert "Niveau 3 (CAP, BEP)" in text
    assert "Claire Martin" in text


def test_page_shows_each_pathway_with_its_steps_timeline_log_and_follow_ups(client_as, scope_a):
    user = counsellor(first_name="Claire", last_name="Martin", establishment=scope_a.establishment)
    released = today() - relativedelta(months=7)
    pathway = released_pathway(scope_a.programme, exit_on=released, outcome=Outcome.TRANSITION, job_contract="CDD",
                               job_months=4, by=user, participant__last_name="Diallo")
    services.event_record(pathway=pathway, kind=EventKind.PMSMP, on=STEP_DAYS["exit"],
                          detail="Immersion chez un menuisier", by=user)
    services.follow_up_record(pathway=pathway, milestone=FollowUpMilestone.M3, reached=True,
                              contacted_on=released + relativedelta(months=3), situation=Outcome.DURABLE, by=user)

    text = page_text(client_as("CPIP_A").get(detail(pathway.participant)))

    assert "Programme ALPHA-1" in text and "Sorti·e" in text
    assert "Commission du 03/03/2025" in text
    assert "24/03/2025 — Contrat d'emploi pénitentiaire" in text
    assert f"{released:%d/%m/%Y} — Libération en fin de peine" in text
    assert "Emploi de transition — CDD de 4 mois" in text
    # the timeline, with who recorded each item
    assert "Immersion (PMSMP)" in text and "Immersion chez un menuisier" in text
    assert "Saisi par Claire Martin" in text
    # the log: each step with who did it
    for transition in (Transition.DECIDE, Transition.START, Transition.EXIT):
        assert str(Transition(transition).label) in text
    assert "Claire Martin (Conseiller·e pénitentiaire d'insertion et de probation (CPIP))" in text
    # the follow-ups: +3 recorded, +6 due, +12 to come
    assert f"échéance le {released + relativedelta(months=3):%d/%m/%Y}" in text
    assert "Jointe le" in text and "emploi durable" in text
    assert re.search(r"6 mois</span> — échéance le [0-9/]+\s*<span[^>]*>À faire", text)
    assert re.search(r"12 mois</span> — échéance le [0-9/]+\s*<span[^>]*>À venir", text)


def step_links(text: str, pathway) -> set[str]:
    prefix = reverse("participants:pathway_step", args=[pathway.pk, "x"]).removesuffix("x/")
    return set(re.findall(re.escape(prefix) + r"([a-z]+)/", text))


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (PathwayStatus.CANDIDATE, {"decision", "desistement"}),
        (PathwayStatus.SELECTED, {"classement", "desistement"}),
        (PathwayStatus.CLASSIFIED, {"affectation", "desistement"}),
        (PathwayStatus.ASSIGNED, {"entree", "desistement"}),
        (PathwayStatus.IN_WORKSHOP, {"suspension", "sortie", "contrat"}),
        (PathwayStatus.SUSPENDED, {"reprise", "sortie", "contrat"}),
        (PathwayStatus.EXITED, {"contrat"}),
        (PathwayStatus.NOT_SELECTED, set()),
        (PathwayStatus.NOT_CLASSIFIED, set()),
    ],
)
def test_quick_actions_offer_the_next_valid_steps_only(client_as, scope_a, status, expected):
    pathway = pathway_at(status, programme=scope_a.programme)

    text = page_text(client_as("SIAE_STAFF_A").get(detail(pathway.participant)))

    assert step_links(text, pathway) == expected


@pytest.mark.parametrize(
    ("persona", "edits_identity", "adds_events", "records_follow_ups"),
    [
        ("CPIP_A", True, True, True),
        ("SIAE_DIRECTOR_A", False, True, True),
        ("SIAE_STAFF_A", False, True, True),
        ("ESTABLISHMENT_STAFF_A", False, False, False),
    ],
)
def test_buttons_follow_what_the_role_may_do(client_as, scope_a, persona, edits_identity, adds_events,
                                             records_follow_ups):
    pathway = released_pathway(scope_a.programme, exit_on=today() - relativedelta(months=4))

    text = page_text(client_as(persona).get(detail(pathway.participant)))

    assert (reverse("participants:participant_update", args=[pathway.participant.pk]) in text) is edits_identity
    assert (reverse("participants:event_create", args=[pathway.pk]) in text) is adds_events
    assert (reverse("participants:follow_up", args=[pathway.pk, 3]) in text) is records_follow_ups
    assert step_links(text, pathway) == {"contrat"}  # every reader of a pathway may move it on


def test_new_candidacy_button_is_offered_while_the_person_stays_in_the_establishment(client_as, scope_a):
    staying = candidacy(scope_a.programme).participant
    released = released_pathway(scope_a.programme, exit_on=STEP_DAYS["exit"]).participant
    create_url = "participants:pathway_create"

    assert reverse(create_url, args=[staying.pk]) in page_text(client_as("CPIP_A").get(detail(staying)))
    assert reverse(create_url, args=[released.pk]) not in page_text(client_as("CPIP_A").get(detail(released)))


def test_a_person_without_pathway_has_an_empty_state(client_as, scope_a):
    person = ParticipantFactory(establishment=scope_a.establishment)

    assert "Aucun parcours pour l'instant" in page_text(client_as("CPIP_A").get(detail(person)))


@pytest.mark.parametrize("persona", ["CPIP_A", "SPIP_MANAGER_A", "ADMIN"])
def test_spip_roles_read_the_constraints_note(client_as, scope_a, persona):
    person = candidacy(scope_a.programme, participant__work_constraints_note=NOTE).participant

    text = page_text(client_as(persona).get(detail(person)))

    assert NOTE_LABEL in text and NOTE in text


@pytest.mark.parametrize("persona", ["SIAE_DIRECTOR_A", "SIAE_STAFF_A", "ESTABLISHMENT_STAFF_A"])
def test_siae_and_establishment_staff_never_see_the_constraints_note_nor_its_label(client_as, scope_a, persona):
    pathway = candidacy(scope_a.programme, participant__work_constraints_note=NOTE)
    client = client_as(persona)

    for url in (detail(pathway.participant), reverse("participants:pathway_detail", args=[pathway.pk])):
        text = page_text(client.get(url))
        assert "Contraintes pour un travail" not in text
        assert NOTE not in text


# --- Who may open the page ----------------------------------------------------------------------------


def test_siae_staff_of_another_siae_get_404_even_in_the_same_establishment(client_as, scope_a):
    person = candidacy(scope_a.programme).participant
    charlie = SiaeFactory(name="SIAE Charlie")
    ProgrammeFactory(code="CHARLIE-1", siae=charlie, establishment=scope_a.establishment)
    staff = UserFactory(role=Role.SIAE_STAFF, organisation=OrganisationFactory(
        kind=OrganisationKind.SIAE, name="Structure Charlie", siae=charlie))
    client = client_as("anonymous")
    client.force_login(staff)

    response = client.get(detail(person))

    assert response.status_code == 404
    assert client_as("SIAE_STAFF_A").get(detail(person)).status_code == 200


def test_counsellor_of_another_spip_gets_404(client_as, scope_a):
    person = candidacy(scope_a.programme).participant
    other_establishment = EstablishmentFactory(name="CP Delta", department_code="77")
    outsider = counsellor(first_name="Paul", last_name="Autre", establishment=other_establishment)
    client = client_as("anonymous")
    client.force_login(outsider)

    assert client.get(detail(person)).status_code == 404
    assert client.get(reverse("participants:pathway_detail", args=[person.pathways.get().pk])).status_code == 404


@pytest.mark.parametrize("persona", ["DISP_STAFF_A", "DREETS_STAFF_A", "DDETS_STAFF_A", "NATIONAL"])
def test_territorial_and_national_staff_get_404_on_a_person_of_their_territory(client_as, scope_a, persona):
    person = candidacy(scope_a.programme).participant

    assert client_as(persona).get(detail(person)).status_code == 404


# --- Creating and correcting a participant ------------------------------------------------------------

CREATE = reverse("participants:participant_create")
FIELDS = {"last_name", "first_names", "birth_date", "sex", "establishment", "quartier", "ecrou",
          "expected_release_date", "adjustment_eligibility_date", "counsellor", "rsa", "ass", "aah", "jobseeker",
          "education_level", "rqth", "work_constraints_note", "version"}


def participant_data(scope, **overrides) -> dict:
    data = {
        "last_name": "Traoré", "first_names": "Ibrahim", "birth_date": "1991-06-15", "sex": "M",
        "establishment": scope.establishment.pk, "quartier": scope.quartier.pk, "ecrou": "45 678",
        "expected_release_date": (today() + datetime.timedelta(days=120)).isoformat(),
        "adjustment_eligibility_date": "", "counsellor": "", "rsa": "on", "jobseeker": "DETLD",
        "education_level": "NONE", "work_constraints_note": "", "version": "",
    }
    return {**data, **overrides}


def test_participant_form_has_exactly_the_allowed_fields_and_no_judicial_one(client_as, scope_a):
    response = client_as("CPIP_A").get(CREATE)

    assert set(response.context["form"].fields) == FIELDS
    assert not any(word in name for name in FIELDS for word in ("offence", "sentence", "infraction", "peine"))


def test_participant_form_offers_the_users_establishments_and_their_spip_counsellors(client_as, scope_a, scope_b,
                                                                                     personas):
    response = client_as("CPIP_A").get(CREATE)

    assert option_labels(response, "establishment") == ["Choisir un établissement", "CP Alpha"]
    counsellors = option_labels(response, "counsellor")
    assert "CPIP_A Testeur — SPIP Alpha" in counsellors and "SPIP_MANAGER_A Testeur — SPIP Alpha" in counsellors
    assert not any("_B" in label or "SIAE" in label for label in counsellors)
    assert response.context["form"].initial["counsellor"] == personas["CPIP_A"].pk  # a CPIP follows their own


def test_new_participant_is_saved_and_shown(client_as, scope_a, personas):
    client = client_as("CPIP_A")
    response = client.post(CREATE, participant_data(scope_a, counsellor=personas["CPIP_A"].pk))

    person = Participant.objects.get(last_name="Traoré")
    assert response.status_code == 302 and response.url == detail(person)
    assert person.ecrou_key == "45678" and person.counsellor == personas["CPIP_A"] and person.rsa
    assert "Le dossier de TRAORÉ Ibrahim est créé." in page_text(client.get(response.url))


def test_an_ecrou_already_worn_in_the_establishment_is_refused_beside_the_field(client_as, scope_a):
    ParticipantFactory(establishment=scope_a.establishment, ecrou="0045678")

    response = client_as("CPIP_A").post(CREATE, participant_data(scope_a, ecrou="45-678"))

    assert response.status_code == 200
    assert response.context["form"].errors["ecrou"] == [
        "Une personne présente dans cet établissement porte déjà ce numéro d'écrou."]
    assert not Participant.objects.filter(last_name="Traoré").exists()


def test_an_implausible_birth_date_is_refused_in_french_beside_the_field(client_as, scope_a):
    response = client_as("CPIP_A").post(CREATE, participant_data(scope_a, birth_date="2019-01-01"))

    assert "vérifiez-la (entre 16 et 100 ans)" in response.context["form"].errors["birth_date"][0]
    assert not Participant.objects.filter(last_name="Traoré").exists()


def test_a_quartier_of_another_establishment_is_refused(client_as, scope_a, scope_b):
    response = client_as("ADMIN").post(CREATE, participant_data(scope_a, quartier=scope_b.quartier.pk))

    assert response.context["form"].errors["quartier"] == [
        "Ce quartier n'appartient pas à l'établissement de la personne."]
    assert not Participant.objects.filter(last_name="Traoré").exists()


def test_a_counsellor_of_another_spip_cannot_be_chosen(client_as, scope_a, personas):
    response = client_as("CPIP_A").post(CREATE, participant_data(scope_a, counsellor=personas["CPIP_B"].pk))

    assert "Sélectionnez un choix valide" in response.context["form"].errors["counsellor"][0]
    assert not Participant.objects.filter(last_name="Traoré").exists()


def test_an_administrator_cannot_name_a_counsellor_who_does_not_work_in_the_establishment(client_as, scope_a,
                                                                                           personas):
    response = client_as("ADMIN").post(CREATE, participant_data(scope_a, counsellor=personas["CPIP_B"].pk))

    assert "n'intervient pas à CP Alpha" in response.context["form"].errors["counsellor"][0]


@pytest.mark.parametrize("persona", ["SIAE_DIRECTOR_A", "SIAE_STAFF_A", "ESTABLISHMENT_STAFF_A"])
def test_roles_that_do_not_record_people_get_403(client_as, scope_a, persona):
    person = candidacy(scope_a.programme, participant__last_name="Diallo").participant
    client = client_as(persona)

    assert client.post(CREATE, participant_data(scope_a)).status_code == 403
    update = client.post(reverse("participants:participant_update", args=[person.pk]),
                         participant_data(scope_a, last_name="Autre", version=person.version))
    assert update.status_code == 403
    assert not Participant.objects.filter(last_name__in=["Traoré", "Autre"]).exists()


def hidden_version(response) -> str:
    return re.search(r'name="version" value="(\d+)"', page_text(response)).group(1)


def test_correcting_a_participant_saves_and_bumps_the_version(client_as, scope_a):
    person = ParticipantFactory(establishment=scope_a.establishment, last_name="Traore", ecrou="45678")
    url = reverse("participants:participant_update", args=[person.pk])
    client = client_as("SPIP_MANAGER_A")

    version = hidden_version(client.get(url))
    response = client.post(url, participant_data(scope_a, version=version, work_constraints_note=NOTE))

    person.refresh_from_db()
    assert response.status_code == 302
    assert person.last_name == "Traoré" and person.work_constraints_note == NOTE
    assert person.version == int(version) + 1


def test_counsellor_records_that_a_person_left_the_establishment_which_frees_the_ecrou(client_as, scope_a):
    person = ParticipantFactory(establishment=scope_a.establishment, ecrou="45678")
    url = reverse("participants:participant_update", args=[person.pk])
    client = client_as("CPIP_A")
    left = today() - datetime.timedelta(days=3)

    response = client.post(url, participant_data(scope_a, version=hidden_version(client.get(url)),
                                                 stay_ended_on=left.isoformat()))

    person.refresh_from_db()
    assert response.status_code == 302
    assert person.stay_ended_on == left
    newcomer = client.post(CREATE, participant_data(scope_a, last_name="Diallo", ecrou="45678"))
    assert newcomer.status_code == 302  # the same écrou in a new stay


def test_a_person_with_an_open_pathway_cannot_be_marked_as_gone(client_as, scope_a):
    pathway = pathway_in_workshop(programme=scope_a.programme)
    person = pathway.participant
    url = reverse("participants:participant_update", args=[person.pk])
    client = client_as("CPIP_A")

    response = client.post(url, participant_data(scope_a, ecrou=person.ecrou, version=hidden_version(client.get(url)),
                                                 stay_ended_on=today().isoformat()))

    person.refresh_from_db()
    assert response.status_code == 200
    assert "Cette personne a un parcours en cours : enregistrez d'abord sa sortie ou son désistement." in \
        page_text(response)
    assert person.stay_ended_on is None


def test_a_new_participant_form_has_no_departure_date(client_as, scope_a):
    assert "stay_ended_on" not in client_as("CPIP_A").get(CREATE).context["form"].fields


def test_second_editor_gets_the_conflict_message_with_their_input_kept_and_the_first_save_stays(client_as, scope_a):
    person = ParticipantFactory(establishment=scope_a.establishment, last_name="Traore", ecrou="45678")
    url = reverse("participants:participant_update", args=[person.pk])
    first, second = client_as("CPIP_A"), client_as("SPIP_MANAGER_A")
    first_version, second_version = hidden_version(first.get(url)), hidden_version(second.get(url))

    first.post(url, participant_data(scope_a, last_name="Traoré", version=first_version))
    response = second.post(url, participant_data(scope_a, last_name="Touré", first_names="Issa",
                                                  version=second_version))

    text = page_text(response)
    person.refresh_from_db()
    assert response.status_code == 200
    assert "Ce dossier a été modifié par quelqu'un d'autre" in text and "Rien n'a été enregistré" in text
    assert "Nom : Traoré" in text  # what the other person saved
    assert 'value="Touré"' in text and 'value="Issa"' in text  # the second editor's input is kept
    assert person.last_name == "Traoré" and person.first_names == "Ibrahim"
    assert hidden_version(response) == str(person.version)  # a second submit knowingly replaces

    again = second.post(url, participant_data(scope_a, last_name="Touré", first_names="Issa",
                                              version=hidden_version(response)))

    person.refresh_from_db()
    assert again.status_code == 302 and person.last_name == "Touré"


# --- New candidacy ------------------------------------------------------------------------------------


def candidacy_url(person) -> str:
    return reverse("participants:pathway_create", args=[person.pk])


def test_candidacy_offers_the_programmes_of_the_persons_establishment_without_an_open_pathway(client_as, scope_a,
                                                                                              scope_b):
    ProgrammeFactory(code="ALPHA-2", establishment=scope_a.establishment, siae=scope_a.siae)
    person = candidacy(scope_a.programme).participant

    labels = option_labels(client_as("CPIP_A").get(candidacy_url(person)), "programme")

    assert labels == ["Choisir un programme", "ALPHA-2 — SIAE Alpha"]  # ALPHA-1: already in progress


def test_candidacy_is_saved_with_its_session_and_logged_with_who(client_as, scope_a, personas):
    person = ParticipantFactory(establishment=scope_a.establishment)
    session = session_of(scope_a.programme)

    response = client_as("CPIP_A").post(candidacy_url(person),
                                        {"programme": scope_a.programme.pk, "session": session.pk})

    pathway = person.pathways.get()
    assert response.status_code == 302 and response.url == pathway.get_absolute_url()
    assert pathway.status == PathwayStatus.CANDIDATE and pathway.session == session
    log = pathway.log.get()
    assert log.transition == Transition.CREATE and log.by == personas["CPIP_A"]


def test_candidacy_with_a_session_of_another_programme_is_refused(client_as, scope_a):
    other = ProgrammeFactory(code="ALPHA-2", establishment=scope_a.establishment, siae=scope_a.siae)
    person = ParticipantFactory(establishment=scope_a.establishment)

    response = client_as("CPIP_A").post(candidacy_url(person),
                                        {"programme": scope_a.programme.pk, "session": session_of(other).pk})

    assert response.context["form"].errors["session"] == ["Cette session appartient à un autre programme."]
    assert not person.pathways.exists()


def test_no_candidacy_for_a_person_who_left_the_establishment(client_as, scope_a):
    person = released_pathway(scope_a.programme, exit_on=STEP_DAYS["exit"]).participant
    other = ProgrammeFactory(code="ALPHA-2", establishment=scope_a.establishment, siae=scope_a.siae)
    client = client_as("CPIP_A")

    page = client.get(candidacy_url(person))
    post = client.post(candidacy_url(person), {"programme": other.pk})

    assert "Cette personne a quitté l'établissement le 02/05/2025" in page_text(page)
    assert page.context["form"] is None
    assert post.status_code == 409
    assert person.pathways.count() == 1


def test_no_candidacy_form_when_the_person_is_already_in_every_programme(client_as, scope_a):
    person = candidacy(scope_a.programme).participant

    page = client_as("CPIP_A").get(candidacy_url(person))

    assert "a déjà un parcours en cours dans chacun des programmes" in page_text(page)
    assert page.context["form"] is None


# --- The one way in: participants.selectors ----------------------------------------------------------


def test_get_participant_for_is_a_404_outside_the_scope_and_says_only_the_spip_edits_the_record(personas, scope_a):
    participant = candidacy(scope_a.programme).participant

    assert selectors.get_participant_for(personas["CPIP_A"], participant.pk) == (participant, True)
    assert selectors.get_participant_for(personas["SIAE_STAFF_A"], participant.pk) == (participant, False)
    for outsider in ("CPIP_B", "DDETS_STAFF_A"):  # another scope; a role that reads no names
        with pytest.raises(Http404):
            selectors.get_participant_for(personas[outsider], participant.pk)


# --- Queries ------------------------------------------------------------------------------------------


def test_page_queries_do_not_grow_with_pathways_and_each_section_lists_its_own_documents(client_as, scope_a):
    """Each pathway's "Documents" section is read with the pathways (one query for all of them, issue 19 §1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from documents.enums import DocumentKind, DocumentStatus, SubjectType
    from documents.models import GeneratedDocument

    alone = released_pathway(scope_a.programme, exit_on=today() - relativedelta(months=2),
                             participant__last_name="Seul")
    first = released_pathway(scope_a.programme, exit_on=today() - relativedelta(months=2),
                             participant__last_name="Deux")
    second = candidacy(scope_a.programme, participant=first.participant)
    for version, pathway in enumerate([alone, first, second], start=1):
        GeneratedDocument.objects.create(kind=DocumentKind.ACCOMPANIMENT_CHARTER, subject_type=SubjectType.PATHWAY,
                                         pathway=pathway, version=version, template_version="1", title="Charte",
                                         status=DocumentStatus.PENDING)
    client = client_as("CPIP_A")
    client.get(detail(alone.participant))  # the session's first page

    counts, texts = [], []
    for participant in (alone.participant, first.participant):
        with CaptureQueriesContext(connection) as queries:
            texts.append(page_text(client.get(detail(participant))))
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert texts[0].count(">Version 1<span") == 1
    # the second person: the section of each of their pathways lists its own version only
    assert ">Version 1<span" not in texts[1]
    assert texts[1].count(">Version 2<span") == 1 and texts[1].count(">Version 3<span") == 1

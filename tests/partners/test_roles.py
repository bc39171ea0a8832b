"""Partner roles of a programme: organisation and contact from the user's scope, the contact of that
organisation, a period in order."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.models import User
from partners.models import PartnerRole
from tests.accounts.pages import option_labels, page_text
from tests.partners.factories import OrganisationFactory
from tests.partners.steering_factories import ContactFactory, DecisionFactory, MeetingFactory, PartnerRoleFactory

pytestmark = pytest.mark.django_db


def role_data(organisation, **overrides) -> dict:
    data = {"organisation": organisation.pk, "role": "PRESCRIBER", "start_date": "2017-07-01", "end_date": "",
            "contact": ""}
    return {**data, **overrides}


def test_role_is_recorded_for_the_programme_with_a_contact_of_its_organisation(client_as, scope_a):
    spip = scope_a.organisations["spip"]
    contact = ContactFactory(organisation=spip)

    response = client_as("SPIP_MANAGER_A").post(reverse("partners:role_create", args=[scope_a.programme.pk]),
                                                role_data(spip, contact=contact.pk, end_date="2018-12-31"))

    role = PartnerRole.objects.get()
    assert response.status_code == 302
    assert (role.programme, role.organisation, role.contact) == (scope_a.programme, spip, contact)
    assert role.end_date == datetime.date(2018, 12, 31)


def test_contact_of_another_organisation_is_refused_and_nothing_is_saved(client_as, scope_a):
    stranger = ContactFactory(organisation=scope_a.organisations["ddets"], last_name="Ailleurs")

    response = client_as("DISP_STAFF_A").post(
        reverse("partners:role_create", args=[scope_a.programme.pk]),
        role_data(scope_a.organisations["spip"], contact=stranger.pk),
    )

    assert response.status_code == 200
    assert "Ce contact n'appartient pas à l'organisation choisie" in page_text(response)
    assert not PartnerRole.objects.exists()


def test_end_before_start_is_refused_and_nothing_is_saved(client_as, scope_a):
    response = client_as("DISP_STAFF_A").post(
        reverse("partners:role_create", args=[scope_a.programme.pk]),
        role_data(scope_a.organisations["spip"], start_date="2018-01-01", end_date="2017-12-31"),
    )

    assert "La date de fin doit être postérieure à la date de début." in page_text(response)
    assert not PartnerRole.objects.exists()


def test_organisation_of_another_scope_is_not_offered_nor_accepted(client_as, scope_a, scope_b):
    url = reverse("partners:role_create", args=[scope_a.programme.pk])
    client = client_as("DDETS_STAFF_A")

    assert "SPIP Bravo" not in option_labels(client.get(url), "organisation")
    response = client.post(url, role_data(scope_b.organisations["spip"]))
    assert "Sélectionnez un choix valide" in page_text(response)
    assert not PartnerRole.objects.exists()


def test_same_role_twice_from_the_same_day_is_refused_in_french(client_as, scope_a):
    spip = scope_a.organisations["spip"]
    PartnerRoleFactory(programme=scope_a.programme, organisation=spip, role="PRESCRIBER",
                       start_date=datetime.date(2017, 7, 1))

    response = client_as("DISP_STAFF_A").post(reverse("partners:role_create", args=[scope_a.programme.pk]),
                                              role_data(spip))

    assert "Ce rôle est déjà enregistré pour cette organisation à cette date." in page_text(response)
    assert PartnerRole.objects.count() == 1


def test_a_role_ends_by_editing_its_end_date(client_as, scope_a):
    role = PartnerRoleFactory(programme=scope_a.programme, organisation=scope_a.organisations["spip"])

    client_as("SIAE_DIRECTOR_A").post(reverse("partners:role_update", args=[role.pk]),
                                      role_data(role.organisation, role="FUNDER", start_date="2018-01-01",
                                                end_date="2020-06-30"))

    role.refresh_from_db()
    assert role.end_date == datetime.date(2020, 6, 30)


def test_programme_page_groups_partners_by_role_with_period_and_contact(client_as, scope_a):
    spip, ddets = scope_a.organisations["spip"], scope_a.organisations["ddets"]
    PartnerRoleFactory(programme=scope_a.programme, organisation=spip, role="PRESCRIBER",
                       contact=ContactFactory(organisation=spip, first_name="Inès", last_name="Prescriptrice"))
    PartnerRoleFactory(programme=scope_a.programme, organisation=ddets, role="FUNDER",
                       end_date=datetime.date(2019, 12, 31))

    text = page_text(client_as("CPIP_A").get(scope_a.programme.get_absolute_url()))

    assert "Partenaires par rôle" in text
    assert "Prescripteur" in text and "Financeur" in text
    assert "Inès Prescriptrice" in text
    assert "jusqu'au 31/12/2019" in text
    assert "Ajouter un partenaire" not in text  # a CPIP reads, the SPIP manager records


def test_programme_page_offers_to_add_partners_and_committees_to_those_who_may(client_as, scope_a):
    text = page_text(client_as("SPIP_MANAGER_A").get(scope_a.programme.get_absolute_url()))

    assert "Ajouter un partenaire" in text
    assert "Ajouter un comité" in text


def render_section(programme, user) -> str:
    return Template("{% load partners_tags %}{% programme_partners programme user %}").render(
        Context({"programme": programme, "user": user}))


@pytest.mark.parametrize("rows", [2, 12])
def test_programme_partner_section_runs_a_fixed_number_of_queries(personas, scope_a, rows, django_assert_num_queries):
    for number in range(rows):
        organisation = OrganisationFactory(name=f"Partenaire {number:02d}", department=scope_a.establishment.department)
        PartnerRoleFactory(programme=scope_a.programme, organisation=organisation,
                           contact=ContactFactory(organisation=organisation))
        DecisionFactory(meeting=MeetingFactory(programme=scope_a.programme), owner=organisation,
                        due_date=datetime.date(2018, 6, 30))
    user = User.objects.select_related("organisation").get(pk=personas["DISP_STAFF_A"].pk)

    # 1. the partner roles of the programme in the user's scope, with organisation and contact joined
    # 2. its committees in the user's scope, with the counts of open and overdue decisions
    with django_assert_num_queries(2):
        text = render_section(scope_a.programme, user)

    assert text.count("en retard") == rows
    assert "Partenaire 01" in text

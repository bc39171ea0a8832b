"""Contacts of partner organisations: shown on the organisation page, validated, phones stored normalised."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partners.models import Contact
from partners.validators import normalise_phone
from tests.accounts.pages import page_text
from tests.partners.steering_factories import ContactFactory

pytestmark = pytest.mark.django_db


def contact_data(**overrides) -> dict:
    data = {"first_name": "Claire", "last_name": "Martin", "function": "Conseillère d'insertion",
            "email": "Claire.Martin@example.fr", "phone": "01 64 36 00 00"}
    return {**data, **overrides}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01 64 36 00 00", "0164360000"),
        ("01.64.36.00.00", "0164360000"),
        ("0164360000", "0164360000"),
        ("+33 1 64 36 00 00", "+33164360000"),
        ("+33 (0)1 64 36 00 00", "+33164360000"),
        ("0033 1 64 36 00 00", "+33164360000"),
        ("+262 262 12 34 56", "+262262123456"),
        ("", ""),
    ],
)
def test_phone_numbers_are_stored_without_spaces(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["01 64 36 00", "1164360000", "00 00 00 00 00", "+33 1 64 36 00 00 00", "appeler"])
def test_a_phone_number_that_is_neither_french_nor_international_is_refused(typed):
    with pytest.raises(ValidationError):
        normalise_phone(typed)


def test_organisation_page_lists_its_people(client_as, scope_a):
    ContactFactory(organisation=scope_a.organisations["spip"], first_name="Paul", last_name="Lefort",
                   function="Directeur du SPIP", email="paul.lefort@justice.fr", phone="0164360000")

    text = page_text(client_as("CPIP_A").get(scope_a.organisations["spip"].get_absolute_url()))

    assert "Paul Lefort" in text and "Directeur du SPIP" in text
    assert "paul.lefort@justice.fr" in text and "0164360000" in text
    assert "Ajouter un contact" not in text  # a CPIP reads contacts but does not record them


def test_organisation_page_offers_to_add_a_contact_to_those_who_may(client_as, scope_a):
    text = page_text(client_as("DDETS_STAFF_A").get(scope_a.organisations["spip"].get_absolute_url()))

    assert "Aucun contact enregistré" in text
    assert "Ajouter un contact" in text


def test_contact_is_created_for_the_organisation_of_the_url_with_its_phone_normalised(client_as, scope_a):
    spip = scope_a.organisations["spip"]

    response = client_as("DISP_STAFF_A").post(reverse("partners:contact_create", args=[spip.pk]), contact_data())

    contact = Contact.objects.get()
    assert response.status_code == 302 and response.url == f"{spip.get_absolute_url()}#contacts"
    assert contact.organisation == spip
    assert contact.phone == "0164360000"
    assert contact.email == "claire.martin@example.fr"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "01 64 36", "Numéro de téléphone invalide"),
        ("phone", "+33 1 64", "Numéro de téléphone invalide"),
        ("email", "claire.martin", "Saisissez une adresse de courriel valide."),
        ("last_name", "", "Ce champ est obligatoire."),
        ("last_name", "<img src=x onerror=alert(1)>", "Un nom ne contient ni balise, ni formule"),
        ("first_name", '=HYPERLINK("http://x.example")', "Un nom ne contient ni balise, ni formule"),
    ],
)
def test_contact_with_bad_input_is_refused_in_french_and_nothing_is_saved(client_as, scope_a, field, value, message):
    url = reverse("partners:contact_create", args=[scope_a.organisations["spip"].pk])

    response = client_as("DISP_STAFF_A").post(url, contact_data(**{field: value}))

    assert response.status_code == 200
    assert message in page_text(response)
    assert not Contact.objects.exists()


def test_contact_update_keeps_its_organisation(client_as, scope_a):
    contact = ContactFactory(organisation=scope_a.organisations["spip"])

    client_as("SIAE_DIRECTOR_A").post(reverse("partners:contact_update", args=[contact.pk]),
                                      contact_data(phone="+262 262 00 00 00"))

    contact.refresh_from_db()
    assert contact.organisation == scope_a.organisations["spip"]
    assert (contact.last_name, contact.phone) == ("Martin", "+262262000000")


def test_contact_of_another_scope_cannot_be_updated(client_as, scope_a, scope_b):
    contact = ContactFactory(organisation=scope_a.organisations["spip"], last_name="Inchangé")

    response = client_as("DISP_STAFF_B").post(reverse("partners:contact_update", args=[contact.pk]), contact_data())

    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.last_name == "Inchangé"

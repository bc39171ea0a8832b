"""The implantation contract's 2022 mentions entered on its page (issue 17, §2; docs/domain.md §7.4): saved as typed
in French ("452,5", "1 250,00"), each bad value refused beside its field with its French message and nothing saved;
the database refuses the same values when a write goes around the form."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from programmes.models import ImplantationContract
from tests.accounts.pages import page_text
from tests.programmes.convention_factories import make_contract

pytestmark = pytest.mark.django_db


def contract_data(**overrides):
    data = {"regime": "R2022", "signed_on": "", "start_date": "2024-11-01", "end_date": "2031-10-31",
            "tacit_renewal": "on", "premises": "Atelier du quartier nouveau concept", "posts": "12",
            "weekly_hours": "24", "hourly_pay": "5,35", "premises_area": "452,5", "monthly_fee": "1250,00",
            "termination_notice_months": "3", "equipment": "Deux étiqueteuses", "staff_access": "Trois encadrants",
            "fluids": "Refacturés au réel", "insurance": "Responsabilité civile", "renewal_terms": "Six mois avant",
            "modification_terms": "Par avenant", "termination_terms": "Pour manquement grave"}
    return {**data, **overrides}


def test_the_page_records_every_mention_as_typed_in_french(client_as, scope_a):
    response = client_as("ESTABLISHMENT_STAFF_A").post(
        reverse("programmes:contract_create", args=[scope_a.programme.pk]), contract_data(), follow=True)
    assert response.status_code == 200
    contract = ImplantationContract.objects.get()
    assert (str(contract.premises_area), str(contract.monthly_fee), contract.termination_notice_months) == (
        "452.5", "1250.00", 3)
    assert (contract.equipment, contract.staff_access, contract.fluids, contract.insurance, contract.renewal_terms,
            contract.modification_terms, contract.termination_terms) == (
        "Deux étiqueteuses", "Trois encadrants", "Refacturés au réel", "Responsabilité civile", "Six mois avant",
        "Par avenant", "Pour manquement grave")


def test_the_page_shows_the_mentions_fields_in_french(client_as, scope_a):
    text = page_text(client_as("ESTABLISHMENT_STAFF_A").get(
        reverse("programmes:contract_create", args=[scope_a.programme.pk])))
    for label in ("Surface des locaux (m²)", "Équipements mis à disposition", "Accès et habilitation des personnels",
                  "Redevance mensuelle (€)", "Fluides (eau, électricité, chauffage)", "Assurances",
                  "Clause de renouvellement", "Modalités de modification", "Conditions de résiliation",
                  "Préavis de résiliation (mois)"):
        assert label in text, label


@pytest.mark.parametrize(("field", "value", "message"), [
    ("premises_area", "0", "La surface des locaux est un nombre de m² supérieur à 0 (50 000 m² au plus)."),
    ("premises_area", "60000", "La surface des locaux est un nombre de m² supérieur à 0 (50 000 m² au plus)."),
    ("monthly_fee", "-1", "La redevance mensuelle ne peut pas être négative : saisissez 0 s'il n'y en a pas."),
    ("termination_notice_months", "0", "Le préavis de résiliation va de 1 à 12 mois."),
    ("termination_notice_months", "13", "Le préavis de résiliation va de 1 à 12 mois."),
    ("insurance", "x" * 2001, "Assurez-vous que cette valeur comporte au plus 2000 caractères"),
])
def test_a_bad_mention_is_refused_beside_its_field_and_nothing_is_saved(client_as, scope_a, field, value, message):
    response = client_as("DISP_STAFF_A").post(
        reverse("programmes:contract_create", args=[scope_a.programme.pk]), contract_data(**{field: value}))
    assert response.status_code == 200
    assert message in page_text(response)
    assert response.context["form"].errors.keys() == {field}
    assert not ImplantationContract.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("premises_area", "0"), ("premises_area", "50000.1"), ("monthly_fee", "-0.01"),
    ("termination_notice_months", 0), ("termination_notice_months", 13),
])
def test_the_database_refuses_the_same_values(scope_a, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_contract(scope_a.programme, **{field: value})


def test_a_new_contract_is_offered_as_tacitly_renewable_and_an_existing_one_keeps_its_choice(client_as, scope_a):
    """Code pénitentiaire R. 412-79: a 2022-regime contract is tacitly renewable unless stated otherwise."""
    client = client_as("ESTABLISHMENT_STAFF_A")
    new = client.get(reverse("programmes:contract_create", args=[scope_a.programme.pk]))
    assert new.context["form"]["tacit_renewal"].value() is True
    assert "tacitement reconductible, sauf stipulation contraire" in page_text(new)
    contract = make_contract(scope_a.programme, tacit_renewal=False)
    existing = client_as("DISP_STAFF_A").get(reverse("programmes:contract_update", args=[contract.pk]))
    assert existing.context["form"]["tacit_renewal"].value() is False

"""Implantation contracts (issue 15, section 3): the 2016 regime only for contracts starting before 1 May 2022, the
2022 regime from then, weekly hours within 10–35 (docs/domain.md §4.4); the same rule (programmes.rules) at the
service (hence the page's form) and in the administration, each refusal in French with nothing saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes import rules, services
from programmes.models import ImplantationContract
from tests.accounts.factories import UserFactory
from tests.accounts.pages import page_text
from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

D = datetime.date
REGIME_2016_AFTER = ("Un contrat d'implantation qui commence à partir du 1er mai 2022 relève du régime 2022 (code "
                     "pénitentiaire) : le régime 2016 ne s'applique qu'aux contrats commencés avant (début saisi : "
                     "{date}).")
REGIME_2022_BEFORE = ("Le régime 2022 (code pénitentiaire) s'applique aux contrats d'implantation commencés à partir "
                      "du 1er mai 2022 : un contrat commencé le {date} relève du régime 2016.")
HOURS = "Les heures de travail par semaine vont de 10 (temps partiel) à 35 (temps plein) : {hours} h saisies."

# (regime, start, weekly hours) -> {field: message}; empty when accepted.
CASES = [
    ("R2016", D(2022, 4, 30), "24", {}),
    ("R2022", D(2022, 5, 1), "24", {}),
    ("R2016", D(2022, 5, 1), "24", {"regime": REGIME_2016_AFTER.format(date="01/05/2022")}),
    ("R2016", D(2024, 1, 8), "24", {"regime": REGIME_2016_AFTER.format(date="08/01/2024")}),
    ("R2022", D(2018, 1, 8), "24", {"regime": REGIME_2022_BEFORE.format(date="08/01/2018")}),
    ("R2022", D(2022, 4, 30), "24", {"regime": REGIME_2022_BEFORE.format(date="30/04/2022")}),
    ("R2022", D(2024, 1, 8), "10", {}),
    ("R2022", D(2024, 1, 8), "35", {}),
    ("R2022", D(2024, 1, 8), "9.5", {"weekly_hours": HOURS.format(hours="9,5")}),
    ("R2022", D(2024, 1, 8), "1", {"weekly_hours": HOURS.format(hours="1")}),
    ("R2022", D(2024, 1, 8), "35.5", {"weekly_hours": HOURS.format(hours="35,5")}),
    ("R2022", D(2024, 1, 8), "48", {"weekly_hours": HOURS.format(hours="48")}),
]


def new_contract(regime, start, hours, **fields) -> ImplantationContract:
    end = min(start.replace(year=start.year + 7) - datetime.timedelta(days=1), D(2029, 4, 30)) \
        if regime == "R2022" else D(2022, 4, 30)
    return ImplantationContract(programme=fields.pop("programme", None) or ProgrammeFactory(), regime=regime,
                                start_date=start, end_date=max(end, start), posts=10, weekly_hours=Decimal(hours),
                                hourly_pay=Decimal("6.00"), **fields)


@pytest.mark.parametrize(("regime", "start", "hours", "expected"), CASES)
def test_the_rule_gives_the_regime_of_the_start_date_and_hours_within_10_to_35(regime, start, hours, expected):
    assert rules.implantation_contract_errors(regime=regime, start_date=start, weekly_hours=Decimal(hours)) == {
        field: message for field, message in expected.items()}


@pytest.mark.parametrize(("regime", "start", "hours", "expected"), CASES)
def test_the_service_refuses_what_the_rule_refuses_and_saves_nothing(regime, start, hours, expected):
    contract = new_contract(regime, start, hours)

    if not expected:
        assert services.implantation_contract_save(contract=contract, by=None).pk
        return
    with pytest.raises(ValidationError) as error:
        services.implantation_contract_save(contract=contract, by=None)

    for field, message in expected.items():
        assert message in error.value.message_dict[field]
    assert not ImplantationContract.objects.exists()


def form_data(**overrides):
    data = {"regime": "R2016", "signed_on": "", "start_date": "2024-01-08", "end_date": "2029-01-07",
            "tacit_renewal": "on", "premises": "Atelier", "posts": "12", "weekly_hours": "24", "hourly_pay": "6,00"}
    return {**data, **overrides}


@pytest.mark.parametrize(("overrides", "message"), [
    ({}, REGIME_2016_AFTER.format(date="08/01/2024")),
    ({"regime": "R2022", "start_date": "2018-01-08", "end_date": "2022-04-30"},
     REGIME_2022_BEFORE.format(date="08/01/2018")),
    ({"regime": "R2022", "weekly_hours": "40"}, HOURS.format(hours="40")),
])
def test_the_contract_page_shows_the_french_message_and_saves_nothing(client_as, scope_a, overrides, message):
    response = client_as("ESTABLISHMENT_STAFF_A").post(
        reverse("programmes:contract_create", args=[scope_a.programme.pk]), form_data(**overrides))

    assert response.status_code == 200
    assert message in page_text(response)
    assert not ImplantationContract.objects.exists()


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role="ADMIN"))
    return client


def admin_data(programme, **overrides):
    data = {"programme": programme.pk, "regime": "R2016", "signed_on": "", "start_date": "2024-01-08",
            "end_date": "2029-01-07", "premises": "Atelier", "posts": "12", "weekly_hours": "24",
            "hourly_pay": "6.00"}
    return {**data, **overrides}


@pytest.mark.parametrize(("overrides", "message"), [
    ({}, REGIME_2016_AFTER.format(date="08/01/2024")),
    ({"regime": "R2022", "start_date": "2018-01-08", "end_date": "2022-04-30"},
     REGIME_2022_BEFORE.format(date="08/01/2018")),
    ({"regime": "R2022", "weekly_hours": "5"}, HOURS.format(hours="5")),
])
def test_the_administration_refuses_the_same_contracts(admin_client, overrides, message):
    programme = ProgrammeFactory()

    response = admin_client.post(reverse("admin:programmes_implantationcontract_add"),
                                 admin_data(programme, **overrides))

    assert response.status_code == 200
    assert message in page_text(response)
    assert not ImplantationContract.objects.exists()


def test_the_administration_saves_a_2022_contract_of_24_hours(admin_client):
    programme = ProgrammeFactory()

    response = admin_client.post(reverse("admin:programmes_implantationcontract_add"),
                                 admin_data(programme, regime="R2022"))

    assert response.status_code == 302
    assert ImplantationContract.objects.get().regime == "R2022"


@pytest.mark.parametrize(("hours", "accepted"), [("9.5", False), ("10", True), ("35", True), ("35.5", False),
                                                 ("48", False)])
def test_the_database_holds_the_same_10_to_35_hours_whoever_writes(hours, accepted):
    """A write that skips the rule (a bulk statement, a script) meets the database's constraint, with the same bounds
    (programmes.enums); it accepted 1 to 48 before (issue 15, §3)."""
    from django.db import IntegrityError, transaction

    contract = new_contract("R2022", D(2024, 1, 8), hours)
    if accepted:
        contract.save()
        assert ImplantationContract.objects.filter(pk=contract.pk).exists()
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            contract.save()

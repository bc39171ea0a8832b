"""Mayotte has its own SMIC (9,33 € from 1 January 2026, domain.md §3.3): a contract of an SIAE of Mayotte is checked
against 45 % of it, at its start and when the SMIC moves, and the list of contracts to revalue gives its own floor.
Its amounts before 2026 were not found in the sources: the table has none, and a contract then is refused with the
missing rate named, never checked against the metropolitan one."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from participants import pay, services
from participants.alerts import PAY, alerts_for
from participants.enums import SessionDecision
from programmes import rates
from programmes.enums import AidTerritory
from programmes.models import SmicRate
from tests import clock
from tests.participants.factories import PathwayFactory, enter_workshop, session_of
from tests.participants.test_pay_revaluation import LIST, page_text

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 16)
START = D(2026, 3, 2)
MAYOTTE = AidTerritory.MAYOTTE


@pytest.fixture(autouse=True)
def _today():
    with clock.at(TODAY):
        yield


@pytest.fixture
def mayotte_a(scope_a):
    """Scope A's SIAE moved to Mayotte (department 976)."""
    siae = scope_a.programme.siae
    siae.department_id = "976"
    siae.save(update_fields=["department"])
    return scope_a


def selected(scope, last_name="Mahorais"):
    pathway = PathwayFactory(programme=scope.programme, session=session_of(scope.programme),
                             participant__last_name=last_name, participant__first_names="Camille")
    return services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)


def test_mayotte_has_9_33_from_1_january_2026_and_no_known_rate_before():
    assert rates.smic_on(D(2026, 1, 1), MAYOTTE) == Decimal("9.33")
    assert rates.pay_floor(rates.smic_on(D(2026, 1, 1), MAYOTTE)) == Decimal("4.20")  # 4,1985 rounded up
    assert rates.smic_on(D(2026, 1, 1)) == Decimal("12.02")  # the metropolitan SMIC is unchanged
    with pytest.raises(ValidationError) as error:
        rates.smic_on(D(2025, 12, 31), MAYOTTE)
    assert error.value.messages == ["Aucun taux du SMIC à Mayotte n'est connu au 31/12/2025 : ajoutez-le dans la "
                                    "table des taux du SMIC."]


def test_a_contract_in_mayotte_is_checked_against_mayotte_s_floor(mayotte_a, scope_b):
    at_floor = enter_workshop(selected(mayotte_a), START, hourly_pay=Decimal("4.20"))
    assert at_floor.hourly_pay == Decimal("4.20")

    with pytest.raises(ValidationError) as error:
        enter_workshop(selected(mayotte_a, "Sous"), START, hourly_pay=Decimal("4.19"))
    assert "4,20" in " ".join(error.value.messages)
    # The same pay in metropolitan France is far under its floor (5,41 €).
    with pytest.raises(ValidationError):
        enter_workshop(selected(scope_b, "Metropole"), START, hourly_pay=Decimal("4.20"))


def test_a_mayotte_contract_before_2026_is_refused_with_the_missing_rate_named(mayotte_a):
    with pytest.raises(ValidationError) as error:
        enter_workshop(selected(mayotte_a), D(2025, 6, 2), hourly_pay=Decimal("9.00"))
    assert "SMIC" in " ".join(error.value.messages)


def test_when_mayotte_s_smic_moves_its_contracts_are_listed_with_their_own_floor(mayotte_a, scope_b, personas,
                                                                                 client_as):
    mahorais = enter_workshop(selected(mayotte_a), START, hourly_pay=Decimal("4.20"))
    enter_workshop(selected(scope_b, "Metropole"), START, hourly_pay=Decimal("5.41"))
    SmicRate.objects.create(territory=MAYOTTE, valid_from=D(2026, 7, 1), hourly_amount=Decimal("9.60"))  # 4,32

    found = pay.below_floor_for(user=personas["ADMIN"], today=TODAY)
    [group] = found.groups
    assert (group.programme, group.floor, [p.pk for p in group.pathways]) == (
        mayotte_a.programme, Decimal("4.32"), [mahorais.pk])
    assert found.floor == Decimal("5.41")  # the metropolitan contract at 5,41 € is not listed

    [alert] = [alert for alert in alerts_for(user=personas["SIAE_STAFF_A"], today=TODAY) if alert.kind == PAY]
    assert "9,60\u00a0€ de l'heure, soit au moins 4,32\u00a0€" in alert.message
    text = page_text(client_as("SIAE_STAFF_A").get(LIST))
    assert "À Mayotte : SMIC horaire de 9,60 € depuis le 01/07/2026, plancher de 4,32 € de l'heure." in text
    assert "Tout revaloriser" not in text or "Tout revaloriser à 4,32 €" in text

    row = pay.pay_revalue(pathway=mahorais, valid_from=D(2026, 7, 1), by=personas["SIAE_STAFF_A"])
    assert (row.hourly_pay, row.smic) == (Decimal("4.32"), Decimal("9.60"))
    assert pay.below_floor_for(user=personas["ADMIN"], today=TODAY).groups == []

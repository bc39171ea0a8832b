"""Pay that follows the SMIC (issue 15 §2): the contracts under 45 % of the SMIC in force are listed (home alert, list
page by programme, in the user's scope), and a revaluation records the new rate from a date, with its history."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import ChangeRecord
from participants import pay, services
from participants.alerts import PAY, alerts_for
from participants.enums import SessionDecision, Transition
from participants.models import Pathway, PayRate
from programmes import rates
from programmes.models import SmicRate
from tests import clock
from tests.accounts.personas import PERSONAS
from tests.participants.factories import PathwayFactory, enter_workshop, session_of
from tests.participants.matrix_participants import NOMINATIVE_READERS

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 16)  # every test here is written for this day (the suite's default clock), whatever the run
START = D(2025, 3, 24)  # SMIC 11,88 €: floor 5,35 €
NEW_SMIC_DAY = D(2026, 1, 1)  # SMIC 12,02 €: floor 5,41 €
LIST = reverse("participants:pay_revaluations")


@pytest.fixture(autouse=True)
def _today():
    with clock.at(TODAY):
        yield


def contract(scope, *, pay_rate="5.35", counsellor=None, last_name="Payeur"):
    pathway = PathwayFactory(programme=scope.programme, session=session_of(scope.programme),
                             participant__last_name=last_name, participant__first_names="Camille",
                             participant__counsellor=counsellor)
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    return enter_workshop(pathway, START, hourly_pay=Decimal(pay_rate))


def page_text(response) -> str:
    """The page's text: tags dropped, entities decoded, spaces (non-breaking too) collapsed."""
    import html

    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def pay_alerts(user, day):
    return [alert for alert in alerts_for(user=user, today=day) if alert.kind == PAY]


def test_a_contract_at_5_35_alerts_its_siae_and_its_cpip_from_1_january_2026_not_before(scope_a, personas):
    cpip = personas["CPIP_A"]
    contract(scope_a, counsellor=cpip)

    for user in (personas["SIAE_STAFF_A"], cpip):
        with clock.at(D(2025, 12, 31)):
            before = pay_alerts(user, D(2025, 12, 31))
        with clock.at(NEW_SMIC_DAY):
            [alert] = pay_alerts(user, NEW_SMIC_DAY)
        assert before == []
        assert alert.message == (
            "Programme ALPHA-1 : 1 contrat est rémunéré sous 45 % du SMIC en vigueur depuis le 1er janvier 2026 "
            "(12,02\u00a0€ de l'heure, soit au moins 5,41\u00a0€) : à revaloriser par un avenant.")
        assert alert.url == f"{LIST}#programme-ALPHA-1"
    # The SPIP's manager (not this person's counsellor) and the SIAE of scope B are not told.
    assert pay_alerts(personas["SPIP_MANAGER_A"], NEW_SMIC_DAY) == []
    assert pay_alerts(personas["SIAE_STAFF_B"], NEW_SMIC_DAY) == []


def test_a_smic_row_from_15_january_alerts_on_the_15th_not_on_the_14th(scope_a, personas, client_as):
    """A SMIC row of the test's own (15 January 2027, 12,50 €: floor 5,63 €) over a contract paid exactly the floor
    of the day before: the home page says nothing on the 14th, and sends to the list from the 15th."""
    cpip = personas["CPIP_A"]
    paid_at_the_floor = rates.pay_floor(rates.smic_on(D(2027, 1, 14)))
    contract(scope_a, pay_rate=str(paid_at_the_floor), counsellor=cpip, last_name="Quinzejanvier")
    SmicRate.objects.create(valid_from=D(2027, 1, 15), hourly_amount=Decimal("12.50"))

    for name in ("SIAE_DIRECTOR_A", "SIAE_STAFF_A", "CPIP_A"):
        with clock.at(D(2027, 1, 14)):
            assert pay_alerts(personas[name], D(2027, 1, 14)) == []
            home_before = page_text(client_as(name).get(reverse("accounts:home")))
            list_before = page_text(client_as(name).get(LIST))
        with clock.at(D(2027, 1, 15)):
            [alert] = pay_alerts(personas[name], D(2027, 1, 15))
            home_after = page_text(client_as(name).get(reverse("accounts:home")))
            list_after = page_text(client_as(name).get(LIST))
        assert "sous 45 % du SMIC" not in home_before
        assert "Aucun contrat à revaloriser" in list_before and "QUINZEJANVIER" not in list_before
        assert alert.date == D(2027, 1, 15)
        assert ("Programme ALPHA-1 : 1 contrat est rémunéré sous 45 % du SMIC en vigueur depuis le 15 janvier 2027 "
                "(12,50 € de l'heure, soit au moins 5,63 €) : à revaloriser par un avenant.") in home_after
        assert "QUINZEJANVIER Camille" in list_after
        assert "en vigueur depuis le 15/01/2027 (12,50 €), soit moins de 5,63 €" in list_after


def test_the_list_shows_the_contracts_under_the_floor_by_programme_and_only_in_scope(scope_a, scope_b, client_as):
    contract(scope_a, last_name="Sousplancher")
    contract(scope_a, pay_rate="5.50", last_name="Auplancher")
    contract(scope_b, last_name="Autrescope")

    text = page_text(client_as("CPIP_A").get(LIST))

    assert "Rémunérations à revaloriser" in text
    assert "sous 45 % du SMIC horaire en vigueur depuis le 01/01/2026 (12,02 €), soit moins de 5,41 €" in text
    assert "Programme ALPHA-1" in text and "SOUSPLANCHER Camille" in text and "5,35 €" in text
    assert "AUPLANCHER" not in text  # paid 5,50 €: above the floor
    assert "AUTRESCOPE" not in text  # CPIP A does not see scope B's people
    assert "AUTRESCOPE Camille" in page_text(client_as("CPIP_B").get(LIST))


def test_the_list_has_an_empty_state_and_is_refused_to_roles_that_read_no_names(scope_a, client_as):
    text = page_text(client_as("SIAE_STAFF_A").get(LIST))

    assert "Aucun contrat à revaloriser" in text
    assert client_as("DISP_STAFF_A").get(LIST).status_code == 403


def test_revaluation_records_the_new_rate_from_the_smic_date_with_its_history(scope_a, personas, client_as):
    pathway = contract(scope_a)
    url = reverse("participants:pay_revalue", args=[pathway.pk])
    form = page_text(client_as("SIAE_STAFF_A").get(url))
    assert "Revalorisation de la rémunération" in form

    response = client_as("SIAE_STAFF_A").post(url, {"valid_from": "2026-01-01", "liste": "True"})

    assert response.status_code == 302 and response.url == f"{LIST}#programme-ALPHA-1"
    pathway.refresh_from_db()
    [row] = PayRate.objects.filter(pathway=pathway)
    assert (row.valid_from, row.previous_hourly_pay, row.hourly_pay, row.smic) == (
        NEW_SMIC_DAY, Decimal("5.35"), Decimal("5.41"), Decimal("12.02"))
    assert row.recorded_by == personas["SIAE_STAFF_A"]
    assert pathway.hourly_pay == Decimal("5.41")
    assert pathway.log.filter(transition=Transition.REVALUE, on=NEW_SMIC_DAY).count() == 1
    assert pay.hourly_pay_on(pathway, D(2025, 12, 31)) == Decimal("5.35")
    assert pay.hourly_pay_on(pathway, NEW_SMIC_DAY) == Decimal("5.41")
    assert "SOUSPLANCHER" not in page_text(client_as("SIAE_STAFF_A").get(LIST))
    page = page_text(client_as("CPIP_A").get(pathway.get_absolute_url()))
    assert "Rémunération horaire et revalorisations" in page
    assert "24/03/2025 5,35 € 45 %" in page and "01/01/2026 5,41 € 45 %" in page
    assert "Revalorisation (avenant)" in page
    # The pathway's change history has the new rate, by its author.
    change = ChangeRecord.objects.filter(object_type="pathway", object_id=str(pathway.pk)).first()  # the latest
    assert change.user == personas["SIAE_STAFF_A"]
    assert change.changes["hourly_pay"] == ["5,35", "5,41"], change.changes


def test_who_sees_the_list_as_the_scope_says(scope_a, scope_b, personas, client_as):
    """The people's names are read by the roles that read names, inside their scope; the others are refused."""
    contract(scope_a, last_name="Matricelist")

    for persona in PERSONAS:
        response = client_as(persona.name).get(LIST)
        if persona.role is None:
            assert response.status_code == 302
        elif persona.role not in NOMINATIVE_READERS:
            assert response.status_code == 403, persona.name
        else:
            assert response.status_code == 200, persona.name
            sees = "MATRICELIST Camille" in page_text(response)
            assert sees == (persona.scope != "B"), persona.name


@pytest.mark.parametrize(("valid_from", "message"), [
    ("2025-03-01", "La revalorisation (01/03/2025) ne peut pas précéder le début du contrat (24/03/2025)."),
    ("2026-12-01", "La date d'effet de la revalorisation ne peut pas être dans le futur (01/12/2026)."),
    ("", "Ce champ est obligatoire."),
])
def test_a_bad_date_writes_nothing_and_says_why_in_french(scope_a, client_as, valid_from, message):
    pathway = contract(scope_a)

    response = client_as("SIAE_DIRECTOR_A").post(reverse("participants:pay_revalue", args=[pathway.pk]),
                                                 {"valid_from": valid_from})

    assert response.status_code == 200
    assert message in page_text(response)
    assert not PayRate.objects.exists()
    pathway.refresh_from_db()
    assert pathway.hourly_pay == Decimal("5.35")


def test_a_rate_under_the_floor_then_is_refused(scope_a, personas):
    pathway = contract(scope_a)

    with pytest.raises(Exception) as refused:
        pay.pay_revalue(pathway=pathway, valid_from=NEW_SMIC_DAY, hourly_pay=Decimal("5.40"),
                        by=personas["SIAE_STAFF_A"])

    assert "au moins 5,41\u00a0€ (SMIC 12,02\u00a0€)" in " ".join(refused.value.messages)
    assert not PayRate.objects.exists()


def test_tout_revaloriser_raises_every_contract_of_the_programme(scope_a, client_as):
    first, second = contract(scope_a, last_name="Premier"), contract(scope_a, last_name="Second")
    # 4,40 €, as the demo's Meaux contracts (imported; the contract form refuses it since 2014).
    Pathway.objects.filter(pk=second.pk).update(hourly_pay=Decimal("4.40"))

    director = client_as("SIAE_DIRECTOR_A")
    response = director.post(LIST, {"programme": scope_a.programme.pk})

    assert response.status_code == 302 and response.url == f"{LIST}#programme-ALPHA-1"
    assert sorted(PayRate.objects.values_list("pathway_id", "valid_from", "hourly_pay")) == sorted([
        (first.pk, NEW_SMIC_DAY, Decimal("5.41")), (second.pk, NEW_SMIC_DAY, Decimal("5.41"))])
    assert PayRate.objects.get(pathway=second).previous_hourly_pay == Decimal("4.40")
    text = page_text(director.get(response.url))
    assert "2 contrat(s) du programme ALPHA-1 revalorisé(s)" in text and "Aucun contrat à revaloriser" in text


def test_tout_revaloriser_of_a_programme_out_of_scope_is_404_and_writes_nothing(scope_a, scope_b, client_as):
    contract(scope_a)

    for name, data in (("SIAE_DIRECTOR_B", {"programme": scope_a.programme.pk}),
                       ("SIAE_DIRECTOR_A", {"programme": "ALPHA-1"}), ("SIAE_DIRECTOR_A", {})):
        assert client_as(name).post(LIST, data).status_code == 404
    assert client_as("DISP_STAFF_A").post(LIST, {"programme": scope_a.programme.pk}).status_code == 403
    assert not PayRate.objects.exists()


@pytest.mark.parametrize(("smic", "under", "at_the_floor"), [
    ("12.02", "5.40", "5.41"),  # 45 % = 5,409 €: rounded up
    ("12.50", "5.62", "5.63"),  # 45 % = 5,625 €
    ("20.00", "8.99", "9.00"),  # exactly 9 €
])
def test_the_alerts_floor_in_sql_is_the_floor_of_the_rates_table(scope_a, smic, under, at_the_floor):
    SmicRate.objects.create(valid_from=D(2026, 6, 1), hourly_amount=Decimal(smic))
    assert rates.pay_floor(Decimal(smic)) == Decimal(at_the_floor)
    contract(scope_a, pay_rate=under, last_name="Dessous")
    contract(scope_a, pay_rate=at_the_floor, last_name="Pile")

    [(code, since, in_force, count)] = pay.below_floor_counts(Pathway.objects.all(), D(2026, 6, 1))

    assert (code, since, in_force, count) == ("ALPHA-1", D(2026, 6, 1), Decimal(smic), 1)
    listed = pay.below_floor_pathways(Pathway.objects.all(), pay.smics_on(D(2026, 6, 1)))
    assert [p.participant.last_name for p in listed] == ["Dessous"]


def test_the_contract_form_no_longer_changes_a_revalued_pay(scope_a, personas):
    pathway = contract(scope_a)
    pay.pay_revalue(pathway=pathway, valid_from=NEW_SMIC_DAY, by=None)
    pathway.refresh_from_db()

    with pytest.raises(Exception) as refused:
        services.pathway_update_contract(pathway=pathway, signed_on=pathway.contract_signed_on,
                                         hours_per_week=pathway.hours_per_week, hourly_pay=Decimal("6.00"), by=None)

    assert "une nouvelle rémunération s'enregistre par une revalorisation" in " ".join(refused.value.messages)


def test_the_contract_regenerated_after_a_revaluation_keeps_its_starting_rate(scope_a, personas):
    """The revaluation is the avenant's; the contract itself says what was agreed on its first day."""
    from documents.kinds import work_contract

    pathway = contract(scope_a)
    pay.pay_revalue(pathway=pathway, valid_from=NEW_SMIC_DAY, by=personas["SIAE_STAFF_A"])
    pathway.refresh_from_db()

    snapshot = json.loads(json.dumps(work_contract.build(pathway, TODAY)).replace("\\u00a0", " "))

    assert pathway.hourly_pay == Decimal("5.41")
    assert snapshot["hourly_pay"] == "5,35 €" and snapshot["smic"] == "11,88 €"
    mentions = {label: value for label, value in snapshot["mentions"]}
    assert mentions["Rémunération horaire brute"].startswith("5,35 €, soit 45")


def test_the_right_of_access_export_holds_the_pay_history(scope_a, personas):
    from participants.right_of_access import access_export

    pathway = contract(scope_a)
    pay.pay_revalue(pathway=pathway, valid_from=NEW_SMIC_DAY, by=personas["SIAE_STAFF_A"])

    export = access_export(pathway.participant, requested_on=TODAY, by=personas["CPIP_A"])

    [row] = export["Parcours"][0]["Revalorisations de la rémunération"]
    assert "5.41" in json.dumps(row) and "5.35" in json.dumps(row) and "2026-01-01" in json.dumps(row)

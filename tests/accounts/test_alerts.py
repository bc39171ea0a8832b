"""Home page alerts (programmes/alerts.py): what ends within 90 days without successor, what is overdue."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Decision, Meeting
from programmes.alerts import ANNEX, CONTRACT, CONVENTION, DECISION, alerts_for, french_date
from programmes.models import FinancialAnnex, ImplantationContract, StateConvention
from tests import clock
from tests.accounts.pages import page_text
from tests.accounts.personas import PERSONAS
from tests.programmes.factories import ProgrammeFactory, SiaeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)
HOME = reverse("accounts:home")
_structure_codes = itertools.count(1)


@pytest.fixture(autouse=True)
def on_today():
    """The pages read the clock: it reads TODAY too, so the figures below ("dans 34 jours") hold any day."""
    with clock.at(TODAY):
        yield


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def convention_for(scope, *, start=datetime.date(2025, 1, 1), end=datetime.date(2027, 12, 31), siae=None):
    return StateConvention.objects.create(
        siae=siae or scope.siae, authority=scope.organisations["ddets"], start_date=start, end_date=end,
        status="ACTIVE",
    )


def annex_for(convention, *, start, end, measure="ACI_MP"):
    dept = convention.siae.department_id.zfill(3)
    return FinancialAnnex.objects.create(
        convention=convention, asp_number=f"ACI{dept}{start.year % 100:02d}{next(_structure_codes):04d}",
        measure=measure, year=start.year, start_date=start, end_date=end, etp=Decimal("4"),
        aid_amount=Decimal("100000"),
    )


def contract_for(programme, *, start=datetime.date(2020, 1, 1), end=None, tacit_renewal=False):
    end = end or days(-1)
    return ImplantationContract.objects.create(
        programme=programme, regime="R2016", start_date=start, end_date=end, tacit_renewal=tacit_renewal,
        posts=8, weekly_hours=Decimal("24"), hourly_pay=Decimal("6.00"),
    )


def decision_for(scope, *, due, status="OPEN", done_on=None):
    meeting = Meeting.objects.create(kind="STEERING", programme=scope.programme, date=datetime.date(2026, 3, 1))
    return Decision.objects.create(meeting=meeting, text="Transmettre le bilan des sorties au SPIP",
                                   owner=scope.organisations["siae"], due_date=due, status=status, done_on=done_on)


def kinds(personas, name):
    return [alert.kind for alert in alerts_for(user=personas[name], today=TODAY)]


# --- Conventions and annexes ending within 90 days -------------------------------------------------------


@pytest.mark.parametrize(("n", "alerted"), [(0, True), (89, True), (90, True), (91, False), (-1, False)])
def test_annex_ending_in_n_days_alerts_only_up_to_90_days(personas, scope_a, n, alerted):
    annex_for(convention_for(scope_a), start=datetime.date(2026, 1, 1), end=days(n))

    assert kinds(personas, "DREETS_STAFF_A") == ([ANNEX] if alerted else [])


@pytest.mark.parametrize(("n", "alerted"), [(89, True), (90, True), (91, False)])
def test_convention_ending_in_n_days_alerts_only_up_to_90_days(personas, scope_a, n, alerted):
    convention_for(scope_a, start=datetime.date(2025, 1, 1), end=days(n))

    assert kinds(personas, "DDETS_STAFF_A") == ([CONVENTION] if alerted else [])


def test_the_alert_says_when_in_french_and_links_to_the_convention(personas, scope_a):
    convention = convention_for(scope_a)
    annex = annex_for(convention, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))

    [alert] = alerts_for(user=personas["SIAE_DIRECTOR_A"], today=TODAY)

    assert "se termine le 31 décembre 2026, dans 34 jours" in alert.message
    assert annex.asp_number in alert.message and "SIAE Alpha" in alert.message
    assert alert.date == datetime.date(2026, 12, 31)
    assert alert.url == reverse("programmes:convention_detail", args=[convention.pk])
    assert alert.severity == "warning"


def test_a_successor_annex_of_the_same_siae_and_measure_removes_the_alert(personas, scope_a):
    convention = convention_for(scope_a)
    annex_for(convention, start=datetime.date(2026, 1, 1), end=days(30))
    assert kinds(personas, "DREETS_STAFF_A") == [ANNEX]

    annex_for(convention, start=days(31), end=datetime.date(2027, 12, 31))

    assert kinds(personas, "DREETS_STAFF_A") == []


def test_a_successor_in_the_next_convention_counts_but_another_measure_does_not(personas, scope_a):
    first = convention_for(scope_a, start=datetime.date(2024, 1, 1), end=datetime.date(2026, 12, 31))
    annex_for(first, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    second = convention_for(scope_a, start=datetime.date(2027, 1, 1), end=datetime.date(2029, 12, 31))
    annex_for(second, start=datetime.date(2027, 1, 1), end=datetime.date(2027, 12, 31), measure="ACI_DC")
    assert kinds(personas, "DREETS_STAFF_A") == [ANNEX]  # the first convention has a successor: no alert for it

    annex_for(second, start=datetime.date(2027, 1, 1), end=datetime.date(2027, 12, 31))

    assert kinds(personas, "DREETS_STAFF_A") == []


def test_a_successor_convention_of_the_same_siae_removes_the_convention_alert(personas, scope_a):
    convention_for(scope_a, start=datetime.date(2024, 1, 1), end=datetime.date(2026, 12, 31))
    assert kinds(personas, "SIAE_STAFF_A") == [CONVENTION]

    convention_for(scope_a, start=datetime.date(2027, 1, 1), end=datetime.date(2029, 12, 31))

    assert kinds(personas, "SIAE_STAFF_A") == []


@pytest.mark.parametrize("name", ["CPIP_A", "SPIP_MANAGER_A", "ESTABLISHMENT_STAFF_A", "DISP_STAFF_A", "NATIONAL"])
def test_roles_that_do_not_follow_conventions_get_no_convention_alert(personas, scope_a, name):
    annex_for(convention_for(scope_a, end=days(10)), start=datetime.date(2026, 1, 1), end=days(10))

    assert kinds(personas, name) == []


def test_an_administrator_gets_the_convention_alerts(personas, scope_a):
    annex_for(convention_for(scope_a, end=days(10)), start=datetime.date(2026, 1, 1), end=days(10))

    assert sorted(kinds(personas, "ADMIN")) == [ANNEX, CONVENTION]


# --- Implantation contracts past their end ------------------------------------------------------------


def test_a_contract_past_its_end_alerts_disp_staff_but_not_a_cpip(personas, scope_a):
    contract_for(scope_a.programme, end=datetime.date(2026, 6, 30))

    [alert] = alerts_for(user=personas["DISP_STAFF_A"], today=TODAY)
    assert alert.kind == CONTRACT
    assert "a pris fin le 30 juin 2026, il y a 150 jours" in alert.message
    assert alert.url == reverse("programmes:programme_detail", args=[scope_a.programme.pk])
    assert alert.severity == "error"
    assert kinds(personas, "ESTABLISHMENT_STAFF_A") == [CONTRACT]
    assert kinds(personas, "SIAE_DIRECTOR_A") == [CONTRACT]
    assert kinds(personas, "CPIP_A") == []
    assert kinds(personas, "DREETS_STAFF_A") == []


@pytest.mark.parametrize("end", [TODAY, days(200)])
def test_a_contract_not_yet_ended_does_not_alert(personas, scope_a, end):
    contract_for(scope_a.programme, end=end)

    assert kinds(personas, "DISP_STAFF_A") == []


def test_a_tacitly_renewed_contract_or_a_later_one_does_not_alert(personas, scope_a):
    contract_for(scope_a.programme, end=days(-10), tacit_renewal=True)
    assert kinds(personas, "DISP_STAFF_A") == []

    other = ProgrammeFactory(siae=scope_a.siae, establishment=scope_a.establishment)
    contract_for(other, start=datetime.date(2019, 1, 1), end=days(-10))
    assert kinds(personas, "DISP_STAFF_A") == [CONTRACT]
    contract_for(other, start=days(-9), end=days(2000))
    assert kinds(personas, "DISP_STAFF_A") == []


def test_a_contract_of_a_programme_that_ended_with_it_does_not_alert(personas, scope_a):
    scope_a.programme.end_date = datetime.date(2018, 12, 31)
    scope_a.programme.start_date = datetime.date(2017, 7, 1)
    scope_a.programme.save()
    contract_for(scope_a.programme, start=datetime.date(2017, 7, 1), end=datetime.date(2018, 12, 31))

    assert kinds(personas, "DISP_STAFF_A") == []


# --- Committee decisions past their due date ---------------------------------------------------------


def test_an_open_decision_past_its_due_date_alerts_whoever_sees_the_committee(personas, scope_a):
    decision = decision_for(scope_a, due=datetime.date(2026, 11, 1))

    for name in ["CPIP_A", "SIAE_STAFF_A", "ESTABLISHMENT_STAFF_A", "DISP_STAFF_A", "DREETS_STAFF_A", "ADMIN"]:
        assert kinds(personas, name) == [DECISION], name
    [alert] = alerts_for(user=personas["CPIP_A"], today=TODAY)
    assert "Transmettre le bilan des sorties au SPIP" in alert.message
    assert "pour le 1er novembre 2026 (il y a 26 jours)" in alert.message
    assert alert.url == reverse("partners:meeting_detail", args=[decision.meeting_id])
    assert kinds(personas, "NATIONAL") == []  # national staff read dashboards


@pytest.mark.parametrize(("due", "status", "done_on"), [
    (TODAY, "OPEN", None),
    (datetime.date(2026, 11, 1), "DONE", datetime.date(2026, 11, 2)),
    (datetime.date(2026, 11, 1), "DROPPED", None),
])
def test_a_decision_due_today_done_or_dropped_does_not_alert(personas, scope_a, due, status, done_on):
    decision_for(scope_a, due=due, status=status, done_on=done_on)

    assert kinds(personas, "CPIP_A") == []


# --- Scope and cost -----------------------------------------------------------------------------------


def test_nothing_of_scope_a_reaches_a_persona_of_scope_b(personas, scope_a, scope_b):
    convention = convention_for(scope_a, end=days(20))
    annex_for(convention, start=datetime.date(2026, 1, 1), end=days(20))
    contract_for(scope_a.programme)
    decision_for(scope_a, due=days(-5))
    assert sorted(kinds(personas, "ADMIN")) == [ANNEX, CONTRACT, CONVENTION, DECISION]

    for persona in PERSONAS:
        if persona.scope == "B":
            assert kinds(personas, persona.name) == [], persona.name


def _fill(scope, n: int) -> None:
    for _ in range(n):
        siae = SiaeFactory(department_code=scope.siae.department_id)
        programme = ProgrammeFactory(siae=siae, establishment=scope.establishment)
        convention = convention_for(scope, siae=siae, end=days(60))
        annex_for(convention, start=datetime.date(2026, 1, 1), end=days(30))
        contract_for(programme)
        decision_for(scope, due=days(-3))


@pytest.mark.parametrize("name", ["ADMIN", "SIAE_DIRECTOR_A", "DREETS_STAFF_A", "DISP_STAFF_A", "CPIP_A"])
def test_the_number_of_queries_does_not_grow_with_the_rows(personas, scope_a, name):
    user = personas[name]
    user.organisation  # noqa: B018 - loaded once, as the request's user would be

    _fill(scope_a, 3)
    with CaptureQueriesContext(connection) as three:
        few = alerts_for(user=user, today=TODAY)
    _fill(scope_a, 7)
    with CaptureQueriesContext(connection) as ten:
        many = alerts_for(user=user, today=TODAY)

    assert len(many) > len(few) > 0
    assert len(ten.captured_queries) == len(three.captured_queries) <= 4


# --- Home page ----------------------------------------------------------------------------------------


def test_home_page_lists_the_alerts_at_the_top(client_as, scope_a):
    convention = convention_for(scope_a)
    annex_for(convention, start=datetime.date(2026, 1, 1), end=days(10))

    text = page_text(client_as("DREETS_STAFF_A").get(HOME))

    assert '<h2 id="alerts-title">Échéances</h2>' in text
    assert "fr-alert fr-alert--warning" in text
    assert "dans 10 jours, et aucune annexe ne lui succède." in text
    assert f'href="{reverse("programmes:convention_detail", args=[convention.pk])}"' in text
    assert text.index("Échéances</h2>") < text.index("<h2>Les programmes de votre région</h2>")


def test_home_page_of_a_role_concerned_says_when_nothing_is_due(client_as, scope_a):
    text = page_text(client_as("DREETS_STAFF_A").get(HOME))

    assert "Aucune échéance dans les 90 prochains jours." in text


def test_home_page_of_national_staff_has_no_programme_deadline(client_as, scope_a):
    annex_for(convention_for(scope_a), start=datetime.date(2026, 1, 1), end=days(10))

    text = page_text(client_as("NATIONAL").get(HOME))

    # National staff read dashboards: no deadline of a programme; only the dated tables left without their row
    # for the year (programmes/rate_watch.py, issue 15).
    assert "L'annexe financière" not in text
    assert "La table des taux d'aide au poste n'a aucune ligne pour 2026" in text


@pytest.mark.parametrize(("day", "text"), [
    (datetime.date(2017, 7, 1), "1er juillet 2017"),
    (datetime.date(2026, 12, 31), "31 décembre 2026"),
    (datetime.date(2021, 8, 15), "15 août 2021"),
])
def test_french_date(day, text):
    assert french_date(day) == text


@pytest.mark.parametrize(("name", "text"), [
    ("Après (Groupe ARES)", "d'Après (Groupe ARES)"),
    ("EFIC", "d'EFIC"),
    ("La Remise", "de La Remise"),
])
def test_de_is_elided_before_a_vowel(name, text):
    from programmes.alerts import _of

    assert _of(name) == text


def test_links_fall_back_to_the_programme_page_when_the_detail_pages_do_not_exist(personas, scope_a, monkeypatch):
    from django.urls import NoReverseMatch

    from programmes import alerts

    real_reverse = alerts.reverse

    def reverse_without_details(name, *args, **kwargs):
        if name in {"programmes:convention_detail", "partners:meeting_detail"}:
            raise NoReverseMatch(name)
        return real_reverse(name, *args, **kwargs)

    monkeypatch.setattr(alerts, "reverse", reverse_without_details)
    annex_for(convention_for(scope_a), start=datetime.date(2026, 1, 1), end=days(10))
    decision_for(scope_a, due=days(-1))

    programme_url = reverse("programmes:programme_detail", args=[scope_a.programme.pk])
    assert {alert.url for alert in alerts_for(user=personas["ADMIN"], today=TODAY)} == {programme_url}

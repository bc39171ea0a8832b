"""load_demo, issue 3: conventions, contracts, partners, the Meaux committee and the 2021 Tour de France."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from demo import programmes as demo
from partners.models import (
    Event,
    Meeting,
    MeetingAttendee,
    Organisation,
    OrganisationFormerName,
    PartnerRole,
)
from programmes import rates
from programmes.alerts import ANNEX, alerts_for
from programmes.models import (
    ConventionParty,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    Programme,
    StateConvention,
)
from tests.demo import demo_for_module

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)


def _load_on_today():
    demo.load_demo(today=TODAY)


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """Loaded once for the module (tests/demo.py), each test in a savepoint of it."""
    with demo_for_module(django_db_blocker, load=_load_on_today):
        yield


def snapshot() -> dict:
    """Every row of the issue 3 models, by natural key, with the fields that matter."""
    return {
        "conventions": set(StateConvention.objects.values_list(
            "pk", "siae__name", "reference", "authority__name", "start_date", "end_date", "status")),
        "annexes": set(FinancialAnnex.objects.values_list(
            "pk", "convention__reference", "asp_number", "measure", "year", "start_date", "end_date", "etp",
            "aid_amount", "status")),
        "contracts": set(ImplantationContract.objects.values_list(
            "pk", "programme__code", "regime", "start_date", "end_date", "tacit_renewal", "posts", "weekly_hours",
            "hourly_pay")),
        "partnerships": set(PartnershipConvention.objects.values_list("pk", "programme__code", "title", "start_date",
                                                                      "end_date")),
        "parties": set(ConventionParty.objects.values_list("pk", "convention__title", "organisation__name", "role")),
        "funding": set(FundingLine.objects.values_list("pk", "programme__code", "year", "funder",
                                                       "organisation__name", "amount")),
        "partner_roles": set(PartnerRole.objects.values_list("pk", "programme__code", "organisation__name", "role",
                                                             "start_date", "end_date")),
        "meetings": set(Meeting.objects.values_list("pk", "kind", "programme__code", "date")),
        "attendees": set(MeetingAttendee.objects.values_list("pk", "meeting__date", "organisation__name", "role",
                                                             "person")),
        "events": set(Event.objects.values_list("pk", "title", "date", "replay_url")),
        "event_regions": set(Event.regions.through.objects.values_list("event_id", "region_id")),
        "event_organisers": set(Event.co_organisers.through.objects.values_list("event_id", "organisation_id")),
        "organisations": set(Organisation.objects.values_list("pk", "kind", "name")),
        "former_names": set(OrganisationFormerName.objects.values_list("pk", "organisation__name", "name",
                                                                       "valid_until")),
    }


def test_a_later_day_moves_the_demo_dates_in_place_without_adding_rows(demo_loaded):
    counts = {name: len(rows) for name, rows in snapshot().items()}

    demo.load_demo(today=TODAY + datetime.timedelta(days=400))

    assert {name: len(rows) for name, rows in snapshot().items()} == counts


def test_meaux_partnership_convention_binds_prefecture_pole_emploi_ares_and_the_disp(demo_loaded):
    convention = PartnershipConvention.objects.get(programme__code="MEAUX-APRES")

    assert (convention.start_date, convention.end_date) == (datetime.date(2017, 7, 1), datetime.date(2018, 12, 31))
    parties = {party.organisation.name: party.role for party in convention.parties.select_related("organisation")}
    assert set(parties) == {"Préfecture de Seine-et-Marne", "France Travail Meaux", "Après (Groupe ARES)",
                            "DISP de Paris"}
    assert all(parties.values())
    pole_emploi = Organisation.objects.get(name="France Travail Meaux")
    assert pole_emploi.name_on(convention.start_date) == "Pôle emploi Meaux"


def test_france_travail_meaux_bore_its_former_name_on_1_july_2017(demo_loaded):
    assert Organisation.objects.get(name="France Travail Meaux").name_on(datetime.date(2017, 7, 1)) == (
        "Pôle emploi Meaux"
    )


def test_meaux_implantation_contract_is_of_the_2016_regime_and_pays_at_least_45_percent_of_the_smic(demo_loaded):
    contract = ImplantationContract.objects.get(programme__code="MEAUX-APRES")

    assert contract.regime == "R2016"
    assert contract.start_date == datetime.date(2017, 7, 1)
    assert contract.posts > 0 and contract.weekly_hours > 0
    assert contract.hourly_pay * 100 >= rates.smic_on(contract.start_date) * 45


def test_every_demo_contract_meets_the_contract_rules(demo_loaded):
    from programmes.services import check_contract_rules

    for contract in ImplantationContract.objects.all():
        check_contract_rules(contract)  # raises ValidationError otherwise
    assert set(ImplantationContract.objects.values_list("regime", flat=True)) == {"R2016", "R2022"}


def test_every_demo_convention_and_annex_meets_the_rules_and_the_aid_follows_the_rate(demo_loaded):
    from programmes.services import check_annex_rules, check_state_convention_rules

    assert set(StateConvention.objects.values_list("siae__programmes__code", flat=True)) == set(demo.BINDINGS)
    for convention in StateConvention.objects.select_related("siae", "authority"):
        check_state_convention_rules(convention)
    for annex in FinancialAnnex.objects.select_related("convention__siae"):
        assert check_annex_rules(annex) == {}, annex.asp_number
        siae = annex.convention.siae
        assert annex.measure == ("EI_MP" if siae.kind == "EI" else "ACI_MP")
        assert annex.asp_number[len(siae.kind):len(siae.kind) + 5] == f"{siae.department_id.zfill(3)}" \
            f"{annex.year % 100:02d}"
        assert annex.establishment_id is not None, annex.asp_number
        try:
            computed = rates.annex_aid(annex)
        except ValidationError:
            # The ACI socle from 1 January 2025 is not in the sources: the demo types the amount an annex signed
            # with the latest known socle would say (1 November 2024: 23 921 €, 5 %, days / 365).
            assert siae.kind == "ACI" and annex.start_date >= datetime.date(2025, 1, 1), annex.asp_number
            days, year_days = rates.year_share(annex.start_date, annex.end_date)
            typed = annex.etp * Decimal("23921") * Decimal("1.05") * days / year_days
            assert annex.aid_amount == typed.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), annex.asp_number
        else:
            assert annex.aid_amount == computed.amount, annex.asp_number
            if computed.socle.etp_cap is not None:
                assert annex.etp <= computed.socle.etp_cap, annex.asp_number


def test_the_2017_and_2018_meaux_annexes_carry_the_prison_socle_of_their_months_for_10_etp(demo_loaded):
    meaux = FinancialAnnex.objects.filter(convention__reference="DEMO-77-APRES-2017").order_by("start_date")

    # The specific prison aid paid 10 ETP per establishment at most until 31 July 2022 (Meaux plans 16).
    # 1 July - 31 December 2017 = 184 days: 10 x 6 142 x 1,05 x 184/365 = 32 510,5315... -> 32 510,53 €
    # (before: 168 000 €, "10 500 €/ETP", a full year of the unverified 2014 droit-commun row for 16 ETP);
    # 2018, a full calendar year: 10 x 6 218 x 1,05 = 65 289,00 €.
    assert [(annex.year, annex.etp, annex.aid_amount) for annex in meaux] == [
        (2017, Decimal("10.00"), Decimal("32510.53")), (2018, Decimal("10.00"), Decimal("65289.00")),
    ]


@pytest.mark.parametrize("today", [TODAY, datetime.date(2027, 1, 1), datetime.date(2027, 10, 15),
                                   datetime.date(2028, 2, 29), datetime.date(2028, 12, 31)])
def test_one_annex_of_apres_ends_within_90_days_of_the_loading_day_without_successor_and_only_one(
    demo_loaded, today
):
    demo.load_demo(today=today)  # dates moved from the module's load, on TODAY

    alerts = alerts_for(user=User.objects.get(username="admin"), today=today)

    assert [alert.kind for alert in alerts] == [ANNEX]
    assert alerts[0].date == demo.soon_annex_period(today)[1] == today + datetime.timedelta(days=45)
    assert "Après (Groupe ARES)" in alerts[0].message
    alerts = alerts_for(user=User.objects.get(username="dreets.idf"), today=today)
    assert [alert.kind for alert in alerts] == [ANNEX]
    for username in ["disp.strasbourg", "siae.efic", "cpip.meaux", "national", "disp.paris"]:
        assert alerts_for(user=User.objects.get(username=username), today=today) == [], username
    from programmes.services import check_annex_rules, check_state_convention_rules

    for convention in StateConvention.objects.all():
        check_state_convention_rules(convention)
    assert {annex.asp_number: check_annex_rules(annex) for annex in FinancialAnnex.objects.all()} == {
        number: {} for number in FinancialAnnex.objects.values_list("asp_number", flat=True)
    }


def test_meaux_partners_hold_their_roles(demo_loaded):
    roles = set(PartnerRole.objects.filter(programme__code="MEAUX-APRES").values_list("organisation__name", "role"))

    assert {
        ("SPIP de Seine-et-Marne (77)", "PRESCRIBER"),
        ("GEPSA", "STEERING"),
        ("DRIEETS Île-de-France", "STEERING"),
        ("France Travail Meaux", "EMPLOYMENT"),
        ("Missions locales de Seine-et-Marne", "EMPLOYMENT"),
        ("Unité sanitaire du CP de Meaux-Chauconin", "HEALTH"),
        ("Intervenants sport et culture du CP de Meaux-Chauconin", "SPORT_CULTURE"),
    } <= roles
    health = Organisation.objects.get(name="Unité sanitaire du CP de Meaux-Chauconin")
    assert health.department_id == "77"


def test_meaux_steering_committee_of_22_march_2018_lists_the_attendees_of_the_press_release(demo_loaded):
    committee = Meeting.objects.get(programme__code="MEAUX-APRES", date=datetime.date(2018, 3, 22))

    assert committee.kind == "STEERING"
    attendees = set(committee.attendees.values_list("organisation__name", "person"))
    assert {
        ("DISP de Paris", "Laurent Ridel"),
        ("SPIP de Seine-et-Marne (77)", "Yannick Le Meur"),
        ("CP de Meaux-Chauconin", "Pascal Bruneau"),
        ("Après (Groupe ARES)", "Thibault Guilluy"),
    } <= attendees
    organisations = {name for name, _person in attendees}
    assert {"GEPSA", "DRIEETS Île-de-France", "France Travail Meaux", "Missions locales de Seine-et-Marne"} <= (
        organisations
    )
    assert Organisation.objects.get(name="DRIEETS Île-de-France").name_on(committee.date) == "DIRECCTE Île-de-France"


SEED_DATES = {
    "Nice (ouverture)": None,
    "Toulouse": datetime.date(2021, 2, 11),
    "Orléans": None,
    "Caen": None,
    "La Réunion & Mayotte": datetime.date(2021, 2, 25),
    "Nouvelle-Calédonie": datetime.date(2021, 3, 9),
    "Polynésie française": datetime.date(2021, 3, 9),
    "Lyon": datetime.date(2021, 3, 11),
    "Bordeaux": datetime.date(2021, 3, 16),
    "Martinique / Guadeloupe / Guyane / Saint-Pierre": datetime.date(2021, 3, 18),
    "Dijon": datetime.date(2021, 3, 23),
    "Paris": datetime.date(2021, 3, 30),
    "Lille": datetime.date(2021, 4, 6),
    "Rennes": datetime.date(2021, 4, 8),
    "Strasbourg (clôture)": datetime.date(2021, 4, 15),
}


def test_the_15_stages_of_the_2021_tour_de_france_have_the_seeds_dates(demo_loaded):
    events = {event.title: event.date for event in Event.objects.all()}

    assert events == {f"Tour de France de l'IAE en détention — {stage}": date for stage, date in SEED_DATES.items()}


@pytest.mark.parametrize(
    ("stage", "regions", "organisers"),
    [
        ("Toulouse", {"76"}, {"DISP de Toulouse", "DREETS Occitanie"}),
        ("La Réunion & Mayotte", {"04", "06"},
         {"Direction des services pénitentiaires de l'outre-mer", "DEETS La Réunion", "DEETS Mayotte"}),
        ("Nouvelle-Calédonie", {"NC"}, {"Direction des services pénitentiaires de l'outre-mer"}),
        ("Martinique / Guadeloupe / Guyane / Saint-Pierre", {"01", "02", "03", "PM"},
         {"Direction des services pénitentiaires de l'outre-mer", "DEETS Guadeloupe", "DEETS Martinique",
          "DEETS Guyane"}),
        ("Paris", {"11"}, {"DISP de Paris", "DRIEETS Île-de-France"}),
        ("Strasbourg (clôture)", {"44"}, {"DISP de Strasbourg", "DREETS Grand Est"}),
    ],
)
def test_each_stage_is_co_organised_by_the_disp_and_the_dreets_of_its_regions(demo_loaded, stage, regions,
                                                                              organisers):
    event = Event.objects.get(title=f"Tour de France de l'IAE en détention — {stage}")

    assert set(event.regions.values_list("code", flat=True)) == regions
    assert set(event.co_organisers.values_list("name", flat=True)) == organisers
    assert "Présentation du guide « Implantation des structures IAE en milieu pénitentiaire »" in (
        event.programme_items
    )
    assert event.replay_url.startswith("https://app.livestorm.co/")


def test_dreets_created_for_the_tour_were_direccte_until_31_march_2021(demo_loaded):
    occitanie = Organisation.objects.get(name="DREETS Occitanie")

    assert occitanie.name_on(datetime.date(2021, 2, 11)) == "DIRECCTE Occitanie"
    assert occitanie.name_on(datetime.date(2021, 4, 1)) == "DREETS Occitanie"


def test_meaux_is_funded_by_the_state_and_the_departement(demo_loaded):
    funders = set(FundingLine.objects.filter(programme__code="MEAUX-APRES", year=2018).values_list("funder",
                                                                                                   flat=True))

    assert funders == {"STATE", "DEPARTEMENT"}
    state_2018 = FundingLine.objects.get(programme__code="MEAUX-APRES", year=2018, funder="STATE")
    assert state_2018.amount == sum(FinancialAnnex.objects.filter(
        convention__siae__programmes__code="MEAUX-APRES", year=2018).values_list("aid_amount", flat=True))


def test_pilot_programmes_are_unchanged_by_the_new_demo_rows(demo_loaded):
    assert Programme.objects.count() == 9  # the 8 pilots and today's Meaux (MEAUX-ARES)


def test_todays_meaux_shares_apres_and_the_establishment_under_a_2022_regime_contract_in_force_until_a_year_on(
    demo_loaded
):
    apres, ares = Programme.objects.get(code="MEAUX-APRES"), Programme.objects.get(code="MEAUX-ARES")
    contracts = ImplantationContract.objects.filter(programme=ares).order_by("start_date")

    assert (ares.siae, ares.establishment, ares.quartier) == (apres.siae, apres.establishment, apres.quartier)
    assert (ares.start_date, ares.end_date) == (datetime.date(2023, 1, 2), None)
    assert [(c.regime, c.start_date, c.tacit_renewal) for c in contracts][0] == ("R2022", ares.start_date, True)
    assert {c.regime for c in contracts} == {"R2022"}
    assert contracts.last().end_date > TODAY + datetime.timedelta(days=365)
    for previous, contract in zip(contracts, contracts[1:], strict=False):
        assert contract.start_date == previous.end_date + datetime.timedelta(days=1)


def test_the_state_funds_the_experiment_with_its_convention_and_todays_meaux_with_the_current_one(demo_loaded):
    def state_lines(code):
        return dict(FundingLine.objects.filter(programme__code=code, funder="STATE").values_list("year", "amount"))

    def annexes_by_year(reference):
        by_year = {}
        for annex in FinancialAnnex.objects.filter(convention__reference=reference, status="VALIDATED"):
            by_year[annex.year] = by_year.get(annex.year, Decimal(0)) + annex.aid_amount
        return by_year

    assert state_lines("MEAUX-APRES") == annexes_by_year("DEMO-77-APRES-2017")
    assert sorted(state_lines("MEAUX-APRES")) == [2017, 2018]
    assert state_lines("MEAUX-ARES") == annexes_by_year("DEMO-77-APRES-EI-MP") != {}
    assert min(state_lines("MEAUX-ARES")) >= TODAY.year - 2


def test_meaux_partnership_names_pole_emploi_as_it_was_called_in_2017(client, demo_loaded):
    partnership = PartnershipConvention.objects.get(programme__code="MEAUX-APRES")
    client.force_login(User.objects.get(username="national"))

    page = client.get(reverse("programmes:partnership_detail", args=[partnership.pk])).content.decode()

    assert "Pôle emploi Meaux" in page
    assert "France Travail Meaux" not in page


def test_meaux_committee_of_2018_names_its_attendees_as_they_were_called_then(client, demo_loaded):
    meeting = Meeting.objects.get(programme__code="MEAUX-APRES", date=datetime.date(2018, 3, 22))
    client.force_login(User.objects.get(username="national"))

    page = client.get(reverse("partners:meeting_detail", args=[meeting.pk])).content.decode()

    assert "Pôle emploi Meaux" in page
    assert "France Travail Meaux" not in page

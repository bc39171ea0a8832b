"""Rules of conventions, annexes, contracts, partnerships and funding: bad input is refused with a French
message keyed by field, and nothing is saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programmes import services
from programmes.models import (
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    SmicRate,
    StateConvention,
)
from tests.programmes.convention_factories import ddets, make_annex, make_contract, make_convention, make_funding
from tests.programmes.factories import ProgrammeFactory, SiaeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NBSP = "\u00a0"


def refused(call, **kwargs) -> dict:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value.message_dict


# --- State conventions -----------------------------------------------------------------------------


def _new_convention(start, end, **fields):
    return StateConvention(siae=fields.pop("siae", None) or SiaeFactory(), authority=fields.pop("authority", None)
                           or ddets(), start_date=start, end_date=end, **fields)


def test_convention_of_exactly_three_years_is_accepted():
    convention = services.state_convention_save(convention=_new_convention(D(2024, 1, 1), D(2027, 1, 1)), by=None)

    assert convention.pk


def test_convention_one_day_longer_than_three_years_is_refused():
    errors = refused(services.state_convention_save, convention=_new_convention(D(2024, 1, 1), D(2027, 1, 2)),
                     by=None)

    assert errors == {"end_date": [
        "Une convention avec l'État dure au plus 3 ans : pour un début le 01/01/2024, la fin doit être au plus "
        "tard le 01/01/2027."
    ]}
    assert not StateConvention.objects.exists()


def test_convention_three_years_from_29_february_ends_on_28_february():
    errors = refused(services.state_convention_save, convention=_new_convention(D(2024, 2, 29), D(2027, 3, 1)),
                     by=None)

    assert "au plus tard le 28/02/2027" in errors["end_date"][0]


def test_convention_ending_before_it_starts_is_refused():
    errors = refused(services.state_convention_save, convention=_new_convention(D(2024, 1, 1), D(2023, 12, 31)),
                     by=None)

    assert errors == {"end_date": ["La date de fin doit être postérieure à la date de début."]}
    assert not StateConvention.objects.exists()


def test_convention_signed_by_another_body_than_dreets_or_ddets_is_refused():
    from tests.partners.factories import OrganisationFactory

    convention = _new_convention(D(2024, 1, 1), D(2025, 1, 1), authority=OrganisationFactory(kind="PREFECTURE"))

    errors = refused(services.state_convention_save, convention=convention, by=None)

    assert errors == {"authority": ["Le service signataire doit être une DREETS ou une DDETS."]}


def test_convention_shortened_below_its_annexes_is_refused():
    convention = make_convention(start=D(2023, 1, 1), end=D(2025, 12, 31))
    make_annex(convention, asp_number="ACI077250001", year=2025, start=D(2025, 1, 1), end=D(2025, 12, 31))
    convention.end_date = D(2024, 12, 31)

    errors = refused(services.state_convention_save, convention=convention, by=None)

    assert errors == {"end_date": [
        "Ces annexes sortiraient de la période de la convention : ACI077250001. Modifiez-les d'abord."
    ]}
    convention.refresh_from_db()
    assert convention.end_date == D(2025, 12, 31)


# --- Financial annexes --------------------------------------------------------------------------------


def _new_annex(convention, **overrides):
    fields = {"asp_number": "ACI077230001", "measure": "ACI_MP", "year": 2023, "start_date": D(2023, 1, 1),
              "end_date": D(2023, 12, 31), "etp": Decimal("2"), "aid_amount": None}
    return FinancialAnnex(convention=convention, **{**fields, **overrides})


@pytest.fixture
def aci_convention():
    return make_convention(siae=SiaeFactory(kind="ACI"), start=D(2023, 1, 1), end=D(2025, 12, 31))


def test_annex_aid_left_blank_is_computed_from_the_rate_table(aci_convention):
    # 2 ETP x 22 289 € (ACI on 1 January 2023) x 1,05
    annex = services.annex_save(annex=_new_annex(aci_convention), by=None)

    assert annex.aid_amount == Decimal("46806.90")


def test_annex_aid_entered_is_kept(aci_convention):
    annex = services.annex_save(annex=_new_annex(aci_convention, aid_amount=Decimal("40000")), by=None)

    annex.refresh_from_db()
    assert annex.aid_amount == Decimal("40000.00")


def test_annex_outside_its_convention_is_refused(aci_convention):
    annex = _new_annex(aci_convention, asp_number="ACI077260001", year=2026, start_date=D(2026, 1, 1),
                       end_date=D(2026, 12, 31))

    errors = refused(services.annex_save, annex=annex, by=None)

    assert errors == {"end_date": [
        "L'annexe doit se situer dans la période de sa convention, du 01/01/2023 au 31/12/2025."
    ]}
    assert not FinancialAnnex.objects.exists()


def test_annex_starting_before_its_convention_is_refused(aci_convention):
    annex = _new_annex(aci_convention, year=2022, start_date=D(2022, 12, 1))

    errors = refused(services.annex_save, annex=annex, by=None)

    assert list(errors) == ["start_date"]


def test_annexes_of_the_same_year_may_not_overlap(aci_convention):
    make_annex(aci_convention, asp_number="ACI077230001", start=D(2023, 1, 1), end=D(2023, 6, 30))
    annex = _new_annex(aci_convention, asp_number="ACI077230001A1", start_date=D(2023, 6, 30))

    errors = refused(services.annex_save, annex=annex, by=None)

    assert errors == {"start_date": [
        "Cette période chevauche l'annexe ACI077230001 de la même année (du 01/01/2023 au 30/06/2023)."
    ]}
    assert FinancialAnnex.objects.count() == 1


def test_annexes_of_the_same_year_that_follow_each_other_are_accepted(aci_convention):
    make_annex(aci_convention, asp_number="ACI077230001", start=D(2023, 1, 1), end=D(2023, 6, 30))

    services.annex_save(annex=_new_annex(aci_convention, asp_number="ACI077230001A1", start_date=D(2023, 7, 1)),
                        by=None)

    assert FinancialAnnex.objects.count() == 2


def test_annex_may_be_saved_again_without_overlapping_itself(aci_convention):
    annex = make_annex(aci_convention)
    annex.etp = Decimal("3")

    services.annex_save(annex=annex, by=None)

    annex.refresh_from_db()
    assert annex.etp == Decimal("3.00")


def test_annex_year_must_be_its_start_year(aci_convention):
    errors = refused(services.annex_save, annex=_new_annex(aci_convention, year=2024), by=None)

    assert errors == {"year": ["L'année de l'annexe (2024) doit être celle de sa date de début (2023)."]}
    assert not FinancialAnnex.objects.exists()


def test_annex_measure_must_match_the_siae_kind(aci_convention):
    errors = refused(services.annex_save, annex=_new_annex(aci_convention, measure="EI_MP"), by=None)

    assert errors["measure"][0].startswith("La mesure EI_MP ne correspond pas à ")
    assert errors["measure"][0].endswith("qui est de type ACI : choisissez ACI_MP ou ACI_DC.")
    assert not FinancialAnnex.objects.exists()


def test_annex_with_a_malformed_asp_number_is_refused(aci_convention):
    with pytest.raises(ValidationError) as error:
        services.annex_save(annex=_new_annex(aci_convention, asp_number="ACI77-2023"), by=None)

    assert "Numéro ASP invalide" in str(error.value)
    assert not FinancialAnnex.objects.exists()


def test_annex_without_a_rate_in_force_asks_for_the_amount():
    convention = make_convention(siae=SiaeFactory(kind="ACI", department_code="976"), start=D(2023, 1, 1))

    errors = refused(services.annex_save, annex=_new_annex(convention, asp_number="ACI976230001"), by=None)

    assert errors == {"aid_amount": [
        # Since 1 August 2022 the prison measures take the droit-commun socle; Mayotte's is known from November 2024.
        "Aucun barème d'aide au poste n'est connu pour le type ACI (droit commun, Mayotte) au 01/01/2023.",
        "Saisissez le montant de l'aide inscrit dans l'annexe.",
    ]}


def test_annex_with_no_etp_is_refused(aci_convention):
    errors = refused(services.annex_save, annex=_new_annex(aci_convention, etp=Decimal("0")), by=None)

    assert errors == {"etp": ["Le nombre d'ETP conventionnés doit être positif."]}


# --- Validation actions --------------------------------------------------------------------------------


def test_dreets_officer_validates_a_draft_convention(personas, scope_a):
    convention = make_convention(siae=scope_a.siae)

    services.state_convention_validate(convention=convention, by=personas["DREETS_STAFF_A"])

    convention.refresh_from_db()
    assert convention.status == "SIGNED"


def test_siae_director_may_not_validate_a_convention(personas, scope_a):
    convention = make_convention(siae=scope_a.siae)

    with pytest.raises(PermissionDenied):
        services.state_convention_validate(convention=convention, by=personas["SIAE_DIRECTOR_A"])

    convention.refresh_from_db()
    assert convention.status == "DRAFT"


def test_a_signed_convention_is_not_validated_twice(personas, scope_a):
    convention = make_convention(siae=scope_a.siae, status="SIGNED")

    with pytest.raises(ValidationError) as error:
        services.state_convention_validate(convention=convention, by=personas["DDETS_STAFF_A"])

    assert error.value.messages == [
        "Cette convention est déjà signée : seule une convention en brouillon peut être validée."
    ]


def test_ddets_officer_validates_a_draft_annex_and_not_twice(personas, scope_a):
    annex = make_annex(make_convention(siae=scope_a.siae))

    services.annex_validate(annex=annex, by=personas["DDETS_STAFF_A"])
    annex.refresh_from_db()
    assert annex.status == "VALIDATED"
    with pytest.raises(ValidationError):
        services.annex_validate(annex=annex, by=personas["DDETS_STAFF_A"])


def test_siae_director_may_not_validate_an_annex(personas, scope_a):
    annex = make_annex(make_convention(siae=scope_a.siae))

    with pytest.raises(PermissionDenied):
        services.annex_validate(annex=annex, by=personas["SIAE_DIRECTOR_A"])


# --- Implantation contracts -----------------------------------------------------------------------------


def _new_contract(**overrides):
    fields = {"programme": ProgrammeFactory(), "regime": "R2022", "start_date": D(2024, 11, 1),
              "end_date": D(2031, 11, 1), "posts": 10, "weekly_hours": Decimal("24"), "hourly_pay": Decimal("5.35")}
    return ImplantationContract(**{**fields, **overrides})


def test_2022_contract_of_exactly_seven_years_is_accepted():
    assert services.implantation_contract_save(contract=_new_contract(), by=None).pk


def test_2022_contract_longer_than_seven_years_is_refused():
    errors = refused(services.implantation_contract_save, contract=_new_contract(end_date=D(2031, 11, 2)), by=None)

    assert errors == {"end_date": [
        "Un contrat d'implantation du régime 2022 dure au plus 7 ans : pour un début le 01/11/2024, la fin doit "
        "être au plus tard le 01/11/2031."
    ]}
    assert not ImplantationContract.objects.exists()


def test_2016_contract_has_no_seven_year_limit():
    contract = _new_contract(regime="R2016", start_date=D(2017, 7, 1), end_date=D(2025, 6, 30),
                             hourly_pay=Decimal("4.40"))

    assert services.implantation_contract_save(contract=contract, by=None).pk


def test_contract_ending_before_it_starts_is_refused():
    errors = refused(services.implantation_contract_save, contract=_new_contract(end_date=D(2024, 10, 1)), by=None)

    assert errors == {"end_date": ["La date de fin doit être postérieure à la date de début."]}


def test_pay_at_exactly_45_percent_of_the_smic_is_accepted():
    SmicRate.objects.create(valid_from=D(2030, 1, 1), hourly_amount=Decimal("12.00"))
    contract = _new_contract(start_date=D(2030, 1, 1), end_date=D(2031, 1, 1), hourly_pay=Decimal("5.40"))

    assert services.implantation_contract_save(contract=contract, by=None).pk


def test_pay_one_cent_below_45_percent_of_the_smic_is_refused():
    SmicRate.objects.create(valid_from=D(2030, 1, 1), hourly_amount=Decimal("12.00"))
    contract = _new_contract(start_date=D(2030, 1, 1), end_date=D(2031, 1, 1), hourly_pay=Decimal("5.39"))

    errors = refused(services.implantation_contract_save, contract=contract, by=None)

    assert errors == {"hourly_pay": [
        f"La rémunération horaire (5,39{NBSP}€) est inférieure à 45 % du SMIC en vigueur au 01/01/2030 "
        f"(12,00{NBSP}€ de l'heure) : elle doit être d'au moins 5,40{NBSP}€."
    ]}
    assert not ImplantationContract.objects.exists()


def test_pay_floor_uses_the_smic_in_force_at_the_start_date():
    # 45 % of 11,65 € (until 31 October 2024) is 5,2425 €; of 11,88 € (from 1 November 2024) 5,346 €.
    before = _new_contract(start_date=D(2024, 10, 31), end_date=D(2030, 1, 1), hourly_pay=Decimal("5.25"))
    after = _new_contract(hourly_pay=Decimal("5.34"))

    assert services.implantation_contract_save(contract=before, by=None).pk
    errors = refused(services.implantation_contract_save, contract=after, by=None)
    assert "(11,88\u00a0€ de l'heure) : elle doit être d'au moins 5,35\u00a0€." in errors["hourly_pay"][0]


# --- Partnerships and funding -----------------------------------------------------------------------------


def _partnership(**overrides):
    fields = {"programme": ProgrammeFactory(), "title": "Convention de Meaux", "start_date": D(2017, 7, 1),
              "end_date": D(2018, 12, 31)}
    return PartnershipConvention(**{**fields, **overrides})


def test_partnership_is_saved_with_its_parties_and_they_can_be_replaced():
    from tests.partners.factories import OrganisationFactory

    prefecture, ares, disp = (OrganisationFactory(name=name) for name in ("Préfecture 77", "ARES", "DISP Paris"))
    partnership = services.partnership_save(
        convention=_partnership(), by=None,
        parties=[{"organisation": prefecture, "role": "Signataire"}, {"organisation": ares, "role": "Porteur"}],
    )
    services.partnership_save(convention=partnership, by=None,
                              parties=[{"organisation": ares, "role": "SIAE"}, {"organisation": disp, "role": ""}])

    assert sorted((p.organisation.name, p.role) for p in partnership.parties.all()) == [
        ("ARES", "SIAE"), ("DISP Paris", "")
    ]


def test_partnership_without_parties_is_refused():
    errors = refused(services.partnership_save, convention=_partnership(), parties=[], by=None)

    assert errors == {"parties": ["Indiquez au moins une partie à la convention (organisation et rôle)."]}
    assert not PartnershipConvention.objects.exists()


def test_partnership_with_the_same_organisation_twice_is_refused():
    from tests.partners.factories import OrganisationFactory

    ares = OrganisationFactory(name="ARES")

    errors = refused(services.partnership_save, convention=_partnership(), by=None,
                     parties=[{"organisation": ares, "role": "a"}, {"organisation": ares, "role": "b"}])

    assert errors == {"parties": ["Une organisation ne peut être partie qu'une fois : ARES."]}
    assert not PartnershipConvention.objects.exists()


def test_partnership_ending_before_it_starts_is_refused():
    from tests.partners.factories import OrganisationFactory

    errors = refused(services.partnership_save, convention=_partnership(end_date=D(2017, 1, 1)), by=None,
                     parties=[{"organisation": OrganisationFactory(), "role": ""}])

    assert errors == {"end_date": ["La date de fin doit être postérieure à la date de début."]}


def test_funding_line_twice_for_the_same_year_and_funder_is_refused():
    programme = ProgrammeFactory()
    make_funding(programme, year=2024, funder="DEPARTEMENT")

    errors = refused(services.funding_line_save, by=None, line=FundingLine(
        programme=programme, year=2024, funder="DEPARTEMENT", amount=Decimal("5")))

    assert errors == {"funder": [
        "Ce financement est déjà saisi pour 2024 : modifiez la ligne existante plutôt que d'en ajouter une."
    ]}
    assert FundingLine.objects.count() == 1


def test_funding_lines_of_other_years_or_funders_are_accepted():
    programme = ProgrammeFactory()
    make_funding(programme, year=2024, funder="DEPARTEMENT")

    services.funding_line_save(line=FundingLine(programme=programme, year=2025, funder="DEPARTEMENT",
                                                amount=Decimal("5")), by=None)
    services.funding_line_save(line=FundingLine(programme=programme, year=2024, funder="REGION",
                                                amount=Decimal("5")), by=None)

    assert FundingLine.objects.count() == 3


def test_funding_line_with_a_negative_amount_is_refused():
    with pytest.raises(ValidationError) as error:
        services.funding_line_save(line=FundingLine(programme=ProgrammeFactory(), year=2024, funder="STATE",
                                                    amount=Decimal("-1")), by=None)

    assert "Le montant ne peut pas être négatif et l'année doit être plausible." in str(error.value)
    assert not FundingLine.objects.exists()


def test_make_contract_helper_builds_a_valid_contract():
    assert make_contract(ProgrammeFactory()).pk

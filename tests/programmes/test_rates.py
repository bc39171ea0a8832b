"""The dated tables (SMIC, aide au poste): the row in force on a date, just before and just after a change."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from programmes import rates
from programmes.models import AidRate, FinancialAnnex, SmicRate
from tests.programmes.convention_factories import make_convention
from tests.programmes.factories import SiaeFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_smic_the_day_before_a_change_is_the_old_rate():
    assert rates.smic_on(D(2024, 10, 31)) == Decimal("11.65")


def test_smic_on_the_day_of_a_change_is_the_new_rate():
    assert rates.smic_on(D(2024, 11, 1)) == Decimal("11.88")


def test_smic_follows_a_rate_entered_later_in_the_table():
    SmicRate.objects.create(valid_from=D(2030, 1, 1), hourly_amount=Decimal("12.00"))

    assert rates.smic_on(D(2029, 12, 31)) == Decimal("11.88")
    assert rates.smic_on(D(2030, 1, 1)) == Decimal("12.00")


def test_smic_before_the_table_starts_is_a_french_error():
    with pytest.raises(ValidationError) as error:
        rates.smic_on(D(2015, 12, 31))

    assert error.value.messages == [
        "Aucun taux du SMIC n'est connu au 31/12/2015 : ajoutez-le dans la table des taux du SMIC."
    ]


def test_aid_rate_the_day_before_a_change_is_the_old_amount():
    assert rates.aid_rate_on("EI", "METROPOLE", D(2023, 4, 30)).base_amount == Decimal("11609")


def test_aid_rate_on_the_day_of_a_change_is_the_new_amount():
    assert rates.aid_rate_on("EI", "METROPOLE", D(2023, 5, 1)).base_amount == Decimal("12081")
    assert rates.aid_rate_on("ACI", "METROPOLE", D(2023, 5, 1)).base_amount == Decimal("23196")


def test_aid_rate_of_mayotte_is_its_own_table():
    assert rates.aid_rate_on("ACI", "MAYOTTE", D(2024, 11, 1)).base_amount == Decimal("18070")


def test_aid_rate_missing_for_a_date_is_a_french_error():
    with pytest.raises(ValidationError) as error:
        rates.aid_rate_on("ACI", "MAYOTTE", D(2024, 10, 31))

    assert error.value.messages == [
        "Aucun barème d'aide au poste n'est connu pour le type ACI (Mayotte) au 31/10/2024."
    ]


def test_territory_is_mayotte_only_for_department_976():
    assert rates.territory_of(SiaeFactory(department_code="976")) == "MAYOTTE"
    assert rates.territory_of(SiaeFactory(department_code="77")) == "METROPOLE"
    assert rates.territory_of(SiaeFactory(department_code="971")) == "METROPOLE"


def _annex(kind, measure, etp, start, department="77"):
    convention = make_convention(siae=SiaeFactory(kind=kind, department_code=department),
                                 start=D(start.year, 1, 1), end=D(start.year + 2, 12, 31))
    return FinancialAnnex(convention=convention, measure=measure, etp=Decimal(etp), start_date=start,
                          year=start.year)


def test_aid_of_an_ei_in_detention_adds_the_5_percent_modulated_part():
    # 2 ETP x 12 081 € (EI, 1 May 2023) x 1,05
    assert rates.annex_aid_amount(_annex("EI", "EI_MP", "2", D(2023, 6, 1))) == Decimal("25370.10")


def test_aid_of_an_outside_measure_has_no_modulated_part():
    assert rates.annex_aid_amount(_annex("EI", "EI_DC", "2", D(2023, 6, 1))) == Decimal("24162.00")


def test_aid_uses_the_amount_in_force_at_the_annex_start():
    # 1,5 ETP x 22 289 € (ACI, 1 Aug 2022, still in force on 30 April 2023) x 1,05 = 35 105,175 -> 35 105,18
    assert rates.annex_aid_amount(_annex("ACI", "ACI_MP", "1.5", D(2023, 4, 30))) == Decimal("35105.18")


def test_aid_follows_the_modulated_part_of_the_table():
    AidRate.objects.filter(siae_kind="EI", valid_from=D(2023, 5, 1)).update(detention_modulated_pct=Decimal("10"))

    assert rates.annex_aid_amount(_annex("EI", "EI_MP", "1", D(2023, 6, 1))) == Decimal("13289.10")


def test_aid_in_mayotte_uses_the_mayotte_amounts():
    assert rates.annex_aid_amount(_annex("ACI", "ACI_MP", "1", D(2025, 1, 1), "976")) == Decimal("18973.50")


def test_pay_floor_is_45_percent_of_the_smic_rounded_up_to_the_cent():
    assert rates.pay_floor(Decimal("11.88")) == Decimal("5.35")
    assert rates.pay_floor(Decimal("12.00")) == Decimal("5.40")


def test_years_are_calendar_years_even_from_29_february():
    assert rates.add_years(D(2024, 2, 29), 3) == D(2027, 2, 28)
    assert rates.add_years(D(2024, 1, 1), 3) == D(2027, 1, 1)

"""The dated tables (SMIC, aide au poste): the row in force on a date, on both sides of every change date, and the
annex's aid computed from them. Every expected figure is typed from docs/domain.md §3.3, not read from the tables."""

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
ONE_DAY = datetime.timedelta(days=1)

# --- SMIC ---------------------------------------------------------------------------------------------------

# (change date, rate from that day), domain.md §3.3 and the SMIC decrees; the rate the day before is the row above.
SMIC_CHANGES = [
    (D(2016, 1, 1), "9.67"), (D(2017, 1, 1), "9.76"), (D(2018, 1, 1), "9.88"), (D(2019, 1, 1), "10.03"),
    (D(2020, 1, 1), "10.15"), (D(2021, 1, 1), "10.25"), (D(2021, 10, 1), "10.48"), (D(2022, 1, 1), "10.57"),
    (D(2022, 5, 1), "10.85"), (D(2022, 8, 1), "11.07"), (D(2023, 1, 1), "11.27"), (D(2023, 5, 1), "11.52"),
    (D(2024, 1, 1), "11.65"), (D(2024, 11, 1), "11.88"), (D(2026, 1, 1), "12.02"),
]


@pytest.mark.parametrize(("index", "change"), list(enumerate(SMIC_CHANGES)), ids=[str(d) for d, _ in SMIC_CHANGES])
def test_smic_on_both_sides_of_every_change(index, change):
    day, rate = change
    assert rates.smic_on(day) == Decimal(rate)
    if index:
        assert rates.smic_on(day - ONE_DAY) == Decimal(SMIC_CHANGES[index - 1][1])


def test_smic_on_31_december_2025_is_11_88_and_on_1_january_2026_is_12_02():
    assert rates.smic_on(D(2025, 12, 31)) == Decimal("11.88")
    assert rates.smic_on(D(2026, 1, 1)) == Decimal("12.02")


def test_the_pay_floor_is_5_35_until_2025_and_5_41_from_2026():
    # 45 % of 11,88 = 5,346 -> 5,35; 45 % of 12,02 = 5,409 -> 5,41 (rounded up: the lowest pay that reaches it)
    assert rates.pay_floor(rates.smic_on(D(2025, 12, 31))) == Decimal("5.35")
    assert rates.pay_floor(rates.smic_on(D(2026, 1, 1))) == Decimal("5.41")


def test_smic_follows_a_rate_entered_later_in_the_table():
    SmicRate.objects.create(valid_from=D(2030, 1, 1), hourly_amount=Decimal("12.50"))

    assert rates.smic_on(D(2029, 12, 31)) == Decimal("12.02")
    assert rates.smic_on(D(2030, 1, 1)) == Decimal("12.50")


def test_smic_before_the_table_starts_is_a_french_error():
    with pytest.raises(ValidationError) as error:
        rates.smic_on(D(2015, 12, 31))

    assert error.value.messages == [
        "Aucun taux du SMIC n'est connu au 31/12/2015 : ajoutez-le dans la table des taux du SMIC."
    ]


# --- Aide au poste: the socle in force ------------------------------------------------------------------------

# (measure, change date, socle from that day, part modulée computed, cap of ETP); None: no socle known that day.
EI_DC = [
    (D(2015, 1, 1), "10080"), (D(2016, 1, 1), "10143"), (D(2017, 1, 1), "10237"), (D(2018, 1, 1), "10363"),
    (D(2019, 1, 1), "10520"), (D(2020, 1, 1), "10646"), (D(2021, 10, 1), "10988"), (D(2022, 1, 1), "11087"),
    (D(2022, 5, 1), "11381"), (D(2022, 8, 1), "11609"), (D(2023, 5, 1), "12081"), (D(2024, 11, 1), "12459"),
    (D(2025, 1, 1), "13304"),
]
ACI_DC = [
    (D(2015, 1, 1), "19354"), (D(2016, 1, 1), "19474"), (D(2017, 1, 1), "19655"), (D(2018, 1, 1), "19897"),
    (D(2019, 1, 1), "20199"), (D(2020, 1, 1), "20441"), (D(2021, 10, 1), "21096"), (D(2022, 1, 1), "21286"),
    (D(2022, 5, 1), "21850"), (D(2022, 8, 1), "22289"), (D(2023, 5, 1), "23196"), (D(2024, 11, 1), "23921"),
    (D(2025, 1, 1), None),  # not found in the sources: left for the administrator
]
# The prison measures: their own socle with a fixed 5 % and a cap of 10 ETP until 31 July 2022; from 1 August 2022
# the droit-commun socle in force (so they change with it), 5 %, no cap.
EI_MP = [
    (D(2017, 1, 1), "6142", 10), (D(2018, 1, 1), "6218", 10), (D(2019, 1, 1), "6312", 10),
    (D(2020, 1, 1), "6388", 10), (D(2021, 10, 1), "6593", 10), (D(2022, 8, 1), "11609", None),
    (D(2023, 5, 1), "12081", None), (D(2024, 11, 1), "12459", None), (D(2025, 1, 1), "13304", None),
]
ACI_MP = [
    (D(2017, 1, 1), "11793", 10), (D(2018, 1, 1), "11938", 10), (D(2019, 1, 1), "12119", 10),
    (D(2020, 1, 1), "12265", 10), (D(2021, 10, 1), None, 10), (D(2022, 8, 1), "22289", None),
    (D(2023, 5, 1), "23196", None), (D(2024, 11, 1), "23921", None), (D(2025, 1, 1), None, None),
]


# ETTI and AI (droit commun only: no programme in detention), from 1 January 2022.
ETTI_DC = [(D(2022, 1, 1), "4253"), (D(2022, 5, 1), "4366"), (D(2022, 8, 1), "4454"), (D(2023, 5, 1), "4636"),
           (D(2024, 11, 1), "4781")]
AI_DC = [(D(2022, 1, 1), "1441"), (D(2022, 5, 1), "1479"), (D(2022, 8, 1), "1509"), (D(2023, 5, 1), "1570"),
         (D(2024, 11, 1), "1619")]
# Mayotte: its own socles from 1 November 2024; the prison measures take them (droit commun + 5 %).
MAYOTTE = [("EI", "9412"), ("ETTI", "3610"), ("AI", "1223"), ("ACI", "18070")]


def _socle(kind, measure, day, territory="METROPOLE"):
    try:
        return rates.aid_socle_on(siae_kind=kind, territory=territory, measure=measure, day=day)
    except ValidationError:
        return None


def _cases(kind, measure, changes):
    cases = []
    for index, (day, *expected) in enumerate(changes):
        before = changes[index - 1][1:] if index else (None, None)
        cases.append(pytest.param(kind, measure, day, expected, before, id=f"{measure}-{day}"))
    return cases


@pytest.mark.parametrize(("kind", "measure", "day", "expected", "before"), [
    *_cases("EI", "EI_DC", [(day, amount, None) for day, amount in EI_DC]),
    *_cases("ACI", "ACI_DC", [(day, amount, None) for day, amount in ACI_DC]),
    *_cases("EI", "EI_MP", EI_MP),
    *_cases("ACI", "ACI_MP", ACI_MP),
])
def test_aid_socle_on_both_sides_of_every_change(kind, measure, day, expected, before):
    for on, (amount, cap) in [(day, expected), (day - ONE_DAY, before)]:
        socle = _socle(kind, measure, on)
        if amount is None:
            assert socle is None, on
            continue
        assert socle.socle == Decimal(amount), on
        assert socle.modulated_pct == (Decimal(5) if measure.endswith("_MP") else 0), on
        assert socle.etp_cap == (Decimal(cap) if cap else None), on


@pytest.mark.parametrize(("kind", "changes"), [("ETTI", ETTI_DC), ("AI", AI_DC)])
def test_etti_and_ai_socles_on_both_sides_of_every_change(kind, changes):
    assert _socle(kind, f"{kind}_DC", changes[0][0] - ONE_DAY) is None
    for index, (day, amount) in enumerate(changes):
        assert _socle(kind, f"{kind}_DC", day).socle == Decimal(amount), day
        if index:
            assert _socle(kind, f"{kind}_DC", day - ONE_DAY).socle == Decimal(changes[index - 1][1]), day


@pytest.mark.parametrize(("kind", "amount"), MAYOTTE)
def test_mayotte_socles_on_both_sides_of_1_november_2024(kind, amount):
    assert _socle(kind, f"{kind}_DC", D(2024, 10, 31), "MAYOTTE") is None
    assert _socle(kind, f"{kind}_DC", D(2024, 11, 1), "MAYOTTE").socle == Decimal(amount)
    if kind in ("EI", "ACI"):
        prison = _socle(kind, f"{kind}_MP", D(2024, 11, 1), "MAYOTTE")
        assert (prison.socle, prison.modulated_pct, prison.etp_cap) == (Decimal(amount), Decimal(5), None)


def test_on_31_july_2022_the_ei_in_prison_has_its_own_socle_and_from_1_august_the_droit_commun_one():
    july = rates.aid_socle_on(siae_kind="EI", territory="METROPOLE", measure="EI_MP", day=D(2022, 7, 31))
    august = rates.aid_socle_on(siae_kind="EI", territory="METROPOLE", measure="EI_MP", day=D(2022, 8, 1))

    assert (july.socle, july.modulated_pct, july.etp_cap) == (Decimal("6593"), Decimal(5), Decimal(10))
    assert (august.socle, august.modulated_pct, august.etp_cap) == (Decimal("11609"), Decimal(5), None)


def test_the_unverified_2014_rows_are_gone():
    assert not AidRate.objects.filter(valid_from__year=2014).exists()
    assert _socle("EI", "EI_DC", D(2014, 12, 31)) is None


def test_mayotte_has_its_own_socle_and_no_prison_socle_before_august_2022():
    assert _socle("ACI", "ACI_DC", D(2024, 11, 1), "MAYOTTE").socle == Decimal("18070")
    assert _socle("EI", "EI_MP", D(2024, 11, 1), "MAYOTTE").socle == Decimal("9412")
    assert _socle("EI", "EI_MP", D(2024, 10, 31), "MAYOTTE") is None  # no Mayotte socle known before
    assert _socle("EI", "EI_MP", D(2021, 6, 1), "MAYOTTE") is None


def test_a_missing_amount_is_a_french_error_naming_the_row_to_enter():
    with pytest.raises(ValidationError) as error:
        rates.aid_socle_on(siae_kind="ACI", territory="METROPOLE", measure="ACI_MP", day=D(2021, 11, 1))

    assert error.value.messages == [
        "Le montant socle ACI en milieu pénitentiaire en vigueur depuis le 01/10/2021 n'a pas été trouvé dans les "
        "sources : un administrateur doit le saisir dans la table des taux d'aide au poste."
    ]


def test_no_prison_socle_before_2017_is_a_french_error():
    with pytest.raises(ValidationError) as error:
        rates.aid_socle_on(siae_kind="EI", territory="MAYOTTE", measure="EI_MP", day=D(2016, 6, 1))

    assert error.value.messages == [
        "Aucun barème d'aide au poste n'est connu pour le type EI (milieu pénitentiaire (aide spécifique), "
        "Mayotte) au 01/06/2016."
    ]


def test_an_amount_entered_by_the_administrator_is_used_from_then_on():
    AidRate.objects.filter(scheme="PRISON", siae_kind="ACI", valid_from=D(2021, 10, 1)).update(
        base_amount=Decimal("12660"))

    assert _socle("ACI", "ACI_MP", D(2021, 10, 1)).socle == Decimal("12660")


def test_territory_is_mayotte_only_for_department_976():
    assert rates.territory_of(SiaeFactory(department_code="976")) == "MAYOTTE"
    assert rates.territory_of(SiaeFactory(department_code="77")) == "METROPOLE"
    assert rates.territory_of(SiaeFactory(department_code="971")) == "METROPOLE"


# --- The annex's aid ----------------------------------------------------------------------------------------


def _annex(kind, measure, etp, start, end=None, department="77"):
    end = end or D(start.year, 12, 31)
    convention = make_convention(siae=SiaeFactory(kind=kind, department_code=department),
                                 start=D(start.year, 1, 1), end=D(start.year + 2, 12, 31))
    return FinancialAnnex(convention=convention, measure=measure, etp=Decimal(etp), start_date=start, end_date=end,
                          year=start.year)


def test_the_2017_meaux_annex_carries_six_months_of_the_ei_prison_socle():
    # 1 July - 31 December 2017 = 184 days: 10 ETP x 6 142 € x 1,05 x 184/365 = 32 510,5315... -> 32 510,53 €
    # (before: 16 ETP x 10 000 € x 1,05 = 168 000 €, a full year of the unverified 2014 droit-commun row)
    computation = rates.annex_aid(_annex("EI", "EI_MP", "10", D(2017, 7, 1), D(2017, 12, 31)))

    assert computation.amount == Decimal("32510.53")
    assert computation.formula.replace("\u00a0", " ") == "10 ETP × 6 142 € × 1,05 × 184/365 = 32 510,53 €"


def test_six_etp_for_six_months_of_2017():
    # 6 x 6 142 x 1,05 = 38 694,60; x 184 / 365 = 19 506,3189... -> 19 506,32 €
    assert rates.annex_aid_amount(_annex("EI", "EI_MP", "6", D(2017, 7, 1), D(2017, 12, 31))) == Decimal("19506.32")


def test_an_annex_of_1_january_to_31_december_is_a_full_year_even_in_a_leap_year():
    # 2 x 6 388 x 1,05 = 13 414,80 € (2020 has 366 days: still one year, not 366/365)
    computation = rates.annex_aid(_annex("EI", "EI_MP", "2", D(2020, 1, 1), D(2020, 12, 31)))

    assert computation.amount == Decimal("13414.80")
    assert (computation.days, computation.year_days) == (365, 365)
    assert "/365" not in computation.formula


def test_an_annex_one_day_short_of_the_year_counts_its_days():
    # 1 January - 30 December 2021 = 364 days: 1 x 6 388 x 1,05 x 364/365 = 6 689,0158... -> 6 689,02 €
    assert rates.annex_aid_amount(_annex("EI", "EI_MP", "1", D(2021, 1, 1), D(2021, 12, 30))) == Decimal("6689.02")


def test_an_annex_starting_31_july_2022_takes_the_prison_socle_and_one_starting_1_august_the_droit_commun():
    # 31 July - 31 December 2022 = 154 days: 1 x 6 593 x 1,05 x 154/365 = 2 920,7876... -> 2 920,79 €
    assert rates.annex_aid_amount(_annex("EI", "EI_MP", "1", D(2022, 7, 31))) == Decimal("2920.79")
    # 1 August - 31 December 2022 = 153 days: 1 x 11 609 x 1,05 x 153/365 = 5 109,5465... -> 5 109,55 €
    assert rates.annex_aid_amount(_annex("EI", "EI_MP", "1", D(2022, 8, 1))) == Decimal("5109.55")


def test_aid_of_a_full_year_2018_is_etp_times_the_prison_socle_and_5_percent():
    # 10 x 6 218 x 1,05 = 65 289,00 €
    assert rates.annex_aid_amount(_annex("EI", "EI_MP", "10", D(2018, 1, 1))) == Decimal("65289.00")


def test_aid_of_an_outside_measure_has_no_modulated_part():
    # 2 x 12 081 (EI droit commun from 1 May 2023, in force on 1 January 2024) = 24 162,00 € (its part modulée,
    # 0 to 10 % on results, is not computed)
    assert rates.annex_aid_amount(_annex("EI", "EI_DC", "2", D(2024, 1, 1))) == Decimal("24162.00")


def test_aid_in_mayotte_uses_the_mayotte_amounts():
    # 1 x 18 070 x 1,05 = 18 973,50 € (Mayotte, ACI, 1 November 2024, the droit-commun socle since August 2022)
    assert rates.annex_aid_amount(_annex("ACI", "ACI_MP", "1", D(2025, 1, 1), department="976")) == Decimal("18973.50")


def test_aid_follows_the_part_modulee_of_the_table():
    AidRate.objects.filter(scheme="PRISON", siae_kind="EI", valid_from=D(2018, 1, 1)).update(modulated_pct=10)

    # 1 x 6 218 x 1,10 = 6 839,80 €
    assert rates.annex_aid_amount(_annex("EI", "EI_MP", "1", D(2018, 1, 1))) == Decimal("6839.80")


def test_years_are_calendar_years_even_from_29_february():
    assert rates.add_years(D(2024, 2, 29), 3) == D(2027, 2, 28)
    assert rates.add_years(D(2024, 1, 1), 3) == D(2027, 1, 1)

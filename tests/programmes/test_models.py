"""The database itself refuses bad registry rows, even from code that skips the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Programme, Siae
from programmes.validators import luhn_is_valid, validate_siret
from tests.programmes.factories import ProgrammeFactory, SiaeFactory, luhn_siret

pytestmark = pytest.mark.django_db


def test_luhn_accepts_a_real_siret_and_refuses_it_with_one_digit_changed():
    assert luhn_is_valid("73282932000074")
    assert not luhn_is_valid("73282932000075")


def test_factory_sirets_pass_the_luhn_check():
    assert all(luhn_is_valid(luhn_siret(n)) for n in range(50))


@pytest.mark.parametrize("siret", ["7328293200007", "732829320000741", "7328293200007A", "732 829 320 00074"])
def test_siret_validator_says_in_french_it_needs_14_digits(siret):
    with pytest.raises(ValidationError) as error:
        validate_siret(siret)
    assert error.value.messages == ["Le SIRET doit comporter exactement 14 chiffres."]


def test_siret_validator_says_in_french_the_check_digit_is_wrong():
    with pytest.raises(ValidationError) as error:
        validate_siret("73282932000075")
    assert error.value.messages == ["Ce SIRET n'est pas valide (la clé de contrôle ne correspond pas)."]


def test_database_refuses_a_siret_that_is_not_14_digits():
    siae = SiaeFactory.build(siret="1234")
    count = Siae.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        siae.save()

    assert Siae.objects.count() == count


def test_database_refuses_a_second_siae_with_the_same_siret():
    existing = SiaeFactory()
    count = Siae.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        SiaeFactory(siret=existing.siret)

    assert Siae.objects.count() == count


@pytest.mark.parametrize("code", ["meaux-apres", "MEAUX APRES", "MEAUX_APRES", "-MEAUX", "MEAUX--APRES", "MEAUX-"])
def test_database_refuses_a_programme_code_that_is_not_upper_case_words_joined_by_dashes(code):
    programme = ProgrammeFactory.build(code=code, siae=SiaeFactory(), establishment=ProgrammeFactory().establishment)
    count = Programme.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        programme.save()

    assert Programme.objects.count() == count


def test_database_refuses_two_programmes_with_the_same_code():
    ProgrammeFactory(code="MEAUX-APRES")
    count = Programme.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(code="MEAUX-APRES")

    assert Programme.objects.count() == count


def test_database_refuses_a_programme_ending_before_it_starts():
    count = Programme.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(start_date=datetime.date(2024, 6, 1), end_date=datetime.date(2024, 5, 31))

    assert Programme.objects.count() == count


def test_programme_may_end_the_day_it_starts():
    programme = ProgrammeFactory(start_date=datetime.date(2024, 6, 1), end_date=datetime.date(2024, 6, 1))

    assert Programme.objects.filter(pk=programme.pk).exists()


def test_full_clean_explains_in_french_why_the_dates_are_refused():
    programme = ProgrammeFactory.build(
        siae=SiaeFactory(), establishment=ProgrammeFactory().establishment,
        start_date=datetime.date(2024, 6, 1), end_date=datetime.date(2024, 5, 31),
    )

    with pytest.raises(ValidationError) as error:
        programme.full_clean()

    assert error.value.messages == ["La date de fin doit être postérieure à la date de début."]

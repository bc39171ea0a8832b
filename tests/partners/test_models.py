"""Partner organisations: territorial kinds need their territory; names change over time."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partners import services
from partners.enums import OrganisationKind
from partners.models import Organisation, OrganisationFormerName
from programmes.models import Disp, Region
from tests.accounts.factories import UserFactory
from tests.partners.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (OrganisationKind.DISP, "Une DISP doit être rattachée à son interrégion."),
        (OrganisationKind.DREETS, "Une DREETS doit être rattachée à sa région."),
        (OrganisationKind.DDETS, "Un SPIP ou une DDETS doit être rattaché à son département."),
        (OrganisationKind.SPIP, "Un SPIP ou une DDETS doit être rattaché à son département."),
    ],
)
def test_territorial_organisation_without_its_territory_is_refused_in_french(kind, message):
    count = Organisation.objects.count()

    with pytest.raises(ValidationError) as error:
        services.organisation_save(organisation=Organisation(kind=kind, name="Sans territoire"),
                                   by=UserFactory(role="ADMIN"))

    assert error.value.messages == [message]
    assert Organisation.objects.count() == count


def test_database_refuses_a_disp_without_interregion():
    count = Organisation.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(kind=OrganisationKind.DISP, name="DISP de nulle part", disp=None)

    assert Organisation.objects.count() == count


def test_disp_with_its_interregion_is_saved():
    organisation = services.organisation_save(
        organisation=Organisation(kind=OrganisationKind.DISP, name="DISP de Paris",
                                  disp=Disp.objects.get(code="DISP_PARIS")),
        by=UserFactory(role="ADMIN"),
    )

    assert Organisation.objects.get(pk=organisation.pk).disp_id == "DISP_PARIS"


def test_two_organisations_of_the_same_kind_cannot_share_a_name():
    OrganisationFactory(kind=OrganisationKind.MISSION_LOCALE, name="Mission locale de Meaux")
    count = Organisation.objects.count()

    with pytest.raises(ValidationError) as error:
        services.organisation_save(
            organisation=Organisation(kind=OrganisationKind.MISSION_LOCALE, name="Mission locale de Meaux"),
            by=UserFactory(role="ADMIN"),
        )

    assert error.value.messages == ["Une organisation de ce type porte déjà ce nom."]
    assert Organisation.objects.count() == count


def test_name_on_a_date_gives_the_name_borne_then():
    dreets = OrganisationFactory(kind=OrganisationKind.DREETS, name="DREETS Grand Est",
                                 region=Region.objects.get(code="44"))
    OrganisationFormerName.objects.create(organisation=dreets, name="DIRECCTE Grand Est",
                                          valid_until=datetime.date(2021, 3, 31))

    assert dreets.name_on(datetime.date(2019, 5, 2)) == "DIRECCTE Grand Est"
    assert dreets.name_on(datetime.date(2021, 3, 31)) == "DIRECCTE Grand Est"
    assert dreets.name_on(datetime.date(2021, 4, 1)) == "DREETS Grand Est"


def test_name_on_follows_several_renamings():
    organisation = OrganisationFactory(name="Nom actuel")
    OrganisationFormerName.objects.create(organisation=organisation, name="Premier nom",
                                          valid_until=datetime.date(2010, 12, 31))
    OrganisationFormerName.objects.create(organisation=organisation, name="Deuxième nom",
                                          valid_from=datetime.date(2011, 1, 1), valid_until=datetime.date(2020, 6, 30))

    assert organisation.name_on(datetime.date(2005, 1, 1)) == "Premier nom"
    assert organisation.name_on(datetime.date(2015, 1, 1)) == "Deuxième nom"
    assert organisation.name_on(datetime.date(2020, 7, 1)) == "Nom actuel"


def test_former_name_period_must_be_in_order():
    organisation = OrganisationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFormerName.objects.create(organisation=organisation, name="Ancien",
                                              valid_from=datetime.date(2020, 1, 2),
                                              valid_until=datetime.date(2020, 1, 1))

    assert not organisation.former_names.exists()


def test_name_on_with_two_former_names_without_start_dates_gives_the_one_borne_then():
    agency = OrganisationFactory(kind=OrganisationKind.FRANCE_TRAVAIL, name="France Travail Meaux")
    OrganisationFormerName.objects.create(organisation=agency, name="ANPE Meaux",
                                          valid_until=datetime.date(2008, 12, 18))
    OrganisationFormerName.objects.create(organisation=agency, name="Pôle emploi Meaux",
                                          valid_until=datetime.date(2023, 12, 31))

    assert agency.name_on(datetime.date(2015, 6, 1)) == "Pôle emploi Meaux"
    assert agency.name_on(datetime.date(2005, 6, 1)) == "ANPE Meaux"

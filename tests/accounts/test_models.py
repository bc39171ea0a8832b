"""A user acts for one organisation with one role; only national roles may have none."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.enums import Role
from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.partners.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SCOPED_ROLES = [
    Role.CPIP, Role.SPIP_MANAGER, Role.SIAE_DIRECTOR, Role.SIAE_STAFF, Role.ESTABLISHMENT_STAFF,
    Role.DISP_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF,
]


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_database_refuses_a_scoped_role_without_organisation(role):
    count = User.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=role, organisation=None)

    assert User.objects.count() == count


def test_validation_explains_in_french_that_the_role_needs_an_organisation():
    user = UserFactory.build(role=Role.CPIP, organisation=None)

    with pytest.raises(ValidationError) as error:
        user.full_clean()

    assert "Ce rôle exige une organisation de rattachement." in error.value.messages


def test_database_refuses_to_remove_the_organisation_of_an_existing_cpip():
    user = UserFactory(role=Role.CPIP, organisation=OrganisationFactory())
    user.organisation = None

    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()

    user.refresh_from_db()
    assert user.organisation is not None


@pytest.mark.parametrize("role", [Role.NATIONAL, Role.ADMIN])
def test_national_roles_need_no_organisation(role):
    user = UserFactory(role=role, organisation=None)

    user.full_clean()
    assert User.objects.filter(pk=user.pk, organisation__isnull=True).exists()


def test_organisation_with_users_cannot_be_deleted_under_them():
    organisation = OrganisationFactory()
    UserFactory(role=Role.DDETS_STAFF, organisation=organisation)

    with pytest.raises(IntegrityError), transaction.atomic():
        organisation.delete()

    assert organisation.users.count() == 1


@pytest.mark.parametrize("name", ["<img src=x onerror=alert(1)>", '=HYPERLINK("http://x.example")'])
def test_a_user_s_name_refuses_markup_and_formulas_as_every_person_s_name(name):
    user = User(username="cpip.test", role=Role.NATIONAL, first_name=name, last_name=name)

    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])

    assert set(error.value.message_dict) == {"first_name", "last_name"}
    assert "Un nom ne contient ni balise, ni formule" in error.value.message_dict["last_name"][0]

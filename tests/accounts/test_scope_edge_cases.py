"""A user whose organisation does not carry what their role needs (no SIAE, no establishment, no
territory) sees nothing, rather than everything the missing link would have excluded."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from tests.accounts.factories import UserFactory
from tests.accounts.pages import page_text
from tests.accounts.personas import SCOPED_ROLES
from tests.partners.factories import OrganisationFactory
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_user_whose_organisation_is_not_linked_to_their_role_sees_no_registry_row(client, role):
    ProgrammeFactory(code="MEAUX-APRES", establishment=EstablishmentFactory(name="CP de Meaux-Chauconin"),
                     siae=SiaeFactory(name="Après"))
    EstablishmentFactory(name="MA sans programme")
    # an organisation created through the organisation form: no SIAE, establishment nor territory
    client.force_login(UserFactory(role=role, organisation=OrganisationFactory(kind="OTHER", name="Non reliée")))

    establishments = page_text(client.get(reverse("programmes:establishment_list")))
    programmes = page_text(client.get(reverse("programmes:programme_list")))
    siaes = page_text(client.get(reverse("programmes:siae_list")))

    assert "MEAUX-APRES" not in programmes
    assert "Après" not in siaes
    assert "CP de Meaux-Chauconin" not in establishments
    assert "MA sans programme" not in establishments


def test_inactive_user_with_a_live_session_is_sent_back_to_the_login_page(client):
    user = UserFactory(role=Role.NATIONAL)
    client.force_login(user)
    user.is_active = False
    user.save()

    response = client.get(reverse("programmes:programme_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))

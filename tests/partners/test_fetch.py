"""The one way in per model (partners/selectors.py get_<model>_for): the object in the viewer's scope or a 404, and
whether they may edit it, the object's own rules included."""

import pytest
from django.http import Http404
from django.urls import reverse

from partners import selectors
from tests.accounts.pages import page_text
from tests.partners.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_outside_the_scope_does_not_exist_for_the_viewer(personas, scope_a):
    with pytest.raises(Http404):
        selectors.get_organisation_for(personas["DISP_STAFF_B"], scope_a.organisations["spip"].pk)


@pytest.mark.parametrize(("persona", "may_edit"), [("ADMIN", True), ("DISP_STAFF_A", False), ("CPIP_A", False)])
def test_only_an_administrator_may_edit_a_body_without_territory(personas, persona, may_edit):
    atigip = OrganisationFactory(kind="NATIONAL_AGENCY", name="ATIGIP")

    assert selectors.get_organisation_for(personas[persona], atigip.pk) == (atigip, may_edit)


@pytest.mark.parametrize(("persona", "shown"), [("ADMIN", True), ("DISP_STAFF_A", False)])
def test_the_page_of_a_body_without_territory_offers_modifier_only_to_who_may_save_it(client_as, persona, shown):
    atigip = OrganisationFactory(kind="NATIONAL_AGENCY", name="ATIGIP")

    text = page_text(client_as(persona).get(atigip.get_absolute_url()))

    assert "ATIGIP" in text
    assert (f'href="{reverse("partners:organisation_update", args=[atigip.pk])}"' in text) == shown

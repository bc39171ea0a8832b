"""Detail pages show the object and, among its related rows, only those the viewer may see."""

import pytest
from django.urls import reverse

from tests.accounts.pages import page_text
from tests.programmes.factories import ProgrammeFactory, SiaeFactory

pytestmark = pytest.mark.django_db


def test_siae_page_lists_only_the_programmes_in_the_viewers_scope(client_as, scope_a, scope_b):
    ProgrammeFactory(code="ALPHA-EN-MOSELLE", siae=scope_a.siae, establishment=scope_b.establishment)

    cpip_a = page_text(client_as("CPIP_A").get(scope_a.siae.get_absolute_url()))
    director_a = page_text(client_as("SIAE_DIRECTOR_A").get(scope_a.siae.get_absolute_url()))

    assert "ALPHA-1" in cpip_a and "ALPHA-EN-MOSELLE" not in cpip_a
    assert "ALPHA-1" in director_a and "ALPHA-EN-MOSELLE" in director_a


def test_establishment_page_shows_an_siae_only_its_own_programmes(client_as, scope_a):
    ProgrammeFactory(code="ALPHA-VOISIN", siae=SiaeFactory(name="Voisin"), establishment=scope_a.establishment)

    director = page_text(client_as("SIAE_DIRECTOR_A").get(scope_a.establishment.get_absolute_url()))
    establishment_staff = page_text(client_as("ESTABLISHMENT_STAFF_A").get(scope_a.establishment.get_absolute_url()))

    assert "ALPHA-1" in director and "ALPHA-VOISIN" not in director
    assert "ALPHA-1" in establishment_staff and "ALPHA-VOISIN" in establishment_staff


def test_establishment_page_shows_its_quartiers_and_spip(client_as, scope_a):
    text = page_text(client_as("CPIP_A").get(scope_a.establishment.get_absolute_url()))

    assert "QMA — Quartier maison d'arrêt" in text
    assert "QCD — Quartier centre de détention" in text
    assert "SPIP Alpha" in text


@pytest.mark.parametrize(
    ("persona", "may_edit"),
    [("SIAE_DIRECTOR_A", True), ("DISP_STAFF_A", True), ("SIAE_STAFF_A", False), ("CPIP_A", False),
     ("NATIONAL", False)],
)
def test_programme_page_offers_the_edit_button_only_to_editors(client_as, scope_a, persona, may_edit):
    text = page_text(client_as(persona).get(scope_a.programme.get_absolute_url()))

    assert "ALPHA-1" in text
    assert (f'href="{reverse("programmes:programme_update", args=[scope_a.programme.pk])}"' in text) == may_edit

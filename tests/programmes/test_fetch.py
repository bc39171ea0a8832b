"""The one way in per model (programmes/selectors.py get_<model>_for): the object in the viewer's scope or a 404, and
whether they may edit it; the pages' order, 404 before 403."""

import pytest
from django.http import Http404
from django.urls import reverse

from programmes import selectors
from tests.accounts.pages import page_text
from tests.programmes.factories import ProgrammeFactory, SiaeFactory
from tests.programmes.form_data import siae_data

pytestmark = pytest.mark.django_db


def test_an_siae_outside_the_scope_does_not_exist_for_the_viewer(personas, scope_a):
    with pytest.raises(Http404):
        selectors.get_siae_for(personas["DDETS_STAFF_B"], scope_a.siae.pk)


@pytest.mark.parametrize(("persona", "may_edit"), [("DDETS_STAFF_A", True), ("SIAE_DIRECTOR_A", True),
                                                   ("CPIP_A", False), ("NATIONAL", False)])
def test_the_fetch_says_whether_the_viewer_may_edit_the_siae(personas, scope_a, persona, may_edit):
    siae, can_edit = selectors.get_siae_for(personas[persona], scope_a.siae.pk)

    assert (siae, can_edit) == (scope_a.siae, may_edit)


def test_the_siae_page_lists_the_visible_programmes_while_the_services_still_see_them_all(personas, scope_a, scope_b):
    siae = SiaeFactory(name="Atelier de Meaux", department_code="77")
    ProgrammeFactory(code="BRAVO-MEAUX", siae=siae, establishment=scope_b.establishment)

    fetched, _can_edit = selectors.get_siae_for(personas["DDETS_STAFF_A"], siae.pk)

    assert fetched.visible_programmes == []
    assert fetched.programmes.exists()  # siae_save's rule on ETTI must not read the viewer's part only


def test_turning_into_an_etti_an_siae_whose_programmes_the_editor_does_not_see_is_refused(client_as, scope_a, scope_b):
    siae = SiaeFactory(name="Atelier de Meaux", department_code="77")
    ProgrammeFactory(code="BRAVO-MEAUX", siae=siae, establishment=scope_b.establishment)
    data = siae_data(name="Atelier de Meaux", kind="ETTI", siret=siae.siret)

    response = client_as("DDETS_STAFF_A").post(reverse("programmes:siae_update", args=[siae.pk]), data)

    assert response.status_code == 200
    assert "Cette SIAE porte un programme en détention : elle doit rester un ACI ou une EI." in page_text(response)
    siae.refresh_from_db()
    assert siae.kind == "ACI"


def test_an_update_page_outside_the_scope_is_a_404_even_for_a_role_that_may_not_edit(client_as, scope_a):
    url = reverse("programmes:programme_update", args=[scope_a.programme.pk])

    assert client_as("CPIP_B").get(url).status_code == 404
    assert client_as("CPIP_A").get(url).status_code == 403


def test_a_detail_page_answers_get_only(client_as, scope_a):
    assert client_as("NATIONAL").post(scope_a.programme.get_absolute_url()).status_code == 405

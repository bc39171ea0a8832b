"""Creation pages take no id: anonymous visitors go to the login page, roles that may not create get 403."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.accounts.pages import page_text
from tests.accounts.personas import PERSONAS

# url name -> roles that may create that kind of object (SIAE directors edit their own but create nothing).
MAY_CREATE = {
    "programmes:establishment_create": {"ADMIN", "DISP_STAFF"},
    "programmes:siae_create": {"ADMIN", "DREETS_STAFF", "DDETS_STAFF"},
    "programmes:programme_create": {"ADMIN", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF"},
    "partners:organisation_create": {"ADMIN", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF"},
}
LIST_OF = {
    "programmes:establishment_create": "programmes:establishment_list",
    "programmes:siae_create": "programmes:siae_list",
    "programmes:programme_create": "programmes:programme_list",
    "partners:organisation_create": "partners:organisation_list",
}


@pytest.mark.parametrize("url_name", list(MAY_CREATE))
@pytest.mark.parametrize("persona", PERSONAS, ids=lambda persona: persona.name)
def test_creation_page_opens_only_for_roles_that_may_create(persona, url_name, client_as):
    url = reverse(url_name)

    response = client_as(persona.name).get(url)

    if persona.role is None:
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next={quote(url)}"
    elif persona.role in MAY_CREATE[url_name]:
        assert response.status_code == 200
        assert "Enregistrer" in page_text(response)
    else:
        assert response.status_code == 403
        assert "Accès refusé" in page_text(response)


@pytest.mark.parametrize("url_name", list(MAY_CREATE))
@pytest.mark.parametrize("persona_name", ["DISP_STAFF_A", "SIAE_DIRECTOR_A", "CPIP_A", "NATIONAL"])
def test_list_page_shows_the_creation_button_only_to_roles_that_may_create(persona_name, url_name, client_as, personas):
    response = client_as(persona_name).get(reverse(LIST_OF[url_name]))

    shown = f'href="{reverse(url_name)}"' in page_text(response)
    assert shown == (personas[persona_name].role in MAY_CREATE[url_name])

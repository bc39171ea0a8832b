"""List pages run a fixed number of queries, whatever the number of rows (no query per row)."""

import pytest
from django.urls import reverse

from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, QuartierFactory, SiaeFactory

pytestmark = pytest.mark.django_db

# Every page of a logged-in user starts and ends the same way:
#   1. the session
#   2. the user
#   3. the user's organisation (their scope, and the page header)
#   4. the second-factor device the session was verified with (django-otp: still there, still confirmed)
#   ...  the page's own queries
#   django-dsfr's site configuration is not read: a process keeps it a minute (core.context_processors.site_config,
#      issue 19; tests/conftest.py site_config_as_kept), and the session is not written: at most once a minute
#      (accounts.sessions.renew_when_due, issue 19)
PAGE_FRAME = 4


@pytest.mark.parametrize("rows", [5, 25])
def test_programme_list_query_count_does_not_grow_with_rows(client_as, scope_a, rows, django_assert_num_queries):
    for _ in range(rows):
        quartier = QuartierFactory(establishment=EstablishmentFactory(department_code="77"), kind="QCD")
        ProgrammeFactory(establishment=quartier.establishment, quartier=quartier,
                         siae=SiaeFactory(department_code="77"))
    client = client_as("DISP_STAFF_A")

    # + interregions offered by the filter form
    # + COUNT of the programmes in scope (paginator)
    # + one page of programmes, with SIAE, establishment, department, region, DISP and quartier joined
    with django_assert_num_queries(PAGE_FRAME + 3):
        response = client.get(reverse("programmes:programme_list"))

    assert response.context["paginator"].count == rows + 1  # and ALPHA-1


@pytest.mark.parametrize("rows", [5, 25])
def test_establishment_list_query_count_does_not_grow_with_rows(client_as, scope_a, rows, django_assert_num_queries):
    for _ in range(rows):
        ProgrammeFactory(establishment=EstablishmentFactory(department_code="77"))
    client = client_as("DISP_STAFF_A")

    # + interregions offered by the filter form
    # + COUNT of the establishments in scope (paginator)
    # + one page of establishments with department, region and DISP joined and their programmes counted
    with django_assert_num_queries(PAGE_FRAME + 3):
        response = client.get(reverse("programmes:establishment_list"))

    assert response.context["paginator"].count == rows + 1  # and CP Alpha


@pytest.mark.parametrize("rows", [5, 25])
def test_siae_list_query_count_does_not_grow_with_rows(client_as, scope_a, rows, django_assert_num_queries):
    for _ in range(rows):
        ProgrammeFactory(siae=SiaeFactory(department_code="77"), establishment=scope_a.establishment)
    client = client_as("DISP_STAFF_A")

    # + COUNT of the SIAE in scope (paginator)
    # + one page of SIAE with their department joined and their programmes counted
    with django_assert_num_queries(PAGE_FRAME + 2):
        response = client.get(reverse("programmes:siae_list"))

    assert response.context["paginator"].count == rows + 1  # and SIAE Alpha

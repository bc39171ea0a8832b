"""The registry forms through HTTP: an invalid post re-renders the page with the French error and creates
nothing; a valid post creates the object and redirects to its page; choice lists stay in the scope."""

import pytest
from django.urls import reverse

from programmes.models import Establishment, Programme, Siae
from tests.accounts.pages import option_labels, page_text
from tests.programmes.factories import ProgrammeFactory, SiaeFactory
from tests.programmes.form_data import INVALID_CHOICE, programme_data, siae_data

pytestmark = pytest.mark.django_db


def test_valid_programme_post_creates_it_and_redirects_to_its_page(client_as, scope_a):
    response = client_as("DISP_STAFF_A").post(reverse("programmes:programme_create"), programme_data(scope_a))

    programme = Programme.objects.get(code="ALPHA-2")
    assert response.status_code == 302
    assert response.url == reverse("programmes:programme_detail", args=[programme.pk])
    assert programme.establishment == scope_a.establishment


def test_programme_page_after_creation_says_it_was_saved(client_as, scope_a):
    response = client_as("DISP_STAFF_A").post(
        reverse("programmes:programme_create"), programme_data(scope_a), follow=True
    )

    assert "Les modifications ont été enregistrées." in page_text(response)
    assert "ALPHA-2" in page_text(response)


def test_programme_post_with_an_ai_shows_the_french_error_and_creates_nothing(client_as, scope_a):
    siae = SiaeFactory(name="AI du Pays de Meaux", kind="AI", department_code="77")
    count = Programme.objects.count()

    response = client_as("DISP_STAFF_A").post(
        reverse("programmes:programme_create"), programme_data(scope_a, siae=siae.pk)
    )

    assert response.status_code == 200
    assert (
        "Seuls un atelier et chantier d'insertion (ACI) ou une entreprise d'insertion (EI) peuvent porter un "
        "programme en détention ; AI du Pays de Meaux est de type Association intermédiaire (AI)."
    ) in page_text(response)
    assert Programme.objects.count() == count


def test_programme_post_ending_before_it_starts_shows_the_french_error_and_creates_nothing(client_as, scope_a):
    count = Programme.objects.count()

    response = client_as("ADMIN").post(
        reverse("programmes:programme_create"),
        programme_data(scope_a, start_date="2025-03-01", end_date="2025-02-01"),
    )

    assert response.status_code == 200
    assert "La date de fin doit être postérieure à la date de début." in page_text(response)
    assert Programme.objects.count() == count


def test_programme_create_page_of_disp_paris_does_not_offer_a_strasbourg_establishment(client_as, scope_a, scope_b):
    response = client_as("DISP_STAFF_A").get(reverse("programmes:programme_create"))

    establishments = option_labels(response, "establishment")
    assert "CP Alpha" in establishments
    assert "CP Bravo" not in establishments
    assert "SIAE Bravo" not in option_labels(response, "siae")


def test_programme_post_with_an_establishment_outside_the_scope_is_refused(client_as, scope_a, scope_b):
    count = Programme.objects.count()

    response = client_as("DISP_STAFF_A").post(
        reverse("programmes:programme_create"),
        programme_data(scope_a, establishment=scope_b.establishment.pk, siae=scope_a.siae.pk),
    )

    assert response.status_code == 200
    assert INVALID_CHOICE in page_text(response)
    assert Programme.objects.count() == count


def test_siae_director_updates_their_programme_and_lands_on_its_page(client_as, scope_a):
    url = reverse("programmes:programme_update", args=[scope_a.programme.pk])

    response = client_as("SIAE_DIRECTOR_A").post(
        url, programme_data(scope_a, code="ALPHA-1", activity="Atelier de couture", stage="INSTRUCTION")
    )

    assert response.status_code == 302
    assert response.url == scope_a.programme.get_absolute_url()
    scope_a.programme.refresh_from_db()
    assert (scope_a.programme.activity, scope_a.programme.stage) == ("Atelier de couture", "INSTRUCTION")


def test_siae_director_cannot_move_their_programme_to_an_establishment_they_do_not_see(client_as, scope_a, scope_b):
    url = reverse("programmes:programme_update", args=[scope_a.programme.pk])

    response = client_as("SIAE_DIRECTOR_A").post(
        url, programme_data(scope_a, code="ALPHA-1", establishment=scope_b.establishment.pk)
    )

    assert response.status_code == 200
    assert INVALID_CHOICE in page_text(response)
    scope_a.programme.refresh_from_db()
    assert scope_a.programme.establishment == scope_a.establishment


def test_valid_siae_post_creates_it_and_redirects_to_its_page(client_as, scope_a):
    response = client_as("DDETS_STAFF_A").post(reverse("programmes:siae_create"), siae_data())

    siae = Siae.objects.get(siret="73282932000074")
    assert response.status_code == 302
    assert response.url == reverse("programmes:siae_detail", args=[siae.pk])
    assert siae.name == "Atelier du Sud"


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("7328293200007", "Le SIRET doit comporter exactement 14 chiffres."),
        ("73282932000075", "Ce SIRET n'est pas valide (la clé de contrôle ne correspond pas)."),
    ],
)
def test_siae_post_with_a_bad_siret_shows_the_french_error_and_creates_nothing(client_as, scope_a, siret, message):
    count = Siae.objects.count()

    response = client_as("DDETS_STAFF_A").post(reverse("programmes:siae_create"), siae_data(siret=siret))

    assert response.status_code == 200
    assert message in page_text(response)
    assert Siae.objects.count() == count


def test_siae_post_with_a_siret_already_registered_shows_the_french_error(client_as, scope_a):
    count = Siae.objects.count()

    response = client_as("DDETS_STAFF_A").post(
        reverse("programmes:siae_create"), siae_data(siret=scope_a.siae.siret)
    )

    assert response.status_code == 200
    assert "Une SIAE avec ce SIRET existe déjà." in page_text(response)
    assert Siae.objects.count() == count


def test_siae_post_turning_an_siae_with_a_programme_into_an_etti_is_refused(client_as, scope_a):
    data = siae_data(name="SIAE Alpha", kind="ETTI", siret=scope_a.siae.siret)

    response = client_as("DDETS_STAFF_A").post(reverse("programmes:siae_update", args=[scope_a.siae.pk]), data)

    assert response.status_code == 200
    assert "Cette SIAE porte un programme en détention : elle doit rester un ACI ou une EI." in page_text(response)
    scope_a.siae.refresh_from_db()
    assert scope_a.siae.kind == "ACI"


def test_valid_establishment_post_creates_it_with_its_quartiers(client_as, scope_a):
    data = {"name": "CP de Réau", "kind": "CP", "department": "77", "address": "", "quartiers": ["QMA", "QCD"]}

    response = client_as("DISP_STAFF_A").post(reverse("programmes:establishment_create"), data)

    establishment = Establishment.objects.get(name="CP de Réau")
    assert response.status_code == 302
    assert response.url == reverse("programmes:establishment_detail", args=[establishment.pk])
    assert set(establishment.quartiers.values_list("kind", flat=True)) == {"QMA", "QCD"}


def test_removing_a_quartier_with_a_programme_shows_the_french_error_and_changes_nothing(client_as, scope_a):
    # ALPHA-1 is implanted in CP Alpha's QMA.
    data = {"name": "CP Alpha renommé", "kind": "CP", "department": "77", "address": "", "quartiers": ["QCD"]}

    response = client_as("DISP_STAFF_A").post(
        reverse("programmes:establishment_update", args=[scope_a.establishment.pk]), data
    )

    assert response.status_code == 200
    assert "Impossible de retirer un quartier où un programme est implanté : QMA." in page_text(response)
    scope_a.establishment.refresh_from_db()
    assert scope_a.establishment.name == "CP Alpha"
    assert set(scope_a.establishment.quartiers.values_list("kind", flat=True)) == {"QMA", "QCD"}


def test_role_that_may_not_create_a_programme_gets_403_on_post_and_nothing_is_created(client_as, scope_a):
    count = Programme.objects.count()

    response = client_as("SIAE_DIRECTOR_A").post(reverse("programmes:programme_create"), programme_data(scope_a))

    assert response.status_code == 403
    assert Programme.objects.count() == count


def test_ddets_saves_an_siae_based_in_another_department_without_moving_it(client_as, scope_a):
    siae = SiaeFactory(name="Siège en Moselle", department_code="57")
    ProgrammeFactory(code="ALPHA-MOSELLE", siae=siae, establishment=scope_a.establishment)
    url = reverse("programmes:siae_update", args=[siae.pk])

    response = client_as("DDETS_STAFF_A").post(
        url, siae_data(name="Siège en Moselle", siret=siae.siret, department="57", director_name="C. Martin")
    )

    assert response.status_code == 302
    siae.refresh_from_db()
    assert (siae.director_name, siae.department_id) == ("C. Martin", "57")

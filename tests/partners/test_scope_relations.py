"""Relations that decide who reads names change only by an administrator, and the change history says who and when
(issue 14, item 3).

The probe: as ``disp.strasbourg``, ``POST /organisations/31/modifier/`` (SPIP de la Moselle) with one more
establishment ticked in ``served_establishments`` made ``cpip.metz`` read that establishment's participants. Here:
DISP_STAFF_A ticks a second establishment of its interregion for SPIP Alpha.
"""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from access import permissions
from audit.enums import ChangeAction
from audit.models import ChangeRecord
from partners import forms, services
from partners.models import Organisation
from tests.participants.factories import ParticipantFactory
from tests.programmes.factories import EstablishmentFactory, SiaeFactory

pytestmark = pytest.mark.django_db

REFUSED = "Seul·e un·e administrateur·rice modifie ce rattachement"


def spip_data(spip, served) -> dict:
    return {"kind": "SPIP", "name": spip.name, "department": spip.department_id, "region": "", "disp": "",
            "served_establishments": [establishment.pk for establishment in served]}


def history(organisation, *, after: int = 0):
    """The organisation's change history, oldest first, after the first ``after`` rows (those of the fixtures:
    the factory sets the served establishments once the organisation is created)."""
    return list(ChangeRecord.objects.filter(object_type="organisation", object_id=str(organisation.pk))
                .order_by("at", "pk"))[after:]


@pytest.fixture
def second_establishment(scope_a):
    """An establishment of the same department as CP Alpha, not served by SPIP Alpha, with one person in it."""
    establishment = EstablishmentFactory(name="MA Alpha-Sud", department_code="77")
    participant = ParticipantFactory(establishment=establishment, last_name="Horsperimetre")
    return establishment, participant


def test_a_disp_officer_ticking_an_establishment_does_not_let_the_cpip_read_its_people(
        client_as, scope_a, second_establishment):
    establishment, participant = second_establishment
    spip = scope_a.organisations["spip"]
    participant_url = reverse("participants:participant_detail", args=[participant.pk])
    assert client_as("CPIP_A").get(participant_url).status_code == 404

    response = client_as("DISP_STAFF_A").post(reverse("partners:organisation_update", args=[spip.pk]),
                                              spip_data(spip, [scope_a.establishment, establishment]))

    assert response.status_code in (200, 302)
    assert set(spip.served_establishments.all()) == {scope_a.establishment}
    assert client_as("CPIP_A").get(participant_url).status_code == 404


def test_the_form_leaves_the_scope_fields_out_for_anyone_but_an_administrator(personas, scope_a):
    spip = scope_a.organisations["spip"]
    scope_fields = {"siae", "establishment", "served_establishments"}

    for name in ("DISP_STAFF_A", "DREETS_STAFF_A", "DDETS_STAFF_A"):
        assert not scope_fields & set(forms.OrganisationForm(instance=spip, user=personas[name]).fields), name
    assert scope_fields <= set(forms.OrganisationForm(instance=spip, user=personas["ADMIN"]).fields)


def test_the_service_refuses_a_change_of_served_establishments_to_a_non_administrator(
        personas, scope_a, second_establishment):
    establishment, _participant = second_establishment
    spip = scope_a.organisations["spip"]

    with pytest.raises(ValidationError) as raised:
        services.organisation_save(organisation=spip, served_establishments=[scope_a.establishment, establishment],
                                   by=personas["DISP_STAFF_A"])

    assert REFUSED in raised.value.message_dict["served_establishments"][0]
    assert set(spip.served_establishments.all()) == {scope_a.establishment}


@pytest.mark.parametrize(("organisation_key", "field"), [("siae", "siae"), ("establishment", "establishment")])
def test_the_service_refuses_a_change_of_an_organisations_siae_or_establishment(
        personas, scope_a, organisation_key, field):
    organisation = scope_a.organisations[organisation_key]
    before = getattr(organisation, f"{field}_id")
    setattr(organisation, field, SiaeFactory(department_code="77") if field == "siae"
            else EstablishmentFactory(department_code="77"))

    with pytest.raises(ValidationError) as raised:
        services.organisation_save(organisation=organisation, by=personas["DISP_STAFF_A"])

    assert REFUSED in raised.value.message_dict[field][0]
    assert getattr(Organisation.objects.get(pk=organisation.pk), f"{field}_id") == before


def test_a_non_administrator_creates_an_organisation_without_scope_relations(personas):
    with pytest.raises(ValidationError) as raised:
        services.organisation_save(
            organisation=Organisation(kind="SPIP", name="SPIP nouveau", department_id="77"),
            served_establishments=[EstablishmentFactory(department_code="77")], by=personas["DISP_STAFF_A"])

    assert REFUSED in raised.value.message_dict["served_establishments"][0]
    assert not Organisation.objects.filter(name="SPIP nouveau").exists()


def test_a_disp_officer_still_renames_a_spip(client_as, scope_a):
    spip = scope_a.organisations["spip"]
    data = spip_data(spip, [scope_a.establishment])

    response = client_as("DISP_STAFF_A").post(reverse("partners:organisation_update", args=[spip.pk]),
                                              {**data, "name": "SPIP Alpha renommé"})

    assert response.status_code == 302
    spip.refresh_from_db()
    assert spip.name == "SPIP Alpha renommé"
    assert set(spip.served_establishments.all()) == {scope_a.establishment}


def test_an_administrator_changes_the_served_establishments_and_the_history_says_who_and_when(
        client_as, personas, scope_a, second_establishment):
    establishment, participant = second_establishment
    spip = scope_a.organisations["spip"]
    fixtures = len(history(spip))

    response = client_as("ADMIN").post(reverse("partners:organisation_update", args=[spip.pk]),
                                       spip_data(spip, [scope_a.establishment, establishment]))

    assert response.status_code == 302
    assert set(spip.served_establishments.all()) == {scope_a.establishment, establishment}
    assert client_as("CPIP_A").get(
        reverse("participants:participant_detail", args=[participant.pk])).status_code == 200
    [record] = history(spip, after=fixtures)
    assert (record.user, record.user_label, record.action) == (personas["ADMIN"], "admin (ADMIN)",
                                                               ChangeAction.UPDATE)
    assert record.changes == {"served_establishments": ["CP Alpha", "CP Alpha, MA Alpha-Sud"]}
    assert record.at is not None


def test_the_history_records_served_establishments_changed_from_either_side(scope_a, second_establishment):
    establishment, _participant = second_establishment
    spip = scope_a.organisations["spip"]
    fixtures = len(history(spip))

    establishment.spips.add(spip)
    spip.served_establishments.remove(scope_a.establishment)
    spip.served_establishments.add(establishment)  # already served: nothing changes, nothing is written
    spip.served_establishments.clear()

    changes = history(spip, after=fixtures)
    assert [record.changes["served_establishments"] for record in changes] == [
        ["CP Alpha", "CP Alpha, MA Alpha-Sud"], ["CP Alpha, MA Alpha-Sud", "MA Alpha-Sud"], ["MA Alpha-Sud", None]]
    assert {(record.user_label, record.action) for record in changes} == {("système", ChangeAction.UPDATE)}


def test_the_history_records_an_organisations_siae_and_a_users_role_and_organisation(personas, scope_a, scope_b):
    organisation = scope_a.organisations["siae"]
    fixtures = len(history(organisation))
    new_siae = SiaeFactory(name="SIAE Charlie", department_code="77")
    organisation.siae = new_siae
    services.organisation_save(organisation=organisation, by=personas["ADMIN"])
    user = personas["CPIP_A"]
    user.role, user.organisation = "SPIP_MANAGER", scope_b.organisations["spip"]
    user.save()

    [siae_change] = history(organisation, after=fixtures)
    assert (siae_change.user_label, siae_change.changes) == ("admin (ADMIN)", {"siae": ["SIAE Alpha", "SIAE Charlie"]})
    [role_change] = ChangeRecord.objects.filter(object_type="user", object_id=str(user.pk))
    assert role_change.changes == {
        "role": ["Conseiller·e pénitentiaire d'insertion et de probation (CPIP)", "Encadrement du SPIP"],
        "organisation": ["SPIP Alpha", "SPIP Bravo"],
    }


def test_the_administration_shows_the_scope_fields_read_only_to_a_staff_member_who_is_not_an_administrator(
        personas):
    staff = personas["DISP_STAFF_A"]
    staff.is_staff = True
    request = RequestFactory().get("/gestion/")
    request.user = staff
    organisation_admin = admin_site._registry[Organisation]

    assert set(permissions.SCOPE_FIELDS[Organisation]) <= set(organisation_admin.get_readonly_fields(request))
    request.user = personas["ADMIN"]
    assert not set(permissions.SCOPE_FIELDS[Organisation]) & set(organisation_admin.get_readonly_fields(request))


def test_a_change_of_served_establishments_in_the_administration_is_in_the_history(
        client_as, personas, scope_a, second_establishment):
    establishment, _participant = second_establishment
    admin = personas["ADMIN"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    spip = scope_a.organisations["spip"]
    fixtures = len(history(spip))

    response = client_as("ADMIN").post(reverse("admin:partners_organisation_change", args=[spip.pk]), {
        "kind": "SPIP", "name": spip.name, "department": spip.department_id, "region": "", "disp": "", "siae": "",
        "establishment": "", "served_establishments": [scope_a.establishment.pk, establishment.pk],
        "former_names-TOTAL_FORMS": "0", "former_names-INITIAL_FORMS": "0",
    })

    assert response.status_code == 302
    assert set(spip.served_establishments.all()) == {scope_a.establishment, establishment}
    [record] = history(spip, after=fixtures)
    assert (record.user, record.changes) == (admin, {"served_establishments": ["CP Alpha", "CP Alpha, MA Alpha-Sud"]})


def test_the_organisation_page_says_who_changes_the_served_establishments(client_as, scope_a):
    spip = scope_a.organisations["spip"]

    text = client_as("DISP_STAFF_A").get(reverse("partners:organisation_detail", args=[spip.pk])).content.decode()

    assert "seul·e un·e administrateur·rice les modifie" in text

"""A user's role and organisation decide what they read (issue 14, item 3): in the administration, only an
administrator changes them, or the staff flags, groups and permissions, whatever permissions a staff account holds."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.enums import Role
from accounts.models import User

pytestmark = pytest.mark.django_db


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_form(target: User, **changes) -> dict:
    data = {"username": target.username, "first_name": target.first_name, "last_name": target.last_name,
            "email": target.email, "is_active": "on", "role": target.role,
            "organisation": target.organisation_id or "", "date_joined_0": "01/01/2026",
            "date_joined_1": "10:00:00", "initial-date_joined_0": "01/01/2026", "initial-date_joined_1": "10:00:00"}
    return {**data, **changes}


@pytest.fixture
def target(personas):
    return personas["CPIP_A"]


def test_a_staff_member_who_is_not_an_administrator_cannot_move_a_user_s_scope(personas, target):
    disp = personas["DISP_STAFF_A"]
    disp.is_staff = True
    disp.save()
    disp.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    other = personas["CPIP_B"].organisation

    response = staff_client(disp).post(f"/gestion/accounts/user/{target.pk}/change/", user_form(
        target, role=Role.SPIP_MANAGER, organisation=other.pk, is_staff="on", is_superuser="on", first_name="Léa"))

    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.organisation_id) == (Role.CPIP, personas["CPIP_A"].organisation_id)
    assert not target.is_staff and not target.is_superuser
    assert target.first_name == "Léa"  # the rest of the form still saves


def test_an_administrator_moves_a_user_s_scope(personas, target):
    administrator = User.objects.create_user(username="admin.scope", password="x", role=Role.ADMIN, is_staff=True,
                                             is_superuser=True)
    other = personas["CPIP_B"].organisation

    response = staff_client(administrator).post(f"/gestion/accounts/user/{target.pk}/change/",
                                                user_form(target, organisation=other.pk))

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.organisation == other

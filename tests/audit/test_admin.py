"""The administrator's search page over the access log (/gestion/): administrators only, read only, newest first."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.enums import AccessAction
from audit.models import AccessLog
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:audit_accesslog_changelist")


@pytest.fixture
def log():
    now = timezone.now()
    older = AccessLog.objects.create(at=now - datetime.timedelta(days=3), user_label="cpip.meaux (CPIP)",
                                     action=AccessAction.PARTICIPANT_VIEW, object_type="participant",
                                     object_id="11111111-aaaa", route="participants:participant_detail")
    newer = AccessLog.objects.create(at=now - datetime.timedelta(hours=1), user_label="siae.ares (SIAE_STAFF)",
                                     action=AccessAction.EXPORT, object_type="pathway",
                                     route="participants:pathway_list", detail="xlsx")
    return older, newer


def admin_client(client, **fields):
    user = UserFactory(is_staff=True, **fields)
    client.force_login(user)
    return client


@pytest.mark.parametrize("fields", [{"role": "ADMIN"}, {"role": "NATIONAL", "is_superuser": True}])
def test_administrators_search_the_log_newest_first(client, log, fields):
    older, newer = log
    client = admin_client(client, **fields)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [newer, older]
    found = client.get(CHANGELIST, {"q": "11111111"})
    assert list(found.context["cl"].result_list) == [older]
    by_user = client.get(CHANGELIST, {"q": "siae.ares"})
    assert list(by_user.context["cl"].result_list) == [newer]
    by_action = client.get(CHANGELIST, {"action__exact": AccessAction.PARTICIPANT_VIEW})
    assert list(by_action.context["cl"].result_list) == [older]


def test_the_page_is_read_only(client, log):
    older, _newer = log
    client = admin_client(client, role="ADMIN")
    page = client.get(CHANGELIST).content.decode()
    assert reverse("admin:audit_accesslog_add") not in page
    assert 'name="action"' not in page  # no bulk action (no "delete selected")
    assert client.get(reverse("admin:audit_accesslog_add")).status_code == 403
    change = reverse("admin:audit_accesslog_change", args=[older.pk])
    assert client.get(change).status_code == 200  # view only
    assert client.post(change, {"route": "ailleurs"}).status_code == 403
    assert client.post(reverse("admin:audit_accesslog_delete", args=[older.pk]), {"post": "yes"}).status_code == 403
    older.refresh_from_db()
    assert older.route == "participants:participant_detail"


def test_other_staff_accounts_are_refused(client, log):
    client = admin_client(client, role="NATIONAL")  # staff status given by mistake: still not an administrator
    assert client.get(CHANGELIST).status_code == 403
    assert "audit" not in client.get(reverse("admin:index")).content.decode().lower().split("<main")[-1]


def test_users_without_staff_status_go_to_the_admin_login(client, log):
    client.force_login(UserFactory(role="ADMIN"))
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/gestion/login/" in response["Location"]

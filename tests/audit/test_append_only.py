"""The database refuses UPDATE and DELETE of access-log rows (a trigger, on PostgreSQL and on SQLite): through the
ORM and through raw SQL, and the rows stay as they were."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.enums import AccessAction
from audit.models import AccessLog
from audit.protection import purge_gate

pytestmark = pytest.mark.django_db

OLD = timezone.now() - datetime.timedelta(days=800)


@pytest.fixture
def rows():
    AccessLog.objects.create(at=OLD, user_label="cpip.meaux (CPIP)", action=AccessAction.PARTICIPANT_VIEW,
                             object_type="participant", object_id="p-1", route="participants:participant_detail")
    AccessLog.objects.create(user_label="siae.ares (SIAE_STAFF)", action=AccessAction.EXPORT,
                             object_type="participant", route="participants:participant_list", detail="csv")
    return snapshot()


def snapshot():
    return list(AccessLog.objects.order_by("pk").values_list(
        "pk", "at", "user_id", "user_label", "action", "object_type", "object_id", "route", "detail"))


def refused(statement):
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        statement()
    return str(error.value)


def test_orm_update_is_refused(rows):
    message = refused(lambda: AccessLog.objects.update(user_label="quelqu'un d'autre"))
    assert "ajout seul" in message
    assert snapshot() == rows


def test_update_of_one_row_through_save_is_refused(rows):
    entry = AccessLog.objects.get(object_id="p-1")
    entry.object_id = "p-2"
    refused(entry.save)
    assert snapshot() == rows


def test_orm_delete_is_refused(rows):
    assert "ajout seul" in refused(lambda: AccessLog.objects.all().delete())
    assert "ajout seul" in refused(lambda: AccessLog.objects.get(object_id="p-1").delete())
    assert snapshot() == rows


def test_raw_sql_update_and_delete_are_refused(rows):
    def raw(sql):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql)
        return run

    refused(raw("UPDATE audit_accesslog SET route = 'ailleurs'"))
    refused(raw("UPDATE audit_accesslog SET at = at"))  # even a no-op rewrite
    refused(raw("DELETE FROM audit_accesslog"))
    assert snapshot() == rows


def test_even_inside_the_purge_gate_newer_rows_and_updates_are_refused(rows):
    """The gate lets through DELETE of rows older than its cut-off, nothing else."""
    with transaction.atomic():
        with purge_gate(OLD + datetime.timedelta(days=1)):
            refused(lambda: AccessLog.objects.update(route="ailleurs"))
            refused(lambda: AccessLog.objects.filter(object_id="").delete())  # the recent row
            assert AccessLog.objects.filter(object_id="p-1").delete()[0] == 1
    assert snapshot() == rows[1:]


def test_the_gate_closes_with_its_block(rows):
    with transaction.atomic(), purge_gate(timezone.now() + datetime.timedelta(days=1)):
        pass
    refused(lambda: AccessLog.objects.all().delete())
    assert snapshot() == rows


def test_setting_the_user_to_null_alone_is_the_only_update_allowed(rows):
    from tests.accounts.factories import UserFactory

    user = UserFactory(username="temporaire")
    entry = AccessLog.objects.create(user=user, user_label="temporaire (NATIONAL)", action=AccessAction.EXPORT,
                                     route="programmes:siae_list", detail="csv")
    refused(lambda: AccessLog.objects.filter(pk=entry.pk).update(user=None, route="effacé"))
    AccessLog.objects.filter(pk=entry.pk).update(user=None)
    entry.refresh_from_db()
    assert (entry.user_id, entry.user_label, entry.route) == (None, "temporaire (NATIONAL)", "programmes:siae_list")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transactional_test_can_leave_rows_behind_for_the_flush():
    """`manage.py flush` (between transactional tests) empties every table, the access log included: on PostgreSQL
    it is a TRUNCATE, on SQLite it opens the gate for its own statements. The next test checks it is empty."""
    AccessLog.objects.create(user_label="flush (ADMIN)", action=AccessAction.EXPORT, route="programmes:siae_list")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()  # still refused outside the flush


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_the_flush_the_log_is_empty_and_still_protected():
    assert AccessLog.objects.count() == 0
    AccessLog.objects.create(user_label="flush (ADMIN)", action=AccessAction.EXPORT, route="programmes:siae_list")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.update(route="ailleurs")

"""Retention of the access log (goal R-14, access-log part): rows older than ACCESS_LOG_RETENTION_MONTHS go, and
the failed logins of the same age; nothing younger; the dry run deletes nothing; the counts are logged."""

import datetime
import logging

import pytest
from django.test import override_settings

from accounts.models import LoginFailure
from audit.enums import AccessAction
from audit.models import AccessLog
from audit.retention import purge_expired

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)
CUTOFF = datetime.datetime(2025, 11, 27, 10, 0, tzinfo=datetime.UTC)  # 12 months before NOW, written by hand
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)


def access(at, object_id):
    return AccessLog.objects.create(at=at, user_label="cpip.meaux (CPIP)", action=AccessAction.PARTICIPANT_VIEW,
                                    object_type="participant", object_id=object_id,
                                    route="participants:participant_detail")


def failure(at, username):
    row = LoginFailure.objects.create(username=username)
    LoginFailure.objects.filter(pk=row.pk).update(at=at)  # auto_now_add: dated afterwards


@pytest.fixture
def boundary_rows():
    for name, at in {"minus-1-day": CUTOFF - DAY, "minus-1-second": CUTOFF - SECOND, "exactly": CUTOFF,
                     "plus-1-day": CUTOFF + DAY, "today": NOW}.items():
        access(at, name)
        failure(at, name)


def test_wet_run_deletes_rows_older_than_the_cutoff_and_nothing_else(boundary_rows):
    counts = purge_expired(now=NOW, wet_run=True)
    assert counts == {"access_log": 2, "login_failures": 2}
    assert sorted(AccessLog.objects.values_list("object_id", flat=True)) == ["exactly", "plus-1-day", "today"]
    assert sorted(LoginFailure.objects.values_list("username", flat=True)) == ["exactly", "plus-1-day", "today"]


def test_dry_run_counts_the_same_and_deletes_nothing(boundary_rows):
    assert purge_expired(now=NOW) == {"access_log": 2, "login_failures": 2}
    assert AccessLog.objects.count() == 5
    assert LoginFailure.objects.count() == 5


def test_a_day_later_the_row_exactly_at_the_cutoff_goes(boundary_rows):
    assert purge_expired(now=NOW + DAY, wet_run=True) == {"access_log": 3, "login_failures": 3}
    assert sorted(AccessLog.objects.values_list("object_id", flat=True)) == ["plus-1-day", "today"]


@override_settings(ACCESS_LOG_RETENTION_MONTHS=6)
def test_the_setting_decides_the_period(boundary_rows):
    access(datetime.datetime(2026, 5, 26, 10, 0, tzinfo=datetime.UTC), "six-months-and-a-day")
    access(datetime.datetime(2026, 5, 28, 10, 0, tzinfo=datetime.UTC), "under-six-months")
    purge_expired(now=NOW, wet_run=True)
    assert sorted(AccessLog.objects.values_list("object_id", flat=True)) == ["today", "under-six-months"]


def test_nothing_to_purge_returns_zeros(db):
    access(NOW, "today")
    assert purge_expired(now=NOW, wet_run=True) == {"access_log": 0, "login_failures": 0}
    assert AccessLog.objects.count() == 1


def test_the_purge_logs_its_counts_and_no_user(boundary_rows, caplog):
    with caplog.at_level(logging.INFO, logger="audit"):
        purge_expired(now=NOW, wet_run=True)
    messages = [record.getMessage() for record in caplog.records if record.name == "audit"]
    assert len(messages) == 1
    assert "2 access-log rows" in messages[0] and "2 failed logins" in messages[0] and "deleted" in messages[0]
    assert "cpip.meaux" not in messages[0] and "minus-1-day" not in messages[0]


def test_after_the_purge_the_remaining_rows_are_still_protected(boundary_rows):
    from django.db import DatabaseError, transaction

    purge_expired(now=NOW, wet_run=True)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()
    assert AccessLog.objects.count() == 3

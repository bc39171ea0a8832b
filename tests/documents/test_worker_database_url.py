"""The DATABASE_URL built for the worker process reads back as the same test database (no server needed)."""

import dj_database_url

from tests.celery_worker import worker_database_url


def test_postgres_settings_round_trip_through_the_url(tmp_path):
    db = {
        "ENGINE": "django.db.backends.postgresql", "NAME": "test_iae", "USER": "iae",
        "PASSWORD": "p@ss/w:rd?#%", "HOST": "127.0.0.1", "PORT": 54321, "OPTIONS": {"sslmode": "disable"},
    }
    parsed = dj_database_url.parse(worker_database_url(db, tmp_path))
    assert parsed["ENGINE"] == db["ENGINE"]
    assert (parsed["NAME"], parsed["USER"], parsed["PASSWORD"], parsed["HOST"], parsed["PORT"]) == (
        "test_iae", "iae", "p@ss/w:rd?#%", "127.0.0.1", 54321)
    assert parsed["OPTIONS"] == {"sslmode": "disable"}


def test_postgres_over_a_unix_socket(tmp_path):
    db = {"ENGINE": "django.db.backends.postgresql", "NAME": "test_iae", "USER": "iae", "PASSWORD": "",
          "HOST": "/var/run/postgresql", "PORT": ""}
    parsed = dj_database_url.parse(worker_database_url(db, tmp_path))
    assert (parsed["NAME"], parsed["USER"], parsed["HOST"]) == ("test_iae", "iae", "/var/run/postgresql")


def test_sqlite_file_and_memory(tmp_path):
    on_disk = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "test_db.sqlite3")}
    assert dj_database_url.parse(worker_database_url(on_disk, tmp_path))["NAME"] == on_disk["NAME"]
    in_memory = {"ENGINE": "django.db.backends.sqlite3", "NAME": "file:memorydb_default?mode=memory&cache=shared"}
    scratch = dj_database_url.parse(worker_database_url(in_memory, tmp_path))["NAME"]
    assert scratch == str(tmp_path / "worker-test.sqlite3")

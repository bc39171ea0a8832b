"""The database side of "append-only": the access log's triggers (migration 0002) and the one way through them.

PostgreSQL: a plpgsql trigger refuses UPDATE and DELETE of audit_accesslog rows, except
- DELETE of rows older than the cut-off the purge puts in the transaction-local setting ``audit.purge_before``
  (``set_config(..., true)``: it ends with the transaction);
- the UPDATE that ON DELETE SET NULL makes when a user account is deleted (user_id to NULL, nothing else).
SQLite (development and tests): the same rules with RAISE(ABORT); the cut-off comes from a function registered on
each connection (``audit_purge_before()``), which reads what purge_gate() set on that connection. A connection
without the function (the sqlite3 shell) cannot delete at all.

Limits, said plainly: a session that can run set_config or owns the table can still get through or drop the trigger.
In production the application's role should have only INSERT and SELECT on audit_accesslog (no TRUNCATE, not the
owner), and the purge should run as a role that may DELETE. `manage.py flush` (tests between transactional cases)
empties every table by design: PostgreSQL's flush is a TRUNCATE, which row triggers do not see; on SQLite it
opens the gate for its own statements (see connect()).
"""

import contextlib
import datetime

from django.conf import settings
from django.db import connection as default_connection
from django.db.backends.signals import connection_created

SQLITE_FUNCTION = "audit_purge_before"
EVERYTHING = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 0, lambda: getattr(connection, "audit_purge_before", None))


@contextlib.contextmanager
def purge_gate(before: datetime.datetime, *, connection=None):
    """Inside a transaction: DELETE of access-log rows with ``at`` < ``before`` is allowed until the block ends."""
    connection = connection or default_connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('audit.purge_before', %s, true)", [before.isoformat()])
        try:
            yield
        finally:
            if not connection.needs_rollback and connection.is_usable():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('audit.purge_before', '', true)")
        return
    connection.ensure_connection()
    connection.audit_purge_before = connection.ops.adapt_datetimefield_value(before)
    try:
        yield
    finally:
        connection.audit_purge_before = None


_connected = False


def connect():
    global _connected
    if _connected:
        return
    _connected = True
    connection_created.connect(_register_sqlite_function, dispatch_uid="audit_sqlite_function")
    if not any(db["ENGINE"].endswith("sqlite3") for db in settings.DATABASES.values()):
        return
    from django.db.backends.sqlite3.base import DatabaseOperations  # base first: operations imports it back

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with purge_gate(EVERYTHING, connection=self.connection):
            return original(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush

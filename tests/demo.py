"""The demo data for a whole test module: load_demo takes seconds, so modules that only read it load it once.

On PostgreSQL the first module of a test process to ask for a given load runs it for real, then keeps a copy of the
tables it changed (``COPY … TO STDOUT``) before its transaction is rolled back; the next modules of that process
copy those rows back (``COPY … FROM STDIN``) in a fraction of a second, with the same ids, instead of running the
load again. The rows are those the load wrote, byte for byte: the tests of load_demo itself
(tests/programmes/test_demo.py) still run it for real.
"""

from contextlib import contextmanager
from io import StringIO

from django.core.management import call_command
from django.db import connection, transaction


def _load_demo():
    call_command("load_demo", stdout=StringIO())


@contextmanager
def demo_for_module(django_db_blocker, load=_load_demo):
    """Inside a module-scoped fixture: ``load()`` runs once in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        if connection.vendor != "postgresql":
            load()
        elif load in _SNAPSHOTS:
            _SNAPSHOTS[load].restore()
        else:
            _SNAPSHOTS[load] = Snapshot.of(load)
        yield
        transaction.set_rollback(True)


def load_committed(load=_load_demo) -> None:
    """The demo for good, committed (the browser tests' live server reads it through its own connection): copied
    from this process's snapshot when it has one, else loaded for real and kept as the snapshot of the next modules
    (one real load per process, not one more for the browser tests)."""
    if connection.vendor != "postgresql":
        load()
        return
    with transaction.atomic():  # the copy's foreign keys are checked at the commit (SET CONSTRAINTS ALL DEFERRED)
        if load in _SNAPSHOTS:
            _SNAPSHOTS[load].restore()
        else:
            _SNAPSHOTS[load] = Snapshot.of(load)


class Snapshot:
    """The tables ``load`` changed, as COPY text, and where their sequences stood after it."""

    def __init__(self, tables: dict[str, tuple[bool, bytes]], sequences: dict[str, int]):
        self.tables = tables  # table -> (had rows before the load, its rows after)
        self.sequences = sequences

    @classmethod
    def of(cls, load) -> "Snapshot":
        before = _fingerprints()
        load()
        after = _fingerprints()
        tables = {table: (before[table][0] > 0, _copy_out(table))
                  for table in after if after[table] != before.get(table)}
        with connection.cursor() as cursor:
            sequences = {}
            for table in tables:
                for sequence in connection.introspection.get_sequences(cursor, table):
                    name = connection.ops.quote_name(sequence["name"])
                    cursor.execute(f"SELECT last_value FROM {name}")
                    sequences[sequence["name"]] = cursor.fetchone()[0]
        return cls(tables, sequences)

    def restore(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table, (had_rows, rows) in self.tables.items():
                if had_rows:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
                _copy_in(table, rows)
            for name, last_value in self.sequences.items():
                quoted = connection.ops.quote_name(name)
                # Never backwards: a committed row of another test may hold a later id.
                cursor.execute(f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {quoted})))",
                               [name, last_value])


_SNAPSHOTS: dict[object, Snapshot] = {}


def _fingerprints() -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows (the demo may also change rows that were there before)."""
    result = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                           f"FROM {quoted} t")
            result[table] = cursor.fetchone()
    return result


def _copy_out(table: str) -> bytes:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
            return b"".join(bytes(block) for block in copy)


def _copy_in(table: str, rows: bytes) -> None:
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
            copy.write(rows)

"""Bulk writes for the import: one prepared INSERT or UPDATE statement run for many rows (executemany).

Measured on 10,000 rows (scripts/bench_import.py): Django's bulk_create spends about three quarters of its time
assembling the SQL text value by value, and bulk_update builds a CASE per field and row. Here each value still
goes through its field's pre_save() and get_db_prep_save() (auto_now dates, UUIDs, decimals converted as Django
does), only the statement is prepared once. No signals are sent, as with bulk_create.
"""

from django.db import connections, router
from django.db.models.fields import AutoFieldMixin

BATCH = 500
_DEFAULTS = {}


def new_instance(model, **values):
    """``model(**values)`` for ten thousand rows: positional arguments, as Model.from_db() builds instances, with
    the fields' defaults worked out once per model (keyword arguments cost one get_default() per field)."""
    if model not in _DEFAULTS:
        _DEFAULTS[model] = [
            (field.attname, field.default if field.has_default() and callable(field.default) else None,
             field.get_default())
            for field in model._meta.concrete_fields
        ]
    return model(*[values[name] if name in values else (make() if make else constant)
                   for name, make, constant in _DEFAULTS[model]])


def _rows(objects, fields, connection, add: bool, extra=lambda obj: []):
    for obj in objects:
        yield [field.get_db_prep_save(field.pre_save(obj, add), connection) for field in fields] + extra(obj)


def insert_many(model, objects: list) -> None:
    """INSERT every object (their primary keys are set already: UUIDs, or not needed afterwards)."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    # The database computes its generated columns (the names as searched: core.search).
    fields = [field for field in model._meta.concrete_fields
              if not isinstance(field, AutoFieldMixin) and not field.generated]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            cursor.executemany(sql, list(_rows(objects[start:start + BATCH], fields, connection, add=True)))
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias


def update_many(model, objects: list, field_names: list) -> None:
    """UPDATE the given fields of every object, by primary key (auto_now fields take the current time)."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in field_names]
    pk = model._meta.pk
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(field.column)} = %s' for field in fields)} "
           f"WHERE {quote(pk.column)} = %s")
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            batch = objects[start:start + BATCH]
            cursor.executemany(sql, list(_rows(batch, fields, connection, add=False,
                                               extra=lambda obj: [pk.get_db_prep_save(obj.pk, connection)])))

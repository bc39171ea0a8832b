"""The database refuses UPDATE and DELETE of access-log rows (see audit/protection.py for the two exceptions:
the retention purge's cut-off, and ON DELETE SET NULL of a deleted account)."""

from django.db import migrations

POSTGRESQL = """
CREATE OR REPLACE FUNCTION audit_accesslog_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    purge_before text := current_setting('audit.purge_before', true);
BEGIN
    IF TG_OP = 'DELETE' AND purge_before IS NOT NULL AND purge_before <> ''
            AND OLD.at < purge_before::timestamptz THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.user_id IS NOT NULL AND NEW.user_id IS NULL
            AND to_jsonb(NEW) - 'user_id' = to_jsonb(OLD) - 'user_id' THEN
        RETURN NEW;  -- ON DELETE SET NULL: the account is gone, user_label keeps who it was
    END IF;
    RAISE EXCEPTION 'Journal des accès : % refusé, le journal est en ajout seul (ligne %).', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_accesslog_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslog
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_guard();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS audit_accesslog_append_only ON audit_accesslog;
DROP FUNCTION IF EXISTS audit_accesslog_guard();
"""

COLUMNS = ("id", "at", "user_label", "action", "object_type", "object_id", "route", "detail")
SQLITE = [
    f"""
CREATE TRIGGER audit_accesslog_no_update BEFORE UPDATE ON audit_accesslog
WHEN NOT (OLD.user_id IS NOT NULL AND NEW.user_id IS NULL
          AND {' AND '.join(f'NEW.{column} IS OLD.{column}' for column in COLUMNS)})
BEGIN
    SELECT RAISE(ABORT, 'Journal des accès : UPDATE refusé, le journal est en ajout seul.');
END;
""",
    """
CREATE TRIGGER audit_accesslog_no_delete BEFORE DELETE ON audit_accesslog
WHEN audit_purge_before() IS NULL OR OLD.at >= audit_purge_before()
BEGIN
    SELECT RAISE(ABORT, 'Journal des accès : DELETE refusé, le journal est en ajout seul.');
END;
""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_accesslog_no_update;", "DROP TRIGGER IF EXISTS audit_accesslog_no_delete;"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)  # no client-side % formatting: plpgsql uses %
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement, params=None)
    else:
        raise NotImplementedError(f"audit: no append-only trigger written for {vendor}")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in [POSTGRESQL_REVERSE] if vendor == "postgresql" else SQLITE_REVERSE if vendor == "sqlite" else []:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]

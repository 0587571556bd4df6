"""Ledger entries are append-only in the database too, not only in the model: an UPDATE or
DELETE on credits_entry fails whatever code or tool issues it (PostgreSQL only; the embedded
SQLite shape relies on the model's guard)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION credits_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'credits_entry is append-only: post a reversing transfer';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credits_entry_append_only BEFORE UPDATE OR DELETE ON credits_entry
    FOR EACH ROW EXECUTE FUNCTION credits_entry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS credits_entry_append_only ON credits_entry;
DROP FUNCTION IF EXISTS credits_entry_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("credits", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]

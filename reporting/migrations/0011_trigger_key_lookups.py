"""The figures-change watchers that name another record read it by its key (an index lookup a written row), not
by a join the planner made a hash of the whole table, once a chunk of an import (issue 21's import regression)."""

from pathlib import Path

from django.db import migrations

# As 0003: the SQL is kept as written in sql/, and tests/reporting/test_trigger_sql.py holds the database to it
# (the last file defining a function is the one the database holds).
SQL = Path(__file__).resolve().parent / "sql" / "0011_trigger_key_lookups.sql"
REVERSE_SQL = SQL.with_suffix(".reverse.sql")


def create(apps, schema_editor):
    schema_editor.execute(SQL.read_text(encoding="utf-8"))


def restore(apps, schema_editor):
    schema_editor.execute(REVERSE_SQL.read_text(encoding="utf-8"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0010_match_hash_changes")]
    operations = [migrations.RunPython(create, restore)]

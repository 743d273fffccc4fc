"""A trigger that notes a client's changed match hash in reporting_figureschange: the figures of all providers
count a person's records once by it (reporting/figures/matching.py; see reporting/figures_cache.py)."""

from pathlib import Path

from django.db import migrations

# As 0003: the SQL is kept as written in sql/, and tests/reporting/test_trigger_sql.py holds the database to it.
SQL = Path(__file__).resolve().parent / "sql" / "0010_match_hash_changes.sql"
REVERSE_SQL = SQL.with_suffix(".reverse.sql")


def create(apps, schema_editor):
    schema_editor.execute(SQL.read_text(encoding="utf-8"))


def note_the_new_rule(apps, schema_editor):
    """The figures of all providers now count a person's records once: every figure computed before may differ
    (cached figures are computed again, archived reports checked for restatements)."""
    schema_editor.execute(
        "INSERT INTO reporting_figureschange (xid, affects_from, provider_id) "
        "VALUES (pg_current_xact_id()::text::bigint, NULL, NULL)"
    )


def drop(apps, schema_editor):
    schema_editor.execute(REVERSE_SQL.read_text(encoding="utf-8"))


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0009_restatements"),
        ("clients", "0010_client_match_hash"),
    ]
    operations = [
        migrations.RunPython(create, drop),
        migrations.RunPython(note_the_new_rule, migrations.RunPython.noop),
    ]

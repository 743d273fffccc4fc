"""Triggers that note every write report figures depend on in reporting_figureschange (see reporting/figures_cache.py).

Triggers rather than signals, so that bulk inserts, COPY, queryset updates and cascades are noted as well:
one statement-level trigger per table and event, over the transition tables (a COPY of millions of rows
is noted by one row).
"""

from pathlib import Path

from django.db import migrations

# The SQL is kept as written in sql/ beside this file (reviewed as SQL, not generated here); the test
# tests/reporting/test_trigger_sql.py compares the functions it creates with what the database holds.
SQL = Path(__file__).resolve().parent / "sql" / "0003_figures_change_triggers.sql"
REVERSE_SQL = SQL.with_suffix(".reverse.sql")


def create(apps, schema_editor):
    schema_editor.execute(SQL.read_text(encoding="utf-8"))


def drop(apps, schema_editor):
    schema_editor.execute(REVERSE_SQL.read_text(encoding="utf-8"))


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_figures_cache"),
        ("plans", "0002_plans_goals_tasks"),
        ("clients", "0003_client_anonymised_at"),
    ]
    operations = [migrations.RunPython(create, drop)]

"""Triggers that note the writes report-figures/2's `results` depend on (referrals, goals, assessments, case
episodes) in reporting_figureschange, as 0003 does for the contacts and persons (see reporting/figures_cache.py)."""

from pathlib import Path

from django.db import migrations

# As 0003: the SQL is kept as written in sql/, and tests/reporting/test_trigger_sql.py holds the database to it.
SQL = Path(__file__).resolve().parent / "sql" / "0007_h10_results_changes.sql"
REVERSE_SQL = SQL.with_suffix(".reverse.sql")


def create(apps, schema_editor):
    schema_editor.execute(SQL.read_text(encoding="utf-8"))


def drop(apps, schema_editor):
    schema_editor.execute(REVERSE_SQL.read_text(encoding="utf-8"))


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0006_job_timed_out"),
        ("plans", "0008_refs_assessments"),
        ("clients", "0008_closure_episodes"),
    ]
    operations = [migrations.RunPython(create, drop)]

"""Assessment.area_scores: a copy of each assessment's AssessmentScore rows, kept by triggers and filled once, so
that the report's self-sufficiency reads the assessments only (reporting/figures/results.py `_self_sufficiency`)."""

from pathlib import Path

import django.contrib.postgres.fields
from django.db import migrations, models

import plans.models

# As reporting's triggers: the SQL is kept as written in sql/, and tests/plans/test_area_scores.py holds the
# database to it.
SQL = Path(__file__).resolve().parent / "sql" / "0011_assessment_area_scores.sql"
REVERSE_SQL = SQL.with_suffix(".reverse.sql")


def create(apps, schema_editor):
    schema_editor.execute(SQL.read_text(encoding="utf-8"))


def drop(apps, schema_editor):
    schema_editor.execute(REVERSE_SQL.read_text(encoding="utf-8"))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0010_plan_active_review_idx"),
    ]

    operations = [
        # A constant default: adding the column rewrites no row (PostgreSQL 11+); the filling below does.
        migrations.AddField(
            model_name="assessment",
            name="area_scores",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.PositiveSmallIntegerField(null=True),
                db_default=[None, None, None, None, None, None, None, None, None, None],
                default=plans.models.no_area_scores,
                editable=False,
                size=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(("area_scores__len", 10)), name="assessment_area_scores_10"
            ),
        ),
        migrations.RunPython(create, drop),
    ]

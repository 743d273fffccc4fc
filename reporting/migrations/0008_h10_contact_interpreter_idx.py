"""An index for report-figures/2's `contacts.interpreter_contacts`: the contacts with an interpreter of a provider
(or of all) in a period, counted from the index alone (the month rollups keep no interpreter).

The index is on a table of plans/ but serves only the reports, so it is the reports' migration (plans' models are
not changed; `makemigrations` does not see a RunSQL index, which is intended)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_h10_results_changes"),
        ("plans", "0009_group_sessions_interpreter"),
    ]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS contact_interpreter_idx ON plans_contact (provider_id, date) WHERE interpreter",
            "DROP INDEX IF EXISTS contact_interpreter_idx",
        ),
    ]

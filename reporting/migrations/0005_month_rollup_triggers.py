"""Triggers that keep the month rollups (reporting.models: PersonsMonth, FamiliesMonth, ContactsMonth,
StaffMonth, TopicsMonth) equal to what the contacts add up to, in the writer's own transaction.

Every rollup row is a sum over pairs of rows: a contact and one of its links, topics or its family's
members, or a contact alone. A write adds the pairs its rows now form with rows already there, and takes
away those its old rows formed: whichever row of a pair comes second adds the pair, whichever goes first
takes it away, so each pair counts once in whatever order rows are written (links before their contact
under a deferred foreign key included). An update takes away the old row's pairs and adds the new one's.

One statement-level trigger per table and event, over the transition tables (a COPY of a million rows
is one statement a rollup). The sums are upserts, so that concurrent writers add to the same row safely;
a row whose count falls to 0 is removed.

Concurrent writers: a trigger first locks the families its rows name (a person joining a
family and a contact naming it wait for each other, so that the second sees what the first wrote), then
takes a transaction-long advisory lock on each month it changes, in order: writers of one month take
turns rather than each holding some of its rows while waiting for the other's (without the month locks,
eight concurrent writers of one month deadlocked twice in 320 of the application's kinds of transaction). A transaction that
changes several months in separate statements, in an order another transaction reverses, can still
deadlock; the application's writes change one month a statement. Known limit: a link or topic added to a
contact while another transaction moves that contact to another month or provider may be counted in the
contact's old month; the application never does that (editing a contact updates its row first, which
makes two edits of one contact wait for each other).
"""

from pathlib import Path

from django.db import migrations

# The SQL is kept as written in sql/ beside this file (reviewed as SQL, not generated here); the test
# tests/reporting/test_trigger_sql.py compares the functions it creates with what the database holds.
SQL = Path(__file__).resolve().parent / "sql" / "0005_month_rollup_triggers.sql"
REVERSE_SQL = SQL.with_suffix(".reverse.sql")


def create(apps, schema_editor):
    # The triggers first, then the filling (its last statement): creating a trigger locks its table against
    # writes until the migration commits, so no write falls between the rollups' filling and the triggers.
    schema_editor.execute(SQL.read_text(encoding="utf-8"))


def drop(apps, schema_editor):
    schema_editor.execute(REVERSE_SQL.read_text(encoding="utf-8"))


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_month_rollups"),
        ("plans", "0003_contact_staff_family_date_indexes"),
        ("clients", "0003_client_anonymised_at"),
    ]
    operations = [migrations.RunPython(create, drop)]

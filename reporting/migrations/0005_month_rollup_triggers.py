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

import re
from dataclasses import dataclass

from django.db import migrations

ALL_PROVIDERS = 0  # reporting.models.ALL_PROVIDERS, frozen here as migrations must be


@dataclass(frozen=True)
class Rollup:
    table: str
    keys: tuple[str, ...]
    sums: tuple[str, ...]
    # PersonsMonth also keeps the sum of every provider under ALL_PROVIDERS.
    all_providers: bool = False

    def apply(self, delta: str) -> list[str]:
        """Adds `delta` (rows of keys then sums, signed) to the rollup; removes rows that fell to 0."""
        keys, sums = ", ".join(self.keys), ", ".join(self.sums)
        rows = delta
        if self.all_providers:
            # Each row of the delta twice, as its provider's and as every provider's: the delta runs once.
            rest = ", ".join(f"d.{column}" for column in self.keys[1:] + self.sums)
            rows = (
                f"SELECT CASE WHEN copy.everyone = 1 THEN {ALL_PROVIDERS} ELSE d.provider_id END AS provider_id, "
                f"{rest} FROM ({delta}) d CROSS JOIN (SELECT 0 AS everyone UNION ALL SELECT 1) copy"
            )
        summed = ", ".join(f"SUM({s})" for s in self.sums)
        changed = " OR ".join(f"SUM({s}) <> 0" for s in self.sums)
        updates = ", ".join(f"{s} = {self.table}.{s} + excluded.{s}" for s in self.sums)
        return [
            f"INSERT INTO {self.table} ({keys}, {sums}) "
            f"SELECT {keys}, {summed} FROM ({rows}) d GROUP BY {keys} HAVING {changed} ORDER BY {keys} "
            f"ON CONFLICT ({keys}) DO UPDATE SET {updates};",
            f"DELETE FROM {self.table} WHERE {self.sums[0]} <= 0;",
        ]


PERSONS = Rollup("reporting_personsmonth", ("provider_id", "month", "client_id"), ("refs",), all_providers=True)
FAMILIES = Rollup("reporting_familiesmonth", ("provider_id", "month", "family_id"), ("contacts",))
CONTACTS = Rollup("reporting_contactsmonth", ("provider_id", "month", "form"), ("contacts", "minutes"))
STAFF = Rollup("reporting_staffmonth", ("provider_id", "month", "staff_id"), ("contacts",))
TOPICS = Rollup("reporting_topicsmonth", ("provider_id", "month", "topic"), ("contacts",))


@dataclass(frozen=True)
class Source:
    """A table the rollups are made from: its columns the deltas read, those whose change counts in an
    update, and each rollup's delta over its rows `r` (column `s`: +1 for a row added, -1 for one gone).
    `MONTH(x.date)` stands for the SQL of the date's month (its first day), written by MONTH."""

    table: str
    columns: tuple[str, ...]
    compared: tuple[str, ...]
    deltas: tuple[tuple[Rollup, str], ...]
    # The families whose membership and contacts must not change under the trigger (PostgreSQL).
    locked_families: str | None = None


CONTACT_DELTAS = (
    (CONTACTS, "SELECT r.provider_id AS provider_id, MONTH(r.date) AS month, r.form AS form, r.s AS contacts, "
        "r.s * COALESCE(r.duration_minutes, 0) AS minutes FROM r"),
    (STAFF, "SELECT r.provider_id AS provider_id, MONTH(r.date) AS month, r.staff_id AS staff_id, r.s AS contacts FROM r"),
    (FAMILIES, "SELECT r.provider_id AS provider_id, MONTH(r.date) AS month, r.family_id AS family_id, r.s AS contacts FROM r "
        "WHERE r.family_id IS NOT NULL"),
    (
        PERSONS,
        "SELECT r.provider_id AS provider_id, MONTH(r.date) AS month, l.client_id AS client_id, r.s AS refs FROM r "
        "JOIN plans_contact_clients l ON l.contact_id = r.id "
        "UNION ALL SELECT r.provider_id, MONTH(r.date), c.id, r.s FROM r "
        "JOIN clients_client c ON c.family_id = r.family_id",
    ),
    (
        TOPICS,
        "SELECT r.provider_id AS provider_id, MONTH(r.date) AS month, t.topic AS topic, r.s AS contacts FROM r "
        "JOIN plans_contacttopic t ON t.contact_id = r.id",
    ),
)

SOURCES = (
    Source(
        "plans_contact",
        ("id", "date", "provider_id", "staff_id", "family_id", "form", "duration_minutes"),
        ("date", "provider_id", "staff_id", "family_id", "form", "duration_minutes"),
        CONTACT_DELTAS,
        locked_families="family_id",
    ),
    Source(
        "plans_contact_clients",
        ("id", "contact_id", "client_id"),
        ("contact_id", "client_id"),
        (
            (
                PERSONS,
                "SELECT k.provider_id AS provider_id, MONTH(k.date) AS month, r.client_id AS client_id, r.s AS refs FROM r "
                "JOIN plans_contact k ON k.id = r.contact_id",
            ),
        ),
    ),
    Source(
        "plans_contacttopic",
        ("id", "contact_id", "topic"),
        ("contact_id", "topic"),
        (
            (
                TOPICS,
                "SELECT k.provider_id AS provider_id, MONTH(k.date) AS month, r.topic AS topic, r.s AS contacts FROM r "
                "JOIN plans_contact k ON k.id = r.contact_id",
            ),
        ),
    ),
    Source(
        "clients_client",
        ("id", "family_id"),
        ("family_id",),
        (
            (
                PERSONS,
                "SELECT f.provider_id AS provider_id, f.month AS month, r.id AS client_id, r.s * f.contacts AS refs FROM r "
                "JOIN reporting_familiesmonth f ON f.family_id = r.family_id",
            ),
        ),
        locked_families="family_id",
    ),
)

MONTH = r"date_trunc('month', \1)::date"


def _deltas(source: Source, rows: str) -> list[tuple[Rollup, str]]:
    """Each rollup's delta over `rows` of the source (with their sign `s`)."""
    deltas = []
    for rollup, delta in source.deltas:
        sql = re.sub(r"\bFROM r\b", lambda _: f"FROM ({rows}) r", delta)
        deltas.append((rollup, re.sub(r"MONTH\((\w+\.date)\)", MONTH, sql)))
    return deltas


def _statements(source: Source, rows: str) -> list[str]:
    """The statements adding `rows` of the source (with their sign `s`) to each rollup."""
    return [statement for rollup, delta in _deltas(source, rows) for statement in rollup.apply(delta)]


# The key space of the months' advisory locks (pg_advisory_xact_lock(MONTH_LOCKS, year * 12 + month)).
MONTH_LOCKS = 0x726F6C6C  # "roll"


def _pg_rows(source: Source, event: str) -> str:
    columns = ", ".join(f"r.{c}" for c in source.columns)
    new, old = f"SELECT 1 AS s, {columns} FROM new_rows r", f"SELECT -1 AS s, {columns} FROM old_rows r"
    if event == "INSERT":
        return new
    if event == "DELETE":
        return old
    differs = f"({', '.join('n.' + c for c in source.compared)}) IS DISTINCT FROM ({', '.join('o.' + c for c in source.compared)})"
    moved = "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE " + differs
    return f"{new} WHERE r.id IN ({moved}) UNION ALL {old} WHERE r.id IN ({moved})"


def _pg_function(source: Source) -> str:
    branches = []
    for event in ("INSERT", "DELETE", "UPDATE"):
        rows = _pg_rows(source, event)
        body = []
        if source.locked_families:
            # Rows of clients_family in id order: a person joining a family and a contact naming it
            # wait for each other, so that the second sees what the first wrote.
            body.append(
                f"PERFORM 1 FROM clients_family WHERE id IN (SELECT r.{source.locked_families} FROM ({rows}) r) "
                "ORDER BY id FOR NO KEY UPDATE;"
            )
        # Then each month the statement changes, in order, until COMMIT: two transactions writing one month's
        # rollups take turns instead of each holding some of its rows while waiting for the other's.
        months = " UNION ".join(f"SELECT month FROM ({delta}) d" for _, delta in _deltas(source, rows))
        body.append(
            f"FOR locked IN SELECT DISTINCT month FROM ({months}) m ORDER BY 1 LOOP "
            f"PERFORM pg_advisory_xact_lock({MONTH_LOCKS}, "
            "(EXTRACT(YEAR FROM locked) * 12 + EXTRACT(MONTH FROM locked))::int); END LOOP;"
        )
        body.extend(_statements(source, rows))
        branches.append((event, "\n        ".join(body)))
    (_, insert), (_, delete), (_, update) = branches
    events = {
        "ins": ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
        "del": ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
    }
    events["upd"] = ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows")
    triggers = "".join(
        f"CREATE TRIGGER rollups_{name} AFTER {event} ON {source.table} {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION rollups_{source.table}();\n"
        for name, (event, referencing) in events.items()
    )
    return f"""
CREATE OR REPLACE FUNCTION rollups_{source.table}() RETURNS trigger AS $$
DECLARE
    locked date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        {insert}
    ELSIF TG_OP = 'DELETE' THEN
        {delete}
    ELSE
        {update}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
{triggers}"""


def fill_sql() -> list[str]:
    """The rollups of the contacts already there: every contact's pairs, as if each were inserted now."""
    contacts = SOURCES[0]
    rows = "SELECT 1 AS s, " + ", ".join(f"c.{column}" for column in contacts.columns) + " FROM plans_contact c"
    return _statements(contacts, rows)


ROLLUPS = (PERSONS, FAMILIES, CONTACTS, STAFF, TOPICS)


def _pg_rebuild() -> str:
    """`rollups_rebuild()`: the rollups made anew from the tables. A load into empty contact tables runs it
    once after its COPYs, with the triggers off during them (clients/exchange/bulk.py)."""
    statements = [f"DELETE FROM {rollup.table};" for rollup in ROLLUPS] + fill_sql()
    body = "\n    ".join(statements)
    return f"""
CREATE OR REPLACE FUNCTION rollups_rebuild() RETURNS void AS $$
BEGIN
    {body}
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    # The triggers first: creating one locks its table against writes until the migration commits, so no
    # write falls between the rollups' filling and the triggers that keep them.
    for source in SOURCES:
        schema_editor.execute(_pg_function(source))
    schema_editor.execute(_pg_rebuild())
    schema_editor.execute("SELECT rollups_rebuild();")


def drop(apps, schema_editor):
    for source in SOURCES:
        for event in ("ins", "upd", "del"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS rollups_{event} ON {source.table};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS rollups_{source.table}();")
    schema_editor.execute("DROP FUNCTION IF EXISTS rollups_rebuild();")
    for rollup in ROLLUPS:
        schema_editor.execute(f"DELETE FROM {rollup.table};")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_month_rollups"),
        ("plans", "0003_contact_staff_family_date_indexes"),
        ("clients", "0003_client_anonymised_at"),
    ]
    operations = [migrations.RunPython(create, drop)]

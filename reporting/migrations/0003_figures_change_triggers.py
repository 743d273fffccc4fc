"""Triggers that note every write report figures depend on in reporting_figureschange (see reporting/figures_cache.py).

Triggers rather than signals, so that bulk inserts, COPY, queryset updates and cascades are noted as well:
one statement-level trigger per table and event, over the transition tables (a COPY of millions of rows
is noted by one row).
"""

from dataclasses import dataclass

from django.db import migrations


@dataclass(frozen=True)
class Watched:
    table: str
    # An update counts only when one of these columns changed (None: any update counts).
    compared: tuple[str, ...] | None
    # The earliest day a row may change figures, and the only provider; SQL over the row `r` and, with
    # `via_contact`, the row's contact `k`. "NULL": any day / any provider.
    day: str = "NULL::date"
    provider: str = "NULL::bigint"
    via_contact: bool = False
    # Inserts count only for rows meeting this condition ("FALSE": never; a new staff member changes nothing).
    insert_when: str = "TRUE"


WATCHED = (
    Watched(
        "plans_contact",
        ("date", "provider_id", "staff_id", "family_id", "form", "duration_minutes"),
        day="r.date",
        provider="r.provider_id",
    ),
    Watched("plans_contact_clients", None, day="k.date", provider="k.provider_id", via_contact=True),
    Watched("plans_contacttopic", None, day="k.date", provider="k.provider_id", via_contact=True),
    # A new client in a family is served by the family's earlier contacts.
    Watched(
        "clients_client",
        ("gender", "birth_date", "country", "arrival_route", "family_id"),
        insert_when="r.family_id IS NOT NULL",
    ),
    Watched("clients_legalstatusentry", ("client_id", "legal_status", "since"), day="r.since"),
    Watched("clients_residenceentry", ("client_id", "residence", "since"), day="r.since"),
    Watched("clients_staff", ("role", "provider_id"), insert_when="FALSE"),
    Watched("clients_contract", None, provider="r.provider_id"),
    Watched("clients_provider", ("code", "name"), insert_when="FALSE"),
)


def _pg_function(w: Watched) -> str:
    join = "LEFT JOIN plans_contact k ON k.id = r.contact_id" if w.via_contact else ""
    # One noted row a statement: the earliest day and the one provider, or NULL when rows disagree or lack one.
    select = f"""
        INSERT INTO reporting_figureschange (xid, affects_from, provider_id)
        SELECT pg_current_xact_id()::text::bigint,
               CASE WHEN count(*) = count({w.day}) THEN min({w.day}) END,
               CASE WHEN count(*) = count({w.provider}) AND min({w.provider}) = max({w.provider})
                    THEN min({w.provider}) END
        FROM {{rows}} r {join} {{where}} HAVING count(*) > 0;"""
    if w.compared is None:
        changed = "SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows"
    else:
        differs = f"({', '.join('n.' + c for c in w.compared)}) IS DISTINCT FROM ({', '.join('o.' + c for c in w.compared)})"
        changed = (
            f"SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {differs} "
            f"UNION ALL SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {differs}"
        )
    return f"""
CREATE OR REPLACE FUNCTION figures_changed_{w.table}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {select.format(rows="new_rows", where="WHERE " + w.insert_when)}
    ELSIF TG_OP = 'DELETE' THEN
        {select.format(rows="old_rows", where="")}
    ELSE
        {select.format(rows=f"({changed})", where="")}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER figures_changed_ins AFTER INSERT ON {w.table} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_{w.table}();
CREATE TRIGGER figures_changed_upd AFTER UPDATE ON {w.table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_{w.table}();
CREATE TRIGGER figures_changed_del AFTER DELETE ON {w.table} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_changed_{w.table}();
"""


def _pg_drop(w: Watched) -> str:
    return "".join(f"DROP TRIGGER IF EXISTS figures_changed_{event} ON {w.table};\n" for event in ("ins", "upd", "del")) + (
        f"DROP FUNCTION IF EXISTS figures_changed_{w.table}();\n"
    )


def create(apps, schema_editor):
    for w in WATCHED:
        schema_editor.execute(_pg_function(w))


def drop(apps, schema_editor):
    for w in WATCHED:
        schema_editor.execute(_pg_drop(w))


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_figures_cache"),
        ("plans", "0002_plans_goals_tasks"),
        ("clients", "0003_client_anonymised_at"),
    ]
    operations = [migrations.RunPython(create, drop)]

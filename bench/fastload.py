"""Loads a generated folder with PostgreSQL COPY: the same rows `import_dataset` writes, without its per-row checks.

Used by `bench/run.py --loader copy` when the large set cannot go through `import_dataset` in the
time at hand (see docs/performance.md); the import speed is then measured on a smaller set through
`import_dataset`. It trusts its input (only files made by bench/generate.py, which `import_dataset`
accepts: every generated size up to 20,000 persons was imported by it without an error) and
writes, in one transaction, what the import writes: providers, contracts, staff, families,
clients (with `name_key`), legal status and residence histories, contacts with their clients and
topics. It also shows what a COPY-based import path could reach (rows a second).
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any


def _fmt(value: Any) -> str:
    """A value in COPY's text format: None is NULL, a string is escaped as it is (empty stays empty)."""
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _Buffer:
    def __init__(self) -> None:
        self.io = io.StringIO()
        self.rows = 0

    def add(self, *values: Any) -> None:
        self.io.write("\t".join(map(_fmt, values)))
        self.io.write("\n")
        self.rows += 1


def _copy(cursor, table: str, columns: list[str], buffer: _Buffer) -> None:
    data = buffer.io.getvalue()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for start in range(0, len(data), 1 << 20):
            copy.write(data[start : start + (1 << 20)])


def _rows(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)


def load(folder: Path, raw_connection) -> dict[str, int]:
    """Writes the folder into the (empty, migrated) database; returns the rows written a table."""
    from clients.models import name_key  # noqa: PLC0415 - the bench script sets Django up before it loads

    now = datetime.datetime.now(datetime.UTC).isoformat()
    counts: dict[str, int] = {}
    with raw_connection.cursor() as cursor:
        providers, staff = {}, {}
        buf = _Buffer()
        for i, row in enumerate(_rows(folder / "providers.csv"), 1):
            providers[row["code"]] = i
            buf.add(i, row["code"], row["name"])
        _copy(cursor, "clients_provider", ["id", "code", "name"], buf)
        counts["clients_provider"] = buf.rows

        buf = _Buffer()
        if (folder / "contracts.csv").exists():
            for i, row in enumerate(_rows(folder / "contracts.csv"), 1):
                buf.add(
                    i,
                    providers[row["provider"]],
                    row["number"],
                    row["start"],
                    row["end"],
                    row.get("planned_persons_per_month") or None,
                )
        _copy(
            cursor,
            "clients_contract",
            ["id", "provider_id", "number", "start", '"end"', "planned_persons_per_month"],
            buf,
        )
        counts["clients_contract"] = buf.rows

        buf = _Buffer()
        for i, row in enumerate(_rows(folder / "staff.csv"), 1):
            staff[row["staff_ref"]] = (i, providers[row["provider"]])
            buf.add(
                i,
                row["staff_ref"],
                row["first_name"],
                row["last_name"],
                row["role"],
                row.get("email", ""),
                "t",
                providers[row["provider"]],
            )
        _copy(
            cursor,
            "clients_staff",
            ["id", "staff_ref", "first_name", "last_name", "role", "email", "is_active", "provider_id"],
            buf,
        )
        counts["clients_staff"] = buf.rows

        families: dict[str, int] = {}
        buf = _Buffer()
        for row in _rows(folder / "clients.csv"):
            ref = row.get("family_ref", "")
            if ref and ref not in families:
                families[ref] = len(families) + 1
                # A family is its members' provider's (the generated folder never splits one).
                buf.add(families[ref], ref, "", now, providers[row["provider"]])
        _copy(cursor, "clients_family", ["id", "family_ref", "name", "created_at", "provider_id"], buf)
        counts["clients_family"] = buf.rows

        clients: dict[str, int] = {}
        buf, statuses, residences = _Buffer(), _Buffer(), _Buffer()
        for i, row in enumerate(_rows(folder / "clients.csv"), 1):
            clients[row["client_ref"]] = i
            start = row.get("service_start") or None
            buf.add(
                i,
                row["client_ref"],
                row["first_name"],
                row["last_name"],
                name_key(row["first_name"], row["last_name"]),
                row.get("gender", ""),
                row.get("birth_date") or None,
                row.get("country", ""),
                row.get("arrival_route", ""),
                start,
                None,
                now,
                now,
                families.get(row.get("family_ref", "")),
                providers[row["provider"]],
                staff.get(row.get("mentor", ""), (None,))[0],
                staff.get(row.get("social_worker", ""), (None,))[0],
            )
            if row.get("legal_status"):
                statuses.add(row["legal_status"], row.get("legal_status_since") or start, now, i)
            if row.get("residence"):
                residences.add(row["residence"], row.get("residence_since") or start, now, i)
        _copy(
            cursor,
            "clients_client",
            [
                "id",
                "client_ref",
                "first_name",
                "last_name",
                "name_key",
                "gender",
                "birth_date",
                "country",
                "arrival_route",
                "service_start",
                "service_end",
                "created_at",
                "updated_at",
                "family_id",
                "provider_id",
                "mentor_id",
                "social_worker_id",
            ],
            buf,
        )
        counts["clients_client"] = buf.rows
        if (folder / "status_history.csv").exists():
            for row in _rows(folder / "status_history.csv"):
                statuses.add(row["legal_status"], row["since"], now, clients[row["client_ref"]])
        _copy(cursor, "clients_legalstatusentry", ["legal_status", "since", "recorded_at", "client_id"], statuses)
        counts["clients_legalstatusentry"] = statuses.rows
        _copy(cursor, "clients_residenceentry", ["residence", "since", "recorded_at", "client_id"], residences)
        counts["clients_residenceentry"] = residences.rows
        del statuses, residences, buf

        contacts, links, topics = _Buffer(), _Buffer(), _Buffer()
        for i, row in enumerate(_rows(folder / "contacts.csv"), 1):
            staff_id, provider_id = staff[row["staff_ref"]]
            contacts.add(
                i,
                row["contact_ref"],
                row["date"],
                row["form"],
                row.get("duration_minutes") or None,
                row.get("place", ""),
                row.get("interpreter") == "yes",
                row.get("note", ""),
                now,
                families.get(row.get("family_ref", "")),
                provider_id,
                staff_id,
            )
            for ref in filter(None, (row.get("client_refs") or "").split(";")):
                links.add(i, clients[ref.strip()])
            for topic in dict.fromkeys(filter(None, (row.get("topics") or "").split(";"))):
                topics.add(topic.strip(), i)
            if i % 500_000 == 0:  # bound the buffers: flush the contacts, keep the links for after
                _copy(
                    cursor,
                    "plans_contact",
                    [
                        "id",
                        "contact_ref",
                        "date",
                        "form",
                        "duration_minutes",
                        "place",
                        "interpreter",
                        "note",
                        "created_at",
                        "family_id",
                        "provider_id",
                        "staff_id",
                    ],
                    contacts,
                )
                counts["plans_contact"] = counts.get("plans_contact", 0) + contacts.rows
                contacts = _Buffer()
        _copy(
            cursor,
            "plans_contact",
            [
                "id",
                "contact_ref",
                "date",
                "form",
                "duration_minutes",
                "place",
                "interpreter",
                "note",
                "created_at",
                "family_id",
                "provider_id",
                "staff_id",
            ],
            contacts,
        )
        counts["plans_contact"] = counts.get("plans_contact", 0) + contacts.rows
        _copy(cursor, "plans_contact_clients", ["contact_id", "client_id"], links)
        counts["plans_contact_clients"] = links.rows
        _copy(cursor, "plans_contacttopic", ["topic", "contact_id"], topics)
        counts["plans_contacttopic"] = topics.rows

        for table in (
            "clients_provider",
            "clients_contract",
            "clients_staff",
            "clients_family",
            "clients_client",
            "clients_legalstatusentry",
            "clients_residenceentry",
            "plans_contact",
            "plans_contact_clients",
            "plans_contacttopic",
        ):
            # The table names are the constants above.
            sql = (
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"  # noqa: S608, E501
            )
            cursor.execute(sql)
    return counts

"""Loads a generated folder with PostgreSQL COPY: the same rows `import_dataset` writes, without its per-row checks.

Used by `bench/run.py --loader copy` when the large set cannot go through `import_dataset` in the
time at hand (see docs/performance.md); the import speed is then measured on a smaller set through
`import_dataset`. It trusts its input (only files made by bench/generate.py, which `import_dataset`
accepts: every generated size up to 20,000 persons was imported by it without an error; with version 2's
casework, sets of 300 to 25,000 persons, and tests/bench checks that both write the same records) and
writes, in one transaction, what the import writes: providers, contracts, staff, families,
clients (with `name_key` and `match_hash`, and the current episode's `service_end`/`closure_reason`), legal status and
residence histories, contacts with their clients and topics, and version 2's casework files (earlier
episodes, plans, goals, referrals with their catalogue's institutions, assessments with their scores).
It also shows what a COPY-based import path could reach (rows a second).
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
    from clients.models import name_key, person_match_hash  # noqa: PLC0415 - the bench script sets Django up before it loads

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
            loose = name_key(row["first_name"], row["last_name"])
            buf.add(
                i,
                row["client_ref"],
                row["first_name"],
                row["last_name"],
                loose,
                person_match_hash(loose, row.get("birth_date") or None),
                row.get("gender", ""),
                row.get("birth_date") or None,
                row.get("country", ""),
                row.get("arrival_route", ""),
                start,
                row.get("service_end") or None,
                row.get("closure_reason", ""),
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
                "match_hash",
                "gender",
                "birth_date",
                "country",
                "arrival_route",
                "service_start",
                "service_end",
                "closure_reason",
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
        del contacts, links, topics

        counts.update(_casework(folder, cursor, now, providers, staff, families, clients))

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
            *CASEWORK_TABLES,
        ):
            # The table names are the constants above.
            sql = (
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"  # noqa: S608, E501
            )
            cursor.execute(sql)
    return counts


CASEWORK_TABLES = (
    "clients_caseepisode",
    "plans_plan",
    "plans_goal",
    "plans_institution",
    "plans_referral",
    "plans_assessment",
    "plans_assessmentscore",
)
AREAS = (
    "documents",
    "housing",
    "health",
    "employment",
    "education",
    "language",
    "benefits",
    "social_services",
    "children",
    "daily_life",
)


class _Sink:
    """Rows of one table, copied in parts of `every` rows: the buffer stays small whatever the file's size."""

    def __init__(self, cursor, table: str, columns: list[str], every: int = 200_000) -> None:
        self.cursor, self.table, self.columns, self.every = cursor, table, columns, every
        self.buffer, self.rows = _Buffer(), 0

    def add(self, *values: Any) -> None:
        self.buffer.add(*values)
        self.rows += 1
        if self.buffer.rows >= self.every:
            self.flush()

    def flush(self) -> None:
        if self.buffer.rows:
            _copy(self.cursor, self.table, self.columns, self.buffer)
            self.buffer = _Buffer()


def _casework(folder: Path, cursor, now: str, providers, staff, families, clients) -> dict[str, int]:
    """The casework files of version 2, as `import_dataset` writes them (exchange/casework.py).

    The foreign keys are checked at the commit (Django makes them DEFERRABLE INITIALLY DEFERRED), so a table's
    parts may be copied before those of the tables they name.
    """
    from exchange.casework import noon  # noqa: PLC0415 - Django is set up by then; a goal's moment, the import's rule

    counts: dict[str, int] = {}
    client_providers: dict[int, int] = {}
    family_providers: dict[int, int] = {}
    cursor.execute("SELECT id, provider_id, family_id FROM clients_client")
    for pk, provider_id, family_id in cursor.fetchall():
        client_providers[pk] = provider_id
        if family_id is not None:
            family_providers.setdefault(family_id, provider_id)

    sink = _Sink(
        cursor,
        "clients_caseepisode",
        ["client_id", "provider_id", "service_start", "service_end", "closure_reason", "closure_note", "recorded_at"],
    )
    if (folder / "episodes.csv").exists():
        for row in _rows(folder / "episodes.csv"):
            sink.add(
                clients[row["client_ref"]],
                providers[row["provider"]],
                row["service_start"],
                row["service_end"],
                row["closure_reason"],
                "",
                now,
            )
    sink.flush()
    counts["clients_caseepisode"] = sink.rows

    plans: dict[str, tuple[int, int]] = {}  # plan_ref -> (id, provider id)
    sink = _Sink(
        cursor,
        "plans_plan",
        [
            "id",
            "plan_ref",
            "provider_id",
            "client_id",
            "family_id",
            "social_worker_id",
            "status",
            "start_date",
            "review_date",
            "summary",
            "version",
            "created_at",
            "updated_at",
            "closed_note",
            "closed_reason",
        ],
    )
    if (folder / "plans.csv").exists():
        for i, row in enumerate(_rows(folder / "plans.csv"), 1):
            client_id = clients[row["client_ref"]] if row.get("client_ref") else None
            family_id = families[row["family_ref"]] if row.get("family_ref") else None
            provider_id = client_providers[client_id] if client_id else family_providers[family_id]
            plans[row["plan_ref"]] = (i, provider_id)
            sink.add(
                i,
                row["plan_ref"],
                provider_id,
                client_id,
                family_id,
                staff[row["staff_ref"]][0] if row.get("staff_ref") else None,
                row["status"],
                row["start"],
                row.get("review_date") or None,
                "",
                1,
                now,
                now,
                "",
                "",
            )
    sink.flush()
    counts["plans_plan"] = sink.rows

    goals: dict[str, int] = {}
    sink = _Sink(
        cursor,
        "plans_goal",
        ["id", "goal_ref", "plan_id", "provider_id", "area", "description", "status", "status_date", "created_at"],
    )
    if (folder / "goals.csv").exists():
        for i, row in enumerate(_rows(folder / "goals.csv"), 1):
            plan_id, provider_id = plans[row["plan_ref"]]
            goals[row["goal_ref"]] = i
            created = noon(datetime.date.fromisoformat(row["created_on"])).isoformat()
            sink.add(
                i,
                row["goal_ref"],
                plan_id,
                provider_id,
                row["area"],
                row.get("title", ""),
                row.get("status") or "open",
                row.get("status_date") or None,
                created,
            )
    sink.flush()
    counts["plans_goal"] = sink.rows
    del plans

    institutions: dict[tuple[int, str], int] = {}
    places = _Buffer()
    sink = _Sink(
        cursor,
        "plans_referral",
        [
            "referral_ref",
            "provider_id",
            "date",
            "staff_id",
            "client_id",
            "institution_kind",
            "institution_id",
            "goal_id",
            "accompanied",
            "status",
            "outcome_date",
            "outcome_reason",
            "created_at",
        ],
    )
    if (folder / "referrals.csv").exists():
        for row in _rows(folder / "referrals.csv"):
            staff_id, provider_id = staff[row["staff_ref"]]
            name = row.get("institution", "")
            institution_id = None
            if name:
                institution_id = institutions.get((provider_id, name))
                if institution_id is None:  # made in the provider's catalogue, of the first referral's kind
                    institution_id = institutions[(provider_id, name)] = len(institutions) + 1
                    places.add(institution_id, provider_id, name, row["institution_kind"], "")
            sink.add(
                row["referral_ref"],
                provider_id,
                row["date"],
                staff_id,
                clients[row["client_ref"]],
                row["institution_kind"],
                institution_id,
                goals[row["goal_ref"]] if row.get("goal_ref") else None,
                row.get("accompanied") == "yes",
                row["status"],
                row.get("outcome_date") or None,
                row.get("outcome_reason", ""),
                now,
            )
    # The institutions first: the referrals name them.
    _copy(cursor, "plans_institution", ["id", "provider_id", "name", "kind", "municipality"], places)
    counts["plans_institution"] = places.rows
    sink.flush()
    counts["plans_referral"] = sink.rows
    del goals

    assessments = _Sink(
        cursor,
        "plans_assessment",
        ["id", "assessment_ref", "provider_id", "date", "staff_id", "client_id", "kind", "created_at", "area_scores"],
    )
    scores = _Sink(cursor, "plans_assessmentscore", ["assessment_id", "area", "score", "note"])
    if (folder / "assessments.csv").exists():
        for i, row in enumerate(_rows(folder / "assessments.csv"), 1):
            staff_id, provider_id = staff[row["staff_ref"]]
            # The assessment's copy of its scores (Assessment.area_scores, in AREAS order) written with it: the
            # scores' trigger, which keeps it, then finds it right and rewrites no row.
            area_scores = "{" + ",".join(row[area] if row.get(area) else "NULL" for area in AREAS) + "}"
            assessments.add(
                i,
                row["assessment_ref"],
                provider_id,
                row["date"],
                staff_id,
                clients[row["client_ref"]],
                row["kind"],
                now,
                area_scores,
            )
            for area in AREAS:
                if row.get(area):
                    scores.add(i, area, int(row[area]), "")
    assessments.flush()
    scores.flush()
    counts["plans_assessment"] = assessments.rows
    counts["plans_assessmentscore"] = scores.rows
    return counts

"""The report figures (shared/spec/report-metrics.md) by ONE hand-written SQL statement: the benchmark's lower bound.

Version 1's figures by SQL below; report-figures/2's by `statement_v2`: the same statement with `results` in it
(RESULTS_CTES, RESULTS_OBJECT; `results_statement` gives `results` alone).

The statement reads each table once where it can: the period's contacts (materialised), the
(person, month) pairs they serve, the persons with their age, status and residence on the last
day, and every aggregate of the report as one JSON object. For all providers, the records sharing a match
hash are one person (issue 21; the application's rule is reporting/figures/matching.py). Python only fills
in the categories that are 0 and rounds, as reporting/figures.py does, so that the two can be compared key by key.
"""

from __future__ import annotations

import datetime
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from clients.choices import ClosureReason, InstitutionKind
from plans.choices import GoalArea

SQL = """
WITH rc AS MATERIALIZED (
    SELECT k.id, k.date, k.staff_id, k.family_id, k.form, k.duration_minutes, k.interpreter
    FROM plans_contact k
    WHERE k.date >= %(start)s AND k.date <= %(end)s {provider_clause}
),
served AS MATERIALIZED (
    SELECT cc.client_id, date_trunc('month', rc.date)::date AS month
    FROM rc JOIN plans_contact_clients cc ON cc.contact_id = rc.id
    UNION
    SELECT c.id, date_trunc('month', rc.date)::date
    FROM rc JOIN clients_client c ON c.family_id = rc.family_id
),
records AS MATERIALIZED (
    SELECT
        c.id, c.gender, c.country, c.arrival_route, c.family_id,
        CASE WHEN c.birth_date IS NULL THEN NULL ELSE
            %(end_year)s - extract(year FROM c.birth_date)::int
            - CASE WHEN (extract(month FROM c.birth_date)::int, extract(day FROM c.birth_date)::int)
                        <= (%(end_month)s, %(end_day)s) THEN 0 ELSE 1 END
        END AS age,
        (SELECT l.legal_status FROM clients_legalstatusentry l
          WHERE l.client_id = c.id AND l.since <= %(end)s ORDER BY l.since DESC, l.id DESC LIMIT 1) AS legal_status,
        (SELECT CASE WHEN r.residence = 'reception_centre' THEN 'reception_centre'
                     WHEN r.residence = '' THEN 'unknown' ELSE 'outside' END
           FROM clients_residenceentry r
          WHERE r.client_id = c.id AND r.since <= %(end)s ORDER BY r.since DESC, r.id DESC LIMIT 1) AS residence,
        (c.family_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM clients_client o WHERE o.family_id = c.family_id AND o.id <> c.id)) AS in_family,
        -- LIMIT 1 keeps these per-person index probes: without it the planner, misjudging how many
        -- persons a month serves, hashes every earlier contact of the database instead.
        ((SELECT 1 FROM plans_contact_clients cc JOIN plans_contact k ON k.id = cc.contact_id
           WHERE cc.client_id = c.id AND k.date < %(start)s LIMIT 1) IS NULL
         AND (SELECT 1 FROM plans_contact k WHERE k.family_id = c.family_id AND k.date < %(start)s LIMIT 1) IS NULL
         {other_records_new}
        ) AS is_new,
        {person} AS person
    FROM clients_client c
    WHERE c.id IN (SELECT client_id FROM served)
),
-- The persons: for all providers, the records of one match hash are one person, described by its first record.
p AS MATERIALIZED (
    SELECT * FROM records r WHERE {first_record}
)
SELECT json_build_object(
    'unique_persons', (SELECT count(*) FROM p),
    'new_persons', (SELECT count(*) FROM p WHERE is_new),
    'by_month', (SELECT json_object_agg(to_char(month, 'YYYY-MM'), n) FROM ({by_month}) x),
    'families', (SELECT count(DISTINCT family_id) FROM records WHERE in_family),
    'individuals', (SELECT count(*) FROM p WHERE NOT in_family),
    'demographics', (SELECT json_agg(x) FROM (
        SELECT gender,
               CASE WHEN age IS NULL THEN 'unknown' WHEN age < 18 THEN 'children'
                    WHEN age <= 60 THEN 'adults' ELSE 'seniors' END AS grp,
               count(*) AS n, coalesce(sum(age), 0) AS age_sum, count(age) AS aged
          FROM p GROUP BY 1, 2) x),
    'countries', (SELECT json_object_agg(country, n) FROM (SELECT country, count(*) AS n FROM p GROUP BY 1) x),
    'legal_status', (SELECT json_object_agg(s, n)
                       FROM (SELECT coalesce(legal_status, 'unknown') AS s, count(*) AS n FROM p GROUP BY 1) x),
    'residence', (SELECT json_object_agg(s, n)
                    FROM (SELECT coalesce(residence, 'unknown') AS s, count(*) AS n FROM p GROUP BY 1) x),
    'arrival_route', (SELECT json_object_agg(s, n)
                        FROM (SELECT arrival_route AS s, count(*) AS n FROM p GROUP BY 1) x),
    'staff', (SELECT json_object_agg(role, n) FROM (
        SELECT s.role, count(DISTINCT rc.staff_id) AS n FROM rc JOIN clients_staff s ON s.id = rc.staff_id
         GROUP BY s.role) x),
    'interpreter_contacts', (SELECT count(*) FROM rc WHERE interpreter),
    'forms', (SELECT json_object_agg(form, json_build_object('n', n, 'minutes', minutes)) FROM (
        SELECT form, count(*) AS n, coalesce(sum(duration_minutes), 0) AS minutes FROM rc GROUP BY form) x),
    'topics', (SELECT json_object_agg(topic, n) FROM (
        -- count(*): a topic is on a contact once (the unique constraint contact_topic_once).
        SELECT t.topic, count(*) AS n FROM rc JOIN plans_contacttopic t ON t.contact_id = rc.id
         GROUP BY t.topic) x)
)
"""

GENDERS = {"F": "female", "M": "male", "X": "other"}
GENDER_KEYS = ("female", "male", "other", "unknown")
AGE_GROUPS = ("children", "adults", "seniors", "unknown")
LEGAL = ("asylum_seeker", "refugee", "alternative", "rejected", "other", "unknown")
RESIDENCE = ("reception_centre", "outside", "unknown")
ROUTES = ("relocation", "resettlement", "independent", "family_reunification", "unknown")
FORMS = ("in_person", "accompaniment", "phone", "electronic", "group")  # report-figures/2's; /1's without group
FORMS_V1 = FORMS[:4]

# The keys of the spec's JSON that the lower bound computes (and the comparison checks).
SPEC_KEYS = (
    "unique_persons",
    "new_persons",
    "persons_by_month",
    "average_persons_per_month",
    "families",
    "individuals",
    "gender",
    "age_groups",
    "gender_by_age_group",
    "average_age",
    "average_age_adults",
    "countries",
    "legal_status",
    "residence",
    "arrival_route",
    "staff",
    "contacts",
)


# For all providers (issue 21): no earlier contact of any other record of the person (same match hash) either.
OTHER_RECORDS_NEW = """AND (SELECT 1 FROM clients_client o JOIN plans_contact_clients cc ON cc.client_id = o.id
              JOIN plans_contact k ON k.id = cc.contact_id
              WHERE o.match_hash = c.match_hash AND k.date < %(start)s LIMIT 1) IS NULL
         AND (SELECT 1 FROM clients_client o JOIN plans_contact k ON k.family_id = o.family_id
              WHERE o.match_hash = c.match_hash AND k.date < %(start)s LIMIT 1) IS NULL"""


def statement(provider_id: int | None) -> str:
    if provider_id is not None:
        return SQL.format(
            provider_clause="AND k.provider_id = %(provider_id)s",
            other_records_new="",
            person="c.id::text",
            first_record="TRUE",
            by_month="SELECT month, count(*) AS n FROM served GROUP BY month",
        )
    return SQL.format(
        provider_clause="",
        other_records_new=OTHER_RECORDS_NEW,
        person="COALESCE(c.match_hash, c.id::text)",
        first_record="r.id IN (SELECT min(id) FROM records GROUP BY person)",
        by_month=(
            "SELECT s.month, count(DISTINCT r.person) AS n FROM served s JOIN records r ON r.id = s.client_id "
            "GROUP BY s.month"
        ),
    )


def params(start: datetime.date, end: datetime.date, provider_id: int | None) -> dict[str, Any]:
    return {
        "start": start,
        "end": end,
        "provider_id": provider_id,
        "end_year": end.year,
        "end_month": end.month,
        "end_day": end.day,
    }


def run(cursor, start: datetime.date, end: datetime.date, provider_id: int | None = None) -> dict[str, Any]:
    """Executes the statement and returns the raw JSON row (the part that is timed)."""
    cursor.execute(statement(provider_id), params(start, end, provider_id))
    raw = cursor.fetchone()[0]
    return raw if isinstance(raw, dict) else json.loads(raw)


def _half_up(numerator: int, denominator: int) -> float | None:
    if not denominator:
        return None
    return ((20 * numerator + denominator) // (2 * denominator)) / 10


def _months(start: datetime.date, end: datetime.date) -> list[str]:
    keys, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return keys


def _table(categories: tuple[str, ...], counts: dict | None) -> dict[str, int]:
    table = dict.fromkeys(categories, 0)
    for code, n in (counts or {}).items():
        key = code if code in table else "unknown"
        table[key] = table.get(key, 0) + n
    return table


def shape(raw: dict[str, Any], start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The raw row as the spec's JSON (the keys in SPEC_KEYS)."""
    by_month_raw = raw.get("by_month") or {}
    by_month = {key: by_month_raw.get(key, 0) for key in _months(start, end)}
    gender = dict.fromkeys(GENDER_KEYS, 0)
    groups = dict.fromkeys(AGE_GROUPS, 0)
    gender_by_group = {g: dict.fromkeys(GENDER_KEYS, 0) for g in AGE_GROUPS}
    age_sum = aged = adult_sum = adults = 0
    for row in raw.get("demographics") or []:
        g = GENDERS.get(row["gender"], "unknown")
        gender[g] += row["n"]
        groups[row["grp"]] += row["n"]
        gender_by_group[row["grp"]][g] += row["n"]
        age_sum += row["age_sum"]
        aged += row["aged"]
        if row["grp"] == "adults":
            adult_sum += row["age_sum"]
            adults += row["aged"]
    countries: dict[str, int] = {}
    for code, n in (raw.get("countries") or {}).items():
        countries[code or "unknown"] = countries.get(code or "unknown", 0) + n
    forms = raw.get("forms") or {}
    staff = raw.get("staff") or {}
    return {
        "unique_persons": raw["unique_persons"],
        "new_persons": raw["new_persons"],
        "persons_by_month": by_month,
        "average_persons_per_month": _half_up(sum(by_month.values()), len(by_month)) or 0.0,
        "families": raw["families"],
        "individuals": raw["individuals"],
        "gender": gender,
        "age_groups": groups,
        "gender_by_age_group": gender_by_group,
        "average_age": _half_up(age_sum, aged),
        "average_age_adults": _half_up(adult_sum, adults),
        "countries": {
            "count": sum(1 for code in countries if code != "unknown"),
            "by_country": dict(sorted(countries.items(), key=lambda item: (-item[1], item[0]))),
        },
        "legal_status": _table(LEGAL, raw.get("legal_status")),
        "residence": _table(RESIDENCE, raw.get("residence")),
        "arrival_route": _table(ROUTES, {(k or "unknown"): v for k, v in (raw.get("arrival_route") or {}).items()}),
        "staff": {"social_workers": staff.get("social_worker", 0), "mentors": staff.get("mentor", 0)},
        "contacts": {
            "total": sum(f["n"] for f in forms.values()),
            "hours": _half_up(sum(f["minutes"] for f in forms.values()), 60) or 0.0,
            "by_form": {form: forms.get(form, {}).get("n", 0) for form in FORMS},
            "by_topic": dict(sorted((raw.get("topics") or {}).items())),
            "interpreter_contacts": raw["interpreter_contacts"],
        },
    }


def differences(app: dict[str, Any], sql: dict[str, Any]) -> list[str]:
    """The spec keys whose values differ between the application's JSON and the lower bound's.

    The bound's `contacts` are report-figures/2's (the form `group`, `interpreter_contacts`); against an
    application's report-figures/1 JSON they are compared as version 1 shows them."""
    if "interpreter_contacts" not in (app.get("contacts") or {}):
        contacts = {key: value for key, value in sql["contacts"].items() if key != "interpreter_contacts"}
        contacts["by_form"] = {form: contacts["by_form"][form] for form in FORMS_V1}
        sql = {**sql, "contacts": contacts}
    return [f"{key}: app {app.get(key)!r} != sql {sql.get(key)!r}" for key in SPEC_KEYS if app.get(key) != sql.get(key)]


# Version 2: results (shared/spec/report-metrics.md "Version 2: results") ------------------------------------
#
# The period's referrals, the goals of the provider's plans, the persons served (as above) with their scored
# assessments, and the case episodes (the earlier ones and each client's current one), each read once and
# aggregated into one JSON object. `statement_v2` puts them into version 1's statement (one statement for the
# whole of report-figures/2, the bench's bound); `results_statement` is `results` alone. Python fills in the
# categories that are 0 and rounds.

# The common table expressions of `results`, after those of the persons served (`served`: their client_id).
RESULTS_CTES = """
rf AS MATERIALIZED (
    SELECT r.client_id, r.institution_kind, r.accompanied,
           CASE WHEN r.outcome_date <= %(end)s THEN r.status ELSE 'made' END AS outcome
    FROM plans_referral r
    WHERE r.date >= %(start)s AND r.date <= %(end)s {referral_clause}
),
g AS MATERIALIZED (
    SELECT g.area, g.status, g.status_date, (g.created_at AT TIME ZONE %(tz)s)::date AS created_on
    FROM plans_goal g JOIN plans_plan pl ON pl.id = g.plan_id {goal_join}
    WHERE g.created_at < %(after_end)s
),
a AS MATERIALIZED (
    -- The assessments by the provider, dated on or before the last day, of the persons served.
    SELECT a.id, a.client_id, a.date, a.assessment_ref
    FROM plans_assessment a
    WHERE a.date <= %(end)s {assessment_clause} AND a.client_id IN (SELECT client_id FROM served)
),
twice AS MATERIALIZED (
    SELECT client_id FROM a GROUP BY client_id HAVING count(*) >= 2
),
ends AS MATERIALIZED (
    -- Each person's earliest and latest score of each area, among the assessments that score it.
    SELECT a.client_id, s.area,
           (array_agg(s.score ORDER BY a.date, a.assessment_ref, a.id))[1] AS earliest,
           (array_agg(s.score ORDER BY a.date DESC, a.assessment_ref DESC, a.id DESC))[1] AS latest
    FROM a JOIN plans_assessmentscore s ON s.assessment_id = a.id
    WHERE s.score IS NOT NULL
    GROUP BY a.client_id, s.area
    HAVING count(*) >= 2
),
episodes AS MATERIALIZED (
    SELECT e.client_id, e.provider_id, e.service_start, e.service_end, e.closure_reason
    FROM clients_caseepisode e
    UNION ALL
    SELECT c.id, c.provider_id, c.service_start, c.service_end, c.closure_reason
    FROM clients_client c WHERE c.service_start IS NOT NULL OR c.service_end IS NOT NULL
)
"""
# The `results` object, of the expressions above.
RESULTS_OBJECT = """json_build_object(
    'referrals', (SELECT json_build_object(
        'total', count(*),
        'persons', count(DISTINCT client_id),
        'accompanied', count(*) FILTER (WHERE accompanied),
        'by_kind', (SELECT json_object_agg(institution_kind, n)
                      FROM (SELECT institution_kind, count(*) AS n FROM rf GROUP BY 1) x),
        'outcomes', (SELECT json_object_agg(outcome, n) FROM (SELECT outcome, count(*) AS n FROM rf GROUP BY 1) x)
    ) FROM rf),
    'goals', (SELECT json_agg(x) FROM (
        SELECT area,
               count(*) FILTER (WHERE created_on >= %(start)s) AS set,
               count(*) FILTER (WHERE status = 'achieved' AND status_date BETWEEN %(start)s AND %(end)s) AS achieved,
               count(*) FILTER (WHERE status = 'partly_achieved' AND status_date BETWEEN %(start)s AND %(end)s)
                   AS partly_achieved,
               count(*) FILTER (WHERE status = 'not_achieved' AND status_date BETWEEN %(start)s AND %(end)s)
                   AS not_achieved,
               count(*) FILTER (WHERE status = 'dropped' AND status_date BETWEEN %(start)s AND %(end)s) AS dropped,
               count(*) FILTER (WHERE status = 'open' OR status_date > %(end)s) AS open_at_end
        FROM g GROUP BY area) x),
    'persons_assessed_twice', (SELECT count(*) FROM twice),
    'by_area', (SELECT json_agg(x) FROM (
        SELECT area, count(*) AS persons,
               count(*) FILTER (WHERE latest > earliest) AS improved,
               count(*) FILTER (WHERE latest = earliest) AS same,
               count(*) FILTER (WHERE latest < earliest) AS worse,
               sum(latest - earliest) AS change
        FROM ends GROUP BY area) x),
    'improved_in_any_area', (SELECT count(DISTINCT client_id) FROM ends WHERE latest > earliest),
    'closures', (SELECT json_object_agg(closure_reason, n) FROM (
        SELECT closure_reason, count(*) AS n FROM episodes
        WHERE service_end >= %(start)s AND service_end <= %(end)s {episode_clause}
        GROUP BY 1) x),
    'reopened', (SELECT count(*) FROM episodes e
        WHERE e.service_start >= %(start)s AND e.service_start <= %(end)s {reopened_clause}
          AND EXISTS (SELECT 1 FROM episodes o WHERE o.client_id = e.client_id AND o.service_start < e.service_start))
)"""
# `results` alone: the persons served by the period's contacts, then the expressions above.
RESULTS_HEAD = """
WITH rc AS MATERIALIZED (
    SELECT k.id, k.family_id
    FROM plans_contact k
    WHERE k.date >= %(start)s AND k.date <= %(end)s {contact_clause}
),
served AS MATERIALIZED (
    SELECT cc.client_id FROM rc JOIN plans_contact_clients cc ON cc.contact_id = rc.id
    UNION
    SELECT c.id FROM rc JOIN clients_client c ON c.family_id = rc.family_id
),"""
RESULTS_SQL = RESULTS_HEAD + RESULTS_CTES + "SELECT " + RESULTS_OBJECT + "\n"  # noqa: S608 - constants above

REFERRAL_KINDS = tuple(InstitutionKind.values)
REFERRAL_OUTCOMES = ("made", "completed", "not_successful", "refused", "cancelled")
GOAL_AREAS = tuple(GoalArea.values)
GOAL_COUNTS = ("set", "achieved", "partly_achieved", "not_achieved", "dropped", "open_at_end")
CLOSURE_REASONS = tuple(ClosureReason.values)


def results_statement(provider_id: int | None) -> str:
    """`results` alone."""
    return RESULTS_SQL.format(**_results_clauses(provider_id))


def statement_v2(provider_id: int | None) -> str:
    """The whole of report-figures/2 in one statement: version 1's, whose persons served (`served`) the
    expressions of `results` read, and its JSON with a `results` object (the bound the application's
    report-figures/2 is timed against)."""
    clauses = _results_clauses(provider_id)
    head, tail = statement(provider_id).rsplit("\n)\n", 1)
    assert not tail.strip()  # noqa: S101 - the shape of SQL above
    ctes = RESULTS_CTES.format(**clauses).rstrip()
    head = head.replace("\n)\nSELECT json_build_object(\n", "\n)," + ctes + "\nSELECT json_build_object(\n", 1)
    return head + ",\n    'results', " + RESULTS_OBJECT.format(**clauses) + "\n)\n"


def run_v2(
    cursor, start: datetime.date, end: datetime.date, provider_id: int | None = None, tz: str = "Europe/Riga"
) -> dict[str, Any]:
    """Executes the report-figures/2 statement: the raw JSON row of version 1 with the raw `results` (timed)."""
    cursor.execute(
        statement_v2(provider_id), {**params(start, end, provider_id), **results_params(start, end, provider_id, tz)}
    )
    raw = cursor.fetchone()[0]
    return raw if isinstance(raw, dict) else json.loads(raw)


def _results_clauses(provider_id: int | None) -> dict[str, str]:
    if provider_id is None:
        return {
            "contact_clause": "",
            "referral_clause": "",
            "goal_join": "",
            "assessment_clause": "",
            "episode_clause": "",
            "reopened_clause": "",
        }
    return dict(
        contact_clause="AND k.provider_id = %(provider_id)s",
        referral_clause="AND r.provider_id = %(provider_id)s",
        # The goals of the plans whose social worker belongs to the provider.
        goal_join="JOIN clients_staff sw ON sw.id = pl.social_worker_id AND sw.provider_id = %(provider_id)s",
        assessment_clause="AND a.provider_id = %(provider_id)s",
        episode_clause="AND provider_id = %(provider_id)s",
        reopened_clause="AND e.provider_id = %(provider_id)s",
    )


def results_params(start: datetime.date, end: datetime.date, provider_id: int | None, tz: str) -> dict[str, Any]:
    after_end = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(0), ZoneInfo(tz))
    return {"start": start, "end": end, "provider_id": provider_id, "tz": tz, "after_end": after_end}


def run_results(
    cursor, start: datetime.date, end: datetime.date, provider_id: int | None = None, tz: str = "Europe/Riga"
) -> dict[str, Any]:
    """Executes the results statement and returns the raw JSON row (the part that is timed)."""
    cursor.execute(results_statement(provider_id), results_params(start, end, provider_id, tz))
    raw = cursor.fetchone()[0]
    return raw if isinstance(raw, dict) else json.loads(raw)


def _round_half_away(numerator: int, denominator: int, places: int) -> float | int | None:
    if not denominator:
        return None
    quantum = Decimal(1).scaleb(-places)
    value = (Decimal(numerator) / Decimal(denominator)).quantize(quantum, rounding=ROUND_HALF_UP)
    return float(value) if places else int(value)


def results_shape(raw: dict[str, Any]) -> dict[str, Any]:
    """The raw row as the spec's `results` object."""
    referrals = raw.get("referrals") or {}
    outcomes = {key: (referrals.get("outcomes") or {}).get(key, 0) for key in REFERRAL_OUTCOMES}
    decided = outcomes["completed"] + outcomes["not_successful"] + outcomes["refused"]
    goals: dict[str, dict[str, int]] = {count: dict.fromkeys(GOAL_AREAS, 0) for count in GOAL_COUNTS}
    for row in raw.get("goals") or []:
        for count in GOAL_COUNTS:
            goals[count][row["area"]] = row[count]
    for table in goals.values():
        table["total"] = sum(table.values())
    by_area: dict[str, dict[str, Any]] = {
        area: {"persons": 0, "improved": 0, "same": 0, "worse": 0, "mean_change": None} for area in GOAL_AREAS
    }
    for row in raw.get("by_area") or []:
        by_area[row["area"]] = {
            "persons": row["persons"],
            "improved": row["improved"],
            "same": row["same"],
            "worse": row["worse"],
            "mean_change": _round_half_away(row["change"], row["persons"], 1),
        }
    closures = {reason: (raw.get("closures") or {}).get(reason, 0) for reason in CLOSURE_REASONS}
    return {
        "referrals": {
            "total": referrals.get("total", 0),
            "persons": referrals.get("persons", 0),
            "accompanied": referrals.get("accompanied", 0),
            "by_kind": {kind: (referrals.get("by_kind") or {}).get(kind, 0) for kind in REFERRAL_KINDS},
            "outcomes": outcomes,
            "success_rate": _round_half_away(100 * outcomes["completed"], decided, 0),
        },
        "goals": goals,
        "self_sufficiency": {
            "persons_assessed_twice": raw["persons_assessed_twice"],
            "by_area": by_area,
            "improved_in_any_area": raw["improved_in_any_area"],
        },
        "closures": {"total": sum(closures.values()), "by_reason": closures, "reopened": raw["reopened"]},
    }


def results_differences(app: dict[str, Any], sql: dict[str, Any]) -> list[str]:
    """The parts of `results` whose values differ between the application's JSON and the lower bound's."""
    app_results = app.get("results") or {}
    return [
        f"results.{key}: app {app_results.get(key)!r} != sql {value!r}"
        for key, value in sql.items()
        if app_results.get(key) != value
    ]

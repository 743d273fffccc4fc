"""The bench's generator (bench/generate.py) and COPY loader (bench/fastload.py) with the casework of exchange format
version 2: the same seed gives the same files; the casework has the proportions of sample-data-v2 and obeys the
format's rules across files; `import_dataset` takes the files without an error and writes what the COPY loader does.
"""

from __future__ import annotations

import collections
import csv
import datetime
from pathlib import Path

import pytest
from django.db import connection

from bench import fastload, generate
from exchange.services import dataset_import
from plans.assessments import assessments_disagreeing_with_their_scores
from plans.models import Assessment
from tests.exchange.exchange_helpers import dump
from tests.exchange.test_casework_v2 import _empty_database, casework_dump

CASEWORK = ("episodes", "plans", "goals", "referrals", "assessments")


def rows_of(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated") / "g"
    generate.Generator(folder, persons=3000, contacts_per_person=10.0, seed=7).run()
    return folder


def test_the_same_seed_gives_the_same_files_and_another_seed_other_casework(generated, tmp_path):
    generate.Generator(tmp_path / "again", persons=3000, contacts_per_person=10.0, seed=7).run()
    generate.Generator(tmp_path / "other", persons=3000, contacts_per_person=10.0, seed=8).run()

    for name in ("clients", "contacts", *CASEWORK):
        assert (tmp_path / "again" / f"{name}.csv").read_bytes() == (generated / f"{name}.csv").read_bytes(), name
        assert (tmp_path / "other" / f"{name}.csv").read_bytes() != (generated / f"{name}.csv").read_bytes(), name


def test_the_casework_is_drawn_apart_so_that_the_version_1_files_do_not_depend_on_it(monkeypatch, tmp_path):
    generate.Generator(tmp_path / "a", persons=800, contacts_per_person=10.0, seed=3).run()
    monkeypatch.setattr(generate, "P_PLAN", 1.0)
    monkeypatch.setattr(generate, "P_EARLIER_EPISODE", 1.0)
    monkeypatch.setattr(generate, "P_CLOSED", 0.0)
    generate.Generator(tmp_path / "b", persons=800, contacts_per_person=10.0, seed=3).run()

    for name in ("providers", "contracts", "staff", "status_history", "contacts"):
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes(), name
    a, b = rows_of(tmp_path / "a", "clients"), rows_of(tmp_path / "b", "clients")
    assert [{k: v for k, v in r.items() if k not in ("service_end", "closure_reason")} for r in a] == [
        {k: v for k, v in r.items() if k not in ("service_end", "closure_reason")} for r in b
    ]
    assert any(r["service_end"] for r in a) and not any(r["service_end"] for r in b)
    assert len(rows_of(tmp_path / "b", "plans")) > 2 * len(rows_of(tmp_path / "a", "plans"))


def test_the_casework_has_the_proportions_of_the_sample(generated):
    clients = rows_of(generated, "clients")
    persons = len(clients)
    members = collections.defaultdict(list)
    for row in clients:
        members[row["family_ref"]].append(row["client_ref"])
    plans = rows_of(generated, "plans")
    with_plan = set()
    for plan in plans:
        with_plan.update([plan["client_ref"]] if plan["client_ref"] else members[plan["family_ref"]])
    goals_a_plan = collections.Counter(goal["plan_ref"] for goal in rows_of(generated, "goals"))
    closed = sum(1 for row in clients if row["service_end"])

    assert 0.33 <= len(with_plan) / persons <= 0.47
    assert set(goals_a_plan.values()) == {1, 2, 3, 4} and set(goals_a_plan) == {p["plan_ref"] for p in plans}
    assert 0.85 <= len(rows_of(generated, "referrals")) / persons <= 1.25
    assert 1.3 <= len(rows_of(generated, "assessments")) / persons <= 1.7
    assert 0.07 <= len(rows_of(generated, "episodes")) / persons <= 0.15
    assert 0.25 <= closed / persons <= 0.5
    reasons = {row["closure_reason"] for row in clients if row["service_end"]}
    assert reasons == {reason for reason, _weight in generate.CLOSURE_REASONS}


def test_the_casework_keeps_the_formats_rules_across_files(generated):
    clients = {row["client_ref"]: row for row in rows_of(generated, "clients")}
    staff = {row["staff_ref"]: row for row in rows_of(generated, "staff")}
    plans = {row["plan_ref"]: row for row in rows_of(generated, "plans")}
    goals = {row["goal_ref"]: row for row in rows_of(generated, "goals")}
    last = generate.LAST_DAY.isoformat()
    for plan in plans.values():
        assert bool(plan["client_ref"]) != bool(plan["family_ref"])
        assert staff[plan["staff_ref"]]["role"] == "social_worker"
    for goal in goals.values():
        assert (goal["status"] == "open") == (goal["status_date"] == "")
        assert goal["status"] == "open" or goal["created_on"] <= goal["status_date"] <= last
    for referral in rows_of(generated, "referrals"):
        client = clients[referral["client_ref"]]
        assert referral["date"] <= last
        assert (referral["status"] == "made") == (referral["outcome_date"] == "")
        assert referral["status"] == "made" or referral["date"] <= referral["outcome_date"] <= last
        if referral["goal_ref"]:
            plan = plans[goals[referral["goal_ref"]]["plan_ref"]]
            assert referral["client_ref"] == plan["client_ref"] or client["family_ref"] == plan["family_ref"] != ""
    for episode in rows_of(generated, "episodes"):
        assert episode["service_start"] < episode["service_end"] < clients[episode["client_ref"]]["service_start"]
    for row in rows_of(generated, "assessments"):
        assert row["date"] <= last and row["kind"] in ("intake", "review", "closure")
        assert all(row[area] in ("", "1", "2", "3", "4", "5") for area in generate.AREAS)
    assert datetime.date.fromisoformat(last) == datetime.date(2025, 12, 31)


@pytest.mark.django_db
def test_import_dataset_takes_the_files_and_writes_what_the_copy_loader_writes(tmp_path):
    folder = tmp_path / "small"
    counts = generate.Generator(folder, persons=300, contacts_per_person=6.0, seed=11).run()

    result = dataset_import(path=folder)
    assert result.errors == []
    imported, imported_casework = dump(), casework_dump()
    assert len(imported_casework["plans"]) == counts["plans"] > 0
    assert len(imported_casework["referrals"]) == counts["referrals"] > 0
    assert len(imported_casework["assessments"]) == counts["assessments"] > 0
    assert assessments_disagreeing_with_their_scores() == []
    copies = sorted(Assessment.objects.values_list("assessment_ref", "area_scores"))

    _empty_database()
    connection.ensure_connection()
    fastload.load(folder, connection.connection)

    assert casework_dump() == imported_casework
    assert dump() == imported
    assert assessments_disagreeing_with_their_scores() == []
    assert sorted(Assessment.objects.values_list("assessment_ref", "area_scores")) == copies

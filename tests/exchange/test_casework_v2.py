"""Exchange format version 2, the casework (issue 19): episodes, plans, goals, referrals, assessments and the closing
of the current episode in clients.csv; imported whole or not at all, twice without change, exported and back.

The sample folder of version 2 is read without consents.csv and the language and interpreter columns (the next
issue's): `casework_folder` copies it without them, keeping every other cell's text exactly.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.utils import timezone

from clients.models import CaseEpisode, Client
from exchange.services import dataset_import
from plans.models import Assessment, AssessmentScore, Goal, Institution, Plan, Referral

pytestmark = pytest.mark.django_db(transaction=False)

SAMPLE_V2 = Path(__file__).resolve().parents[2] / ".." / "shared" / "sample-data-v2"
SAMPLE_V1 = SAMPLE_V2.parent / "sample-data"
# The next issue's (20): left out of the copy until it reads them.
NOT_YET = {
    "clients": {"languages", "latvian_level", "interpreter_needed", "interpreter_language"},
    "contacts": {"interpreter", "place"},
}
CASEWORK = ("episodes", "plans", "goals", "referrals", "assessments")


def casework_folder(tmp_path: Path, name: str = "v2") -> Path:
    """sample-data-v2 without consents.csv and the columns of NOT_YET; every other cell as it is."""
    folder = tmp_path / name
    folder.mkdir()
    for path in sorted(SAMPLE_V2.glob("*.csv")):
        if path.stem == "consents":
            continue
        with open(path, encoding="utf-8", newline="") as stream:
            rows = list(csv.reader(stream))
        keep = [i for i, column in enumerate(rows[0]) if column not in NOT_YET.get(path.stem, set())]
        with open(folder / path.name, "w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerows([[row[i] for i in keep] for row in rows])
    return folder


def rows_of(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def write(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def edit(folder: Path, name: str, ref_column: str, ref: str, **cells: str) -> int:
    """Sets cells of the row whose `ref_column` is `ref`; returns its spreadsheet row number."""
    rows = rows_of(folder, name)
    index = next(i for i, row in enumerate(rows) if row[ref_column] == ref)
    rows[index].update(cells)
    write(folder, name, rows)
    return index + 2


def _day(moment):
    return timezone.localtime(moment).date()


def casework_dump() -> dict[str, set[tuple]]:
    """The casework by references, without ids: two databases with equal dumps hold the same casework."""
    scores: dict[int, tuple] = {}
    for assessment_id, area, score in AssessmentScore.objects.filter(score__isnull=False).values_list(
        "assessment_id", "area", "score"
    ):
        scores[assessment_id] = tuple(sorted((*scores.get(assessment_id, ()), (area, score))))
    return {
        "closings": set(
            Client.objects.values_list("client_ref", "provider__code", "service_start", "service_end", "closure_reason")
        ),
        "episodes": set(
            CaseEpisode.objects.values_list(
                "client__client_ref", "provider__code", "service_start", "service_end", "closure_reason"
            )
        ),
        "plans": set(
            Plan.objects.values_list(
                "plan_ref",
                "provider__code",
                "client__client_ref",
                "family__family_ref",
                "social_worker__staff_ref",
                "status",
                "start_date",
                "review_date",
            )
        ),
        "goals": {
            (
                g.goal_ref,
                g.provider.code,
                g.plan.plan_ref,
                g.area,
                g.description,
                timezone.localtime(g.created_at).date(),
                g.status,
                g.status_date,
            )
            for g in Goal.objects.select_related("provider", "plan")
        },
        "referrals": set(
            Referral.objects.values_list(
                "referral_ref",
                "provider__code",
                "date",
                "staff__staff_ref",
                "client__client_ref",
                "institution_kind",
                "institution__name",
                "goal__goal_ref",
                "accompanied",
                "status",
                "outcome_date",
                "outcome_reason",
            )
        ),
        "institutions": set(Institution.objects.values_list("provider__code", "name")),
        "assessments": {
            (
                a.assessment_ref,
                a.provider.code,
                a.date,
                a.staff.staff_ref,
                a.client.client_ref,
                a.kind,
                tuple(sorted(scores.get(a.pk, ()))),
            )
            for a in Assessment.objects.select_related("provider", "staff", "client")
        },
    }


@pytest.fixture
def folder(tmp_path):
    return casework_folder(tmp_path)


def test_the_sample_folder_of_version_2_imports_with_the_count_of_each_file(folder):
    result = dataset_import(path=folder)

    assert result.errors == []
    counts = {name: c.created for name, c in result.counts.items()}
    assert counts == {
        "providers": 2,
        "contracts": 2,
        "staff": 18,
        "clients": 360,
        "status_history": 240,
        "episodes": 42,
        "contacts": 924,
        "plans": 153,
        "goals": 363,
        "referrals": 383,
        "assessments": 563,
    }

"""report-figures/2: after importing shared/sample-data-v2 whole, every expected report of its README comes out
exactly through `build_report --format json` (its `results`, the form `group`, `interpreter_contacts` and every
key of version 1)."""

import io
import json

import pytest
from django.core.management import call_command

from reporting.figures.types import GOAL_COUNTS

from .sample import SAMPLE_DATA_V2, expected_reports, loaded_sample_data
from .test_build_report import workbook_tables
from .test_figures import build_json

EXPECTED_V2 = expected_reports(SAMPLE_DATA_V2)


@pytest.fixture(scope="module")
def sample_data_v2(django_db_setup, django_db_blocker):
    yield from loaded_sample_data(django_db_blocker, SAMPLE_DATA_V2)


def test_the_readme_lists_six_expected_reports():
    assert len(EXPECTED_V2) == 6


@pytest.mark.parametrize(("name", "start", "end", "provider"), EXPECTED_V2, ids=lambda v: str(v))
def test_each_version_2_expected_report_comes_out_exactly(sample_data_v2, name, start, end, provider):
    expected = json.loads((SAMPLE_DATA_V2 / "expected" / name).read_text(encoding="utf-8"))
    args = ["--start", start.isoformat(), "--end", end.isoformat()]
    if provider:
        args += ["--provider", provider]

    report = build_json(*args)

    assert expected["schema"] == report["schema"] == "report-figures/2"
    for key, value in expected.items():
        assert report[key] == value, key
    assert list(report["results"]) == ["referrals", "goals", "self_sufficiency", "closures"]


def test_the_xlsx_shows_the_results_of_the_json(sample_data_v2):
    args = ["--start", "2022-04-01", "--end", "2022-06-30", "--provider", "LSK"]
    data = build_json(*args)["results"]
    out = io.BytesIO()
    call_command("build_report", *args, "--format", "xlsx", "--language", "en", stdout=out)

    tables = workbook_tables(out.getvalue())

    referrals = tables["Referrals"]
    assert [referrals[label][0] for label in ("Referrals in all", "Persons referred", "Accompanied referrals")] == [
        data["referrals"]["total"],
        data["referrals"]["persons"],
        data["referrals"]["accompanied"],
    ]
    assert referrals["Success rate, %"][0] == data["referrals"]["success_rate"] == 90
    assert [row[0] for row in tables["Referrals by kind of institution"].values()] == list(
        data["referrals"]["by_kind"].values()
    )
    assert [row[0] for row in tables["Referral outcomes on the period's last day"].values()] == list(
        data["referrals"]["outcomes"].values()
    )
    goals = tables["Goals by area"]
    assert goals["In all"][:6] == [data["goals"][name]["total"] for name in GOAL_COUNTS]
    assert goals["Housing"][:6] == [data["goals"][name]["housing"] for name in GOAL_COUNTS]
    by_area = data["self_sufficiency"]["by_area"]
    assert tables["Self-sufficiency by area"]["Employment"][:5] == list(by_area["employment"].values())
    closures = tables["Case closures"]
    assert closures["Closures in all"][0] == data["closures"]["total"]
    assert closures["Cases reopened"][0] == data["closures"]["reopened"]
    assert closures["Deceased"][0] == data["closures"]["by_reason"]["deceased"]

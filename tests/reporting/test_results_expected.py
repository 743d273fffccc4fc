"""report-figures/2: after importing shared/sample-data-v2 whole, every expected report of its README comes out
exactly through `build_report --format json` (its `results`, the form `group`, `interpreter_contacts` and every
key of version 1)."""

import json

import pytest

from .sample import SAMPLE_DATA_V2, expected_reports, loaded_sample_data
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

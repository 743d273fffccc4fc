"""The bench's SQL lower bound of report-figures/2 (bench/lower_bound.py) against the contract: after importing
shared/sample-data-v2, its statements give each expected report's figures exactly (the README's table of reports):
`results` alone, version 1's keys alone, and the whole of report-figures/2 in one statement."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
from django.db import connection, transaction

from bench import lower_bound
from clients.models import Provider
from exchange.services import dataset_import

SAMPLE_V2 = Path(__file__).resolve().parents[2] / ".." / "shared" / "sample-data-v2"


def expected_v2_reports() -> list[tuple[str, datetime.date, datetime.date, str | None]]:
    text = (SAMPLE_V2 / "README.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| *([\w.-]+\.json) *\| *(\d{4}-\d\d-\d\d) *\| *(\d{4}-\d\d-\d\d) *\| *([^|]*?) *\|$", text, flags=re.M
    )
    return [
        (name, datetime.date.fromisoformat(start), datetime.date.fromisoformat(end), None if "(" in code else code)
        for name, start, end, code in rows
    ]


@pytest.fixture(scope="module")
def sample_v2(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        assert dataset_import(path=SAMPLE_V2).errors == []
        yield
        transaction.set_rollback(True)


def test_the_readme_lists_the_six_expected_reports():
    assert len(expected_v2_reports()) == 6


@pytest.mark.parametrize(("name", "start", "end", "code"), expected_v2_reports(), ids=lambda v: str(v))
def test_the_sql_bound_gives_the_expected_results(sample_v2, django_db_blocker, name, start, end, code):
    expected = json.loads((SAMPLE_V2 / "expected" / name).read_text(encoding="utf-8"))["results"]
    with django_db_blocker.unblock():
        provider_id = Provider.objects.get(code=code).pk if code else None
        with connection.cursor() as cursor:
            raw = lower_bound.run_results(cursor, start, end, provider_id)

    results = lower_bound.results_shape(raw)

    for key, value in expected.items():
        assert results[key] == value, key
    assert lower_bound.results_differences({"results": expected}, results) == []
    assert lower_bound.results_differences({"results": {**expected, "goals": {}}}, results) == [
        f"results.goals: app {{}} != sql {results['goals']!r}"
    ]


@pytest.mark.parametrize(("name", "start", "end", "code"), expected_v2_reports(), ids=lambda v: str(v))
def test_the_sql_bound_of_version_1s_keys_gives_the_expected_report_figures_2(
    sample_v2, django_db_blocker, name, start, end, code
):
    expected = json.loads((SAMPLE_V2 / "expected" / name).read_text(encoding="utf-8"))
    with django_db_blocker.unblock():
        provider_id = Provider.objects.get(code=code).pk if code else None
        with connection.cursor() as cursor:
            figures = lower_bound.shape(lower_bound.run(cursor, start, end, provider_id), start, end)

    # The form `group` and `interpreter_contacts` of report-figures/2 included.
    assert {key: figures[key] for key in lower_bound.SPEC_KEYS} == {key: expected[key] for key in lower_bound.SPEC_KEYS}
    assert lower_bound.differences(expected, figures) == []
    # Against a report-figures/1 JSON (no group, no interpreter_contacts) the same figures are equal too.
    v1_contacts = {key: value for key, value in expected["contacts"].items() if key != "interpreter_contacts"}
    v1_contacts["by_form"] = {form: n for form, n in v1_contacts["by_form"].items() if form != "group"}
    assert lower_bound.differences({**expected, "contacts": v1_contacts}, figures) == []


@pytest.mark.parametrize(("name", "start", "end", "code"), expected_v2_reports(), ids=lambda v: str(v))
def test_the_one_statement_of_report_figures_2_gives_the_expected_figures(
    sample_v2, django_db_blocker, name, start, end, code
):
    expected = json.loads((SAMPLE_V2 / "expected" / name).read_text(encoding="utf-8"))
    with django_db_blocker.unblock():
        provider_id = Provider.objects.get(code=code).pk if code else None
        with connection.cursor() as cursor:
            raw = lower_bound.run_v2(cursor, start, end, provider_id)

    assert lower_bound.differences(expected, lower_bound.shape(raw, start, end)) == []
    assert lower_bound.results_shape(raw["results"]) == expected["results"]

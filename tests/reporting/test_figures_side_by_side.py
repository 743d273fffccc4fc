"""A report's figures computed on two connections at once (outside a transaction, as a report job or the figures
page computes them) are the expected ones, and the same as computed one statement after another."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction

from clients.models import Provider
from reporting.figures import figures_for

from .sample import SAMPLE_DATA_V2, expected_reports
from .test_figures import build_json


@pytest.mark.django_db(transaction=True)
def test_the_version_2_expected_reports_come_out_exactly_when_computed_side_by_side():
    call_command("import_dataset", str(SAMPLE_DATA_V2), stdout=io.StringIO())

    for name, start, end, code in expected_reports(SAMPLE_DATA_V2):
        expected = json.loads((SAMPLE_DATA_V2 / "expected" / name).read_text(encoding="utf-8"))
        args = ["--start", start.isoformat(), "--end", end.isoformat(), *(["--provider", code] if code else [])]
        provider = Provider.objects.get(code=code) if code else None

        report = build_json(*args)  # nothing cached yet: computed side by side
        side_by_side = figures_for(start=start, end=end, provider=provider).as_json()
        with transaction.atomic():  # no second connection can see into a transaction: one after another
            in_turn = figures_for(start=start, end=end, provider=provider).as_json()

        for key, value in expected.items():
            assert report[key] == value, (name, key)
        assert side_by_side == in_turn, name

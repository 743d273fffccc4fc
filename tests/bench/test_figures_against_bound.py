"""The application's report-figures/2 equal the bench's SQL bound on a generated data set with version 2's casework
(what the bench's figures step checks at national scale, here at a small size on every kind of period)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction

from bench import generate, lower_bound
from clients.models import Provider
from exchange.services import dataset_import
from reporting.figures import figures_for

PERIODS = [
    (datetime.date(2016, 1, 1), datetime.date(2025, 12, 31), None),
    (datetime.date(2022, 1, 1), datetime.date(2022, 12, 31), "LSK"),
    (datetime.date(2023, 3, 15), datetime.date(2023, 5, 14), None),
    (datetime.date(2025, 11, 1), datetime.date(2025, 11, 30), "CARITAS"),
]


@pytest.fixture(scope="module")
def generated_data(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench") / "g"
    generate.Generator(folder, persons=600, contacts_per_person=8.0, seed=21).run()
    with django_db_blocker.unblock(), transaction.atomic():
        assert dataset_import(path=folder).errors == []
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize(("start", "end", "code"), PERIODS, ids=str)
def test_the_applications_figures_equal_the_bound(generated_data, django_db_blocker, start, end, code):
    with django_db_blocker.unblock():
        provider = Provider.objects.get(code=code) if code else None
        app = figures_for(start=start, end=end, provider=provider).as_json()
        with connection.cursor() as cursor:
            raw = lower_bound.run_v2(cursor, start, end, provider.pk if provider else None)

    sql = lower_bound.shape(raw, start, end)
    results = lower_bound.results_shape(raw["results"])
    assert app["schema"] == "report-figures/2"
    assert lower_bound.differences(app, sql) == []
    assert lower_bound.results_differences(app, results) == []
    # Not vacuous: the casework is there in the period.
    assert results["referrals"]["total"] > 0
    assert results["goals"]["open_at_end"]["total"] > 0
    if (end - start).days >= 365:
        assert results["self_sufficiency"]["persons_assessed_twice"] > 0
        assert results["closures"]["total"] > 0 and results["closures"]["reopened"] > 0

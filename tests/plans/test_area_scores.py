"""`Assessment.area_scores`, the assessment's copy of its AssessmentScore rows (issue 21, national scale): the
database keeps it on every write of the rows, as plans/migrations/sql/0011_assessment_area_scores.sql says.

Each write path of the application is checked where it is tested (the service in test_assessments.py, the import
in tests/exchange/test_casework_v2.py, anonymisation in tests/privacy, the demo in test_demo_casework.py, the COPY
loader in tests/bench/test_generate.py) with `assessments_disagreeing_with_their_scores`; here, the triggers
themselves, the writes no service makes (queryset updates, deletes, cascades), and the scan."""

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection

from bench import fastload
from plans.assessments import assessments_disagreeing_with_their_scores
from plans.choices import GoalArea
from plans.models import SCORED_AREAS, Assessment, AssessmentScore
from tests.factories import ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db

SQL = Path(__file__).resolve().parents[2] / "plans" / "migrations" / "sql" / "0011_assessment_area_scores.sql"
D = datetime.date(2025, 3, 1)


def _copy(assessment) -> list[int | None]:
    return Assessment.objects.values_list("area_scores", flat=True).get(pk=assessment.pk)


def _assessment(provider, scores: dict[str, int | None]) -> Assessment:
    staff = StaffFactory(provider=provider)
    made = Assessment.objects.create(date=D, staff=staff, client=ClientFactory(provider=provider), kind="intake")
    AssessmentScore.objects.bulk_create(
        AssessmentScore(assessment=made, area=area, score=score) for area, score in scores.items()
    )
    return made


def test_the_areas_of_the_copy_are_the_goal_areas_in_their_order_and_the_copy_loaders():
    assert SCORED_AREAS == tuple(GoalArea.values) == fastload.AREAS


def test_the_function_and_its_triggers_are_in_the_database_as_written():
    text = SQL.read_text(encoding="utf-8")
    (body,) = re.findall(
        r"CREATE OR REPLACE FUNCTION assessment_area_scores_sync\(\) RETURNS trigger AS \$\$(.*?)\$\$", text, re.S
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'assessment_area_scores_sync'")
        assert cursor.fetchall() == [(body,)]
        cursor.execute(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = 'plans_assessmentscore' AND t.tgname LIKE 'assessment_area_scores_%%' ORDER BY 1"
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "assessment_area_scores_del",
            "assessment_area_scores_ins",
            "assessment_area_scores_upd",
        ]
    for area in SCORED_AREAS:  # the function's array lists the areas in the copy's order
        assert text.count(f"sc.area = '{area}'") == 2
    assert [m for m in re.findall(r"sc\.area = '(\w+)'", text)][:10] == list(SCORED_AREAS)


def test_a_new_assessment_has_no_scores_and_its_rows_fill_the_copy_in_area_order(provider):
    made = _assessment(provider, {})
    assert _copy(made) == [None] * 10

    AssessmentScore.objects.bulk_create(
        [
            AssessmentScore(assessment=made, area="daily_life", score=5),
            AssessmentScore(assessment=made, area="documents", score=1),
            AssessmentScore(assessment=made, area="health", score=None, note="Not asked"),
        ]
    )

    assert _copy(made) == [1, None, None, None, None, None, None, None, None, 5]
    assert assessments_disagreeing_with_their_scores() == []


def test_updates_deletes_and_a_row_moved_to_another_assessment_are_followed(provider):
    one = _assessment(provider, {"housing": 2, "health": 3, "language": 4})
    other = _assessment(provider, {"housing": 5})

    AssessmentScore.objects.filter(assessment=one, area="housing").update(score=4)
    AssessmentScore.objects.filter(assessment=one, area="health").update(score=None)
    AssessmentScore.objects.filter(assessment=one, area="language").update(assessment=other)
    assert _copy(one) == [None, 4, None, None, None, None, None, None, None, None]
    assert _copy(other) == [None, 5, None, None, None, 4, None, None, None, None]

    AssessmentScore.objects.filter(assessment=other, area="housing").delete()
    assert _copy(other) == [None, None, None, None, None, 4, None, None, None, None]
    assert assessments_disagreeing_with_their_scores() == []

    one.delete()  # its rows go first (the cascade), then itself
    assert not Assessment.objects.filter(pk=one.pk).exists()
    assert assessments_disagreeing_with_their_scores() == []


def test_the_scan_finds_a_copy_that_disagrees_with_its_rows(provider):
    right = _assessment(provider, {"housing": 2})
    wrong = _assessment(provider, {"housing": 2, "children": 1})
    stale = _assessment(provider, {})
    # Written past the triggers (they watch the rows, not the assessments): what a missed write path would leave.
    Assessment.objects.filter(pk=wrong.pk).update(area_scores=[None, 3, None, None, None, None, None, None, None, 1])
    Assessment.objects.filter(pk=stale.pk).update(area_scores=[1, None, None, None, None, None, None, None, None, None])

    assert assessments_disagreeing_with_their_scores() == sorted([wrong.pk, stale.pk])
    assert right.pk not in assessments_disagreeing_with_their_scores()


def test_the_migrations_filling_gives_every_assessment_its_copy(provider):
    # Before the filling every assessment has the column's default, no scores; those without rows keep it.
    made = [_assessment(provider, {"documents": 3, "benefits": 2}), _assessment(provider, {"children": None})]
    Assessment.objects.update(area_scores=[5] * 10)
    assert assessments_disagreeing_with_their_scores() == [a.pk for a in made]

    filling = "-- " + SQL.read_text(encoding="utf-8").split("-- The existing assessments:")[1]
    with connection.cursor() as cursor:
        cursor.execute(filling)

    assert assessments_disagreeing_with_their_scores() == []
    assert _copy(made[0]) == [3, None, None, None, None, None, 2, None, None, None]

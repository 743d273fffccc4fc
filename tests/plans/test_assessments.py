"""Self-sufficiency assessments (casework.md "Self-sufficiency assessment"): the service, the form."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from plans import services
from plans.assessment_forms import AssessmentForm
from plans.assessments import (
    AssessmentInput,
    AssessmentsRefused,
    area_scores,
    assessment_record,
    assessments_disagreeing_with_their_scores,
    assessments_of,
    score_series,
)
from plans.choices import AssessmentKind, GoalArea
from plans.models import Assessment, AssessmentScore, PlanReview
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _record(client, staff, actor, day, scores, kind=AssessmentKind.INTAKE, **kwargs):
    return assessment_record(client=client, staff=staff, date=day, kind=kind, scores=scores, actor=actor, **kwargs)


# The service ---------------------------------------------------------------------------------------------------


def test_record_writes_one_row_per_area_with_a_score_or_a_note(assigned_client, social_worker, today):
    assessment = _record(
        assigned_client,
        social_worker.staff,
        social_worker,
        today,
        {"housing": (2, "Shelter until March"), "health": (None, "Not asked yet"), "language": (None, "  ")},
    )
    rows = {row.area: (row.score, row.note) for row in assessment.scores.all()}
    assert rows == {"housing": (2, "Shelter until March"), "health": (None, "Not asked yet")}
    assert assessment.provider_id == assigned_client.provider_id
    assert assessment.created_by == social_worker
    assert assessment.assessment_ref.startswith("W")
    # The copy the report reads (issue 21): housing second of the ten, health's note without a score.
    assessment.refresh_from_db()
    assert assessment.area_scores == [None, 2, None, None, None, None, None, None, None, None]
    assert assessments_disagreeing_with_their_scores() == []


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"day": datetime.timedelta(days=1)}, "date"),
        ({"day": -datetime.timedelta(days=400)}, "date"),
        ({"scores": {"housing": (None, "only a note")}}, "scores"),
        ({"scores": {"housing": (7, "")}}, "housing"),
        ({"kind": "whenever"}, "kind"),
    ],
)
def test_record_refuses_by_field(assigned_client, social_worker, today, change, key):
    assigned_client.service_start = today - datetime.timedelta(days=100)
    assigned_client.save(update_fields=["service_start"])
    day = today + change.get("day", datetime.timedelta(0))
    scores = change.get("scores", {"housing": (3, "")})
    with pytest.raises(ValidationError) as exc:
        _record(assigned_client, social_worker.staff, social_worker, day, scores, kind=change.get("kind", "intake"))
    assert key in exc.value.message_dict
    assert not Assessment.objects.exists()


def test_record_refuses_staff_of_another_provider(assigned_client, outsider, social_worker, today):
    with pytest.raises(ValidationError) as exc:
        _record(assigned_client, outsider.staff, social_worker, today, {"housing": (3, "")})
    assert "staff" in exc.value.message_dict


def test_record_is_all_or_nothing(assigned_client, social_worker, today, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(AssessmentScore.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        _record(assigned_client, social_worker.staff, social_worker, today, {"housing": (3, "")})
    assert not Assessment.objects.exists()


def test_selectors_give_areas_in_order_and_the_series_oldest_first(assigned_client, social_worker, today):
    sw = social_worker.staff
    _record(
        assigned_client, sw, social_worker, today - datetime.timedelta(days=60), {"housing": (1, ""), "health": (2, "")}
    )
    _record(assigned_client, sw, social_worker, today, {"housing": (3, ""), "language": (4, "")}, kind="review")
    assessments = list(assessments_of(assigned_client))
    assert [a.date for a in assessments] == [today, today - datetime.timedelta(days=60)]
    latest = area_scores(assessments[0])
    assert [row.area for row in latest] == list(GoalArea.values)
    assert {row.area: row.score for row in latest if row.score} == {"housing": 3, "language": 4}
    assert latest[1].score_label == "coping with support"
    series = score_series(assessments)
    assert series.dates == [today - datetime.timedelta(days=60), today]
    assert [(area, values) for area, _label, values in series.areas] == [
        ("housing", [1, 3]),
        ("health", [2, None]),
        ("language", [None, 4]),
    ]


def test_two_assessments_of_one_day_are_one_point_of_the_series(assigned_client, social_worker, today):
    sw = social_worker.staff
    _record(assigned_client, sw, social_worker, today - datetime.timedelta(days=30), {"housing": (1, "")})
    _record(assigned_client, sw, social_worker, today, {"housing": (2, ""), "employment": (2, "")}, kind="review")
    _record(assigned_client, sw, social_worker, today, {"housing": (4, "")}, kind="closure")
    series = score_series(list(assessments_of(assigned_client)))
    assert series.dates == [today - datetime.timedelta(days=30), today]
    assert [(area, values) for area, _label, values in series.areas] == [("housing", [1, 4]), ("employment", [None, 2])]


# The form ------------------------------------------------------------------------------------------------------


def _post(prefix="", **values):
    key = (prefix + "-") if prefix else ""
    return {key + name: value for name, value in values.items()}


def test_form_gives_the_scores_of_every_area(today):
    form = AssessmentForm(_post(date=today.isoformat(), score_housing="2", note_housing=" Shelter ", note_health="x"))
    assert form.is_valid(), form.errors
    scores = form.scores()
    assert set(scores) == set(GoalArea.values)
    assert scores["housing"] == (2, "Shelter")
    assert scores["health"] == (None, "x")
    assert scores["documents"] == (None, "")


def test_form_needs_a_score_unless_optional(today):
    form = AssessmentForm(_post(date=today.isoformat()))
    assert not form.is_valid()
    assert form.non_field_errors()
    optional = AssessmentForm({}, optional=True)
    assert optional.is_valid(), optional.errors
    assert not optional.is_filled()
    noted = AssessmentForm(_post(note_housing="a note"), optional=True)
    assert not noted.is_valid()


def test_optional_form_once_scored_is_validated(today):
    form = AssessmentForm(_post(score_housing="3"), optional=True)
    assert not form.is_valid()
    assert "date" in form.errors
    future = AssessmentForm(_post(score_housing="3", date=(today + datetime.timedelta(days=2)).isoformat()))
    assert "date" in future.errors


def test_form_with_prefixes_side_by_side(today):
    data = {
        **_post("m1", date=today.isoformat(), score_housing="1"),
        **_post("m2", date=today.isoformat(), score_housing="5"),
    }
    first, second = AssessmentForm(data, prefix="m1"), AssessmentForm(data, prefix="m2")
    assert first.is_valid() and second.is_valid()
    assert first.scores()["housing"] == (1, "")
    assert second.scores()["housing"] == (5, "")


def test_form_rejects_a_score_off_the_scale(today):
    form = AssessmentForm(_post(date=today.isoformat(), score_housing="9"))
    assert "score_housing" in form.errors


def test_form_kind_only_when_asked(today):
    assert "kind" not in AssessmentForm().fields
    form = AssessmentForm(_post(date=today.isoformat(), score_housing="3", kind="review"), with_kind=True)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["kind"] == "review"


def test_form_shows_service_errors_beside_the_area(today):
    form = AssessmentForm(_post(date=today.isoformat(), score_housing="3"))
    assert form.is_valid()
    form.add_service_errors(ValidationError({"date": "too early", "housing": "bad", "staff": "who?"}))
    assert form.errors["date"] == ["too early"]
    assert form.errors["score_housing"] == ["bad"]
    assert "who?" in form.non_field_errors()


# At a plan review ---------------------------------------------------------------------------------------------


def test_a_review_with_a_refused_assessment_keeps_nothing(assigned_client, social_worker, outsider, today):
    plan = PlanFactory(client=assigned_client, start_date=today - datetime.timedelta(days=30))
    good = AssessmentInput(client=assigned_client, staff=social_worker.staff, scores={"housing": (3, "")})
    wrong = AssessmentInput(client=assigned_client, staff=outsider.staff, scores={"housing": (3, "")})
    with pytest.raises(AssessmentsRefused) as exc:
        services.plan_review_record(
            plan=plan,
            actor=social_worker,
            date=today,
            next_review_date=today + datetime.timedelta(days=30),
            assessments=[wrong],
        )
    assert "staff" in exc.value.errors[assigned_client.pk].message_dict
    assert not PlanReview.objects.exists() and not Assessment.objects.exists()
    review = services.plan_review_record(
        plan=plan,
        actor=social_worker,
        date=today,
        next_review_date=today + datetime.timedelta(days=30),
        assessments=[good],
    )
    assert Assessment.objects.get().review == review

"""Goals' outcomes and plan reviews (issue 19): the status rules, one review in one transaction, closing sets the
goals' outcomes, who may change them, the reviews due on the home pages and the reviews on the timeline."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from plans import services
from plans.models import Goal, GoalReview, Plan, PlanReview
from tests.factories import ClientFactory, GoalFactory, PlanFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def active_plan(plan):
    plan.status = "active"
    plan.review_date = plan.start_date + 5 * DAY
    plan.save(update_fields=["status", "review_date"])
    return plan


def _added_days_ago(*goals: Goal, days: int = 9) -> None:
    """Goals added at the plan's start: their outcomes may be dated since."""
    Goal.objects.filter(pk__in=[g.pk for g in goals]).update(created_at=timezone.now() - days * DAY)
    for g in goals:
        g.refresh_from_db()


@pytest.fixture
def goals(active_plan):
    added = [
        GoalFactory(plan=active_plan, area="housing", description="A flat in Rīga"),
        GoalFactory(plan=active_plan, area="employment", description="A job in a warehouse"),
    ]
    _added_days_ago(*added)
    return added


def _review_data(goals, *, date, next_date, statuses=("achieved", "partly_achieved"), token=None):
    data = {
        "date": date.isoformat(),
        "next_review_date": next_date.isoformat(),
        "note": "Good progress",
        "goals-TOTAL_FORMS": str(len(goals)),
        "goals-INITIAL_FORMS": str(len(goals)),
    }
    for i, status in enumerate(statuses):
        data[f"goals-{i}-status"] = status
        data[f"goals-{i}-note"] = f"note {i}"
    if token:
        data["form_token"] = token
    return data


# The status rules --------------------------------------------------------------------------------


def test_a_goal_is_open_without_a_date_and_a_closed_status_needs_one(goal):
    assert (goal.status, goal.status_date) == ("open", None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(status="achieved")
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(status_date=datetime.date(2026, 1, 1))


def test_setting_a_goals_status_dates_it_and_records_the_change(goal, social_worker, today):
    _added_days_ago(goal)
    services.goal_status_set(goal=goal, actor=social_worker, status="partly_achieved")
    goal.refresh_from_db()
    assert (goal.status, goal.status_date) == ("partly_achieved", today)
    event = goal.plan.events.get(kind="goal_status")
    assert event.changes["status"] == ["open", "partly_achieved"]
    assert {"A flat in Rīga", "Partly achieved"} <= {r["new"] for r in event.described_changes()}
    assert AuditEntry.objects.filter(object_type="plans.goal", object_id=str(goal.pk)).exists()
    # The date alone corrected.
    services.goal_status_set(goal=goal, actor=social_worker, status="partly_achieved", status_date=today - DAY)
    goal.refresh_from_db()
    assert goal.status_date == today - DAY
    services.goal_status_set(goal=goal, actor=social_worker, status="open")
    goal.refresh_from_db()
    assert (goal.status, goal.status_date) == ("open", None)


def test_a_goals_status_is_not_dated_in_the_future_nor_before_the_goal_was_added(goal, social_worker, today):
    with pytest.raises(ValidationError):
        services.goal_status_set(goal=goal, actor=social_worker, status="achieved", status_date=today + DAY)
    with pytest.raises(ValidationError) as exc:
        services.goal_status_set(goal=goal, actor=social_worker, status="achieved", status_date=today - DAY)
    assert "before it was added" in str(exc.value.message_dict["status_date"])
    goal.refresh_from_db()
    assert goal.status == "open"


def test_a_review_does_not_change_a_goal_added_after_its_date(active_plan, goals, social_worker, today):
    added_today = GoalFactory(plan=active_plan, description="Added today")
    with pytest.raises(ValidationError) as exc:
        services.plan_review_record(
            plan=active_plan,
            actor=social_worker,
            date=today - 2 * DAY,
            next_review_date=today + 30 * DAY,
            goals={goals[0].pk: ("achieved", ""), added_today.pk: ("dropped", "")},
        )
    assert "date" in exc.value.message_dict
    # Left as it was, the new goal does not hold the review back.
    services.plan_review_record(
        plan=active_plan,
        actor=social_worker,
        date=today - 2 * DAY,
        next_review_date=today + 30 * DAY,
        goals={goals[0].pk: ("achieved", ""), added_today.pk: ("open", "")},
    )
    assert Goal.objects.get(pk=goals[0].pk).status_date == today - 2 * DAY


def test_a_closed_plans_goal_keeps_its_status(goal, social_worker):
    Plan.objects.filter(pk=goal.plan_id).update(status="closed")
    with pytest.raises(services.PlanClosedError):
        services.goal_status_set(goal=goal, actor=social_worker, status="achieved")
    goal.refresh_from_db()
    assert goal.status == "open"


# The review --------------------------------------------------------------------------------------


def test_a_review_records_the_notes_the_statuses_and_the_next_review_date_at_once(
    active_plan, goals, social_worker, today
):
    review = services.plan_review_record(
        plan=active_plan,
        actor=social_worker,
        date=today,
        next_review_date=today + 90 * DAY,
        note="Good progress",
        goals={goals[0].pk: ("achieved", "Moved in"), goals[1].pk: ("partly_achieved", "Part-time")},
    )
    active_plan.refresh_from_db()
    assert active_plan.review_date == today + 90 * DAY
    assert active_plan.version == 2
    assert (review.reviewed_by, review.note) == (social_worker, "Good progress")
    rows = {r.goal_id: (r.status, r.note) for r in review.goal_reviews.all()}
    assert rows == {goals[0].pk: ("achieved", "Moved in"), goals[1].pk: ("partly_achieved", "Part-time")}
    assert [(g.status, g.status_date) for g in Goal.objects.filter(plan=active_plan).order_by("id")][-2:] == [
        ("achieved", today),
        ("partly_achieved", today),
    ]
    assert AuditEntry.objects.filter(object_type="plans.planreview", object_id=str(review.pk)).exists()


@pytest.mark.parametrize(
    ("date_days", "next_days", "field"),
    [(1, 30, "date"), (0, 0, "next_review_date"), (-20, 30, "date")],
    ids=["future", "next-not-after", "before-the-plan-starts"],
)
def test_a_wrong_review_keeps_nothing(active_plan, goals, social_worker, today, date_days, next_days, field):
    with pytest.raises(ValidationError) as exc:
        services.plan_review_record(
            plan=active_plan,
            actor=social_worker,
            date=today + date_days * DAY,
            next_review_date=today + next_days * DAY,
            goals={goals[0].pk: ("achieved", "")},
        )
    assert field in exc.value.message_dict
    assert not PlanReview.objects.exists()
    assert Goal.objects.get(pk=goals[0].pk).status == "open"


def test_a_review_that_fails_halfway_keeps_nothing(active_plan, goals, social_worker, today):
    with pytest.raises(ValueError):
        services.plan_review_record(
            plan=active_plan,
            actor=social_worker,
            date=today,
            next_review_date=today + 30 * DAY,
            goals={goals[0].pk: ("achieved", ""), goals[1].pk: ("no_such_status", "")},
        )
    assert not PlanReview.objects.exists() and not GoalReview.objects.exists()
    assert Goal.objects.get(pk=goals[0].pk).status == "open"
    assert Plan.objects.get(pk=active_plan.pk).review_date == active_plan.review_date


def test_a_closed_plan_is_not_reviewed(active_plan, goals, social_worker, today):
    Plan.objects.filter(pk=active_plan.pk).update(status="closed")
    with pytest.raises(services.PlanClosedError):
        services.plan_review_record(
            plan=active_plan, actor=social_worker, date=today, next_review_date=today + 30 * DAY
        )
    assert not PlanReview.objects.exists()


def test_the_review_form_records_once_and_shows_on_the_plan_page(client, social_worker, active_plan, goals, today):
    client.force_login(social_worker)
    url = reverse("plans:plan_review", args=[active_plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["formset"].forms) == 2
    token = page.content.decode().split('name="form_token" value="')[1].split('"')[0]
    data = _review_data(goals, date=today, next_date=today + 60 * DAY, token=token)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # sent twice: one review
    assert PlanReview.objects.count() == 1
    detail = client.get(reverse("plans:plan_detail", args=[active_plan.pk])).content.decode()
    assert "Good progress" in detail and "note 0" in detail and "note 1" in detail
    assert "Partly achieved" in detail
    client_page = client.get(reverse("clients:detail", args=[active_plan.client_id])).content.decode()
    assert 'data-testid="goal-status"' in client_page and "Achieved" in client_page


def test_the_review_form_says_what_is_wrong(client, social_worker, active_plan, goals, today):
    client.force_login(social_worker)
    url = reverse("plans:plan_review", args=[active_plan.pk])
    response = client.post(url, _review_data(goals, date=today, next_date=today))
    assert response.status_code == 200
    assert response.context["form"].errors["next_review_date"]
    assert not PlanReview.objects.exists()


def test_a_goals_status_is_changed_in_place_on_the_plan_page(client, manager, goal, today):
    _added_days_ago(goal)
    client.force_login(manager)
    url = reverse("plans:goal_status", args=[goal.pk])
    response = client.post(url, {"status": "not_achieved", "status_date": (today - DAY).isoformat()})
    assert response.status_code == 302 and response["Location"].endswith(f"#goal-{goal.pk}")
    goal.refresh_from_db()
    assert (goal.status, goal.status_date) == ("not_achieved", today - DAY)


# Closing -----------------------------------------------------------------------------------------


def test_closing_asks_each_open_goals_outcome_and_sets_it(client, social_worker, active_plan, goals, today):
    services.goal_status_set(goal=goals[1], actor=social_worker, status="achieved", status_date=today - 3 * DAY)
    client.force_login(social_worker)
    url = reverse("plans:plan_close", args=[active_plan.pk])
    page = client.get(url)
    assert list(page.context["form"].open_goals) == [goals[0]]  # the achieved goal is not asked again
    data = {"version": Plan.objects.get(pk=active_plan.pk).version, "reason": "goals_achieved"}
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors[f"goal_{goals[0].pk}"]
    assert Plan.objects.get(pk=active_plan.pk).status == "active"
    assert client.post(url, {**data, f"goal_{goals[0].pk}": "dropped"}).status_code == 302
    assert Plan.objects.get(pk=active_plan.pk).status == "closed"
    assert [(g.status, g.status_date) for g in Goal.objects.filter(pk__in=[g.pk for g in goals]).order_by("id")] == [
        ("dropped", today),
        ("achieved", today - 3 * DAY),
    ]


def test_closing_refuses_open_as_a_final_outcome(social_worker, active_plan, goals):
    with pytest.raises(ValidationError):
        services.plan_close(
            plan=active_plan, actor=social_worker, version=1, reason="other", goal_statuses={goals[0].pk: "open"}
        )
    assert Plan.objects.get(pk=active_plan.pk).status == "active"


# Who may -----------------------------------------------------------------------------------------


def test_the_mentor_reads_the_outcomes_and_reviews_but_does_not_change_them(
    client, mentor, social_worker, active_plan, goals, today
):
    services.plan_review_record(
        plan=active_plan,
        actor=social_worker,
        date=today,
        next_review_date=today + 30 * DAY,
        goals={goals[0].pk: ("achieved", "Moved in")},
    )
    client.force_login(mentor)
    detail = client.get(reverse("plans:plan_detail", args=[active_plan.pk]))
    content = detail.content.decode()
    assert "Moved in" in content and 'data-testid="goal-status"' in content
    assert reverse("plans:plan_review", args=[active_plan.pk]) not in content
    assert reverse("plans:goal_status", args=[goals[1].pk]) not in content
    assert client.get(reverse("plans:plan_review", args=[active_plan.pk])).status_code == 403
    assert client.post(reverse("plans:goal_status", args=[goals[1].pk]), {"status": "dropped"}).status_code == 403
    assert Goal.objects.get(pk=goals[1].pk).status == "open"


def test_another_providers_plan_and_goal_are_not_found(client, outsider, active_plan, goals, today):
    client.force_login(outsider)
    assert client.get(reverse("plans:plan_review", args=[active_plan.pk])).status_code == 404
    data = _review_data(goals, date=today, next_date=today + 30 * DAY)
    assert client.post(reverse("plans:plan_review", args=[active_plan.pk]), data).status_code == 404
    assert client.post(reverse("plans:goal_status", args=[goals[0].pk]), {"status": "dropped"}).status_code == 404
    assert not PlanReview.objects.exists()


def test_the_coordinator_never_reaches_them(client, coordinator, active_plan, goals):
    client.force_login(coordinator)
    assert client.get(reverse("plans:plan_review", args=[active_plan.pk])).status_code == 404
    assert client.post(reverse("plans:goal_status", args=[goals[0].pk]), {"status": "dropped"}).status_code == 404


# The home pages ----------------------------------------------------------------------------------


def _due_plans(provider, social_worker, today, n, *, offset=0):
    """Plans of the social worker's clients: reviews overdue, due within 7 days and later."""
    for i in range(n):
        person = ClientFactory(provider=provider, social_worker=social_worker.staff)
        start = today - 60 * DAY
        PlanFactory(client=person, status="active", start_date=start, review_date=today + (i % 10 - 3 + offset) * DAY)


def _home(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("who", ["social_worker", "manager"])
def test_the_reviews_due_are_on_the_home_page_in_constant_queries(
    client, request, provider, other_provider, social_worker, today, who
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    foreign = PlanFactory(client=ClientFactory(provider=other_provider), status="active", review_date=today)
    _due_plans(provider, social_worker, today, 3)
    before, _ = _home(client)
    _due_plans(provider, social_worker, today, 10)
    after, response = _home(client)
    assert before == after
    listed = response.context["reviews_due"]
    assert listed and all(p.review_date <= today + 7 * DAY for p in listed)
    assert foreign.pk not in {p.pk for p in listed}
    assert [p.review_date for p in listed] == sorted(p.review_date for p in listed)
    content = response.content.decode()
    assert 'data-testid="reviews-due"' in content and "overdue" in content


def test_the_social_workers_home_lists_only_their_clients_plans_and_never_a_closed_or_another_providers(
    client, social_worker, provider, other_provider, today
):
    mine = PlanFactory(
        client=ClientFactory(provider=provider, social_worker=social_worker.staff),
        status="active",
        start_date=today - 30 * DAY,
        review_date=today,
    )
    PlanFactory(
        client=ClientFactory(provider=provider), status="active", start_date=today - 30 * DAY, review_date=today
    )
    PlanFactory(
        client=ClientFactory(provider=provider, social_worker=social_worker.staff),
        status="closed",
        start_date=today - 30 * DAY,
        review_date=today,
    )
    PlanFactory(
        client=ClientFactory(provider=other_provider), status="active", start_date=today - 30 * DAY, review_date=today
    )
    client.force_login(social_worker)
    assert [p.pk for p in client.get(reverse("home")).context["reviews_due"]] == [mine.pk]


# The timeline ------------------------------------------------------------------------------------


def test_a_review_is_on_the_clients_timeline_with_its_goal_notes(client, social_worker, active_plan, goals, today):
    services.plan_review_record(
        plan=active_plan,
        actor=social_worker,
        date=today,
        next_review_date=today + 30 * DAY,
        note="Six months on",
        goals={goals[0].pk: ("achieved", "Moved in")},
    )
    client.force_login(social_worker)
    response = client.get(reverse("plans:timeline", args=[active_plan.client_id]))
    kinds = [e.kind for e in response.context["entries"]]
    assert "plan_review" in kinds
    content = response.content.decode()
    assert 'data-testid="timeline-plan_review"' in content and "Six months on" in content and "Moved in" in content


def test_a_review_that_leaves_a_goal_as_it_was_keeps_its_date(active_plan, goals, social_worker, today):
    services.goal_status_set(goal=goals[0], actor=social_worker, status="achieved", status_date=today - 5 * DAY)
    services.plan_review_record(
        plan=active_plan,
        actor=social_worker,
        date=today,
        next_review_date=today + 30 * DAY,
        goals={goals[0].pk: ("achieved", "Still in the flat"), goals[1].pk: ("dropped", "Went to school instead")},
    )
    assert [(g.status, g.status_date) for g in Goal.objects.filter(pk__in=[g.pk for g in goals]).order_by("id")] == [
        ("achieved", today - 5 * DAY),
        ("dropped", today),
    ]

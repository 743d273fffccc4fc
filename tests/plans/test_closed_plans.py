"""Closing a plan (issue 17): asked to confirm with a reason, then read-only in every service, off every task list."""

import datetime

import pytest
from django.urls import reverse

from plans import selectors, services
from plans.models import Goal, Plan, PlanEvent, Task, TaskNote
from tests.factories import GoalFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(plan, task, social_worker):
    """The plan of `task`, closed by the social worker."""
    services.plan_close(
        plan=plan, actor=social_worker, version=plan.version, reason="goals_achieved", note="Flat found"
    )
    task.refresh_from_db()
    return plan


def _changes_of(task):
    return (
        Task.objects.values_list("status", "title", "due_date", "version").get(pk=task.pk),
        TaskNote.objects.count(),
    )


# The service -------------------------------------------------------------------------------------


def test_closing_keeps_the_reason_the_note_when_and_by_whom(plan, social_worker):
    services.plan_close(plan=plan, actor=social_worker, version=1, reason="moved_away", note="Moved to Liepāja")
    plan = Plan.objects.get(pk=plan.pk)
    assert (plan.status, plan.closed_reason, plan.closed_note) == ("closed", "moved_away", "Moved to Liepāja")
    assert plan.closed_by == social_worker
    assert plan.closed_at is not None
    event = PlanEvent.objects.get(kind="closed")
    assert event.changes == {"status": ["draft", "closed"], "closed_reason": ["", "moved_away"]}


def test_closing_needs_a_known_reason(plan, social_worker):
    with pytest.raises(ValueError):
        services.plan_close(plan=plan, actor=social_worker, version=1, reason="bored")
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_a_closed_plan_is_not_closed_again(closed, social_worker):
    with pytest.raises(services.TransitionError):
        services.plan_close(plan=closed, actor=social_worker, version=closed.version, reason="other")


def test_a_closed_plan_is_not_edited(closed, social_worker):
    with pytest.raises(services.PlanClosedError):
        services.plan_update(
            plan=closed, actor=social_worker, version=closed.version, start_date=closed.start_date, review_date=None,
            summary="Changed after closing",
        )  # fmt: skip
    assert Plan.objects.get(pk=closed.pk).summary == ""


def test_a_closed_plan_takes_no_goal(closed, social_worker):
    with pytest.raises(services.PlanClosedError):
        services.goal_add(plan=closed, actor=social_worker, area="health", description="GP")
    assert Goal.objects.filter(plan=closed).count() == 1


def test_a_closed_plan_takes_no_task(closed, goal, social_worker, mentor):
    with pytest.raises(services.PlanClosedError):
        services.task_add(goal=goal, actor=social_worker, title="One more", responsible=mentor.staff)
    assert Task.objects.filter(goal=goal).count() == 1


def test_a_closed_plans_task_keeps_its_status(closed, task, mentor):
    before = _changes_of(task)
    with pytest.raises(services.PlanClosedError):
        services.task_update(task=task, actor=mentor, version=task.version, status="done")
    assert _changes_of(task) == before


def test_a_closed_plans_task_keeps_its_details(closed, task, social_worker):
    before = _changes_of(task)
    with pytest.raises(services.PlanClosedError):
        services.task_update(
            task=task, actor=social_worker, version=task.version, title="Renamed", due_date=datetime.date(2027, 1, 1)
        )
    assert _changes_of(task) == before


def test_a_closed_plans_task_takes_no_note(closed, task, mentor):
    with pytest.raises(services.PlanClosedError):
        services.task_note_add(task=task, actor=mentor, text="Too late")
    with pytest.raises(services.PlanClosedError):
        services.task_record_progress(task=task, actor=mentor, version=task.version, status="done", note="Too late")
    assert not TaskNote.objects.exists()


def test_the_service_refuses_even_when_the_caller_holds_the_plan_as_it_was_before_closing(plan, task, social_worker):
    stale_task = Task.objects.select_related("goal__plan").get(pk=task.pk)
    services.plan_close(plan=plan, actor=social_worker, version=1, reason="other")
    assert stale_task.goal.plan.status == "draft"  # what the caller still holds
    with pytest.raises(services.PlanClosedError):
        services.task_update(task=stale_task, actor=social_worker, version=1, status="done")


# The confirmation page ---------------------------------------------------------------------------


def test_the_close_page_says_what_closing_does_and_asks_why(client, social_worker, plan, task):
    client.force_login(social_worker)
    response = client.get(reverse("plans:plan_close", args=[plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="what-closing-does"' in page
    assert "Its 1 open task leaves the task lists of everyone" in page
    assert 'name="reason"' in page and 'value="goals_achieved"' in page
    plan.refresh_from_db()
    assert plan.status == "draft"  # looking at the page closes nothing


def test_closing_without_a_reason_is_asked_again(client, social_worker, plan):
    client.force_login(social_worker)
    response = client.post(reverse("plans:plan_close", args=[plan.pk]), {"version": 1, "note": "Why not"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_closing_with_a_reason_closes_the_plan_and_shows_it_read_only(client, social_worker, plan, task):
    client.force_login(social_worker)
    url = reverse("plans:plan_close", args=[plan.pk])
    # Each open goal's outcome is asked on closing (issue 19).
    data = {"version": 1, "reason": "client_declined", "note": "Wants no more visits"}
    data[f"goal_{task.goal_id}"] = "dropped"
    response = client.post(url, data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.closed_reason, plan.closed_by) == ("closed", "client_declined", social_worker)
    page = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="plan-closed"' in page
    assert "The client declined further support" in page and "Wants no more visits" in page
    for absent in ("plans:plan_edit", "plans:plan_close", "plans:goal_add"):
        assert reverse(absent, args=[plan.pk]) not in page
    assert reverse("plans:task_update", args=[task.pk]) not in page
    assert reverse("plans:task_edit", args=[task.pk]) not in page


def test_the_mentor_may_not_close_a_plan(client, mentor, plan):
    client.force_login(mentor)
    assert (
        client.post(reverse("plans:plan_close", args=[plan.pk]), {"version": 1, "reason": "other"}).status_code == 403
    )
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_a_closing_that_crossed_another_change_is_shown_again(client, social_worker, manager, plan):
    services.plan_update(plan=plan, actor=manager, version=1, start_date=plan.start_date, review_date=None, summary="X")
    client.force_login(social_worker)
    response = client.post(reverse("plans:plan_close", args=[plan.pk]), {"version": 1, "reason": "other"})
    assert response.status_code == 200
    assert "changed this plan meanwhile" in response.content.decode()
    assert response.context["form"]["version"].value() == 2
    plan.refresh_from_db()
    assert plan.status == "draft"


# The views show the services' refusal -------------------------------------------------------------


def test_a_status_change_in_place_on_a_closed_plan_is_refused_with_the_reason(client, mentor, closed, task):
    client.force_login(mentor)
    response = client.post(
        reverse("plans:task_update", args=[task.pk]),
        {"status": "done", "version": task.version, "note": "Done anyway"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 409
    assert response.json()["error"] == "This plan is closed: it can no longer change."
    task.refresh_from_db()
    assert task.status == "open"
    assert not TaskNote.objects.exists()


def test_a_note_on_a_closed_plans_task_is_refused_on_the_page(client, mentor, closed, task):
    client.force_login(mentor)
    response = client.post(reverse("plans:task_note_add", args=[task.pk]), {"text": "Late"}, follow=True)
    assert "This plan is closed: it can no longer change." in response.content.decode()
    assert not TaskNote.objects.exists()


@pytest.mark.parametrize("name", ["plan_edit", "goal_add", "plan_close"])
def test_the_plans_change_pages_send_back_to_the_closed_plan(client, social_worker, closed, name):
    client.force_login(social_worker)
    response = client.get(reverse(f"plans:{name}", args=[closed.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:plan_detail", args=[closed.pk])
    assert "This plan is closed: it can no longer change." in response.content.decode()


def test_a_task_of_a_closed_plan_is_not_edited_through_its_page(client, social_worker, mentor, closed, task):
    client.force_login(social_worker)
    data = {"title": "Renamed", "responsible": mentor.staff.pk, "status": "done", "version": task.version}
    response = client.post(reverse("plans:task_edit", args=[task.pk]), data, follow=True)
    assert "This plan is closed: it can no longer change." in response.content.decode()
    task.refresh_from_db()
    assert (task.title, task.status) == ("Visit the housing office", "open")


# The task lists ----------------------------------------------------------------------------------


@pytest.fixture
def live_task(assigned_client, mentor, today):
    plan = PlanFactory(client=assigned_client, start_date=today - datetime.timedelta(days=5))
    return TaskFactory(goal=GoalFactory(plan=plan), title="Still to do", responsible=mentor.staff, due_date=today)


def test_a_closed_plans_tasks_leave_the_mentors_home_and_my_tasks(client, mentor, closed, task, live_task):
    client.force_login(mentor)
    assert list(client.get(reverse("home")).context["tasks"]) == [live_task]
    response = client.get(reverse("plans:my_tasks"))
    assert list(response.context["tasks"]) == [live_task]
    assert task.title not in response.content.decode()


def test_a_closed_plans_tasks_leave_the_social_workers_tasks_due(client, social_worker, closed, task, live_task):
    client.force_login(social_worker)
    assert list(client.get(reverse("home")).context["tasks_due"]) == [live_task]
    assert list(selectors.tasks_due_this_week(user=social_worker)) == [live_task]


def test_a_closed_plans_tasks_are_not_counted_as_open_in_the_month(provider, mentor, closed, task, live_task):
    glance = selectors.month_at_a_glance(provider_id=provider.pk)
    assert {a.staff: a.open_tasks for a in glance.staff_activity}[mentor.staff] == 1

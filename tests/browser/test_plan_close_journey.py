"""Closing a plan in a real Chromium, in Latvian and in English (issue 17, item 3).

A social worker closes a plan: the confirmation page says what closing does and asks why; without a reason it asks
again; with one the plan closes and shows read-only. The mentor, on a phone, no longer sees its task.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from plans.models import Plan, Task
from tests.factories import (
    ClientFactory,
    GoalFactory,
    PlanFactory,
    ProviderFactory,
    TaskFactory,
)

from .test_journeys import main, open_sign_in, sign_in, staff_user, success

pytestmark = pytest.mark.browser


@pytest.fixture
def world(db):
    """Amina's active plan with a task for her mentor, and Omar's plan with another task of the mentor."""
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    ilze = staff_user("ilze", Role.SOCIAL_WORKER, lsk, "Ilze", "Kalniņa")
    dace = staff_user("dace", Role.MENTOR, lsk, "Dace", "Liepa")
    today = timezone.localdate()
    people = {"provider": lsk, "social_worker": ilze.staff, "mentor": dace.staff}
    amina = ClientFactory(first_name="Amina", last_name="Haddad", **people)
    omar = ClientFactory(first_name="Omar", last_name="Rahimi", **people)
    plan = PlanFactory(client=amina, start_date=today - datetime.timedelta(days=90), status="active", drafted_by=ilze)
    goal = GoalFactory(plan=plan, area="housing", description="Find a flat in Rīga")
    task = TaskFactory(goal=goal, title="Visit the flat on Brīvības iela", responsible=dace.staff, due_date=today)
    other = GoalFactory(plan=PlanFactory(client=omar, start_date=today - datetime.timedelta(days=30)))
    TaskFactory(goal=other, title="Enrol in the Latvian course", responsible=dace.staff, due_date=today)
    return {"ilze": ilze, "dace": dace, "plan": plan, "task": task}


def test_a_social_worker_closes_a_plan_with_a_reason_and_the_mentor_no_longer_sees_its_task(
    page, phone_page, lang, t, step, world
):
    plan, task = world["plan"], world["task"]

    open_sign_in(page, lang, t, step)
    sign_in(page, world["ilze"].username, t)
    page.goto(f"/plans/{plan.pk}/")
    expect(main(page).locator("[data-testid=plan-status]")).to_have_text(t("Active"))
    step(page, "plan-active")

    main(page).get_by_role("link", name=t("Close the plan…")).click()
    expect(main(page).locator("h1")).to_have_text(t("Close the plan"))
    expect(main(page).get_by_test_id("what-closing-does")).to_contain_text(
        t("The plan, its goals and its tasks become read-only: nobody can change them, add to them or add notes.")
    )
    expect(main(page).get_by_test_id("closing-goals")).to_contain_text("Find a flat in Rīga")
    step(page, "confirm-close")

    # Without a reason nothing closes: the page asks again.
    main(page).get_by_role("button", name=t("Close the plan"), exact=True).click()
    expect(main(page).locator("h1")).to_have_text(t("Close the plan"))
    expect(main(page).locator(".invalid-feedback, .errorlist").first).to_be_visible()
    assert Plan.objects.get(pk=plan.pk).status == "active"
    step(page, "reason-missing")

    main(page).get_by_label(t("The goals were achieved")).check()
    main(page).locator("#id_note").fill("The family moved into the flat")
    # Each open goal's outcome is asked too (issue 19).
    main(page).locator(f"#id_goal_{task.goal_id}").select_option("achieved")
    main(page).get_by_role("button", name=t("Close the plan"), exact=True).click()
    success(page, t, "The plan was closed. It is kept, read-only, with the client's history.")
    expect(main(page).locator("[data-testid=plan-status]")).to_have_text(t("Closed"))
    expect(main(page).get_by_test_id("plan-closed-reason")).to_have_text(t("The goals were achieved"))
    expect(main(page).get_by_test_id("plan-closed")).to_contain_text("The family moved into the flat")
    # Read-only: no change, no closing, no goal, no task form.
    expect(main(page).get_by_role("link", name=t("Change"), exact=True)).to_have_count(0)
    expect(main(page).get_by_role("link", name=t("Add a goal"), exact=True)).to_have_count(0)
    expect(main(page).locator(f"#task-{task.pk} form")).to_have_count(0)
    step(page, "plan-closed")

    closed = Plan.objects.get(pk=plan.pk)
    assert (closed.status, closed.closed_reason, closed.closed_by) == ("closed", "goals_achieved", world["ilze"])
    assert closed.closed_note == "The family moved into the flat"
    assert Task.objects.get(pk=task.pk).status == "open"  # it keeps its status
    assert Task.objects.get(pk=task.pk).goal.status == "achieved"

    # The mentor, on a phone: the closed plan's task is gone from the home page and from "my tasks".
    phone = phone_page
    open_sign_in(phone, lang, t, step)
    sign_in(phone, world["dace"].username, t)
    expect(main(phone)).to_contain_text("Enrol in the Latvian course")
    expect(main(phone)).not_to_contain_text("Visit the flat on Brīvības iela")
    step(phone, "mentor-home")
    phone.goto("/plans/tasks/mine/")
    expect(main(phone).locator(".task-card")).to_have_count(1)
    expect(main(phone)).not_to_contain_text("Visit the flat on Brīvības iela")
    step(phone, "mentor-my-tasks")

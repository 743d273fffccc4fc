"""Reviewing a plan in a real Chromium on a phone, in Latvian and in English (issue 19).

A social worker sees the review due on her home page, reviews the plan in one form (one goal achieved, one partly
achieved, each with a note, the next review date) and sees the outcomes and the review on the plan page and on
the client page.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from plans.models import Goal, Plan, PlanReview
from tests.factories import ClientFactory, GoalFactory, PlanFactory, ProviderFactory

from .test_journeys import main, open_sign_in, sign_in, staff_user, success

pytestmark = pytest.mark.browser


@pytest.fixture
def world(db):
    """Amina's active plan, its review due in three days, with a housing goal and an employment goal."""
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    ilze = staff_user("ilze", Role.SOCIAL_WORKER, lsk, "Ilze", "Kalniņa")
    today = timezone.localdate()
    amina = ClientFactory(first_name="Amina", last_name="Haddad", provider=lsk, social_worker=ilze.staff)
    plan = PlanFactory(
        client=amina,
        start_date=today - datetime.timedelta(days=90),
        review_date=today + datetime.timedelta(days=3),
        status="active",
        drafted_by=ilze,
    )
    housing = GoalFactory(plan=plan, area="housing", description="Find a flat in Rīga")
    work = GoalFactory(plan=plan, area="employment", description="Find a job in a warehouse")
    return {"ilze": ilze, "amina": amina, "plan": plan, "housing": housing, "work": work, "today": today}


def test_a_social_worker_reviews_a_plan_on_a_phone(phone_page, lang, t, step, world):
    page, plan, today = phone_page, world["plan"], world["today"]
    next_review = today + datetime.timedelta(days=90)

    open_sign_in(page, lang, t, step)
    sign_in(page, world["ilze"].username, t)
    # The review is due within 7 days: her home page says so.
    due = main(page).get_by_test_id("reviews-due")
    expect(due).to_contain_text(t("Plan reviews due"))
    expect(due.get_by_test_id("review-due")).to_contain_text("Amina")
    step(page, "home-review-due")

    due.get_by_role("link", name="Amina").click()
    main(page).get_by_test_id("review-plan").click()
    expect(main(page).locator("h1")).to_have_text(t("Review the plan"))
    expect(main(page).get_by_test_id("review-goal")).to_have_count(2)
    step(page, "review-form")

    # A next review before the review itself is refused, and nothing is kept.
    main(page).locator("#id_next_review_date").fill(today.isoformat())
    main(page).get_by_role("button", name=t("Record the review")).click()
    expect(main(page).locator(".invalid-feedback").first).to_contain_text(t("The next review comes after this one."))
    assert not PlanReview.objects.exists()
    step(page, "review-refused")

    main(page).locator("#id_note").fill("Half a year on: settled in Rīga")
    main(page).locator("#id_goals-0-status").select_option("achieved")
    main(page).locator("#id_goals-0-note").fill("The family moved into the flat")
    main(page).locator("#id_goals-1-status").select_option("partly_achieved")
    main(page).locator("#id_goals-1-note").fill("Works part-time, looks for more hours")
    main(page).locator("#id_next_review_date").fill(next_review.isoformat())
    step(page, "review-filled")
    main(page).get_by_role("button", name=t("Record the review")).click()
    success(page, t, "The review was recorded.")

    # The plan page: each goal's outcome, the review with its notes, the next review date.
    statuses = main(page).get_by_test_id("goal-status")
    expect(statuses.nth(0)).to_have_text(t("Achieved"))
    expect(statuses.nth(1)).to_have_text(t("Partly achieved"))
    reviews = main(page).get_by_test_id("plan-reviews")
    expect(reviews).to_contain_text("Half a year on: settled in Rīga")
    expect(reviews).to_contain_text("The family moved into the flat")
    expect(reviews).to_contain_text("Works part-time, looks for more hours")
    step(page, "plan-reviewed")

    # The client page: the active plan's goals with their outcomes, and the review on the timeline.
    page.goto(f"/clients/{world['amina'].pk}/")
    plan_card = main(page).get_by_test_id("active-plan")
    expect(plan_card.get_by_test_id("goal-status").nth(0)).to_have_text(t("Achieved"))
    expect(plan_card.get_by_test_id("goal-status").nth(1)).to_have_text(t("Partly achieved"))
    expect(main(page).get_by_test_id("timeline-plan_review")).to_contain_text("The family moved into the flat")
    step(page, "client-page")

    review = PlanReview.objects.get()
    assert (review.plan_id, review.reviewed_by, review.date, review.next_review_date) == (
        plan.pk,
        world["ilze"],
        today,
        next_review,
    )
    assert Plan.objects.get(pk=plan.pk).review_date == next_review
    assert [(g.status, g.status_date) for g in Goal.objects.filter(plan=plan).order_by("id")] == [
        ("achieved", today),
        ("partly_achieved", today),
    ]
    # No horizontal scrolling at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

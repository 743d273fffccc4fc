"""Issue 19's journey in a real Chromium, in Latvian and in English: a case from referral to closure.

A social worker refers Amina to the State Employment Agency with a mentor going along; the mentor, on a phone,
records that the referral succeeded; the social worker reviews the plan (the employment goal achieved) with a
self-sufficiency assessment; later she closes the case as `left_latvia`. Each step is on Amina's timeline.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from clients.models import Client
from plans.models import Assessment, Goal, Plan, PlanReview, Referral
from tests.factories import ClientFactory, ConsentFactory, GoalFactory, PlanFactory, ProviderFactory

from .test_journeys import main, open_sign_in, sign_in, staff_user, success
from .test_referral_journey import record_outcome_on_the_client_page

pytestmark = pytest.mark.browser

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(db):
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    ilze = staff_user("ilze", Role.SOCIAL_WORKER, lsk, "Ilze", "Kalniņa")
    dace = staff_user("dace", Role.MENTOR, lsk, "Dace", "Liepa")
    today = timezone.localdate()
    amina = ClientFactory(
        first_name="Amina",
        last_name="Haddad",
        provider=lsk,
        social_worker=ilze.staff,
        mentor=dace.staff,
        service_start=today - 200 * DAY,
    )
    ConsentFactory(client=amina)  # to share her data with institutions: a referral needs it (issue 20)
    plan = PlanFactory(
        client=amina, start_date=today - 90 * DAY, review_date=today + 3 * DAY, status="active", drafted_by=ilze
    )
    work = GoalFactory(plan=plan, area="employment", description="Find a job in a warehouse")
    housing = GoalFactory(plan=plan, area="housing", description="Find a flat in Rīga")
    return {"ilze": ilze, "dace": dace, "amina": amina, "plan": plan, "work": work, "housing": housing}


def test_a_case_from_referral_to_closure_with_every_step_on_the_timeline(page, phone_page, lang, t, step, world):
    amina, plan, today = world["amina"], world["plan"], timezone.localdate()

    # 1. The social worker refers Amina to the State Employment Agency, the mentor going along.
    open_sign_in(page, lang, t, step)
    sign_in(page, world["ilze"].username, t)
    page.goto(f"/clients/{amina.pk}/")
    main(page).get_by_test_id("client-refer").click()
    expect(main(page).locator("h1")).to_have_text(t("Refer to an institution"))
    main(page).get_by_label(t("Kind of institution")).select_option("employment")
    main(page).get_by_label(t("A mentor or social worker goes along")).check()
    main(page).get_by_role("button", name=t("Record the referral")).click()
    success(page, t, "The referral was recorded.")
    expect(main(page).get_by_test_id("timeline-referral")).to_contain_text(t("State Employment Agency"))
    step(page, "referred")
    referral = Referral.objects.get()
    assert (referral.institution_kind, referral.accompanied, referral.staff) == (
        "employment",
        True,
        world["ilze"].staff,
    )

    # 2. The mentor, on a phone, records the outcome on the client page.
    phone = phone_page
    record_outcome_on_the_client_page(phone, lang, t, step, username=world["dace"].username, client=amina)
    expect(main(phone).get_by_test_id("timeline-referral")).to_contain_text(t("Completed"))
    step(phone, "outcome-on-phone")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # 3. The social worker reviews the plan: the employment goal achieved, housing still open; with an assessment.
    page.goto(reverse("plans:plan_detail", args=[plan.pk]))
    main(page).get_by_test_id("review-plan").click()
    expect(main(page).locator("h1")).to_have_text(t("Review the plan"))
    main(page).locator("#id_note").fill("Works in a warehouse in Rīga since last month")
    main(page).locator("#id_goals-0-status").select_option("achieved")
    main(page).locator("#id_goals-0-note").fill("A contract until the end of the year")
    main(page).locator("#id_next_review_date").fill((today + 90 * DAY).isoformat())
    assessment = main(page).get_by_test_id("review-assessment")
    assessment.locator("summary").click()
    assessment.locator(f"label[for=id_assess-{amina.pk}-score_employment_4]").click()
    assessment.locator(f"label[for=id_assess-{amina.pk}-score_housing_2]").click()
    step(page, "review-with-assessment")
    main(page).get_by_role("button", name=t("Record the review")).click()
    success(page, t, "The review was recorded.")
    page.goto(f"/clients/{amina.pk}/")
    expect(main(page).get_by_test_id("timeline-plan_review")).to_contain_text("A contract until the end of the year")
    expect(main(page).get_by_test_id("timeline-assessment")).to_be_visible()
    step(page, "reviewed")
    assert Goal.objects.get(pk=world["work"].pk).status == "achieved"
    assert Goal.objects.get(pk=world["housing"].pk).status == "open"
    review = PlanReview.objects.get()
    assert {s.area: s.score for s in Assessment.objects.get(review=review).scores.all()} == {
        "employment": 4,
        "housing": 2,
    }

    # 4. Later: Amina leaves Latvia; the social worker closes the case with a closure assessment.
    main(page).get_by_test_id("case-close").click()
    expect(main(page).locator("h1")).to_have_text(t("Close the case"))
    main(page).locator("#id_reason").select_option("left_latvia")
    main(page).locator("label[for=id_assessment-score_employment_4]").click()
    main(page).locator("#id_note").fill("Moved to her brother in Germany")
    step(page, "closing")
    main(page).get_by_role("button", name=t("Close the case"), exact=True).click()
    success(page, t, "The case was closed.")
    expect(main(page).get_by_test_id("case-closed")).to_contain_text(t("Left Latvia"))
    # Every step on the timeline: the referral with its outcome, the review, both assessments, the closing.
    expect(main(page).get_by_test_id("timeline-referral")).to_contain_text(t("Completed"))
    expect(main(page).get_by_test_id("timeline-plan_review")).to_have_count(1)
    expect(main(page).get_by_test_id("timeline-assessment")).to_have_count(2)
    expect(main(page).get_by_test_id("timeline-case_closed")).to_contain_text(t("Left Latvia"))
    step(page, "closed")

    stored = Client.objects.get(pk=amina.pk)
    assert (stored.service_end, stored.closure_reason) == (today, "left_latvia")
    assert Plan.objects.get(pk=plan.pk).status == "closed"
    assert sorted(Assessment.objects.filter(client=amina).values_list("kind", flat=True)) == ["closure", "review"]

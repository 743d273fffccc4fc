"""Closing and reopening a case in a real Chromium on a phone, in Latvian and in English (issue 19).

A social worker on a phone closes Amina's case: the page says what closing does; without the closure assessment
or a reason to skip it nothing closes; with the assessment scored the case closes, her plan with it, and the
client page says so. She leaves the caseload; later the case is reopened and both episodes are listed.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from clients.models import CaseEpisode, Client
from plans.models import Assessment, Plan
from tests.factories import ClientFactory, GoalFactory, PlanFactory, ProviderFactory, StaffFactory, UserFactory

from .test_journeys import main, open_sign_in, sign_in, success

pytestmark = pytest.mark.browser


@pytest.fixture
def world(db):
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    ilze = UserFactory(username="ilze", role=Role.SOCIAL_WORKER, provider=lsk, first_name="Ilze", last_name="Kalniņa")
    StaffFactory(role=Role.SOCIAL_WORKER, provider=lsk, user=ilze, first_name="Ilze", last_name="Kalniņa")
    today = timezone.localdate()
    amina = ClientFactory(
        first_name="Amina", last_name="Haddad", provider=lsk, social_worker=ilze.staff, service_start=today - 200 * DAY
    )
    plan = PlanFactory(client=amina, start_date=today - 90 * DAY, status="active", drafted_by=ilze)
    GoalFactory(plan=plan, area="housing", description="Find a flat in Rīga")
    return {"ilze": ilze, "amina": amina, "plan": plan, "today": today}


DAY = datetime.timedelta(days=1)


def test_a_social_worker_closes_a_case_with_the_assessment_on_a_phone_and_reopens_it(phone_page, lang, t, step, world):
    page, amina, today = phone_page, world["amina"], world["today"]
    open_sign_in(page, lang, t, step)
    sign_in(page, world["ilze"].username, t)
    expect(main(page)).to_contain_text("Haddad Amina")

    page.goto(f"/clients/{amina.pk}/")
    main(page).get_by_test_id("case-close").click()
    expect(main(page).locator("h1")).to_have_text(t("Close the case"))
    expect(main(page).get_by_test_id("plan-closed-with-case")).to_be_visible()
    step(page, "confirm-close")

    # Neither scored nor skipped: nothing closes, the page says why beside the skip.
    main(page).locator("#id_reason").select_option("moved_within_latvia")
    main(page).get_by_role("button", name=t("Close the case"), exact=True).click()
    expect(main(page).locator("#id_skip_assessment_reason")).to_have_class(re.compile(r"\bis-invalid\b"))
    assert Client.objects.get(pk=amina.pk).service_end is None
    step(page, "assessment-missing")

    # Score two areas (the buttons of the housing and language rows) and close.
    main(page).locator("label[for=id_assessment-score_housing_4]").click()
    main(page).locator("label[for=id_assessment-score_language_3]").click()
    main(page).locator("#id_note").fill("Moved to Ogre, to her sister")
    main(page).get_by_role("button", name=t("Close the case"), exact=True).click()
    success(page, t, "The case was closed.")
    expect(main(page).get_by_test_id("case-closed")).to_contain_text(t("Moved elsewhere in Latvia"))
    expect(main(page).get_by_test_id("case-reopen")).to_be_visible()
    step(page, "case-closed")

    stored = Client.objects.get(pk=amina.pk)
    assert (stored.service_end, stored.closure_reason) == (today, "moved_within_latvia")
    assert Plan.objects.get(pk=world["plan"].pk).status == "closed"
    assessment = Assessment.objects.get(client=amina)
    assert {s.area: s.score for s in assessment.scores.all()} == {"housing": 4, "language": 3}

    # She leaves the caseload.
    page.goto("/")
    expect(main(page)).not_to_contain_text("Haddad Amina")

    # Reopened the next episode: both are listed on her page.
    page.goto(f"/clients/{amina.pk}/")
    main(page).get_by_test_id("case-reopen").click()
    expect(main(page).locator("h1")).to_have_text(t("Reopen the case"))
    step(page, "reopen")
    # The same day as the closing: refused beside the date.
    main(page).get_by_role("button", name=t("Reopen the case"), exact=True).click()
    expect(main(page).locator("#id_start_date")).to_have_class(re.compile(r"\bis-invalid\b"))
    assert not CaseEpisode.objects.exists()
    # An episode starts after the previous one ended: the closing is moved back a day for this journey.
    Client.objects.filter(pk=amina.pk).update(service_end=today - DAY)
    main(page).get_by_role("button", name=t("Reopen the case"), exact=True).click()
    success(page, t, "The case was reopened.")
    expect(main(page).get_by_test_id("case-episode")).to_have_count(2)
    step(page, "reopened")

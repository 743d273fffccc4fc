"""The contact gap on the social worker's home and a staff member's caseload opened from the manager's month, in a
real Chromium at 1366 px and on a 390 px phone, in both languages (issue 17, items 5 and 14)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import SignedInClient
from tests.factories import ClientFactory, ContactFactory, GoalFactory, PlanFactory, TaskFactory

from .conftest import _new_page

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _tab(browser, live_server, user, lang: str, viewport: dict):
    """A tab signed in as `user` (the test client did the password and the second factor) showing `lang`."""
    client = SignedInClient()
    client.force_login(user)
    context, tab = _new_page(browser, live_server, viewport=viewport)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url},
        ]
    )
    return context, tab


def _no_sideways_scroll(tab) -> None:
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


@pytest.fixture
def caseload(provider, social_worker, mentor):
    today = timezone.localdate()
    mentor.staff.first_name = "Mārtiņš"
    mentor.staff.save(update_fields=["first_name"])
    # Long surnames: the caseload's table is wider than a phone, and scrolls in its own box, not the page.
    assigned = {"provider": provider, "social_worker": social_worker.staff, "mentor": mentor.staff}
    late = ClientFactory(**assigned, first_name="Late", last_name="Abdulrahmanzadehkhani")
    ContactFactory(staff=mentor.staff, date=today - datetime.timedelta(days=41)).clients.add(late)
    ClientFactory(**assigned, first_name="Fresh", last_name="Abdulrahmanzadehkhanova")
    goal = GoalFactory(plan=PlanFactory(client=late))
    TaskFactory(goal=goal, title="Visit the housing office", responsible=mentor.staff, due_date=today)
    return late


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_social_worker_sees_the_real_gap_and_a_new_client(
    browser, live_server, social_worker, caseload, lang, t, step, viewport
):
    context, tab = _tab(browser, live_server, social_worker, lang, viewport)
    tab.goto(reverse("home"))
    expect(tab.get_by_test_id("contact-gap").first).to_contain_text("41")
    expect(tab.get_by_test_id("new-client")).to_have_count(1)
    expect(tab.locator("tr[data-testid=no-recent-contact]")).to_have_count(1)
    step(tab, "caseload")
    _no_sideways_scroll(tab)
    context.close()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_manager_opens_a_staff_members_caseload_from_the_month(
    browser, live_server, manager, mentor, caseload, lang, t, step, viewport
):
    context, tab = _tab(browser, live_server, manager, lang, viewport)
    tab.goto(reverse("home"))
    step(tab, "month")
    tab.get_by_test_id("staff-row").get_by_role("link", name=str(mentor.staff), exact=True).click()
    expect(tab).to_have_url(f"{live_server.url}{reverse('home:staff_caseload', args=[mentor.staff.pk])}")
    expect(tab.locator("h1")).to_have_text(str(mentor.staff))
    expect(tab.get_by_test_id("staff-client")).to_have_count(2)
    expect(tab.get_by_test_id("staff-task")).to_contain_text("Visit the housing office")
    expect(tab.get_by_role("heading", name=t("Open tasks"))).to_be_visible()
    step(tab, "staff-caseload")
    _no_sideways_scroll(tab)
    context.close()

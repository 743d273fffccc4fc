"""The report form (only the chosen kind's fields, the month whole, its help shown, the draft warning) and the
coordinator's home (reports due, the month's figures), in a real Chromium at 1366 px and on a 390 px phone, in
both languages (issue 17, items 15 and 16)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from reporting.models import JobState, ReportJob
from reporting.periods import add_months, month_before
from tests.conftest import SignedInClient
from tests.factories import ContactFactory, ContractFactory
from tests.reporting.report_world import build_world

from .conftest import _new_page

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"laptop": LAPTOP, "phone": PHONE}


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


# The elements that stick out of the page, not clipped by a scrolling box (what the failure names).
WIDE = """[...document.querySelectorAll('body *')].filter(e => {
  if (e.getBoundingClientRect().right <= innerWidth + 1) return false;
  for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
    if (['auto', 'hidden', 'scroll'].includes(getComputedStyle(a).overflowX)) return false;
  }
  return true;
}).slice(0, 8).map(e => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`)"""


def _no_sideways_scroll(tab) -> None:
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px: {tab.evaluate(WIDE)}"


@pytest.fixture
def world(provider, other_provider, social_worker, mentor):
    build_world(provider, other_provider, social_worker, mentor)
    last_month = month_before(timezone.localdate())
    ContractFactory(
        provider=provider, number="S-NOW", start=add_months(last_month.start, -4), end=add_months(last_month.start, 8)
    )
    ContactFactory(staff=social_worker.staff, date=last_month.start, duration_minutes=45)
    ReportJob.objects.create(
        provider=provider,
        start=add_months(last_month.start, -1),
        end=last_month.start - datetime.timedelta(days=1),
        kind="month",
        state=JobState.DONE,
        sha256="cd" * 32,
    )


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_report_form_shows_the_chosen_kinds_fields_with_the_month_whole_and_its_help(
    browser, live_server, world, manager, lang, t, step, size
):
    context, tab = _tab(browser, live_server, manager, lang, VIEWPORTS[size])
    try:
        tab.goto(reverse("reporting:index"))
        form = tab.locator("form[data-report-form]")
        month, start = form.locator("#id_month"), form.locator("#id_start")
        expect(month).to_be_visible()
        expect(start).to_be_hidden()
        help_text = form.locator("#id_month_helptext")
        expect(help_text).to_be_visible()
        expect(month).to_have_attribute("aria-describedby", "id_month_helptext")
        # Wide enough for the longest month of either language ("septembris 2026. g.", "September 2026") and its picker.
        assert month.bounding_box()["width"] >= 220, month.bounding_box()
        _no_sideways_scroll(tab)
        step(tab, f"form-month-{size}")

        form.locator("#id_kind").select_option("custom")
        expect(start).to_be_visible()
        expect(form.locator("#id_end")).to_be_visible()
        expect(month).to_be_hidden()
        step(tab, f"form-any-period-{size}")

        form.locator("#id_kind").select_option("month")
        month.fill("2026-03")
        form.get_by_role("button", name=t("Show the figures")).click()
        draft = tab.locator("#make-draft")
        expect(draft).to_contain_text(t("Thematic information"))
        expect(draft).to_contain_text(t("Challenges and difficulties"))
        expect(draft.locator("#confirm-draft")).to_have_attribute("required", "")
        assert "start=" not in tab.url  # the hidden fields are not sent
        _no_sideways_scroll(tab)
        step(tab, f"figures-draft-warning-{size}")
    finally:
        context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_coordinators_home_shows_the_reports_due_and_the_months_figures(
    browser, live_server, world, coordinator, provider, lang, t, step, size
):
    context, tab = _tab(browser, live_server, coordinator, lang, VIEWPORTS[size])
    try:
        tab.goto(reverse("home"))
        due = tab.locator("section[aria-labelledby=due-heading]")
        expect(due).to_contain_text(provider.name)
        expect(due.locator("[data-due-state]").first).to_be_visible()
        figures = tab.locator("section[aria-labelledby=month-heading] table")
        expect(figures).to_contain_text(provider.name)
        _no_sideways_scroll(tab)
        step(tab, f"coordinator-home-{size}")
        tab.goto(reverse("reporting:archive"))
        expect(tab.locator("table")).not_to_contain_text("cdcdcdcd")
        # Each report's state and download in sight, on a phone too (a card a row there).
        expect(tab.get_by_role("link", name=t("Download")).first).to_be_in_viewport(ratio=1)
        _no_sideways_scroll(tab)
        step(tab, f"archive-{size}")
    finally:
        context.close()

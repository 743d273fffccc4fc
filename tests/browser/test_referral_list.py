"""The provider's referral list in a real Chromium, at 1366 px and on a 390 px phone, in both languages (issue 19).

The mentor opens the list from their home page, narrows it to the referrals waiting more than 14 days, records
in place that one was refused (choosing the outcome: none is chosen for them), and is back on the same list.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from plans.models import Institution, Referral
from tests.factories import ClientFactory

from .test_staff_caseload import LAPTOP, PHONE, _no_sideways_scroll, _tab

pytestmark = pytest.mark.browser

DAY = datetime.timedelta(days=1)


@pytest.fixture
def referrals(provider, social_worker, mentor, assigned_client):
    today = timezone.localdate()
    nva = Institution.objects.create(provider=provider, name="NVA Rīgas filiāle", kind="employment")
    other = ClientFactory(provider=provider, mentor=mentor.staff, first_name="Yusuf", last_name="Karimi")
    old = Referral.objects.create(
        staff=mentor.staff,
        client=assigned_client,
        date=today - 20 * DAY,
        institution_kind="employment",
        institution=nva,
    )
    Referral.objects.create(staff=social_worker.staff, client=other, date=today - 3 * DAY, institution_kind="health")
    return old


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_mentor_records_a_waiting_referrals_outcome_from_the_list(
    browser, live_server, mentor, referrals, lang, t, step, viewport
):
    context, tab = _tab(browser, live_server, mentor, lang, viewport)
    tab.goto(reverse("home"))
    tab.get_by_test_id("home-referral-list").click()
    expect(tab.locator("main h1")).to_have_text(t("Referrals"))
    expect(tab.get_by_test_id("referral-row")).to_have_count(2)
    step(tab, "referral-list")
    _no_sideways_scroll(tab)

    if viewport is PHONE:
        tab.get_by_role("button", name=t("Filters")).click()
    tab.get_by_label(t("Waiting more than 14 days")).check()
    tab.locator("main form[role=search]").get_by_role("button", name=t("Search")).click()
    row = tab.get_by_test_id("referral-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("NVA Rīgas filiāle")
    expect(row.get_by_test_id("referral-waiting-long")).to_be_visible()

    outcome = row.get_by_test_id("referral-list-outcome")
    outcome.locator("summary").click()
    expect(outcome.get_by_label(t("Outcome"), exact=True)).to_have_value("")
    outcome.get_by_label(t("Outcome"), exact=True).select_option("refused")
    outcome.get_by_label(t("Why (not successful or refused)")).select_option("no_capacity")
    step(tab, "referral-list-outcome")
    outcome.get_by_role("button", name=t("Save the outcome")).click()

    expect(tab.locator(".alert-success")).to_contain_text(t("The outcome of the referral was saved."))
    assert "waiting=on" in tab.url
    expect(tab.get_by_test_id("referral-row")).to_have_count(0)
    referrals.refresh_from_db()
    assert (referrals.status, referrals.outcome_reason) == ("refused", "no_capacity")
    step(tab, "referral-list-after")
    _no_sideways_scroll(tab)
    context.close()

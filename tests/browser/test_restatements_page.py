"""The corrections to archived reports (issue 21) in a real Chromium at 1366 px and on a 390 px phone, in both
languages: each changed figure with its archived and current value, no sideways scrolling, no person named."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reporting import services, tasks
from tests.reporting.report_world import build_world
from tests.reporting.test_restatements import JANUARY, LATE_NAME, MARCH, archived, back_dated_contact

from .test_audit_page import LAPTOP, PHONE, _tab

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_coordinator_reads_the_corrections_after_a_back_dated_contact(
    browser, live_server, monkeypatch, provider, other_provider, social_worker, mentor, manager, coordinator,
    lang, t, step, viewport,
):  # fmt: skip
    monkeypatch.setattr(services, "_enqueue", lambda job_id: True)  # made here, below, not by a worker
    world = build_world(provider, other_provider, social_worker, mentor)
    march = archived(manager, provider, MARCH)
    archived(manager, provider, JANUARY)
    back_dated_contact(provider, social_worker)
    tasks.restatements_check_task()

    size = "phone" if viewport is PHONE else "laptop"
    context, tab = _tab(browser, live_server, coordinator, lang, viewport)
    tab.goto(reverse("reporting:archive"))
    expect(tab.get_by_role("link", name=t("Figures changed since the report was made"))).to_have_count(1)
    tab.get_by_role("link", name=t("Corrections to archived reports")).first.click()
    expect(tab.get_by_role("heading", level=1)).to_have_text(t("Corrections to archived reports"))
    section = tab.locator(f"#job-{march.pk}")
    expect(section).to_contain_text("contacts.by_topic.health")
    expect(section).to_contain_text("unique_persons")
    expect(tab.locator("section.card")).to_have_count(1)
    step(tab, f"restatements-{size}")
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    text = tab.locator("main").inner_text()
    for name in [*world["names"], LATE_NAME]:
        assert name not in text
    context.close()

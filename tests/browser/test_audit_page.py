"""The audit page in a real Chromium at 1366 px and on a 390 px phone, in both languages: short readable entries,
no sideways scrolling, the filters folded, the export downloaded (issue 17, item 13)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from audit.models import Action, AuditEntry
from tests.audit.test_audit_page import acting_as
from tests.conftest import SignedInClient

from .conftest import _new_page

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# An entry of a few changed fields: a line or two on a laptop, a short card on a phone.
TALLEST_ENTRY_PX = {"laptop": 120, "phone": 260}


def _tab(browser, live_server, user, lang: str, viewport: dict):
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


@pytest.fixture
def changes(social_worker, mentor, assigned_client):
    with acting_as(social_worker):
        for n in range(12):
            assigned_client.first_name = f"Amina{n}"
            assigned_client.gender = "F" if n % 2 else "M"
            assigned_client.save()
        assigned_client.mentor = None
        assigned_client.save()
    return assigned_client


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_manager_reads_filters_and_downloads_the_audit_log(
    browser, live_server, manager, changes, lang, t, step, viewport
):
    size = "phone" if viewport is PHONE else "laptop"
    context, tab = _tab(browser, live_server, manager, lang, viewport)
    tab.goto(reverse("audit:list"))
    entries = tab.get_by_test_id("audit-entry")
    changed = entries.filter(has_text="→").first  # the newest is the manager's own sign-in
    expect(changed).to_be_visible()
    expect(changed).to_contain_text(str(changes))
    for index in range(entries.count()):
        height = entries.nth(index).bounding_box()["height"]
        assert height < TALLEST_ENTRY_PX[size], f"entry {index} is {height} px tall"
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    step(tab, "entries")

    # The filters are folded until opened; a filter set keeps them open and is kept in the export's link.
    filters = tab.locator("details.audit-filters")
    expect(filters).not_to_have_attribute("open", "")
    filters.locator("summary").click()
    tab.get_by_label(t("Action")).select_option("update")
    tab.get_by_role("button", name=t("Filter"), exact=True).click()
    expect(filters).to_have_attribute("open", "")
    expect(entries).to_have_count(
        AuditEntry.objects.filter(provider_id=manager.provider_id, action=Action.UPDATE).count()
    )
    step(tab, "filtered")

    with tab.expect_download() as download:
        tab.get_by_test_id("export-csv").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert AuditEntry.objects.filter(
        action=Action.EXPORT, actor_id=manager.pk, detail__contains="action=update"
    ).exists()
    context.close()

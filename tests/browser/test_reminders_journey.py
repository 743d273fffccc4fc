"""Reminders in a real Chromium on a phone, in Latvian and in English (issue 20, reminders).

A mentor opens "Reminders and calendar" from the menu, chooses the language of the morning message, makes a private
calendar address, and the calendar app reads it without signing in: her task, by the client's reference only.
She revokes the address; it answers 404.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from accounts.models import Role
from reminders.models import CalendarFeed
from tests.factories import (
    ClientFactory,
    GoalFactory,
    PlanFactory,
    ProviderFactory,
    StaffFactory,
    TaskFactory,
    UserFactory,
)

from .test_journeys import main, open_sign_in, sign_in, success

pytestmark = pytest.mark.browser


@pytest.fixture
def world(db):
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    dace = UserFactory(
        username="dace", role=Role.MENTOR, provider=lsk, first_name="Dace", last_name="Liepa", email="dace@example.lv"
    )
    StaffFactory(role=Role.MENTOR, provider=lsk, user=dace, first_name="Dace", last_name="Liepa")
    amina = ClientFactory(
        first_name="Amina", last_name="Haddad", client_ref="LSK-0042", provider=lsk, mentor=dace.staff
    )
    task = TaskFactory(
        goal=GoalFactory(plan=PlanFactory(client=amina)),
        title="Call Amina's landlord",
        responsible=dace.staff,
        due_date=timezone.localdate(),
    )
    return {"dace": dace, "amina": amina, "task": task}


def test_a_mentor_subscribes_her_calendar_on_a_phone_and_revokes_it(phone_page, lang, t, step, world):
    phone = phone_page
    open_sign_in(phone, lang, t, step)
    sign_in(phone, world["dace"].username, t)

    phone.locator("nav .navbar-toggler").click()
    phone.locator("[data-testid=user-role]").click()
    phone.get_by_role("link", name=t("Reminders and calendar")).click()
    expect(main(phone).locator("h1")).to_have_text(t("Reminders and calendar"))
    expect(main(phone).get_by_test_id("reminder-address")).to_contain_text("dace@example.lv")
    step(phone, "reminders-page")

    # The morning message in the other language than the pages'.
    other = "en" if lang == "lv" else "lv"
    main(phone).get_by_label(t("Language of reminders")).select_option(other)
    main(phone).get_by_role("button", name=t("Save"), exact=True).click()
    success(phone, t, "Saved.")
    world["dace"].refresh_from_db()
    assert world["dace"].language == other

    main(phone).get_by_role("button", name=t("Make a calendar address")).click()
    address = main(phone).get_by_test_id("calendar-url")
    expect(address).to_be_visible()
    step(phone, "calendar-address-made")
    url = address.input_value()
    assert "/calendar/" in url and url.endswith(".ics")
    path = url[url.index("/calendar/") :]

    # A calendar app, without the session: the task, by reference, no name.
    app = phone.context.browser.new_context(base_url=phone.url.split("/reminders/")[0])
    feed = app.request.get(path)
    assert feed.status == 200
    assert feed.headers["cache-control"] == "private, no-store"
    [event] = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert "LSK-0042" in str(event["SUMMARY"])
    assert "Amina" not in feed.text() and "Haddad" not in feed.text() and "landlord" not in feed.text()

    # Shown once: after a reload only the choice to replace or revoke it.
    phone.reload()
    expect(main(phone).get_by_test_id("calendar-url")).to_have_count(0)
    main(phone).get_by_role("button", name=t("Revoke the calendar address")).click()
    success(phone, t, "The calendar address no longer works.")
    step(phone, "calendar-address-revoked")
    assert app.request.get(path).status == 404
    assert not CalendarFeed.objects.exists()
    app.close()

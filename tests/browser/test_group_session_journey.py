"""A group session in a real Chromium on a 390 px phone, in Latvian and in English (issue 20, group sessions).

A mentor records a Latvian lesson for six of their clients, one absent: they find the clients with the search box,
tick them into the attendance list and mark one absent. The session list shows 5 present and 1 absent; a present
client's page shows the group contact with its kind, and the absent client's page counts no contact, only the absence
on the timeline.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from plans.models import Contact, GroupAttendance, GroupSession
from tests.factories import ClientFactory, ProviderFactory, StaffFactory, UserFactory

from .test_journeys import main, open_sign_in, sign_in, success

pytestmark = pytest.mark.browser

NAMES = ("Amir", "Bashir", "Dana", "Farid", "Hana", "Jamal")


@pytest.fixture
def world(db):
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    dace = UserFactory(username="dace", role=Role.MENTOR, provider=lsk, first_name="Dace", last_name="Liepa")
    StaffFactory(role=Role.MENTOR, provider=lsk, user=dace, first_name="Dace", last_name="Liepa")
    clients = [ClientFactory(first_name=n, last_name="Karimi", provider=lsk, mentor=dace.staff) for n in NAMES]
    # Another mentor's client of the same name: the search does not offer them.
    ClientFactory(first_name="Zahra", last_name="Karimi", provider=lsk)
    return {"dace": dace, "clients": clients}


def test_a_mentor_records_a_latvian_lesson_for_six_clients_one_absent_on_a_phone(phone_page, lang, t, step, world):
    phone = phone_page
    clients = world["clients"]
    absent = clients[-1]

    open_sign_in(phone, lang, t, step)
    sign_in(phone, world["dace"].username, t)
    main(phone).get_by_test_id("home-group-sessions").click()
    expect(main(phone).locator("h1")).to_have_text(t("Group sessions"))
    main(phone).get_by_test_id("group-session-new").click()
    expect(main(phone).locator("h1")).to_have_text(t("Record a group session"))

    form = main(phone).get_by_test_id("group-session-form")
    form.get_by_label(t("Kind of session")).select_option("language_lesson")
    form.get_by_label(t("Duration, minutes")).fill("90")
    form.get_by_label(t("Language"), exact=True).check()
    form.get_by_label(t("Institution or place")).fill("Mucenieki")

    # The search answers as the mentor types: their six clients, not another mentor's.
    form.get_by_test_id("client-search").fill("karimi")
    results = form.get_by_test_id("search-results")
    expect(results.locator("input[type=checkbox]")).to_have_count(6)
    expect(results).not_to_contain_text("Zahra")
    step(phone, "group-session-search")
    for client in clients:
        # Ticked, the client joins the list (present) and leaves the results.
        results.get_by_label(client.display_name).click()
    rows = form.get_by_test_id("attendance-row")
    expect(rows).to_have_count(6)
    expect(results.locator("input[type=checkbox]")).to_have_count(0)
    rows.filter(has_text=absent.display_name).get_by_text(t("Absent"), exact=True).click()
    step(phone, "group-session-attendance")
    form.get_by_role("button", name=t("Record the session")).click()
    success(phone, t, "The group session was recorded.")

    expect(main(phone).get_by_test_id("present-total")).to_have_text("5")
    expect(main(phone).get_by_test_id("absent-total")).to_have_text("1")
    expect(main(phone).get_by_test_id("absent-list")).to_contain_text(absent.display_name)
    step(phone, "group-session-detail")

    session = GroupSession.objects.get()
    assert session.kind == "language_lesson"
    assert set(session.contact.clients.all()) == set(clients[:5])
    assert GroupAttendance.objects.get(session=session, present=False).client == absent

    # The list: 5 present, 1 absent.
    main(phone).get_by_role("link", name=t("Group sessions")).click()
    row = main(phone).get_by_test_id("group-session-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("present-count")).to_have_text("5")
    expect(row.get_by_test_id("absent-count")).to_have_text("1")
    step(phone, "group-session-list")

    # A present client's page: the group contact, marked with its kind.
    phone.goto(f"/clients/{clients[0].pk}/")
    contact = main(phone).get_by_test_id("latest-contacts").get_by_test_id("contact")
    expect(contact).to_have_count(1)
    expect(contact.get_by_test_id("group-session-kind")).to_have_text(t("Latvian lesson"))
    step(phone, "present-client-page")

    # The absent client's page: no contact served them; the absence is on the timeline.
    phone.goto(f"/clients/{absent.pk}/")
    expect(main(phone).get_by_test_id("latest-contacts").get_by_test_id("contact")).to_have_count(0)
    expect(main(phone).get_by_test_id("timeline-group_absence")).to_contain_text(t("Latvian lesson"))
    step(phone, "absent-client-page")
    assert not Contact.objects.serving(absent).exists()

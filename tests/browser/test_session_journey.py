"""The session timeout in a real Chromium, in Latvian and in English (issue 17, item 1).

1. A social worker types a contact note and is called away; the page warns before the session ends, then says it
   ended. She sends the form anyway: the sign-in page says her work is kept; after the password and the second
   factor she is back on the form with the note filled in, and saves it.
2. On a phone, a mentor sees the warning and chooses "Stay signed in": the session outlives its first limit.

The idle limit is shortened to seconds for the test; the warning comes at half of it.
"""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import Role
from plans.models import Contact
from tests.factories import ClientFactory, ProviderFactory

from .conftest import totp_code, totp_device
from .test_journeys import staff_user

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # UserFactory's
IDLE_SECONDS = 14
NOTE = "Amina asked about the Latvian course; she brings the residence permit papers on Monday."


@pytest.fixture
def short_sessions(settings):
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS


@pytest.fixture
def lsk(db):
    return ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")


@pytest.fixture
def ilze(lsk):
    user = staff_user("ilze", Role.SOCIAL_WORKER, lsk, "Ilze", "Kalniņa")
    return user, user.staff


@pytest.fixture
def dace(lsk):
    user = staff_user("dace", Role.MENTOR, lsk, "Dace", "Liepa")
    return user, user.staff


@pytest.fixture
def amina(lsk, ilze, dace):
    return ClientFactory(provider=lsk, first_name="Amina", last_name="Haddad", social_worker=ilze[1], mentor=dace[1])


def main(page):
    return page.locator("main")


def open_sign_in(page, lang: str, t) -> None:
    page.goto("/accounts/login/")
    if lang != "lv":
        page.select_option("#language-select", lang)
        page.locator("#language-form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def sign_in(page, username: str, t, device=None) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    main(page).get_by_role("button", name=t("Sign in")).click()
    if device is not None:
        # Each sign-in spends a code; the test does not wait half a minute for the next one.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        device.refresh_from_db()
        page.fill("#id_token", totp_code(device))
        main(page).get_by_role("button", name=t("Confirm")).click()


def test_a_note_typed_when_the_session_ends_is_kept_and_saved_after_signing_in_again(
    page, lang, t, step, short_sessions, ilze, amina
):
    user, _staff = ilze
    device = totp_device(user)
    open_sign_in(page, lang, t)
    sign_in(page, user.username, t, device)
    expect(main(page).locator("h1")).to_have_text(t("My caseload"))

    page.goto(f"/plans/clients/{amina.pk}/contacts/new/")
    form = main(page).locator("form[method=post]").first
    form.locator("input[name=form][value=phone]").check()
    form.locator("#id_duration_minutes").fill("20")
    form.locator("#id_note").fill(NOTE)

    # Before the end: the warning, with the way to stay.
    timer = page.locator("#session-timer")
    expect(timer).to_be_visible(timeout=IDLE_SECONDS * 1000)
    expect(timer.get_by_role("button", name=t("Stay signed in"))).to_be_visible()
    step(page, "warning-before-the-end")

    # She is away: the session ends, and the page says so.
    ended = t("The session has ended. Send the form to keep what you typed, then sign in again.")
    expect(timer.locator("[data-role=ended]")).to_be_visible(timeout=IDLE_SECONDS * 1000)
    expect(timer.locator("[data-role=ended]")).to_have_text(ended)
    expect(timer.locator("[data-role=warning]")).to_be_hidden()
    page.wait_for_timeout(1500)
    # The banner leaves the form's button reachable: the page scrolls clear of it.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    button = form.get_by_role("button", name=t("Log the contact")).bounding_box()
    assert button["y"] + button["height"] <= timer.bounding_box()["y"]
    step(page, "session-ended")

    # She sends the note anyway: the sign-in page says it is kept; nothing is in the address.
    form.get_by_role("button", name=t("Log the contact")).click()
    expect(main(page).locator("h1")).to_have_text(t("Sign in"))
    expect(main(page).locator(".alert-warning")).to_contain_text(
        t(
            "Your session ended after a while without activity. What you typed was kept: sign in "
            "again and you return to the form with it filled in."
        )
    )
    assert "Monday" not in page.url and "course" not in page.url
    assert not Contact.objects.exists()
    step(page, "sign-in-says-the-work-is-kept")

    # Back through the password and the second factor, to the form with the note.
    sign_in(page, user.username, t, device)
    expect(main(page).locator("#id_note")).to_have_value(NOTE)
    expect(main(page).locator("input[name=form][value=phone]")).to_be_checked()
    expect(main(page).locator(".alert-info")).to_contain_text(
        t("What you typed before the session ended is filled in again. Check it and save it.")
    )
    step(page, "form-filled-in-again")

    main(page).get_by_role("button", name=t("Log the contact")).click()
    expect(main(page).locator(".alert-success")).to_contain_text(t("The contact was logged."))
    step(page, "contact-saved")
    contact = Contact.objects.get()
    assert contact.note == NOTE
    assert contact.duration_minutes == 20


def test_stay_signed_in_keeps_the_session_on_a_phone(phone_page, lang, t, step, short_sessions, dace, amina):
    page = phone_page
    user, _staff = dace
    open_sign_in(page, lang, t)
    sign_in(page, user.username, t)
    expect(main(page).locator("h1")).to_be_visible()
    heading = main(page).locator("h1").inner_text()

    timer = page.locator("#session-timer")
    expect(timer).to_be_visible(timeout=IDLE_SECONDS * 1000)
    stay = timer.get_by_role("button", name=t("Stay signed in"))
    expect(stay).to_be_visible()
    box = stay.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    step(page, "warning-on-a-phone")

    stay.click()
    expect(timer).to_be_hidden()
    # Past the end the page first had: still signed in.
    page.wait_for_timeout(IDLE_SECONDS * 1000 // 2 + 2000)
    page.reload()
    expect(main(page).locator("h1")).to_have_text(heading)
    step(page, "still-signed-in")


def test_a_double_click_on_log_the_contact_logs_one_contact(page, lang, t, step, ilze, amina):
    user, _staff = ilze
    open_sign_in(page, lang, t)
    sign_in(page, user.username, t)
    page.goto(f"/plans/clients/{amina.pk}/contacts/new/")
    form = main(page).locator("form[method=post]").first
    form.locator("input[name=form][value=phone]").check()
    form.locator("#id_note").fill(NOTE)
    form.get_by_role("button", name=t("Log the contact")).dblclick()
    expect(main(page).locator(".alert-success")).to_contain_text(t("The contact was logged."))
    step(page, "logged-once")
    assert Contact.objects.count() == 1

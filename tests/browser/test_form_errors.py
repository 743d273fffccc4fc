"""Errors a person can see (issue 17): the contact form's missing form of contact, and the sign-in's attempts left.

In a real Chromium, because "visible" is Bootstrap's CSS deciding, not the HTML: the radio group's error was in the
page but hidden. Both languages, a screenshot and an axe check at each step.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # UserFactory's


def _sign_in(page, lang: str, t, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    if lang != "lv":
        page.select_option("#language-select", lang)
        page.locator("#language-form button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", lang)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main").get_by_role("button", name=t("Sign in")).click()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_contact_forms_missing_form_is_shown_beside_it_and_at_the_top(
    live_server, request, viewport, lang, t, step, social_worker, assigned_client
):
    page = request.getfixturevalue("page" if viewport == "desktop" else "phone_page")
    _sign_in(page, lang, t, social_worker.username)
    expect(page.locator("main h1")).to_be_visible()
    page.goto(f"/plans/clients/{assigned_client.pk}/contacts/new/")
    page.locator("main").get_by_role("button", name=t("Log the contact")).click()

    error = page.locator("#id_form_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(t("This field is required."))
    summary = page.locator(".form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    step(page, "contact-form-errors")

    summary.get_by_role("link", name=t("Form")).click()
    expect(page.locator("#id_form_0")).to_be_focused()
    assert not page.script_errors  # type: ignore[attr-defined]


def test_the_sign_in_page_warns_how_many_attempts_are_left(page, lang, t, step, social_worker):
    for _ in range(2):
        _sign_in(page, lang, t, social_worker.username, "not-the-password")
    warning = page.locator("#attempts-left")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("4")
    step(page, "sign-in-attempts-left")

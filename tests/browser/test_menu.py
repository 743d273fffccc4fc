"""The menu (templates/includes/nav.html) in a real Chromium: one line at 1366 px for every role in both languages, and
folded behind the toggler on a 390 px phone (issue 17)."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import Role
from tests.conftest import SignedInClient
from tests.factories import UserFactory

from .conftest import BLOCKING_IMPACTS, _new_page, describe_violations

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# One line of Bootstrap's navbar is about 56 px; a second line makes it over 90 px.
ONE_LINE_PX = 70
ROLES = ("social_worker", "mentor", "manager", "coordinator", "superuser_manager")


@pytest.fixture
def superuser_manager(provider):
    """A manager who is also a superuser: the longest menu (Administration too), with a long Latvian name."""
    return UserFactory(
        username="boss",
        role=Role.MANAGER,
        provider=provider,
        first_name="Anna-Marija",
        last_name="Ziemeļkalniņa-Šēnberga",
        is_superuser=True,
        is_staff=True,
    )


@pytest.fixture(params=ROLES)
def user(request: pytest.FixtureRequest):
    return request.getfixturevalue(request.param)


def signed_in_tab(browser, live_server, user, lang: str, **options):
    """A tab signed in as `user` (password and second factor done by the test client) showing `lang`."""
    client = SignedInClient()
    client.force_login(user)
    context, tab = _new_page(browser, live_server, **options)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url},
        ]
    )
    return context, tab


def axe_check_menu(tab, save_to) -> None:
    """axe-core on the menu only: the pages under it are other tests' (no serious or critical violation)."""
    violations = Axe().run(tab, context="nav.navbar").response["violations"]
    save_to.write_text(json.dumps(violations, indent=2, ensure_ascii=False), encoding="utf-8")
    blocking = [violation for violation in violations if violation.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"accessibility violations in the menu on {tab.url}:\n{describe_violations(blocking)}"


def bar_links(tab):
    """The bar's own entries: links and the two menu buttons (not the items inside the menus)."""
    return tab.locator("#main-nav > ul > li > .nav-link")


def test_the_menu_is_one_line_at_1366_px_with_every_link_visible(browser, live_server, user, lang, t, artifacts):
    context, tab = signed_in_tab(browser, live_server, user, lang, viewport=LAPTOP)
    tab.goto(reverse("home"))
    expect(tab.locator("html")).to_have_attribute("lang", lang)
    navbar = tab.locator("nav.navbar")
    tab.screenshot(path=str(artifacts / "menu.png"))

    height = navbar.bounding_box()["height"]
    assert height < ONE_LINE_PX, f"the menu wraps: {height} px tall"
    entries = bar_links(tab)
    assert entries.count() >= 2
    tops = set()
    for index in range(entries.count()):
        entry = entries.nth(index)
        expect(entry).to_be_visible()
        box = entry.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= LAPTOP["width"], entry.inner_text()
        tops.add(round(box["y"] + box["height"] / 2))
    assert max(tops) - min(tops) <= 4, f"the entries are not on one line: {sorted(tops)}"

    # The user menu: initials in the bar, the full name and role inside, labelled for a screen reader.
    toggle = tab.locator("[data-testid=user-role]")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert user.get_full_name() in toggle.text_content()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    card = tab.locator(".nav-user-card")
    expect(card).to_be_visible()
    expect(card).to_contain_text(user.get_full_name())
    with translation.override(lang):
        expect(card).to_contain_text(str(user.get_role_display()))
    expect(tab.get_by_role("button", name=t("Sign out"))).to_be_visible()
    axe_check_menu(tab, save_to=artifacts / "menu.axe.json")
    toggle.click()
    context.close()


def test_the_rarely_used_links_are_under_more(browser, live_server, superuser_manager, lang, t, artifacts):
    context, tab = signed_in_tab(browser, live_server, superuser_manager, lang, viewport=LAPTOP)
    tab.goto(reverse("home"))
    nav = tab.locator("#main-nav")
    for label in ("Home", "Clients", "Families", "Reports", "Report archive"):
        expect(nav.get_by_role("link", name=t(label), exact=True)).to_be_visible()
    more = nav.get_by_role("button", name=t("More"), exact=True)
    expect(more).to_have_attribute("aria-expanded", "false")
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    for label in ("Import and export", "Audit log", "Administration"):
        expect(nav.get_by_role("link", name=t(label), exact=True)).to_be_visible()
    tab.screenshot(path=str(artifacts / "more-open.png"))
    axe_check_menu(tab, save_to=artifacts / "more-open.axe.json")

    nav.get_by_role("link", name=t("Audit log"), exact=True).click()
    expect(tab).to_have_url(f"{live_server.url}{reverse('audit:list')}")
    # The page shown is marked in the menu, and its "More" is underlined as the section.
    expect(nav.locator("[aria-current=page]")).to_have_count(1)
    expect(nav.locator(f"a[href='{reverse('audit:list')}']")).to_have_attribute("aria-current", "page")
    expect(more).to_have_class("nav-link dropdown-toggle active")
    context.close()


def test_the_current_page_is_marked(browser, live_server, social_worker, lang, t):
    context, tab = signed_in_tab(browser, live_server, social_worker, lang, viewport=LAPTOP)
    tab.goto(reverse("clients:list"))
    nav = tab.locator("#main-nav")
    expect(nav.get_by_role("link", name=t("Clients"), exact=True)).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name=t("Home"), exact=True)).not_to_have_attribute("aria-current", "page")
    expect(nav.locator("[aria-current=page]")).to_have_count(1)
    context.close()


def test_on_a_phone_the_toggler_opens_the_menu(browser, live_server, user, lang, t, artifacts):
    context, tab = signed_in_tab(browser, live_server, user, lang, viewport=PHONE, is_mobile=True, has_touch=True)
    tab.goto(reverse("home"))
    menu = tab.locator("#main-nav")
    expect(menu).to_be_hidden()
    toggler = tab.locator("nav .navbar-toggler")
    expect(toggler).to_have_attribute("aria-label", t("Menu"))
    toggler.click()
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name=t("Home"), exact=True)).to_be_visible()
    entries = bar_links(tab)
    for index in range(entries.count()):
        expect(entries.nth(index)).to_be_visible()
        assert entries.nth(index).bounding_box()["x"] + entries.nth(index).bounding_box()["width"] <= PHONE["width"]
    # On a phone the user's full name is shown in the folded menu, not only the initials.
    expect(tab.locator("[data-testid=user-role] .nav-user-name")).to_be_visible()
    expect(tab.locator("[data-testid=user-role]")).to_contain_text(user.get_full_name())
    tab.screenshot(path=str(artifacts / "phone-menu.png"), full_page=True)
    axe_check_menu(tab, save_to=artifacts / "phone-menu.axe.json")
    context.close()

"""One client, one page (issue 17, items 8, 9 and 12), in a real Chromium, in Latvian and in English.

A social worker reaches the same client page from the home page and from the client list; it shows the family
(labelled and linked), the active plan's tasks and the latest contacts, and a task's link opens that task. A mentor
does the same on a phone: "My clients" shows the list first with the filters folded, and the task link opens the
task on the plan page. Each step keeps a screenshot and passes an axe-core check.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import (
    ClientFactory,
    ContactFactory,
    FamilyFactory,
    GoalFactory,
    PlanFactory,
    ProviderFactory,
    TaskFactory,
)

from .test_journeys import staff_user

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # UserFactory's


@pytest.fixture
def people(db):
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    social_worker = staff_user("ilze", Role.SOCIAL_WORKER, lsk, "Ilze", "Kalniņa")
    mentor = staff_user("dace", Role.MENTOR, lsk, "Dace", "Liepa")
    family = FamilyFactory(name="Darwish", provider=lsk)
    common = {"provider": lsk, "family": family, "last_name": "Darwish", "country": "SY"}
    assigned = {"social_worker": social_worker.staff, "mentor": mentor.staff}
    amina = ClientFactory(first_name="Amina", gender="F", **assigned, **common)
    ClientFactory(first_name="Karim", mentor=mentor.staff, **common)
    ClientFactory(provider=lsk, first_name="Omar", last_name="Rahimi", social_worker=social_worker.staff)
    plan = PlanFactory(client=amina, status="active", start_date=datetime.date(2026, 3, 1))
    goal = GoalFactory(plan=plan, area="housing", description="Find a flat in Rīga")
    task = TaskFactory(goal=goal, title="Visit the flat on Brīvības iela", responsible=mentor.staff)
    for day, note in ((2, "Talked with the landlord"), (9, "Went to the housing office together")):
        contact = ContactFactory(staff=mentor.staff, date=datetime.date(2026, 3, day), note=note)
        contact.clients.add(amina)
    return {"social_worker": social_worker, "mentor": mentor, "amina": amina, "family": family, "task": task}


def main(page):
    return page.locator("main")


def sign_in(page, username: str, lang: str, t) -> None:
    page.goto("/accounts/login/")
    if lang != "lv":
        page.select_option("#language-select", lang)
        page.locator("#language-form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    main(page).get_by_role("button", name=t("Sign in")).click()


def expect_the_client_page(page, t, people) -> None:
    amina, family = people["amina"], people["family"]
    expect(main(page).locator("h1")).to_contain_text("Darwish Amina")
    family_section = main(page).locator("[data-testid=client-family]")
    family_link = family_section.get_by_role("link", name=t("Family: %(family)s") % {"family": "Darwish"})
    expect(family_link).to_have_attribute("href", reverse("clients:family_detail", args=[family.pk]))
    expect(family_section).to_contain_text("Darwish Karim")
    plan = main(page).locator("[data-testid=active-plan]")
    expect(plan).to_contain_text(t("Active plan"))
    expect(plan).to_contain_text("Find a flat in Rīga")
    expect(plan.locator("[data-testid=plan-task]")).to_contain_text("Visit the flat on Brīvības iela")
    contacts = main(page).locator("[data-testid=latest-contacts] [data-testid=contact]")
    expect(contacts).to_have_count(2)
    expect(contacts.first).to_contain_text("Went to the housing office together")  # the newest first
    timeline = main(page).locator("[data-testid=recent-timeline]")
    expect(timeline.get_by_role("link", name=t("The whole timeline"))).to_have_attribute(
        "href", reverse("plans:timeline", args=[amina.pk])
    )


def test_a_social_worker_reaches_one_client_page_from_home_and_from_the_list(page, lang, t, step, people):
    amina, task = people["amina"], people["task"]
    client_url = reverse("clients:detail", args=[amina.pk])

    sign_in(page, people["social_worker"].username, lang, t)
    expect(main(page).locator("h1")).to_have_text(t("My caseload"))
    step(page, "home")

    main(page).get_by_role("link", name="Darwish Amina", exact=True).click()
    expect(page).to_have_url(f"{page.url.split('/clients/')[0]}{client_url}")
    expect_the_client_page(page, t, people)
    step(page, "client-page-from-home")

    page.locator("#main-nav").get_by_role("link", name=t("Clients"), exact=True).click()
    expect(main(page).locator("h1")).to_have_text(t("Clients"))
    main(page).locator("tbody").get_by_role("link", name="Darwish Amina", exact=True).click()
    assert page.url.endswith(client_url)
    expect_the_client_page(page, t, people)

    # The task's link opens the task itself: its edit page, for one who changes plans.
    main(page).locator("[data-testid=plan-task]").get_by_role("link", name="Visit the flat on Brīvības iela").click()
    expect(main(page).locator("h1")).to_have_text(t("Change the task"))
    assert page.url.endswith(reverse("plans:task_edit", args=[task.pk]))
    step(page, "task-opened")


def test_a_mentor_on_a_phone_finds_the_client_page_and_opens_a_task(phone_page, lang, t, step, people):
    page = phone_page
    amina, task = people["amina"], people["task"]

    sign_in(page, people["mentor"].username, lang, t)
    step(page, "home")
    main(page).get_by_role("link", name="Darwish Amina", exact=True).click()
    assert page.url.endswith(reverse("clients:detail", args=[amina.pk]))
    expect_the_client_page(page, t, people)
    step(page, "client-page")

    # "My clients": the list comes first, the filters are folded behind a button.
    page.goto(reverse("clients:list"))
    expect(main(page).locator("h1")).to_have_text(t("My clients"))
    expect(main(page).locator("#client-filters")).to_be_hidden()
    expect(main(page).locator("#id_q")).to_be_visible()
    expect(main(page).locator("tbody").get_by_role("link", name="Darwish Amina")).to_be_in_viewport()
    step(page, "my-clients-folded")
    main(page).locator("[data-testid=client-filters-toggle]").click()
    expect(main(page).locator("#id_country")).to_be_visible()
    step(page, "my-clients-filters-open")

    main(page).locator("tbody").get_by_role("link", name="Darwish Amina", exact=True).click()
    link = main(page).locator("[data-testid=plan-task]").get_by_role("link", name="Visit the flat on Brīvības iela")
    link.click()
    plan_url = reverse("plans:plan_detail", args=[task.goal.plan_id])
    assert page.url.endswith(f"{plan_url}#task-{task.pk}")
    expect(main(page).locator(f"#task-{task.pk}")).to_be_in_viewport()
    expect(main(page).locator(f"#task-{task.pk}")).to_contain_text("Visit the flat on Brīvības iela")
    step(page, "task-on-the-plan")


def test_the_client_list_shows_its_filters_on_a_desktop(page, lang, t, people):
    sign_in(page, people["social_worker"].username, lang, t)
    page.goto(reverse("clients:list"))
    expect(main(page).locator("#id_country")).to_be_visible()
    expect(main(page).locator("[data-testid=client-filters-toggle]")).to_be_hidden()

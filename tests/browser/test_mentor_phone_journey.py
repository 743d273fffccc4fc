"""The mentor's day on a 390 px phone, in Latvian and in English (issue 17, item 11).

Ten open tasks make a short home page of compact cards; one card opens in place, takes a note and "done", and one
"Save" (one request) keeps both. On "my tasks" the filters narrow the list by client and by due date.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from plans.choices import TaskStatus
from plans.models import TaskNote
from tests.factories import (
    ClientFactory,
    GoalFactory,
    PlanFactory,
    ProviderFactory,
    StaffFactory,
    TaskFactory,
    UserFactory,
)

from .test_journeys import main, open_sign_in, sign_in

pytestmark = pytest.mark.browser

# A compact card is about 80-120 px on a 390 px phone (one or two lines of title, one of client and date).
CARD_MAX_PX = 150
# The home page with ten tasks and two clients: the cards of old made it about 5,000 px.
HOME_MAX_PX = 2_600
TITLES = [
    "Visit the flat on Brīvības iela",
    "Call the landlord about the deposit",
    "Register at the Riga social service",
    "Book a GP appointment for Mariam",
    "Enrol Mariam in the school on Lāčplēša iela",
    "Apply for the housing benefit",
    "Go with Yusuf to the employment agency (NVA)",
    "Open a bank account",
    "Find a Latvian course, level A2",
    "Renew the residence permit at PMLP",
]


@pytest.fixture
def day(db):
    """Dace (a mentor) with ten open tasks for Amina and Omar: some overdue, some this week, some later."""
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    user = UserFactory(username="dace", role=Role.MENTOR, provider=lsk, first_name="Dace", last_name="Liepa")
    staff = StaffFactory(role=Role.MENTOR, provider=lsk, user=user, first_name="Dace", last_name="Liepa")
    today = timezone.localdate()
    amina = ClientFactory(provider=lsk, mentor=staff, first_name="Amina", last_name="Haddad")
    omar = ClientFactory(provider=lsk, mentor=staff, first_name="Omar", last_name="Rahimi")
    start = today - datetime.timedelta(days=120)
    goals = {c: GoalFactory(plan=PlanFactory(client=c, start_date=start, status="active")) for c in (amina, omar)}
    tasks = []
    for n, title in enumerate(TITLES):
        who = amina if n < 6 else omar
        due = today + datetime.timedelta(days=(n - 3) * 4)  # three overdue, the rest spread over weeks
        tasks.append(TaskFactory(goal=goals[who], title=title, responsible=staff, due_date=due))
    return {"user": user, "amina": amina, "omar": omar, "tasks": tasks, "today": today}


def test_the_mentors_phone_shows_compact_cards_and_one_save_keeps_the_note_and_the_status(
    phone_page, lang, t, step, day
):
    page = phone_page
    open_sign_in(page, lang, t, step)
    sign_in(page, day["user"].username, t)
    cards = main(page).locator(".task-card")
    expect(cards).to_have_count(10)
    step(page, "home")

    heights = [cards.nth(i).bounding_box()["height"] for i in range(10)]
    assert max(heights) < CARD_MAX_PX, f"task cards are {heights} px tall"
    page_height = page.evaluate("document.documentElement.scrollHeight")
    assert page_height < HOME_MAX_PX, f"the home page is {page_height} px long with ten tasks"
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0

    # Open one card in place, type a note, pick "done" and save once: both kept, by one request.
    task = day["tasks"][0]
    card = main(page).locator(f"#task-{task.pk}")
    expect(card.locator("textarea[name=note]")).to_be_hidden()
    card.locator("summary").click()
    expect(card.locator("textarea[name=note]")).to_be_visible()
    step(page, "card-open")
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    note = "Saw the flat with Amina; the landlord agrees to the rent"
    card.locator("textarea[name=note]").fill(note)
    card.locator("select[name=status]").select_option(TaskStatus.DONE)
    card.get_by_role("button", name=t("Save"), exact=True).click()
    expect(card.locator("[data-role=message]")).to_have_text(t("Saved."))
    expect(card.locator("[data-role=status-badge]")).to_have_text(t("Done"))
    expect(card.locator("[data-testid=task-note]")).to_contain_text(note)
    step(page, "card-saved")
    assert len(posts) == 1, posts

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.version == 2
    saved = TaskNote.objects.get(task=task)
    assert (saved.text, saved.author) == (note, day["user"])

    # "My tasks": nine open tasks, narrowed by client, then by due date.
    page.goto("/plans/tasks/mine/")
    expect(main(page).locator(".task-card")).to_have_count(9)
    step(page, "my-tasks")
    main(page).get_by_label(t("Client")).select_option(str(day["omar"].pk))
    main(page).get_by_role("button", name=t("Show"), exact=True).click()
    expect(main(page).locator(".task-card")).to_have_count(4)
    expect(main(page).locator(".task-card").first).to_contain_text(str(day["omar"]))
    step(page, "my-tasks-omar")
    main(page).get_by_label(t("Client")).select_option("")
    main(page).get_by_label(t("Due"), exact=True).select_option("overdue")
    main(page).get_by_role("button", name=t("Show"), exact=True).click()
    # Three were overdue; one of them is done now.
    expect(main(page).locator(".task-card")).to_have_count(2)
    expect(main(page).locator(".task-card .text-danger")).to_have_count(2)
    step(page, "my-tasks-overdue")
    assert "Amina" not in page.url and "Omar" not in page.url  # ids only in the address

"""The three journeys of issue 9 in a real Chromium, in Latvian and in English.

1. A social worker finds a client, logs a visit to the whole family and drafts a plan: two goals, a task for a mentor.
2. That mentor, on a phone, finds the task on "my tasks", adds a progress note and marks it done, in place.
3. A fund coordinator (with a second factor) asks for a provider's six-month interim report, waits for the job
   on its page, downloads the PDF and reads the figures in it.

Each step keeps a screenshot and passes an axe-core check (no serious or critical violations).
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from clients.choices import StaffRole
from plans.choices import TaskStatus
from plans.models import Contact, Plan, Task, TaskNote
from reporting.figures import figures_for
from reporting.models import JobState, ReportJob
from tests.conftest import need_service
from tests.factories import (
    ClientFactory,
    ContactFactory,
    ContractFactory,
    FamilyFactory,
    GoalFactory,
    PlanFactory,
    ProviderFactory,
    StaffFactory,
    TaskFactory,
    UserFactory,
)

from .conftest import totp_code, totp_device

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # UserFactory's
JOB_TIMEOUT_MS = 120_000


# The people and records of the journeys ----------------------------------------------------------


@pytest.fixture
def lsk(db):
    return ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")


@pytest.fixture
def caritas(db):
    return ProviderFactory(code="CARITAS", name="Caritas Latvija")


def staff_user(username: str, role: str, provider, first_name: str, last_name: str):
    """A user account of a provider's staff member with their staff record (`user.staff`): every journey's people."""
    user = UserFactory(username=username, role=role, provider=provider, first_name=first_name, last_name=last_name)
    StaffFactory(role=role, provider=provider, user=user, first_name=first_name, last_name=last_name)
    return user


def _worker(username: str, role: str, provider, first_name: str, last_name: str):
    user = staff_user(username, role, provider, first_name, last_name)
    return user, user.staff


@pytest.fixture
def social_worker(lsk):
    return _worker("ilze", Role.SOCIAL_WORKER, lsk, "Ilze", "Kalniņa")


@pytest.fixture
def mentor(lsk):
    return _worker("dace", Role.MENTOR, lsk, "Dace", "Liepa")


@pytest.fixture
def haddad_family(lsk, social_worker, mentor):
    """Amina Haddad (assigned to the social worker and the mentor) with her husband and daughter; and a decoy."""
    family = FamilyFactory(name="Haddad", provider=lsk)
    sw_staff, mentor_staff = social_worker[1], mentor[1]
    common = {"provider": lsk, "family": family, "last_name": "Haddad", "country": "SY"}
    amina = ClientFactory(first_name="Amina", gender="F", social_worker=sw_staff, mentor=mentor_staff, **common)
    ClientFactory(first_name="Yusuf", **common)
    ClientFactory(first_name="Mariam", gender="F", birth_date=datetime.date(2015, 2, 1), **common)
    ClientFactory(provider=lsk, first_name="Omar", last_name="Rahimi", social_worker=sw_staff)
    return family, amina


# Shared steps ------------------------------------------------------------------------------------


def open_sign_in(page, lang: str, t, step) -> None:
    """The sign-in page, in Latvian by default; the English journeys use the language switch once."""
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    if lang != "lv":
        page.select_option("#language-select", lang)
        page.locator("#language-form button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("main h1")).to_have_text(t("Sign in"))
    step(page, "sign-in")


def sign_in(page, username: str, t) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main").get_by_role("button", name=t("Sign in")).click()


def main(page):
    return page.locator("main")


def success(page, t, message: str) -> None:
    expect(main(page).locator(".alert-success")).to_contain_text(t(message))


# 1. The social worker ----------------------------------------------------------------------------


def test_social_worker_logs_a_family_visit_and_drafts_a_plan(page, lang, t, step, social_worker, mentor, haddad_family):
    family, amina = haddad_family
    sw_user, _sw_staff = social_worker
    _mentor_user, mentor_staff = mentor

    open_sign_in(page, lang, t, step)
    sign_in(page, sw_user.username, t)
    expect(main(page).locator("h1")).to_have_text(t("My caseload"))
    expect(main(page)).to_contain_text("Haddad Amina")
    step(page, "caseload")

    # Find the client: the list, then a search by name.
    page.locator("nav").get_by_role("link", name=t("Clients"), exact=True).click()
    expect(main(page).locator("h1")).to_have_text(t("Clients"))
    expect(main(page).locator("tbody tr")).to_have_count(4)
    main(page).locator("#id_q").fill("amina hadad")  # loose: a typo still finds her
    main(page).get_by_role("button", name=t("Search"), exact=True).click()
    expect(main(page).locator("tbody tr")).to_have_count(1)
    expect(main(page).locator("tbody")).to_contain_text("Haddad Amina")
    step(page, "client-search")

    main(page).get_by_role("link", name="Haddad Amina").click()
    expect(main(page).locator("h1")).to_contain_text("Haddad Amina")
    expect(main(page).locator("[data-testid=assigned-mentor]")).to_have_text("Liepa Dace")
    step(page, "client-page")

    # Log a visit to the whole family.
    main(page).get_by_role("link", name=t("Log a contact"), exact=True).click()
    expect(main(page).locator("h1")).to_have_text(t("Log a contact"))
    form = main(page).locator("form[method=post]")
    form.get_by_label(t("The whole family")).check()
    form.locator("input[name=form][value=in_person]").check()
    form.locator("#id_duration_minutes").fill("90")
    form.locator("input[name=topics][value=housing]").check()
    form.locator("input[name=topics][value=documents]").check()
    form.locator("#id_place").fill("Mucenieki")
    form.locator("#id_note").fill("Home visit: documents for the residence permit")
    step(page, "contact-form")
    form.get_by_role("button", name=t("Log the contact")).click()

    success(page, t, "The contact was logged.")
    # Back on the client page, the contact first among the latest.
    entry = main(page).locator("[data-testid=latest-contacts] [data-testid=contact]").first
    expect(entry).to_contain_text(t("In person"))
    expect(entry).to_contain_text("Haddad")
    expect(entry).to_contain_text("Home visit: documents for the residence permit")
    expect(entry).to_contain_text(t("Housing"))
    step(page, "client-page-with-contact")
    contact = Contact.objects.get()
    assert contact.family == family
    assert contact.duration_minutes == 90
    assert sorted(contact.topics.values_list("topic", flat=True)) == ["documents", "housing"]

    # Draft a plan for Amina.
    main(page).get_by_role("link", name=t("Draft a plan"), exact=True).click()
    expect(main(page).locator("h1")).to_have_text(t("Draft an inclusion plan"))
    main(page).locator("#id_review_date").fill("2027-05-31")
    main(page).locator("#id_summary").fill("Housing and documents first")
    step(page, "plan-form")
    main(page).get_by_role("button", name=t("Draft the plan")).click()
    success(page, t, "The plan was drafted. Add its goals and tasks.")
    expect(main(page).locator("[data-testid=plan-status]")).to_have_text(t("Draft"))
    step(page, "plan-drafted")

    goals = [("housing", "Find a flat in Rīga"), ("language", "Latvian course, level A2")]
    for number, (area, description) in enumerate(goals, start=1):
        main(page).get_by_role("link", name=t("Add a goal"), exact=True).click()
        expect(main(page).locator("h1")).to_have_text(t("Add a goal"))
        main(page).locator("#id_area").select_option(area)
        main(page).locator("#id_description").fill(description)
        step(page, f"goal-{number}-form")
        main(page).get_by_role("button", name=t("Add the goal")).click()
        success(page, t, "The goal was added.")
        expect(main(page).locator("section.card").filter(has_text=description)).to_be_visible()
    step(page, "plan-with-goals")

    housing = main(page).locator("section.card").filter(has_text="Find a flat in Rīga")
    housing.get_by_role("link", name=t("Add a task")).click()
    expect(main(page).locator("h1")).to_have_text(t("Add a task"))
    main(page).locator("#id_title").fill("Visit the flat on Brīvības iela")
    main(page).locator("#id_responsible").select_option(str(mentor_staff.pk))
    main(page).locator("#id_due_date").fill("2027-01-15")
    step(page, "task-form")
    main(page).get_by_role("button", name=t("Add the task")).click()

    success(page, t, "The task was added.")
    card = main(page).locator(".task-card").filter(has_text="Visit the flat on Brīvības iela")
    expect(card).to_contain_text("Liepa Dace")
    expect(card.locator("[data-role=status-badge]")).to_have_text(t("Open"))
    step(page, "plan-with-task")

    plan = Plan.objects.get()
    assert plan.client == amina and plan.status == "draft"
    assert sorted(plan.goals.values_list("area", flat=True)) == ["housing", "language"]
    task = Task.objects.get()
    assert task.goal.area == "housing"
    assert task.responsible == mentor_staff
    assert task.due_date == datetime.date(2027, 1, 15)


# 2. The mentor, on a phone -----------------------------------------------------------------------


@pytest.fixture
def mentor_task(haddad_family, mentor, social_worker):
    """The plan of journey 1, as the social worker left it: a task for the mentor."""
    _family, amina = haddad_family
    plan = PlanFactory(client=amina, start_date=datetime.date(2026, 3, 1), drafted_by=social_worker[0])
    goal = GoalFactory(plan=plan, area="housing", description="Find a flat in Rīga")
    return TaskFactory(
        goal=goal, title="Visit the flat on Brīvības iela", responsible=mentor[1], due_date=datetime.date(2027, 1, 15)
    )


def test_mentor_on_a_phone_notes_progress_and_marks_the_task_done(phone_page, lang, t, step, mentor, mentor_task):
    page = phone_page
    mentor_user, _staff = mentor
    note = "Saw the flat with Amina; the landlord agrees to the rent"

    open_sign_in(page, lang, t, step)
    sign_in(page, mentor_user.username, t)
    expect(page.locator("[data-testid=user-role]")).to_be_hidden()  # the menu is folded on a phone
    step(page, "home")

    page.locator("nav .navbar-toggler").click()
    expect(page.locator("#main-nav")).to_be_visible()
    step(page, "menu-open")
    page.locator("#main-nav").get_by_role("link", name=t("My tasks"), exact=True).click()
    expect(main(page).locator("h1")).to_have_text(t("My tasks"))
    card = main(page).locator(f".task-card[data-task='{mentor_task.pk}']")
    expect(card).to_contain_text("Visit the flat on Brīvības iela")
    expect(card.locator("summary")).to_contain_text(str(mentor_task.goal.plan.client))  # as names are shown
    expect(card.locator("[data-role=status-badge]")).to_have_text(t("Open"))
    step(page, "my-tasks")

    # Everything below happens in place: a page load would drop this marker.
    page.evaluate("window.__journeyMarker = 'still here'")

    # The compact card opens in place; the note typed before "Save" goes with the status, in one save.
    card.locator("summary").click()
    expect(card.locator("textarea[name=note]")).to_be_visible()
    step(page, "card-open")
    card.locator("textarea[name=note]").fill(note)
    card.locator("select[name=status]").select_option(TaskStatus.DONE)
    card.get_by_role("button", name=t("Save"), exact=True).click()
    expect(card.locator("[data-role=message]")).to_have_text(t("Saved."))
    expect(card.locator("[data-role=status-badge]")).to_have_text(t("Done"))
    expect(card.locator("[data-testid=task-note]")).to_contain_text(note)
    expect(card.locator("textarea[name=note]")).to_have_value("")
    step(page, "task-done")
    assert page.evaluate("window.__journeyMarker") == "still here", "the page was reloaded: the change was not in place"

    saved = TaskNote.objects.get(task=mentor_task)
    assert saved.text == note
    assert saved.author == mentor_user
    mentor_task.refresh_from_db()
    assert mentor_task.status == TaskStatus.DONE
    assert mentor_task.updated_by == mentor_user
    assert mentor_task.version == 2

    # The done task has left the open tasks.
    page.reload()
    expect(main(page)).to_contain_text(t("No open tasks."))
    step(page, "my-tasks-after")


# 3. The fund coordinator -------------------------------------------------------------------------


INTERIM_START, INTERIM_END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
UNIQUE_PERSONS = 5


@pytest.fixture
def interim_world(lsk, caritas, social_worker, mentor):
    """Five persons served by LSK in January–June 2026: a family of three and two individuals.

    Not counted: an LSK client served only in August, and two clients of Caritas.
    """
    ContractFactory(provider=lsk, number="S-SIF-2026-7", planned_persons_per_month=80)
    ContractFactory(provider=caritas, number="S-SIF-2026-9", planned_persons_per_month=50)
    sw_staff, mentor_staff = social_worker[1], mentor[1]
    family = FamilyFactory(name="Haddad", provider=lsk)
    for first_name in ("Amina", "Yusuf", "Mariam"):
        ClientFactory(provider=lsk, family=family, first_name=first_name, last_name="Haddad", country="SY")
    ContactFactory(staff=mentor_staff, date=datetime.date(2026, 2, 10), family=family, form="accompaniment")
    omar = ClientFactory(provider=lsk, first_name="Omar", last_name="Rahimi")
    farid = ClientFactory(provider=lsk, first_name="Farid", last_name="Noori")
    ContactFactory(staff=sw_staff, date=datetime.date(2026, 4, 7), duration_minutes=45).clients.add(omar, farid)
    ContactFactory(staff=sw_staff, date=datetime.date(2026, 5, 12)).clients.add(omar)
    late = ClientFactory(provider=lsk, first_name="Zahra", last_name="Ahmadi")
    ContactFactory(staff=sw_staff, date=datetime.date(2026, 8, 3)).clients.add(late)
    other_staff = StaffFactory(provider=caritas, role=StaffRole.SOCIAL_WORKER)
    for first_name in ("Leyla", "Karim"):
        person = ClientFactory(provider=caritas, first_name=first_name, last_name="Karimi")
        ContactFactory(staff=other_staff, date=datetime.date(2026, 3, 5)).clients.add(person)
    figures = figures_for(start=INTERIM_START, end=INTERIM_END, provider=lsk)
    assert figures.unique_persons == UNIQUE_PERSONS  # the world is what the journey expects
    return lsk


def pdf_text(path) -> str:
    if not shutil.which("pdftotext"):
        need_service("pdftotext (poppler-utils) is not installed")
    # -raw keeps the content order: a table's label comes just before its figure, however the label wraps.
    command = [shutil.which("pdftotext"), "-raw", str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout  # noqa: S603


def test_coordinator_gets_the_six_month_interim_report_as_a_pdf(
    page, lang, t, step, artifacts, report_worker, interim_world
):
    provider = interim_world
    coordinator = UserFactory(username="koordinatore", role=Role.COORDINATOR, provider=None, first_name="Līga")
    device = totp_device(coordinator)

    open_sign_in(page, lang, t, step)
    sign_in(page, coordinator.username, t)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    expect(main(page).locator("h1")).to_have_text(t("Two-factor sign-in"))
    step(page, "second-factor")
    main(page).locator("#id_token").fill(totp_code(device))
    main(page).get_by_role("button", name=t("Confirm")).click()
    expect(main(page).locator("h1")).to_have_text(t("Providers' reports"))
    step(page, "home")

    # Choose the report.
    page.locator("nav").get_by_role("link", name=t("Reports"), exact=True).click()
    expect(main(page).locator("h1")).to_have_text(t("Reports"))
    chooser = main(page).locator("form[method=get]")
    chooser.locator("#id_kind").select_option("interim")
    chooser.locator("#id_month").fill("2026-01")
    chooser.locator("#id_provider").select_option(str(provider.pk))
    chooser.locator("#id_language").select_option(lang)
    step(page, "report-form")
    chooser.get_by_role("button", name=t("Show the figures")).click()

    figures = main(page).locator("section[aria-labelledby=figures-heading]")
    expect(figures.locator("#figures-heading")).to_contain_text(provider.name)
    headline = figures.locator(".card").filter(has_text=t("Unique persons served")).first
    expect(headline.locator(".fs-4")).to_have_text(str(UNIQUE_PERSONS))
    step(page, "figures")

    # Make the PDF and wait for it on the job's page, which follows the job by itself. No narrative is written:
    # the page names the unwritten sections and makes the PDF only as a confirmed draft (issue 17).
    draft = figures.locator("#make-draft")
    expect(draft).to_contain_text(t("Thematic information"))
    draft.get_by_label(t("Make the PDF as a draft, without these sections")).check()
    draft.get_by_role("button", name=t("Make the draft PDF")).click()
    expect(main(page).locator("h1")).to_have_text(t("Report file"))
    expect(main(page).locator("dl")).to_contain_text(provider.name)
    expect(main(page).locator("dl")).to_contain_text(t("Six-month interim report"))
    job = ReportJob.objects.get()
    assert (job.kind, job.start, job.end, job.provider, job.language) == (
        "interim",
        INTERIM_START,
        INTERIM_END,
        provider,
        lang,
    )
    step(page, "job-page")
    # The page follows the job by itself (static/js/job.js): a reload would drop this marker.
    page.evaluate("window.__journeyMarker = 'still here'")
    download_link = main(page).locator("[data-job-download]")
    expect(download_link).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(main(page).locator("[data-job-label]")).to_have_text(t("Done"))
    expect(main(page).locator("[data-job-waiting]")).to_be_hidden()
    step(page, "job-done")
    assert page.evaluate("window.__journeyMarker") == "still here", "the job page was reloaded"
    job.refresh_from_db()
    assert job.state == JobState.DONE

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = artifacts / download.suggested_filename
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert job.sha256 in main(page).locator("[data-job-sha256]").inner_text()

    text = " ".join(pdf_text(pdf).split())
    assert provider.name in text, text[:2000]
    assert f"{t('Unique persons served')} {UNIQUE_PERSONS} " in text, text[:2000]
    assert "Caritas" not in text

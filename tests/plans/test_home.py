"""Each role's home page: the caseload, the mentor's tasks and clients, the manager's month."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from plans import selectors
from reporting.figures import figures_for
from tests.factories import (
    ClientFactory,
    ContactFactory,
    ContractFactory,
    FamilyFactory,
    GoalFactory,
    PlanFactory,
    StaffFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


def test_the_caseload_shows_each_clients_last_contact_and_flags_the_quiet_ones(
    client, social_worker, mentor, provider, assigned_client, family, today
):
    quiet = ClientFactory(provider=provider, social_worker=social_worker.staff, first_name="Quiet")
    old = ContactFactory(staff=mentor.staff, date=today - datetime.timedelta(days=31))
    old.clients.add(quiet)
    # A family contact counts for every member.
    ContactFactory(staff=mentor.staff, date=today - datetime.timedelta(days=2), family=family)
    ContactFactory(staff=mentor.staff, date=today - datetime.timedelta(days=40)).clients.add(assigned_client)
    client.force_login(social_worker)
    response = client.get(reverse("home"))
    rows = {c.first_name: c for c in response.context["caseload"]}
    assert rows["Amina"].last_contact == today - datetime.timedelta(days=2)
    assert not rows["Amina"].no_recent_contact
    assert rows["Quiet"].no_recent_contact
    assert rows["Sara"].last_contact == today - datetime.timedelta(days=2)
    # Yusuf is not assigned to this social worker.
    assert "Yusuf" not in rows
    assert response.content.decode().count('data-testid="no-recent-contact"') == 1


def test_the_caseload_lists_the_tasks_due_this_week(client, social_worker, mentor, assigned_client, today):
    plan = PlanFactory(client=assigned_client, start_date=today - datetime.timedelta(days=60))
    goal = GoalFactory(plan=plan)
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    TaskFactory(goal=goal, title="Due Sunday", responsible=mentor.staff, due_date=week_end)
    TaskFactory(goal=goal, title="Overdue", responsible=mentor.staff, due_date=today - datetime.timedelta(days=3))
    TaskFactory(goal=goal, title="Next week", responsible=mentor.staff, due_date=week_end + datetime.timedelta(days=1))
    TaskFactory(goal=goal, title="Done already", responsible=mentor.staff, due_date=today, status="done")
    client.force_login(social_worker)
    response = client.get(reverse("home"))
    assert [t.title for t in response.context["tasks_due"]] == ["Overdue", "Due Sunday"]


def test_the_mentor_sees_their_open_tasks_and_clients(client, mentor, task, assigned_client, unassigned_client):
    client.force_login(mentor)
    response = client.get(reverse("home"))
    assert list(response.context["tasks"]) == [task]
    assert list(response.context["clients"]) == [assigned_client]
    page = response.content.decode()
    assert "My tasks and clients" in page
    assert task.title in page


def test_the_manager_sees_unique_persons_served_against_the_contract(
    client, manager, mentor, social_worker, assigned_client, family, provider, today
):
    ContractFactory(
        provider=provider,
        start=today.replace(day=1),
        end=today + datetime.timedelta(days=300),
        planned_persons_per_month=6,
    )
    # Amina named twice and through her family: still one person. The family has three members.
    ContactFactory(staff=mentor.staff, date=today, family=family, form="in_person", duration_minutes=90)
    ContactFactory(staff=mentor.staff, date=today, form="phone", duration_minutes=30).clients.add(assigned_client)
    ContactFactory(staff=social_worker.staff, date=today, form="phone").clients.add(assigned_client)
    other = ClientFactory(provider=provider, first_name="Other")
    ContactFactory(staff=social_worker.staff, date=today, form="electronic").clients.add(other)
    # Last month's contact does not count.
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    ContactFactory(staff=social_worker.staff, date=last_month).clients.add(ClientFactory(provider=provider))
    client.force_login(manager)
    response = client.get(reverse("home"))
    glance = response.context["glance"]
    assert glance.persons_served == 4
    assert glance.planned_persons == 6
    assert glance.percent_of_plan == 67
    assert glance.contacts_total == 4
    assert dict((str(k), v) for k, v in glance.contacts_by_form) == {
        "In person": 1,
        "Accompaniment": 0,
        "Phone": 2,
        "Electronic": 1,
        "Group session": 0,
    }
    activity = {row.staff: row for row in glance.staff_activity}
    assert (activity[mentor.staff].contacts, activity[mentor.staff].hours) == (2, 2.0)
    assert activity[social_worker.staff].contacts == 2
    assert "The month at a glance" in response.content.decode()


def test_another_providers_contacts_are_not_in_the_managers_month(client, manager, outsider, assigned_client, today):
    ContactFactory(staff=outsider.staff, date=today).clients.add(assigned_client)
    client.force_login(manager)
    assert client.get(reverse("home")).context["glance"].persons_served == 0


def test_the_coordinators_home_shows_no_client(client, coordinator, assigned_client):
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert str(assigned_client) not in response.content.decode()


def test_the_last_contact_is_the_later_of_the_named_and_the_family_contacts(
    provider, mentor, outsider, assigned_client, family, today
):
    def day(n):
        return today - datetime.timedelta(days=n)

    sara = family.members.get(first_name="Sara")
    ContactFactory(staff=mentor.staff, date=day(10)).clients.add(assigned_client)
    ContactFactory(staff=mentor.staff, date=day(1)).clients.add(sara)
    ContactFactory(staff=mentor.staff, date=day(3), family=family)
    # Another provider's contact counts too: the last contact is the person's, whoever saw them.
    alone = ClientFactory(provider=provider, first_name="Alone")
    ContactFactory(staff=outsider.staff, date=day(5)).clients.add(alone)
    ContactFactory(staff=mentor.staff, date=day(7)).clients.add(alone)
    # Only through a family, and another family's contact changes nothing.
    other_family = FamilyFactory(provider=provider)
    ClientFactory(provider=provider, family=other_family, first_name="OnlyFamily")
    ContactFactory(staff=mentor.staff, date=day(20), family=other_family)
    ContactFactory(staff=mentor.staff, date=day(0), family=FamilyFactory(provider=provider))
    ClientFactory(provider=provider, first_name="Never")

    rows = {c.first_name: c.last_contact for c in selectors.with_last_contact(Client.objects.all())}
    assert rows == {
        "Amina": day(3),  # the family's contact is later than her own
        "Sara": day(1),  # her own is later than the family's
        "Yusuf": day(3),
        "Alone": day(5),
        "OnlyFamily": day(20),
        "Never": None,
    }


def test_the_caseload_is_paged_the_longest_without_a_contact_first(client, social_worker, mentor, provider, today):
    people = []
    for n in range(30):
        person = ClientFactory(provider=provider, social_worker=social_worker.staff, first_name=f"P{n:02d}")
        if n % 3:  # every third has never had a contact
            ContactFactory(staff=mentor.staff, date=today - datetime.timedelta(days=n)).clients.add(person)
        people.append(person)
    ClientFactory(provider=provider, social_worker=social_worker.staff, service_end=today, first_name="Closed")
    client.force_login(social_worker)

    first = client.get(reverse("home"))
    rows = list(first.context["caseload"])
    assert len(rows) == 25
    never = [c.first_name for c in rows[:10]]
    assert all(c.last_contact is None for c in rows[:10]) and never == sorted(never)
    dates = [c.last_contact for c in rows[10:]]
    assert dates == sorted(dates) and dates[0] == today - datetime.timedelta(days=29)
    page = first.content.decode()
    assert "30 clients" in page
    assert f'href="{reverse("clients:list")}?mine=on&amp;case=active"' in page
    assert "Page 1 of 2" in page

    second = client.get(reverse("home"), {"page": 2})
    assert [c.first_name for c in second.context["caseload"]] == ["P07", "P05", "P04", "P02", "P01"]
    assert {c.pk for c in rows} | {c.pk for c in second.context["caseload"]} == {p.pk for p in people}
    # A page past the end shows the last one.
    assert len(client.get(reverse("home"), {"page": 99}).context["caseload"]) == 5


def test_the_caseloads_show_all_link_lists_the_same_clients(client, social_worker, provider, assigned_client, today):
    ClientFactory.create_batch(3, provider=provider, social_worker=social_worker.staff)
    ClientFactory(provider=provider, social_worker=social_worker.staff, service_end=today)
    ClientFactory(provider=provider)
    client.force_login(social_worker)
    home = client.get(reverse("home")).context["caseload"]
    listed = client.get(reverse("clients:list"), {"mine": "on", "case": "active"}).context["page"]
    assert {c.pk for c in home} == {c.pk for c in listed}
    assert home.paginator.count == listed.paginator.count == 4


def test_the_mentors_clients_are_paged_the_longest_without_a_contact_first(client, mentor, provider, today):
    for n in range(27):
        person = ClientFactory(provider=provider, mentor=mentor.staff)
        ContactFactory(staff=mentor.staff, date=today - datetime.timedelta(days=n)).clients.add(person)
    client.force_login(mentor)
    response = client.get(reverse("home"))
    rows = list(response.context["clients"])
    assert len(rows) == 25
    assert rows[0].last_contact == today - datetime.timedelta(days=26)
    assert [c.last_contact for c in rows] == sorted(c.last_contact for c in rows)
    assert "27 clients" in response.content.decode()
    assert len(client.get(reverse("home"), {"page": 2}).context["clients"]) == 2


def test_the_persons_served_this_month_are_the_reports_unique_persons(
    manager, mentor, social_worker, outsider, assigned_client, family, provider, today
):
    month_start = today.replace(day=1)
    ContactFactory(staff=mentor.staff, date=today, family=family)
    ContactFactory(staff=mentor.staff, date=month_start).clients.add(assigned_client)
    lone = ClientFactory(provider=provider)
    ContactFactory(staff=social_worker.staff, date=today).clients.add(lone, ClientFactory(provider=provider))
    # Another provider's contact and last month's are not this provider's month.
    ContactFactory(staff=outsider.staff, date=today).clients.add(ClientFactory(provider=provider))
    last_month = month_start - datetime.timedelta(days=1)
    ContactFactory(staff=mentor.staff, date=last_month).clients.add(ClientFactory(provider=provider))
    # A member of a family named this month who moved to another provider was served all the same.
    ClientFactory(provider=outsider.provider, family=family)

    glance = selectors.month_at_a_glance(provider_id=provider.pk, today=today)
    figures = figures_for(start=month_start, end=today, provider=provider)
    # The family's four, the lone client and the one named with them.
    assert glance.persons_served == figures.unique_persons == 6


def test_the_managers_month_lists_the_staff_who_work_now_and_counts_the_rest(
    client, manager, mentor, social_worker, assigned_client, plan, provider, today
):
    # Imported staff records stay active for ever; those without an account are listed only when
    # they did something this month or have a task open.
    logged, tasked = StaffFactory.create_batch(2, provider=provider)
    ContactFactory(staff=logged, date=today).clients.add(assigned_client)
    TaskFactory(goal=GoalFactory(plan=plan), responsible=tasked)
    StaffFactory.create_batch(3, provider=provider)
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    ContactFactory(staff=StaffFactory(provider=provider), date=last_month)
    StaffFactory(provider=provider, is_active=False)
    client.force_login(manager)
    response = client.get(reverse("home"))
    glance = response.context["glance"]
    assert {row.staff for row in glance.staff_activity} == {mentor.staff, social_worker.staff, logged, tasked}
    assert glance.staff_not_listed == 4
    assert "4 more staff members have no account" in response.content.decode()


# The contact gap (issue 17): the real number of days, "new" for a client just taken in.


def _row(response, first_name):
    return next(c for c in response.context["caseload"] if c.first_name == first_name)


def test_a_client_taken_in_minutes_ago_is_new_not_overdue(client, social_worker, provider):
    ClientFactory(provider=provider, social_worker=social_worker.staff, first_name="Fresh", service_start=None)
    # Typed in today for a service begun months ago: no contact could be logged here before today.
    ClientFactory(provider=provider, social_worker=social_worker.staff, first_name="Typed")
    client.force_login(social_worker)
    response = client.get(reverse("home"))
    for name in ("Fresh", "Typed"):
        row = _row(response, name)
        assert (row.last_contact, row.days_without_contact) == (None, 0)
        assert row.new_client and not row.no_recent_contact
    page = response.content.decode()
    assert page.count('data-testid="new-client"') == 2
    assert 'data-testid="no-recent-contact"' not in page
    assert "no contact for 30 days" not in page


def test_the_caseload_shows_the_real_gap_and_flags_only_a_gap_over_the_threshold(
    client, social_worker, mentor, provider, today
):
    def person(name, *, contact_days_ago=None, taken_in_days_ago=0):
        taken_in = today - datetime.timedelta(days=taken_in_days_ago)
        c = ClientFactory(provider=provider, social_worker=social_worker.staff, first_name=name, service_start=taken_in)
        Client.objects.filter(pk=c.pk).update(created_at=timezone.now() - datetime.timedelta(days=taken_in_days_ago))
        if contact_days_ago is not None:
            ContactFactory(staff=mentor.staff, date=today - datetime.timedelta(days=contact_days_ago)).clients.add(c)

    person("Recent", contact_days_ago=5, taken_in_days_ago=90)
    person("Limit", contact_days_ago=selectors.NO_CONTACT_DAYS, taken_in_days_ago=90)
    person("Late", contact_days_ago=45, taken_in_days_ago=90)
    person("Forgotten", taken_in_days_ago=40)
    person("Newish", taken_in_days_ago=12)
    client.force_login(social_worker)
    response = client.get(reverse("home"))
    gaps = {
        c.first_name: (c.days_without_contact, c.no_recent_contact, c.new_client) for c in response.context["caseload"]
    }
    assert gaps == {
        "Recent": (5, False, False),
        "Limit": (30, False, False),
        "Late": (45, True, False),
        "Forgotten": (40, True, False),  # never contacted, taken in 40 days ago: counted from the intake
        "Newish": (12, False, True),
    }
    page = response.content.decode()
    assert "no contact for 45 days" in page and "no contact for 40 days" in page
    assert "5 days ago" in page and "30 days ago" in page
    assert page.count('data-testid="no-recent-contact"') == 2
    assert page.count('data-testid="new-client"') == 1
    # Never contacted, the longest since their intake first; then the longest since a contact.
    assert [c.first_name for c in response.context["caseload"]] == ["Forgotten", "Newish", "Late", "Limit", "Recent"]


def test_the_gap_says_day_and_days_in_english_and_latvian_plurals(client, social_worker, mentor, provider, today):
    for days in (31, 32, 41, 111):
        c = ClientFactory(provider=provider, social_worker=social_worker.staff, first_name=f"P{days}")
        ContactFactory(staff=mentor.staff, date=today - datetime.timedelta(days=days)).clients.add(c)
    for days in (1, 2, 21):
        c = ClientFactory(provider=provider, social_worker=social_worker.staff, first_name=f"R{days}")
        ContactFactory(staff=mentor.staff, date=today - datetime.timedelta(days=days)).clients.add(c)
    client.force_login(social_worker)
    english = client.get(reverse("home")).content.decode()
    for text in ("no contact for 31 days", "no contact for 41 days", "1 day ago", "2 days ago", "21 days ago"):
        assert text in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lv"
    latvian = client.get(reverse("home")).content.decode()
    # Latvian: the singular after 1, 21, 31, 41 … (not 11, 111), the plural after the rest.
    for text in (
        "31 diena bez kontakta",
        "41 diena bez kontakta",
        "32 dienas bez kontakta",
        "111 dienas bez kontakta",
        "pirms 1 dienas",
        "pirms 21 dienas",
        "pirms 2 dienām",
    ):
        assert text in latvian, text
    assert "d. bez kontakta" not in latvian


def test_the_caseload_takes_the_same_queries_whatever_its_size(
    client, social_worker, mentor, provider, today, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            c = ClientFactory(provider=provider, social_worker=social_worker.staff)
            ContactFactory(staff=mentor.staff, date=today - datetime.timedelta(days=40)).clients.add(c)

    client.force_login(social_worker)
    add(2)
    client.get(reverse("home"))  # the session and the user's caches warm
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    add(20)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("home"))
    assert len(response.context["caseload"]) == 22
    assert len(large.captured_queries) == len(small.captured_queries)

"""Each role's home page: the caseload, the mentor's tasks and clients, the manager's month."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import ClientFactory, ContactFactory, ContractFactory, GoalFactory, PlanFactory, TaskFactory

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

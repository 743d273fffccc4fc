"""A staff member's caseload and open tasks, opened from the manager's month at a glance (issue 17)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.choices import StaffRole
from tests.factories import ClientFactory, ContactFactory, GoalFactory, PlanFactory, StaffFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _url(staff) -> str:
    return reverse("home:staff_caseload", args=[staff.pk])


def test_the_managers_staff_rows_open_each_persons_caseload(client, manager, mentor, social_worker):
    client.force_login(manager)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{_url(mentor.staff)}"' in page
    assert f'href="{_url(social_worker.staff)}"' in page


def test_the_page_lists_the_persons_active_clients_with_their_contact_gap(
    client, manager, mentor, social_worker, provider, assigned_client, unassigned_client, today
):
    ContactFactory(staff=social_worker.staff, date=today - datetime.timedelta(days=45)).clients.add(assigned_client)
    mentored = ClientFactory(provider=provider, mentor=mentor.staff, first_name="Mentored")
    ClientFactory(provider=provider, mentor=mentor.staff, first_name="Closed", service_end=today)
    client.force_login(manager)
    response = client.get(_url(mentor.staff))
    assert response.status_code == 200
    rows = {c.first_name: c for c in response.context["clients"]}
    assert set(rows) == {"Amina", "Mentored"}
    assert (rows["Amina"].days_without_contact, rows["Amina"].no_recent_contact) == (45, True)
    assert rows["Mentored"].new_client
    page = response.content.decode()
    assert "no contact for 45 days" in page
    assert f'href="{mentored.get_absolute_url()}"' in page
    assert str(unassigned_client) not in page
    # The social worker's caseload: the clients they are the social worker of.
    assert {c.first_name for c in client.get(_url(social_worker.staff)).context["clients"]} == {"Amina"}


def test_the_page_lists_the_persons_open_tasks_but_not_those_of_a_closed_plan(
    client, manager, mentor, social_worker, assigned_client, provider, today
):
    goal = GoalFactory(plan=PlanFactory(client=assigned_client))
    TaskFactory(goal=goal, title="Later", responsible=mentor.staff, due_date=today + datetime.timedelta(days=5))
    TaskFactory(goal=goal, title="Overdue", responsible=mentor.staff, due_date=today - datetime.timedelta(days=2))
    TaskFactory(goal=goal, title="Undated", responsible=mentor.staff, due_date=None)
    TaskFactory(goal=goal, title="Done", responsible=mentor.staff, status="done")
    TaskFactory(goal=goal, title="Someone else's", responsible=social_worker.staff)
    closed = GoalFactory(plan=PlanFactory(client=assigned_client, status="closed"))
    TaskFactory(goal=closed, title="Of a closed plan", responsible=mentor.staff)
    client.force_login(manager)
    response = client.get(_url(mentor.staff))
    assert [t.title for t in response.context["tasks"]] == ["Overdue", "Later", "Undated"]
    page = response.content.decode()
    assert "Of a closed plan" not in page
    assert f"{reverse('plans:plan_detail', args=[goal.plan_id])}#task-" in page
    # The month's count of the person's open tasks is the page's.
    glance = client.get(reverse("home")).context["glance"]
    assert {row.staff: row.open_tasks for row in glance.staff_activity}[mentor.staff] == 3


def test_the_lists_are_paged_in_a_fixed_number_of_queries(client, manager, mentor, provider, today):
    def add(n):
        for _ in range(n):
            person = ClientFactory(provider=provider, mentor=mentor.staff)
            ContactFactory(staff=mentor.staff, date=today - datetime.timedelta(days=3)).clients.add(person)
            TaskFactory(goal=GoalFactory(plan=PlanFactory(client=person)), responsible=mentor.staff)

    client.force_login(manager)
    add(2)
    client.get(_url(mentor.staff))
    with CaptureQueriesContext(connection) as small:
        client.get(_url(mentor.staff))
    add(30)
    with CaptureQueriesContext(connection) as large:
        response = client.get(_url(mentor.staff))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(response.context["clients"]) == len(response.context["tasks"]) == 25
    page = response.content.decode()
    assert "32 clients" in page and "32 tasks" in page
    second = client.get(_url(mentor.staff), {"page": 2, "tasks": 2})
    assert len(second.context["clients"]) == len(second.context["tasks"]) == 7


def test_another_providers_staff_member_does_not_exist_for_the_manager(client, manager, outsider):
    client.force_login(manager)
    assert client.get(_url(outsider.staff)).status_code == 404


@pytest.mark.parametrize("role", ["social_worker", "mentor", "coordinator", "outsider"])
def test_no_one_but_the_providers_manager_opens_the_page(client, request, role, mentor, social_worker):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url(mentor.staff)).status_code == 404
    assert client.get(_url(social_worker.staff)).status_code == 404


def test_signed_out_the_page_asks_for_sign_in_and_takes_only_get(client, manager, mentor):
    response = client.get(_url(mentor.staff))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(manager)
    assert client.post(_url(mentor.staff)).status_code == 405


def test_an_inactive_staff_member_without_clients_shows_empty_lists(client, manager, provider):
    gone = StaffFactory(provider=provider, role=StaffRole.MENTOR, is_active=False)
    client.force_login(manager)
    response = client.get(_url(gone))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No active clients are assigned to this staff member." in page
    assert "No open tasks." in page

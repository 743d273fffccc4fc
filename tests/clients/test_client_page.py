"""The client's one page (clients:detail): record, family, active plan and tasks, latest contacts, timeline."""

import datetime

import pytest
from django.urls import reverse

from clients.models import Client
from tests.factories import (
    ClientFactory,
    ContactFactory,
    FamilyFactory,
    GoalFactory,
    LegalStatusEntryFactory,
    PlanFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def family(assigned_client, provider):
    family = FamilyFactory(family_ref="FAM-1", name="Darwish", provider=provider)
    assigned_client.family = family
    assigned_client.save(update_fields=["family"])
    ClientFactory(provider=provider, family=family, first_name="Sara", last_name="Darwish")
    return family


@pytest.fixture
def active_task(assigned_client, mentor):
    plan = PlanFactory(client=assigned_client, status="active")
    goal = GoalFactory(plan=plan, area="housing", description="A flat in Rīga")
    return TaskFactory(goal=goal, title="Visit the housing office", responsible=mentor.staff)


def _page(client, user, person):
    client.force_login(user)
    return client.get(reverse("clients:detail", args=[person.pk]))


def test_the_page_shows_the_family_the_active_plans_tasks_and_the_latest_contacts(
    client, social_worker, assigned_client, family, active_task
):
    contact = ContactFactory(staff=social_worker.staff, note="Talked about the flat")
    contact.clients.add(assigned_client)
    html = _page(client, social_worker, assigned_client).content.decode()
    assert "Family: Darwish" in html
    assert reverse("clients:family_detail", args=[family.pk]) in html
    assert "A flat in Rīga" in html and "Visit the housing office" in html
    assert "Talked about the flat" in html
    assert reverse("plans:timeline", args=[assigned_client.pk]) in html


def test_a_task_links_to_its_edit_page_for_those_who_change_plans(client, social_worker, assigned_client, active_task):
    html = _page(client, social_worker, assigned_client).content.decode()
    assert f'href="{reverse("plans:task_edit", args=[active_task.pk])}"' in html


def test_a_task_links_to_the_task_on_the_plan_page_for_a_mentor(client, mentor, assigned_client, active_task):
    html = _page(client, mentor, assigned_client).content.decode()
    anchor = f"{reverse('plans:plan_detail', args=[active_task.goal.plan_id])}#task-{active_task.pk}"
    assert f'href="{anchor}"' in html
    assert reverse("plans:task_edit", args=[active_task.pk]) not in html
    # and the plan page has that anchor
    plan_page = client.get(reverse("plans:plan_detail", args=[active_task.goal.plan_id])).content.decode()
    assert f'id="task-{active_task.pk}"' in plan_page


def test_a_family_plan_is_the_clients_active_plan_too(client, social_worker, assigned_client, family):
    plan = PlanFactory(client=None, family=family, status="active")
    TaskFactory(goal=GoalFactory(plan=plan), title="Enrol Sara at school")
    response = _page(client, social_worker, assigned_client)
    assert response.context["plan"] == plan
    assert "Active family plan" in response.content.decode()


def test_a_draft_or_closed_plan_is_not_the_active_one(client, social_worker, assigned_client):
    draft = PlanFactory(client=assigned_client, status="draft")
    response = _page(client, social_worker, assigned_client)
    assert response.context["plan"] is None
    html = response.content.decode()
    assert "No active plan." in html
    assert reverse("plans:plan_detail", args=[draft.pk]) in html


def test_the_page_shows_the_ten_latest_contacts_newest_first(client, social_worker, assigned_client):
    for n in range(12):
        contact = ContactFactory(staff=social_worker.staff, date=datetime.date(2026, 1, 1) + datetime.timedelta(n))
        contact.clients.add(assigned_client)
    contacts = _page(client, social_worker, assigned_client).context["contacts"]
    assert [c.date.day for c in contacts] == list(range(12, 2, -1))


def test_the_page_shows_the_recent_timeline_and_the_full_one_is_paginated(client, social_worker, assigned_client):
    # The case opened before the statuses (its opening is the 61st entry, on page 2).
    Client.objects.filter(pk=assigned_client.pk).update(service_start=datetime.date(2024, 12, 1))
    for n in range(60):
        LegalStatusEntryFactory(client=assigned_client, since=datetime.date(2025, 1, 1) + datetime.timedelta(n))
    response = _page(client, social_worker, assigned_client)
    assert len(response.context["entries"]) == 10
    assert response.context["entries"][0].date == datetime.date(2025, 3, 1)
    timeline = client.get(reverse("plans:timeline", args=[assigned_client.pk]), {"page": 2})
    assert timeline.context["page"].number == 2
    assert len(timeline.context["entries"]) == 11
    assert timeline.context["entries"][-1].kind == "case_opened"


def test_a_mentor_may_log_a_contact_but_not_draft_a_plan_or_edit(client, mentor, assigned_client):
    html = _page(client, mentor, assigned_client).content.decode()
    assert reverse("plans:contact_create", args=[assigned_client.pk]) in html
    assert reverse("plans:plan_create", args=[assigned_client.pk]) not in html
    assert reverse("clients:edit", args=[assigned_client.pk]) not in html
    assert reverse("clients:handover", args=[assigned_client.pk]) not in html


def test_a_social_worker_may_draft_a_plan_and_edit_but_not_hand_over(client, social_worker, assigned_client):
    html = _page(client, social_worker, assigned_client).content.decode()
    assert reverse("plans:plan_create", args=[assigned_client.pk]) in html
    assert reverse("clients:edit", args=[assigned_client.pk]) in html
    assert reverse("clients:handover", args=[assigned_client.pk]) not in html


def test_a_manager_may_hand_over_but_logs_no_contact_without_a_staff_record(client, manager, assigned_client):
    html = _page(client, manager, assigned_client).content.decode()
    assert reverse("clients:handover", args=[assigned_client.pk]) in html
    assert reverse("plans:contact_create", args=[assigned_client.pk]) not in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("social_worker", 200), ("mentor", 200), ("manager", 200), ("coordinator", 404), ("outsider", 404)],
)
def test_who_sees_the_page(client, request, assigned_client, who, status):
    assert _page(client, request.getfixturevalue(who), assigned_client).status_code == status


def test_a_mentor_does_not_see_a_client_not_assigned_to_them(client, mentor, unassigned_client):
    assert _page(client, mentor, unassigned_client).status_code == 404


def test_the_page_is_read_only(client, social_worker, assigned_client):
    client.force_login(social_worker)
    assert client.post(reverse("clients:detail", args=[assigned_client.pk])).status_code == 405


def test_the_home_pages_and_the_plan_page_link_to_the_client_page(
    client, social_worker, mentor, assigned_client, active_task
):
    page_url = reverse("clients:detail", args=[assigned_client.pk])
    for user in (social_worker, mentor):
        client.force_login(user)
        html = client.get(reverse("home")).content.decode()
        assert f'href="{page_url}"' in html
        assert f'href="{reverse("plans:timeline", args=[assigned_client.pk])}"' not in html
    plan_page = client.get(reverse("plans:plan_detail", args=[active_task.goal.plan_id])).content.decode()
    assert f'href="{page_url}"' in plan_page


def test_the_client_lists_filters_are_folded_on_a_phone_unless_one_is_set(client, mentor, assigned_client):
    client.force_login(mentor)
    folded = client.get(reverse("clients:list")).content.decode()
    assert 'class="col-12 col-lg collapse d-md-block" id="client-filters"' in folded
    searched = client.get(reverse("clients:list"), {"q": "amina"}).content.decode()
    assert 'class="col-12 col-lg collapse d-md-block" id="client-filters"' in searched
    filtered = client.get(reverse("clients:list"), {"country": "AF"}).content.decode()
    assert 'class="col-12 col-lg collapse d-md-block show" id="client-filters"' in filtered

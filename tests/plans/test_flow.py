"""The day's work in the browser: a family visit, a plan with a task for the mentor, the mentor's progress."""

import datetime

import pytest
from django.urls import reverse

from plans.models import Contact, Plan, PlanEvent, Task, TaskNote

pytestmark = pytest.mark.django_db


def test_a_social_worker_logs_a_family_visit_drafts_a_plan_and_the_mentor_marks_progress(
    client, social_worker, mentor, assigned_client, family, today
):
    # The social worker logs a visit to the whole family.
    client.force_login(social_worker)
    form_page = client.get(reverse("plans:contact_create", args=[assigned_client.pk])).content.decode()
    assert f'value="{today:%Y-%m-%d}"' in form_page
    response = client.post(
        reverse("plans:contact_create", args=[assigned_client.pk]),
        {
            "date": today.isoformat(),
            "whole_family": "on",
            "form": "in_person",
            "duration_minutes": "90",
            "topics": ["housing", "documents"],
            "place": "Mucenieki",
            "note": "Talked about the flat",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[assigned_client.pk])
    contact = Contact.objects.get()
    assert contact.family == family
    assert contact.staff == social_worker.staff
    assert contact.provider == social_worker.provider
    assert contact.created_by == social_worker
    assert contact.contact_ref.startswith("W")
    assert sorted(contact.topics.values_list("topic", flat=True)) == ["documents", "housing"]
    assert "Talked about the flat" in client.get(response["Location"]).content.decode()

    # She drafts a plan for the whole family, with a housing goal and a task for the mentor.
    response = client.post(
        reverse("plans:plan_create_family", args=[family.pk]),
        {"start_date": today.isoformat(), "review_date": (today + datetime.timedelta(days=90)).isoformat()},
    )
    plan = Plan.objects.get()
    assert response["Location"] == reverse("plans:plan_detail", args=[plan.pk])
    assert (plan.family, plan.client, plan.status, plan.drafted_by) == (family, None, "draft", social_worker)
    client.post(reverse("plans:goal_add", args=[plan.pk]), {"area": "housing", "description": "A flat in Rīga"})
    goal = plan.goals.get()
    response = client.post(
        reverse("plans:task_add", args=[goal.pk]),
        {
            "title": "Visit the housing office",
            "responsible": mentor.staff.pk,
            "due_date": (today + datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.responsible == mentor.staff
    client.post(reverse("plans:plan_activate", args=[plan.pk]), {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == "active"

    # The mentor finds the task on their page and marks progress in place (as the page's script does).
    client.force_login(mentor)
    page = client.get(reverse("plans:my_tasks")).content.decode()
    assert "Visit the housing office" in page
    response = client.post(
        reverse("plans:task_update", args=[task.pk]),
        {"status": "in_progress", "version": task.version},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert response.json()["version"] == task.version + 1
    response = client.post(
        reverse("plans:task_note_add", args=[task.pk]),
        {"text": "Application handed in"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    assert "Application handed in" in response.json()["html"]

    # Without the script, the same forms post and come back to the page.
    my_tasks = reverse("plans:my_tasks")
    response = client.post(reverse("plans:task_note_add", args=[task.pk]), {"text": "Keys next week", "next": my_tasks})
    assert response["Location"] == my_tasks
    assert "Keys next week" in client.get(my_tasks).content.decode()

    task.refresh_from_db()
    assert task.status == "in_progress"
    assert task.updated_by == mentor
    assert list(TaskNote.objects.values_list("text", flat=True)) == ["Application handed in", "Keys next week"]
    kinds = set(PlanEvent.objects.values_list("kind", flat=True))
    assert kinds == {"created", "goal_added", "task_added", "activated", "task_changed"}

    # The social worker sees the mentor's progress on the family member's timeline.
    client.force_login(social_worker)
    timeline = client.get(reverse("plans:timeline", args=[assigned_client.pk])).content.decode()
    assert "Keys next week" in timeline
    assert "In progress" in timeline


def test_a_status_posted_without_the_script_comes_back_to_the_page_it_came_from(client, mentor, task):
    client.force_login(mentor)
    back = reverse("plans:plan_detail", args=[task.goal.plan_id])
    response = client.post(
        reverse("plans:task_update", args=[task.pk]), {"status": "done", "version": task.version, "next": back}
    )
    assert response["Location"] == back
    task.refresh_from_db()
    assert task.status == "done"


def test_a_next_address_of_another_site_is_ignored(client, mentor, task):
    client.force_login(mentor)
    response = client.post(
        reverse("plans:task_note_add", args=[task.pk]), {"text": "Done", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("plans:my_tasks")


def test_the_task_cards_script_is_served_from_the_site(client, mentor, task):
    client.force_login(mentor)
    page = client.get(reverse("plans:my_tasks")).content.decode()
    assert "/static/js/tasks.js" in page
    assert 'data-async="progress"' in page
    assert "csrfmiddlewaretoken" in page

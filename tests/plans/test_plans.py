"""Plans, goals and tasks: validation, status changes, and two people saving at once."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from plans.models import Plan, PlanEvent, Task, TaskNote
from plans.services import goal_add
from tests.factories import PlanFactory, StaffFactory, TaskNoteFactory

pytestmark = pytest.mark.django_db


def _errors(response, name):
    return [str(e) for e in response.context["form"].errors.get(name, [])]


def test_a_task_due_before_the_plan_starts_is_refused_beside_the_due_date(client, social_worker, mentor, goal):
    client.force_login(social_worker)
    before = goal.plan.start_date - datetime.timedelta(days=1)
    response = client.post(
        reverse("plans:task_add", args=[goal.pk]),
        {"title": "Too early", "responsible": mentor.staff.pk, "due_date": before.isoformat()},
    )
    start = goal.plan.start_date.strftime("%d/%m/%Y")
    assert _errors(response, "due_date") == [f"A task cannot be due before the plan starts ({start})."]
    assert not Task.objects.exists()


def test_moving_a_plans_start_after_a_tasks_due_date_is_refused(client, social_worker, task):
    client.force_login(social_worker)
    plan = task.goal.plan
    response = client.post(
        reverse("plans:plan_edit", args=[plan.pk]),
        {"start_date": (task.due_date + datetime.timedelta(days=1)).isoformat(), "version": plan.version},
    )
    assert _errors(response, "start_date")
    plan.refresh_from_db()
    assert plan.version == 1


def test_a_review_before_the_start_is_refused(client, social_worker, assigned_client):
    client.force_login(social_worker)
    response = client.post(
        reverse("plans:plan_create", args=[assigned_client.pk]),
        {"start_date": "2026-03-10", "review_date": "2026-03-01"},
    )
    assert _errors(response, "review_date") == ["The review cannot be before the plan starts."]


def test_another_providers_staff_cannot_be_made_responsible(client, social_worker, goal, outsider):
    client.force_login(social_worker)
    response = client.post(
        reverse("plans:task_add", args=[goal.pk]),
        {"title": "Elsewhere", "responsible": outsider.staff.pk, "due_date": ""},
    )
    assert "responsible" in response.context["form"].errors
    assert not Task.objects.exists()


def test_only_the_providers_active_staff_are_offered_as_responsible(client, social_worker, mentor, goal, outsider):
    gone = StaffFactory(provider=social_worker.provider, role="mentor", is_active=False, last_name="Aizgājis")
    client.force_login(social_worker)
    choices = client.get(reverse("plans:task_add", args=[goal.pk])).context["form"].fields["responsible"].queryset
    assert set(choices) == {social_worker.staff, mentor.staff}
    assert gone not in choices


def test_a_plan_is_activated_and_closed_and_each_change_is_recorded(client, social_worker, plan):
    client.force_login(social_worker)
    client.post(reverse("plans:plan_activate", args=[plan.pk]), {"version": 1})
    client.post(reverse("plans:plan_close", args=[plan.pk]), {"version": 2, "reason": "goals_achieved"})
    plan.refresh_from_db()
    assert (plan.status, plan.version) == ("closed", 3)
    assert list(plan.events.order_by("at", "id").values_list("kind", flat=True)) == ["activated", "closed"]


def test_a_closed_plan_takes_no_more_goals(client, social_worker, plan):
    plan.status = "closed"
    plan.save(update_fields=["status"])
    client.force_login(social_worker)
    response = client.post(reverse("plans:goal_add", args=[plan.pk]), {"area": "health", "description": "GP"})
    assert response.status_code == 302
    assert not plan.goals.exists()


def test_a_closed_plan_cannot_be_activated_again(client, social_worker, plan):
    plan.status = "closed"
    plan.save(update_fields=["status"])
    client.force_login(social_worker)
    response = client.post(reverse("plans:plan_activate", args=[plan.pk]), {"version": 1}, follow=True)
    assert "cannot change so" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "closed"


def test_a_plan_is_for_a_client_or_a_family_never_both_nor_neither(assigned_client, family):
    with transaction.atomic(), pytest.raises(IntegrityError):
        PlanFactory(client=assigned_client, family=family)
    with transaction.atomic(), pytest.raises(IntegrityError):
        PlanFactory(client=None, family=None)


def test_progress_notes_are_never_edited(task):
    note = TaskNoteFactory(task=task)
    note.text = "Rewritten"
    with pytest.raises(ValueError):
        note.save()
    assert TaskNote.objects.get().text == "Called the landlord"


def test_the_second_of_two_plan_editors_is_told_and_shown_the_first_ones_change(client, social_worker, manager, plan):
    url = reverse("plans:plan_edit", args=[plan.pk])
    start = plan.start_date.isoformat()
    # Both open the form at version 1; the manager saves first.
    client.force_login(manager)
    assert client.post(url, {"start_date": start, "summary": "Manager's summary", "version": 1}).status_code == 302
    client.force_login(social_worker)
    response = client.post(url, {"start_date": start, "summary": "Social worker's summary", "version": 1})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this meanwhile" in page
    assert "Manager&#x27;s summary" in page  # the other's change, shown
    assert "Social worker&#x27;s summary" in page  # their own input, kept in the form
    assert response.context["form"]["version"].value() == "2"
    plan.refresh_from_db()
    assert (plan.summary, plan.version) == ("Manager's summary", 2)
    # Having seen it, they save again on purpose.
    assert client.post(url, {"start_date": start, "summary": "Both", "version": 2}).status_code == 302
    plan.refresh_from_db()
    assert (plan.summary, plan.version) == ("Both", 3)
    assert plan.events.filter(kind="edited").count() == 2


def test_the_second_of_two_task_editors_is_told_and_shown_the_first_ones_change(
    client, social_worker, manager, mentor, task
):
    url = reverse("plans:task_edit", args=[task.pk])
    data = {"title": task.title, "responsible": mentor.staff.pk, "due_date": task.due_date.isoformat(), "version": 1}
    client.force_login(manager)
    assert client.post(url, {**data, "status": "done"}).status_code == 302
    client.force_login(social_worker)
    response = client.post(url, {**data, "status": "cancelled", "title": "Renamed"})
    assert response.status_code == 200
    assert response.context["conflict"].status == "done"
    assert 'data-testid="conflict"' in response.content.decode()
    task.refresh_from_db()
    assert (task.status, task.title, task.version) == ("done", "Visit the housing office", 2)


def test_a_stale_status_change_in_place_is_refused_with_the_current_status(client, social_worker, mentor, task):
    url = reverse("plans:task_update", args=[task.pk])
    client.force_login(social_worker)
    client.post(url, {"status": "done", "version": 1})
    client.force_login(mentor)
    response = client.post(url, {"status": "in_progress", "version": 1}, headers={"accept": "application/json"})
    assert response.status_code == 409
    body = response.json()
    assert (body["ok"], body["status"], body["version"]) == (False, "done", 2)
    assert "changed this task meanwhile" in body["error"]
    task.refresh_from_db()
    assert task.status == "done"


def test_a_stale_status_change_without_the_script_is_told_on_the_page(client, social_worker, mentor, task):
    url = reverse("plans:task_update", args=[task.pk])
    client.force_login(social_worker)
    client.post(url, {"status": "done", "version": 1})
    client.force_login(mentor)
    response = client.post(url, {"status": "in_progress", "version": 1}, follow=True)
    assert "changed this task meanwhile: it is now “Done”" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "done"


def test_a_task_change_records_what_changed(client, mentor, task):
    client.force_login(mentor)
    client.post(reverse("plans:task_update", args=[task.pk]), {"status": "done", "version": 1})
    event = PlanEvent.objects.get(kind="task_changed")
    assert event.changes == {"status": ["open", "done"]}
    assert event.described_changes() == [{"label": "status", "old": "Open", "new": "Done"}]
    assert event.actor == mentor


def test_an_empty_note_is_refused(client, mentor, task):
    client.force_login(mentor)
    response = client.post(
        reverse("plans:task_note_add", args=[task.pk]), {"text": "  "}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert not TaskNote.objects.exists()


def test_a_family_plan_is_seen_by_the_mentor_of_a_member(client, mentor, family, social_worker):
    plan = Plan.objects.create(family=family, start_date=datetime.date(2026, 3, 1), drafted_by=social_worker)
    client.force_login(mentor)
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200


def test_a_task_edit_records_the_old_and_new_values(client, social_worker, mentor, task):
    client.force_login(social_worker)
    url = reverse("plans:task_edit", args=[task.pk])
    data = {"title": "New title", "responsible": social_worker.staff.pk, "due_date": "", "status": "open", "version": 1}
    assert client.post(url, data).status_code == 302
    event = PlanEvent.objects.get(kind="task_changed")
    assert event.changes["title"] == ["Visit the housing office", "New title"]
    assert event.changes["responsible"] == [str(mentor.staff), str(social_worker.staff)]
    assert event.changes["due_date"] == [task.due_date.isoformat(), None]
    task.refresh_from_db()
    assert (task.responsible, task.due_date) == (social_worker.staff, None)


def test_a_goal_added_is_described_with_the_goals_own_labels(plan, social_worker):
    goal_add(plan=plan, actor=social_worker, area="language", description="A2")
    event = PlanEvent.objects.get(kind="goal_added")
    assert event.described_changes()[0]["new"] == "Language"
    assert "None" not in str(event.described_changes())

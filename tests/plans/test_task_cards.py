"""The mentor's task cards (issue 17): compact, opened in place, one "Save" for the status and the note; filters."""

import datetime

import pytest
from django.db import DataError
from django.urls import reverse

from plans import services
from plans.models import PlanEvent, TaskNote
from tests.factories import ClientFactory, GoalFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db

JSON = {"accept": "application/json"}


def test_the_status_and_the_note_typed_before_save_are_saved_by_one_post(client, mentor, task):
    client.force_login(mentor)
    response = client.post(
        reverse("plans:task_update", args=[task.pk]),
        {"status": "done", "version": 1, "note": "  Keys handed over  "},
        headers=JSON,
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["ok"], body["status"], body["version"]) == (True, "done", 2)
    assert "Keys handed over" in body["html"]
    task.refresh_from_db()
    assert (task.status, task.updated_by) == ("done", mentor)
    note = TaskNote.objects.get()
    assert (note.task, note.author, note.text) == (task, mentor, "Keys handed over")


def test_without_the_script_the_same_post_saves_both_and_goes_back(client, mentor, task):
    client.force_login(mentor)
    back = reverse("plans:my_tasks")
    response = client.post(
        reverse("plans:task_update", args=[task.pk]),
        {"status": "in_progress", "version": 1, "note": "Called the office", "next": back},
    )
    assert response["Location"] == back
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert TaskNote.objects.get().text == "Called the office"


def test_a_note_alone_is_saved_with_the_status_unchanged(client, mentor, task):
    client.force_login(mentor)
    url = reverse("plans:task_update", args=[task.pk])
    assert client.post(url, {"status": "open", "version": 1, "note": "Waiting for the landlord"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "open"
    assert TaskNote.objects.get().text == "Waiting for the landlord"
    assert not PlanEvent.objects.filter(kind="task_changed").exists()


def test_a_status_alone_writes_no_empty_note(client, mentor, task):
    client.force_login(mentor)
    client.post(reverse("plans:task_update", args=[task.pk]), {"status": "done", "version": 1, "note": "   "})
    task.refresh_from_db()
    assert task.status == "done"
    assert not TaskNote.objects.exists()


def test_a_stale_save_keeps_neither_the_status_nor_the_note(client, social_worker, mentor, task):
    services.task_update(task=task, actor=social_worker, version=1, status="cancelled")
    client.force_login(mentor)
    response = client.post(
        reverse("plans:task_update", args=[task.pk]), {"status": "done", "version": 1, "note": "Done!"}, headers=JSON
    )
    assert response.status_code == 409
    assert response.json()["status"] == "cancelled"
    assert not TaskNote.objects.exists()
    task.refresh_from_db()
    assert task.status == "cancelled"


def test_the_note_and_the_status_are_one_transaction(mentor, task):
    # PostgreSQL refuses a NUL in text: the note fails after the status was written, and both go.
    with pytest.raises((DataError, ValueError)):
        services.task_record_progress(task=task, actor=mentor, version=1, status="done", note="Lost\x00")
    task.refresh_from_db()
    assert (task.status, task.version) == ("open", 1)
    assert not PlanEvent.objects.filter(kind="task_changed").exists()


def test_the_card_shows_title_client_due_date_and_status_and_opens_in_place(client, mentor, task, assigned_client):
    client.force_login(mentor)
    page = client.get(reverse("home")).content.decode()
    card = page[page.index(f'id="task-{task.pk}"') : page.index("</details>")]
    summary = card[card.index("<summary") : card.index("</summary>")]
    for shown in (task.title, str(assigned_client), "overdue" if task.is_overdue else "due", "Open"):
        assert shown in summary
    body = card[card.index("</summary>") :]
    # One form: the note and the status, one "Save".
    assert body.count("<form") == 1
    assert 'name="note"' in body and 'name="status"' in body
    assert reverse("plans:plan_detail", args=[task.goal.plan_id]) + f"#task-{task.pk}" in body


# Filters on "my tasks" ---------------------------------------------------------------------------


@pytest.fixture
def spread(assigned_client, family, mentor, today):
    """Tasks of two of the mentor's clients, overdue, this week and later."""
    sara = family.members.get(first_name="Sara")
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    day = datetime.timedelta(days=1)
    amina_goal = GoalFactory(plan=PlanFactory(client=assigned_client, start_date=today - datetime.timedelta(days=60)))
    sara_goal = GoalFactory(plan=PlanFactory(client=sara, start_date=today - datetime.timedelta(days=60)))
    tasks = {
        "amina-overdue": TaskFactory(goal=amina_goal, responsible=mentor.staff, due_date=today - day),
        "amina-week": TaskFactory(goal=amina_goal, responsible=mentor.staff, due_date=week_end),
        "amina-later": TaskFactory(
            goal=amina_goal, responsible=mentor.staff, due_date=week_end + datetime.timedelta(1)
        ),
        "amina-undated": TaskFactory(goal=amina_goal, responsible=mentor.staff, due_date=None),
        "sara-week": TaskFactory(goal=sara_goal, responsible=mentor.staff, due_date=today),
    }
    return sara, tasks


def _listed(http, **query):
    return {t.pk for t in http.get(reverse("plans:my_tasks"), query).context["tasks"]}


def test_my_tasks_filter_by_client(client, mentor, assigned_client, spread):
    sara, tasks = spread
    client.force_login(mentor)
    assert _listed(client, client=sara.pk) == {tasks["sara-week"].pk}
    assert _listed(client, client=assigned_client.pk) == {t.pk for k, t in tasks.items() if k.startswith("amina")}
    choices = client.get(reverse("plans:my_tasks")).context["filter"].form.fields["client"].queryset
    assert set(choices) == {assigned_client, sara}


def test_my_tasks_filter_by_due_date(client, mentor, spread):
    _sara, tasks = spread
    client.force_login(mentor)
    assert _listed(client, due="overdue") == {tasks["amina-overdue"].pk}
    assert _listed(client, due="week") == {tasks["amina-week"].pk, tasks["sara-week"].pk}
    assert _listed(client, due="later") == {tasks["amina-later"].pk, tasks["amina-undated"].pk}
    assert len(_listed(client)) == 5


def test_the_client_filter_offers_no_one_the_user_may_not_see(client, mentor, provider, spread, unassigned_client):
    stranger = ClientFactory(provider=provider, first_name="Nobody")
    client.force_login(mentor)
    assert _listed(client, client=stranger.pk) == {t.pk for t in spread[1].values()}  # refused, not applied
    choices = client.get(reverse("plans:my_tasks")).context["filter"].form.fields["client"].queryset
    assert stranger not in choices and unassigned_client not in choices

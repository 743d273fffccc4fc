"""Every view of plans, for every role, an outsider, an anonymous visitor and the wrong method."""

import pytest
from django.urls import reverse

from tests.factories import GoalFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db

ROLES = ["social_worker", "mentor", "manager", "coordinator", "outsider"]

# url name, the fixture giving the URL argument, the method, the status for each role.
# Managers have no staff record, so they cannot log contacts; mentors read plans but only work on tasks.
VIEWS = [
    ("timeline", "assigned_client", "get", {"social_worker": 200, "mentor": 200, "manager": 200}),
    ("contact_create", "assigned_client", "get", {"social_worker": 200, "mentor": 200, "manager": 403}),
    ("contact_create_family", "family", "get", {"social_worker": 200, "mentor": 200, "manager": 403}),
    ("plan_create", "assigned_client", "get", {"social_worker": 200, "mentor": 403, "manager": 200}),
    ("plan_create_family", "family", "get", {"social_worker": 200, "mentor": 403, "manager": 200}),
    ("plan_detail", "plan", "get", {"social_worker": 200, "mentor": 200, "manager": 200}),
    ("plan_edit", "plan", "get", {"social_worker": 200, "mentor": 403, "manager": 200}),
    ("plan_activate", "plan", "post", {"social_worker": 302, "mentor": 403, "manager": 302}),
    ("plan_close", "plan", "get", {"social_worker": 200, "mentor": 403, "manager": 200}),
    ("goal_add", "plan", "get", {"social_worker": 200, "mentor": 403, "manager": 200}),
    ("task_add", "goal", "get", {"social_worker": 200, "mentor": 403, "manager": 200}),
    ("task_edit", "task", "get", {"social_worker": 200, "mentor": 403, "manager": 200}),
    ("task_update", "task", "post", {"social_worker": 302, "mentor": 302, "manager": 302}),
    ("task_note_add", "task", "post", {"social_worker": 302, "mentor": 302, "manager": 302}),
    # Everyone who works with clients has a "my tasks" page (the outsider's own, empty); coordinators do not.
    ("my_tasks", None, "get", {"social_worker": 200, "mentor": 200, "manager": 200, "outsider": 200}),
]
WRONG_METHOD = {"get": "put", "post": "get"}


def _url(request, name, fixture):
    if fixture is None:
        return reverse(f"plans:{name}")
    return reverse(f"plans:{name}", args=[request.getfixturevalue(fixture).pk])


def _data(request, name):
    if name == "task_update":
        return {"status": "in_progress", "version": request.getfixturevalue("task").version}
    if name == "task_note_add":
        return {"text": "Went together"}
    if name in ("plan_activate", "plan_close"):
        return {"version": request.getfixturevalue("plan").version}
    return {}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "fixture", "method", "expected"), VIEWS, ids=[v[0] for v in VIEWS])
def test_each_role_gets_what_it_may(client, request, role, name, fixture, method, expected, task, family):
    client.force_login(request.getfixturevalue(role))
    url = _url(request, name, fixture)
    response = getattr(client, method)(url, _data(request, name))
    # Coordinators see no client at all and an outsider is another provider's: both get 404.
    assert response.status_code == expected.get(role, 404)


@pytest.mark.parametrize(("name", "fixture", "method", "expected"), VIEWS, ids=[v[0] for v in VIEWS])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, request, name, fixture, method, expected, task, family):
    response = getattr(client, method)(_url(request, name, fixture))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "fixture", "method", "expected"), VIEWS, ids=[v[0] for v in VIEWS])
def test_the_wrong_http_method_is_refused(
    client, request, social_worker, name, fixture, method, expected, task, family
):
    client.force_login(social_worker)
    response = getattr(client, WRONG_METHOD[method])(_url(request, name, fixture))
    assert response.status_code == 405


@pytest.mark.parametrize("name", ["timeline", "contact_create", "plan_create"])
def test_another_providers_client_is_not_found(client, social_worker, foreign_client, name):
    client.force_login(social_worker)
    assert client.get(reverse(f"plans:{name}", args=[foreign_client.pk])).status_code == 404


@pytest.mark.parametrize("name", ["timeline", "contact_create"])
def test_a_mentor_does_not_see_an_unassigned_client(client, mentor, unassigned_client, name):
    client.force_login(mentor)
    assert client.get(reverse(f"plans:{name}", args=[unassigned_client.pk])).status_code == 404


def test_a_mentor_cannot_update_a_task_of_a_client_not_theirs(client, mentor, unassigned_client, social_worker):
    other = TaskFactory(goal=GoalFactory(plan=PlanFactory(client=unassigned_client)), responsible=social_worker.staff)
    client.force_login(mentor)
    url = reverse("plans:task_update", args=[other.pk])
    assert client.post(url, {"status": "done", "version": 1}).status_code == 404
    other.refresh_from_db()
    assert other.status == "open"


def test_a_mentor_works_on_a_task_they_are_responsible_for_of_an_unassigned_client(
    client, mentor, unassigned_client, social_worker
):
    theirs = TaskFactory(goal=GoalFactory(plan=PlanFactory(client=unassigned_client)), responsible=mentor.staff)
    client.force_login(mentor)
    response = client.post(reverse("plans:task_update", args=[theirs.pk]), {"status": "done", "version": 1})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == "done"
    assert client.get(reverse("plans:my_tasks")).content.decode().count(theirs.title) == 1


def test_an_outsiders_tasks_page_shows_nothing_of_another_provider(client, outsider, task):
    client.force_login(outsider)
    assert task.title not in client.get(reverse("plans:my_tasks")).content.decode()


def test_a_mentor_cannot_add_a_task_even_for_their_own_provider(client, mentor, goal, outsider):
    client.force_login(mentor)
    url = reverse("plans:task_add", args=[goal.pk])
    assert client.post(url, {"title": "Mine", "responsible": outsider.staff.pk}).status_code == 403
    assert client.post(url, {"title": "Mine", "responsible": mentor.staff.pk}).status_code == 403
    assert not goal.tasks.exists()


def test_only_plan_editors_are_offered_to_draft_a_plan_on_the_timeline(client, social_worker, mentor, assigned_client):
    url = reverse("plans:timeline", args=[assigned_client.pk])
    client.force_login(social_worker)
    assert "Draft a plan" in client.get(url).content.decode()
    client.force_login(mentor)
    page = client.get(url).content.decode()
    assert "Draft a plan" not in page
    assert "Log a contact" in page

"""One-time form tokens: every create form sent twice with its token creates one row and goes where the first went."""

import datetime
import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.formtokens import FIELD
from accounts.models import FormSubmission
from accounts.tasks import short_lived_rows_clear_task
from clients.models import Client, Family, LegalStatusEntry, ResidenceEntry
from plans.models import Contact, Goal, Plan, Task, TaskNote
from tests.conftest import SignedInClient
from tests.factories import FamilyFactory, GoalFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today().isoformat()


@pytest.fixture
def family(assigned_client):
    family = FamilyFactory(family_ref="FAM-9", name="Ahmadi", provider=assigned_client.provider)
    assigned_client.family = family
    assigned_client.save(update_fields=["family"])
    return family


@pytest.fixture
def plan(assigned_client, social_worker):
    return PlanFactory(client=assigned_client, drafted_by=social_worker, start_date=timezone.localdate())


@pytest.fixture
def goal(plan):
    return GoalFactory(plan=plan)


@pytest.fixture
def task(goal, mentor):
    return TaskFactory(goal=goal, responsible=mentor.staff)


def _intake():
    return {
        "client_ref": "LSK-0777",
        "first_name": "Muhammad",
        "last_name": "Haddad",
        "gender": "M",
        "birth_date": "1988-04-02",
        "country": "SY",
        "arrival_route": "relocation",
        "service_start": TODAY,
        "legal_status": "asylum_seeker",
        "in_reception_centre": "on",
    }


def _contact(members):
    return {"date": TODAY, "members": members, "form": "phone", "duration_minutes": "15", "note": "Talked"}


# name: (url, POST data, the rows it creates), each from the test's fixtures.
CASES = {
    "clients:create": lambda f: (reverse("clients:create"), _intake(), Client.objects.filter(last_name="Haddad")),
    "clients:family_create": lambda f: (
        reverse("clients:family_create"),
        {"name": "Haddad", "members": [f["unassigned_client"].pk]},
        Family.objects.filter(name="Haddad"),
    ),
    "clients:family_add_member": lambda f: (
        reverse("clients:family_add_member", args=[f["family"].pk]),
        {"client": f["unassigned_client"].pk},
        Client.objects.filter(family=f["family"], pk=f["unassigned_client"].pk),
    ),
    "clients:status_change": lambda f: (
        reverse("clients:status_change", args=[f["assigned_client"].pk]),
        {"legal_status": "refugee", "since": TODAY},
        LegalStatusEntry.objects.filter(client=f["assigned_client"], legal_status="refugee"),
    ),
    "clients:residence_change": lambda f: (
        reverse("clients:residence_change", args=[f["assigned_client"].pk]),
        {"municipality": "Valmiera", "since": TODAY},
        ResidenceEntry.objects.filter(client=f["assigned_client"], since=TODAY),
    ),
    "plans:contact_create": lambda f: (
        reverse("plans:contact_create", args=[f["assigned_client"].pk]),
        _contact([f["assigned_client"].pk]),
        Contact.objects.all(),
    ),
    "plans:contact_create_family": lambda f: (
        reverse("plans:contact_create_family", args=[f["family"].pk]),
        {**_contact([f["assigned_client"].pk]), "whole_family": "on"},
        Contact.objects.all(),
    ),
    "plans:plan_create": lambda f: (
        reverse("plans:plan_create", args=[f["unassigned_client"].pk]),
        {"start_date": TODAY},
        Plan.objects.filter(client=f["unassigned_client"]),
    ),
    "plans:plan_create_family": lambda f: (
        reverse("plans:plan_create_family", args=[f["family"].pk]),
        {"start_date": TODAY},
        Plan.objects.filter(family=f["family"]),
    ),
    "plans:goal_add": lambda f: (
        reverse("plans:goal_add", args=[f["plan"].pk]),
        {"area": "housing", "description": "A flat"},
        Goal.objects.filter(description="A flat"),
    ),
    "plans:task_add": lambda f: (
        reverse("plans:task_add", args=[f["goal"].pk]),
        {"title": "Visit the office", "responsible": f["mentor"].staff.pk, "due_date": TODAY},
        Task.objects.filter(title="Visit the office"),
    ),
    "plans:task_note_add": lambda f: (
        reverse("plans:task_note_add", args=[f["task"].pk]),
        {"text": "Keys next week"},
        TaskNote.objects.filter(text="Keys next week"),
    ),
}
FIXTURES = ("assigned_client", "unassigned_client", "family", "plan", "goal", "task", "mentor")


def _case(request, name):
    return CASES[name]({fixture: request.getfixturevalue(fixture) for fixture in FIXTURES})


def _token_of(page: str) -> str:
    return re.search(rf'name="{FIELD}" value="([0-9a-f]{{32}})"', page).group(1)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_create_form_sent_twice_creates_one_row_and_the_second_goes_where_the_first_went(
    client, request, social_worker, name
):
    client.cookies["django_language"] = "en"
    client.force_login(social_worker)
    url, data, rows = _case(request, name)
    data[FIELD] = "a" * 32
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post(url, data)
    assert rows.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert any("already sent" in str(m) for m in get_messages(second.wsgi_request))


@pytest.mark.parametrize(
    "name",
    [
        "clients:create",
        "clients:family_create",
        "clients:family_add_member",
        "plans:contact_create",
        "plans:contact_create_family",
        "plans:plan_create",
        "plans:plan_create_family",
        "plans:goal_add",
        "plans:task_add",
    ],
)
def test_each_create_form_carries_a_new_token_at_every_render(client, request, social_worker, name):
    client.force_login(social_worker)
    url, _data, _rows = _case(request, name)
    first, second = (_token_of(client.get(url).content.decode()) for _ in range(2))
    assert first != second


def test_a_refused_form_does_not_spend_its_token(client, social_worker, assigned_client):
    client.force_login(social_worker)
    url = reverse("plans:contact_create", args=[assigned_client.pk])
    data = {**_contact([assigned_client.pk]), FIELD: "b" * 32}
    refused = client.post(url, {**data, "form": ""})
    assert refused.status_code == 200
    assert not FormSubmission.objects.exists()
    assert client.post(url, data).status_code == 302
    assert Contact.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_the_same_moment_create_one_row(social_worker, assigned_client):
    url = reverse("plans:contact_create", args=[assigned_client.pk])
    data = {**_contact([assigned_client.pk]), FIELD: "9" * 32}
    browsers = [SignedInClient(), SignedInClient()]
    for browser in browsers:
        browser.force_login(social_worker)
    start = threading.Barrier(2)
    statuses = []

    def send(browser):
        start.wait()
        try:
            statuses.append(browser.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert Contact.objects.count() == 1


def test_two_forms_with_their_own_tokens_create_two_rows(client, social_worker, assigned_client):
    client.force_login(social_worker)
    url = reverse("plans:contact_create", args=[assigned_client.pk])
    client.post(url, {**_contact([assigned_client.pk]), FIELD: "c" * 32})
    client.post(url, {**_contact([assigned_client.pk]), FIELD: "d" * 32})
    assert Contact.objects.count() == 2


def test_another_users_spent_token_is_not_theirs(client, social_worker, mentor, assigned_client):
    client.force_login(social_worker)
    url = reverse("plans:contact_create", args=[assigned_client.pk])
    data = {**_contact([assigned_client.pk]), FIELD: "e" * 32}
    client.post(url, data)
    client.force_login(mentor)
    response = client.post(url, data)
    # The mentor is not sent to the social worker's result: the form is theirs to send.
    assert response.status_code in (200, 302)
    assert FormSubmission.objects.get().user == social_worker


def test_a_form_without_a_token_works_as_before(client, social_worker, assigned_client):
    client.force_login(social_worker)
    url = reverse("plans:contact_create", args=[assigned_client.pk])
    client.post(url, _contact([assigned_client.pk]))
    client.post(url, _contact([assigned_client.pk]))
    assert Contact.objects.count() == 2
    assert not FormSubmission.objects.exists()


def test_tokens_older_than_a_day_are_cleared_by_the_hourly_task(social_worker):
    old = FormSubmission.objects.create(token="f" * 32, user=social_worker, redirect_to="/")
    FormSubmission.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    FormSubmission.objects.create(token="1" * 32, user=social_worker, redirect_to="/")
    short_lived_rows_clear_task()
    assert list(FormSubmission.objects.values_list("token", flat=True)) == ["1" * 32]


def test_the_other_providers_client_stays_out_of_reach_with_a_token(client, social_worker, foreign_client):
    client.force_login(social_worker)
    url = reverse("plans:contact_create", args=[foreign_client.pk])
    response = client.post(url, {**_contact([foreign_client.pk]), FIELD: "2" * 32})
    assert response.status_code == 404
    assert not FormSubmission.objects.exists()
    assert not Contact.objects.exists()

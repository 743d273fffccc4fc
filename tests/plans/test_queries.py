"""The number of queries of each list and home page does not grow with its rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import CaseEpisode, ProviderHandover
from plans.selectors import timeline_for
from tests.factories import (
    ClientFactory,
    ContactFactory,
    ContractFactory,
    GoalFactory,
    LegalStatusEntryFactory,
    PlanFactory,
    ResidenceEntryFactory,
    StaffFactory,
    TaskFactory,
    TaskNoteFactory,
)

pytestmark = pytest.mark.django_db


def _entry(entry):
    return entry.kind, entry.date, entry.at, getattr(entry.obj, "pk", None)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def _client_with_work(provider, mentor, social_worker, today, n):
    """A client assigned to both, with a contact, a plan and a task with a note for the mentor."""
    person = ClientFactory(provider=provider, mentor=mentor.staff, social_worker=social_worker.staff)
    contact = ContactFactory(staff=mentor.staff, date=today, duration_minutes=30)
    contact.clients.add(person)
    contact.topics.create(topic="health")
    task = TaskFactory(
        goal=GoalFactory(plan=PlanFactory(client=person, start_date=today - datetime.timedelta(days=30))),
        responsible=mentor.staff if n % 2 else social_worker.staff,
        due_date=today + datetime.timedelta(days=2 - n),
    )
    TaskNoteFactory(task=task)
    return person


def _grow(build, count_then, small=3, large=20):
    for n in range(small):
        build(n)
    before, _ = count_then()
    for n in range(small, large):
        build(n)
    after, response = count_then()
    return before, after, response


def test_my_tasks_takes_the_same_queries_for_3_and_20_tasks(client, provider, mentor, social_worker, today):
    client.force_login(mentor)
    before, after, response = _grow(
        lambda n: _client_with_work(provider, mentor, social_worker, today, n),
        lambda: _queries(client, reverse("plans:my_tasks")),
    )
    assert before == after
    assert len(response.context["tasks"]) == 20


def test_my_tasks_shows_overdue_tasks_first(client, provider, mentor, social_worker, today):
    for n in range(4):
        _client_with_work(provider, mentor, social_worker, today, n)
    client.force_login(mentor)
    due = [t.due_date for t in client.get(reverse("plans:my_tasks")).context["tasks"]]
    assert due == sorted(due)
    assert due[0] < today
    assert 'class="card task-card overdue' in client.get(reverse("plans:my_tasks")).content.decode()


@pytest.mark.parametrize("page", ["plans:timeline", "clients:detail"])
def test_the_timeline_and_the_client_page_take_the_same_queries_for_3_and_20_rows_of_each_kind(
    client, social_worker, mentor, assigned_client, family, outsider, today, page
):
    plan = PlanFactory(client=assigned_client, status="active")
    task = TaskFactory(goal=GoalFactory(plan=plan), responsible=mentor.staff)

    def build(n):
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
        named = ContactFactory(staff=mentor.staff, date=day)
        named.clients.add(assigned_client)
        named.topics.create(topic="housing")
        ContactFactory(staff=social_worker.staff, date=day, family=family)
        TaskNoteFactory(task=task, text=f"note {n}")
        plan.events.create(kind="edited", actor=social_worker, changes={"summary": ["", f"s{n}"]})
        review = plan.reviews.create(
            date=day, reviewed_by=social_worker, note=f"review {n}", next_review_date=day + datetime.timedelta(days=30)
        )
        review.goal_reviews.create(goal=task.goal, status="partly_achieved", note=f"goal note {n}")
        LegalStatusEntryFactory(client=assigned_client, since=day)
        ResidenceEntryFactory(client=assigned_client, since=day, residence="Rīga")
        ProviderHandover.objects.create(
            client=assigned_client, from_provider=outsider.provider, to_provider=social_worker.provider, date=day
        )
        # An earlier episode of the case (opened and closed on the timeline), before the current one began.
        earlier = datetime.date(2025, 1, 1) + datetime.timedelta(days=n)
        CaseEpisode.objects.create(
            client=assigned_client,
            provider=assigned_client.provider,
            service_start=earlier,
            service_end=earlier,
            closure_reason="other",
        )

    def build_more(n):
        build(n)
        # Another goal and task a row, each on the client page's active plan.
        TaskFactory(goal=GoalFactory(plan=plan), responsible=social_worker.staff)

    client.force_login(social_worker)
    before, after, response = _grow(build_more, lambda: _queries(client, reverse(page, args=[assigned_client.pk])))
    assert before == after
    entries = response.context["entries"]
    if page == "plans:timeline":
        # The full timeline, a page at a time.
        # Eight kinds a row, an earlier episode's opening and closing, and the current episode's opening.
        assert response.context["page"].paginator.count == 20 * 10 + 1
        assert len(entries) == 50
    else:
        # The client page: the latest entries and contacts, every goal and task of the active plan.
        assert len(entries) == 10
        assert len(response.context["contacts"]) == 10
        assert sum(len(g.tasks.all()) for g in response.context["plan"].goals.all()) == 21
        # The page reads the histories, consents, documents and episodes once for their sections and its recent
        # timeline: the same entries as the timeline reads them itself.
        read_itself = timeline_for(client=assigned_client, user=social_worker, limit=10, with_contacts=False)
        assert [_entry(e) for e in entries] == [_entry(e) for e in read_itself]
    assert [e.date for e in entries] == sorted((e.date for e in entries), reverse=True)


def test_the_social_workers_home_takes_the_same_queries_for_3_and_20_clients(
    client, provider, mentor, social_worker, today
):
    client.force_login(social_worker)
    before, after, response = _grow(
        lambda n: _client_with_work(provider, mentor, social_worker, today, n),
        lambda: _queries(client, reverse("home")),
    )
    assert before == after
    assert len(response.context["caseload"]) == 20


def test_the_mentors_home_takes_the_same_queries_for_3_and_20_clients(client, provider, mentor, social_worker, today):
    client.force_login(mentor)
    before, after, response = _grow(
        lambda n: _client_with_work(provider, mentor, social_worker, today, n),
        lambda: _queries(client, reverse("home")),
    )
    assert before == after
    assert len(response.context["clients"]) == 20


@pytest.mark.parametrize("role", ["social_worker", "mentor"])
def test_a_home_page_of_more_clients_than_a_page_takes_the_same_queries(
    client, request, provider, mentor, social_worker, today, role
):
    """Caseloads never end in imported data: the home pages show one page of them."""
    client.force_login(request.getfixturevalue(role))
    before, after, response = _grow(
        lambda n: _client_with_work(provider, mentor, social_worker, today, n),
        lambda: _queries(client, reverse("home")),
        large=40,
    )
    assert before == after
    rows = response.context["caseload" if role == "social_worker" else "clients"]
    assert (len(rows), rows.paginator.count) == (25, 40)


def test_the_managers_home_takes_the_same_queries_for_3_and_20_staff_and_clients(
    client, provider, manager, mentor, social_worker, today
):
    ContractFactory(provider=provider, start=today.replace(day=1), end=today + datetime.timedelta(days=400))

    def build(n):
        staff = StaffFactory(provider=provider, role="mentor")
        contact = ContactFactory(staff=staff, date=today, form="phone" if n % 2 else "in_person")
        contact.clients.add(ClientFactory(provider=provider, mentor=staff))

    client.force_login(manager)
    before, after, response = _grow(build, lambda: _queries(client, reverse("home")))
    assert before == after
    assert response.context["glance"].persons_served == 20


def test_a_plans_page_takes_the_same_queries_for_3_and_20_goals_with_tasks(client, social_worker, mentor, plan):
    def build(n):
        task = TaskFactory(goal=GoalFactory(plan=plan), responsible=mentor.staff, due_date=plan.start_date)
        TaskNoteFactory(task=task)
        plan.events.create(kind="task_added", task=task, actor=social_worker, changes={"title": [None, task.title]})
        # A review a row, with its goal's note (issue 19).
        review = plan.reviews.create(
            date=plan.start_date, reviewed_by=social_worker, next_review_date=plan.start_date + datetime.timedelta(30)
        )
        review.goal_reviews.create(goal=task.goal, status="open", note=f"note {n}")

    client.force_login(social_worker)
    before, after, response = _grow(build, lambda: _queries(client, reverse("plans:plan_detail", args=[plan.pk])))
    assert before == after
    assert response.content.decode().count('data-async="progress"') == 20
    assert response.content.decode().count('data-testid="plan-review"') == 20


def test_the_client_page_of_a_client_without_a_plan_looks_for_no_plan_rows(
    client, social_worker, mentor, assigned_client, today
):
    named = ContactFactory(staff=mentor.staff, date=today)
    named.clients.add(assigned_client)
    LegalStatusEntryFactory(client=assigned_client, since=today)
    client.force_login(social_worker)
    url = reverse("clients:detail", args=[assigned_client.pk])
    with CaptureQueriesContext(connection) as without_plan:
        response = client.get(url)
    # Its plans were read (none): neither the active plan nor the plans' events, notes and reviews are looked for.
    plan_tables = ('"plans_planevent"', '"plans_tasknote"', '"plans_planreview"', '"plans_plan"."status" = ')
    assert not [q["sql"] for q in without_plan.captured_queries if any(t in q["sql"] for t in plan_tables)]
    assert response.context["plan"] is None
    read_itself = timeline_for(client=assigned_client, user=social_worker, limit=10, with_contacts=False)
    assert [_entry(e) for e in response.context["entries"]] == [_entry(e) for e in read_itself]

    # With a plan, they are, and its entries are on the page as the timeline reads them.
    plan = PlanFactory(client=assigned_client, status="active")
    plan.events.create(kind="edited", actor=social_worker, changes={"summary": ["", "s"]})
    TaskNoteFactory(task=TaskFactory(goal=GoalFactory(plan=plan), responsible=mentor.staff))
    with CaptureQueriesContext(connection) as with_plan:
        response = client.get(url)
    assert response.context["plan"] == plan
    assert {"plan_event", "task_note"} <= {e.kind for e in response.context["entries"]}
    read_itself = timeline_for(client=assigned_client, user=social_worker, limit=10, with_contacts=False)
    assert [_entry(e) for e in response.context["entries"]] == [_entry(e) for e in read_itself]
    assert len(with_plan.captured_queries) > len(without_plan.captured_queries)


def test_the_timeline_of_a_client_without_a_plan_looks_for_no_plan_rows(client, social_worker, mentor, assigned_client):
    named = ContactFactory(staff=mentor.staff, date=datetime.date(2026, 1, 5))
    named.clients.add(assigned_client)
    LegalStatusEntryFactory(client=assigned_client, since=datetime.date(2026, 1, 2))
    client.force_login(social_worker)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("plans:timeline", args=[assigned_client.pk]))
    plan_tables = ('"plans_planevent"', '"plans_tasknote"', '"plans_planreview"')
    assert not [q["sql"] for q in ctx.captured_queries if any(t in q["sql"] for t in plan_tables)]
    read_itself = timeline_for(client=assigned_client, user=social_worker)
    assert [_entry(e) for e in response.context["entries"]] == [_entry(e) for e in read_itself][:50]
    assert {"contact", "legal_status"} <= {e.kind for e in response.context["entries"]}

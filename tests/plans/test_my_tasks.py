"""Whose tasks are "my tasks" (and the social worker's week): the user's own, their clients', their clients'
families', never another's or another provider's, never a finished one; the soonest due first."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans import selectors
from plans.choices import TaskStatus
from tests.factories import ClientFactory, FamilyFactory, GoalFactory, PlanFactory, StaffFactory, TaskFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _task(client=None, family=None, *, responsible, due, **kwargs):
    plan = PlanFactory(client=client, family=family, provider=(client or family).provider)
    return TaskFactory(goal=GoalFactory(plan=plan), responsible=responsible, due_date=due, **kwargs)


@pytest.fixture
def other_staff(provider):
    return StaffFactory(provider=provider)


def test_my_tasks_are_my_clients_my_families_and_my_own(
    social_worker, mentor, assigned_client, unassigned_client, foreign_client, outsider, other_staff, today
):
    # The assigned client's own plan, whoever is responsible.
    of_my_client = _task(assigned_client, responsible=other_staff, due=today + 3 * DAY)
    # A family plan: a member is assigned to both of them.
    family = FamilyFactory(provider=assigned_client.provider)
    ClientFactory(
        provider=assigned_client.provider, family=family, mentor=mentor.staff, social_worker=social_worker.staff
    )
    of_my_family = _task(family=family, responsible=other_staff, due=today)
    # Someone else's client: only the one the mentor is responsible for is theirs.
    theirs_elsewhere = _task(unassigned_client, responsible=mentor.staff, due=today - 2 * DAY)
    _task(unassigned_client, responsible=other_staff, due=today)
    # A family of nobody's, another provider's task, a finished task of my client.
    _task(family=FamilyFactory(provider=assigned_client.provider), responsible=other_staff, due=today)
    foreign = _task(foreign_client, responsible=outsider.staff, due=today)
    _task(assigned_client, responsible=mentor.staff, due=today, status=TaskStatus.DONE)

    assert [t.pk for t in selectors.my_tasks(user=mentor)] == [theirs_elsewhere.pk, of_my_family.pk, of_my_client.pk]
    assert [t.pk for t in selectors.my_tasks(user=social_worker)] == [of_my_family.pk, of_my_client.pk]
    assert [t.pk for t in selectors.tasks_due_this_week(user=social_worker)] == [
        t.pk for t in (of_my_family, of_my_client) if t.due_date <= selectors.week_end(today)
    ]
    assert [t.pk for t in selectors.my_tasks(user=outsider)] == [foreign.pk]


def test_a_user_without_a_staff_record_has_only_no_tasks(manager, assigned_client, other_staff, today):
    _task(assigned_client, responsible=other_staff, due=today)
    assert list(selectors.my_tasks(user=manager)) == []


def test_my_tasks_take_the_same_queries_for_one_task_or_many(social_worker, mentor, assigned_client, today):
    _task(assigned_client, responsible=mentor.staff, due=today)
    with CaptureQueriesContext(connection) as one:
        list(selectors.my_tasks(user=mentor))
    for i in range(5):
        _task(assigned_client, responsible=mentor.staff, due=today + i * DAY)
    with CaptureQueriesContext(connection) as six:
        assert len(list(selectors.my_tasks(user=mentor))) == 6
    assert len(six) == len(one)

"""The services' own guarantees: optimistic concurrency, status transitions, contact references."""

import pytest

from plans import services
from plans.models import PlanEvent
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_a_stale_plan_version_raises_a_conflict_and_writes_nothing(plan, social_worker, manager):
    services.plan_update(plan=plan, actor=manager, version=1, start_date=plan.start_date, review_date=None, summary="A")
    stale = type(plan).objects.get(pk=plan.pk)
    stale.version = 1
    with pytest.raises(services.ConflictError) as caught:
        services.plan_update(
            plan=stale, actor=social_worker, version=1, start_date=plan.start_date, review_date=None, summary="B"
        )
    assert caught.value.current.summary == "A"
    assert caught.value.current.updated_by == manager
    assert PlanEvent.objects.filter(kind="edited").count() == 1


def test_a_stale_task_version_raises_a_conflict(task, mentor, social_worker):
    services.task_update(task=task, actor=social_worker, version=1, status="done")
    with pytest.raises(services.ConflictError):
        services.task_update(task=task, actor=mentor, version=1, status="cancelled")
    task.refresh_from_db()
    assert (task.status, task.version) == ("done", 2)


def test_an_active_plan_is_not_activated_twice(plan, social_worker):
    services.plan_activate(plan=plan, actor=social_worker, version=1)
    with pytest.raises(services.TransitionError):
        services.plan_activate(plan=plan, actor=social_worker, version=2)


def test_a_logged_contact_belongs_to_the_staff_members_provider(assigned_client, social_worker, other_provider):
    visiting = StaffFactory(provider=other_provider)
    contact = services.contact_log(
        staff=visiting, actor=social_worker, date=assigned_client.service_start, form="phone", clients=[assigned_client]
    )
    assert contact.provider == other_provider
    assert contact.contact_ref.startswith("W") and len(contact.contact_ref) == 13


def test_a_contact_serving_nobody_is_refused(social_worker):
    with pytest.raises(ValueError):
        services.contact_log(staff=social_worker.staff, actor=social_worker, date=None, form="phone")


def test_a_new_plan_names_the_clients_social_worker_else_the_social_worker_drafting_it(
    assigned_client, family, social_worker, manager, today
):
    # plans.csv's staff_ref: whose plan it is.
    own = services.plan_create(actor=manager, client=assigned_client, start_date=today)
    assert own.social_worker == assigned_client.social_worker
    of_family = services.plan_create(actor=social_worker, family=family, start_date=today)
    assert of_family.social_worker == social_worker.staff
    assert (own.provider, of_family.provider) == (assigned_client.provider, family.provider)
    assert own.plan_ref.startswith("W") and own.plan_ref != of_family.plan_ref

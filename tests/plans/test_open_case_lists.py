"""Caseloads and home pages show open episodes only: a closed case leaves every daily list, and the client list
still finds it under "Closed". Also the social worker's follow-ups of closed cases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client
from plans import closure, referrals, selectors
from plans.services import plan_activate
from tests.factories import ClientFactory, ConsentFactory, GoalFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _close(client, actor, day, **kwargs):
    kwargs.setdefault("reason", "left_latvia")
    kwargs.setdefault("skip_assessment_reason", "Left the country")
    return closure.case_close(client=client, actor=actor, date=day, **kwargs)


def _end_imported(client, day):
    """A case ended by an import: its plan stays active (nothing closed it), yet it is no daily work."""
    Client.objects.filter(pk=client.pk).update(service_end=day)


@pytest.fixture
def active_plan(assigned_client, social_worker, today):
    plan = PlanFactory(client=assigned_client, start_date=today - 30 * DAY, review_date=today + 2 * DAY)
    plan_activate(plan=plan, actor=social_worker, version=plan.version)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def due_task(active_plan, mentor, today):
    return TaskFactory(
        goal=GoalFactory(plan=active_plan), title="Call the landlord", responsible=mentor.staff, due_date=today
    )


def test_a_closed_client_leaves_the_social_workers_caseload(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    assert [c.pk for c in client.get(reverse("home")).context["caseload"]] == [assigned_client.pk]
    _close(assigned_client, social_worker, today)
    assert list(client.get(reverse("home")).context["caseload"]) == []


def test_a_closed_client_leaves_the_mentors_clients(client, social_worker, mentor, assigned_client, today):
    client.force_login(mentor)
    assert [c.pk for c in client.get(reverse("home")).context["clients"]] == [assigned_client.pk]
    _close(assigned_client, social_worker, today)
    assert list(client.get(reverse("home")).context["clients"]) == []


@pytest.mark.parametrize("ended", [_close, _end_imported], ids=["closed", "ended_by_import"])
def test_a_closed_cases_tasks_leave_my_tasks_and_the_week(
    client, social_worker, mentor, assigned_client, due_task, today, ended
):
    assert [t.pk for t in selectors.my_tasks(user=mentor)] == [due_task.pk]
    assert [t.pk for t in selectors.tasks_due_this_week(user=social_worker)] == [due_task.pk]
    if ended is _close:
        ended(assigned_client, social_worker, today)
    else:
        ended(assigned_client, today)
    assert list(selectors.my_tasks(user=mentor)) == []
    assert list(selectors.tasks_due_this_week(user=social_worker)) == []
    client.force_login(mentor)
    assert list(client.get(reverse("home")).context["tasks"]) == []
    assert list(client.get(reverse("plans:my_tasks")).context["tasks"]) == []


def test_a_closed_cases_plan_review_leaves_the_reviews_due(social_worker, manager, assigned_client, active_plan, today):
    assert selectors.reviews_due(user=social_worker, mine_only=True) == [active_plan]
    assert selectors.reviews_due(user=manager, mine_only=False) == [active_plan]
    _end_imported(assigned_client, today)
    assert selectors.reviews_due(user=social_worker, mine_only=True) == []
    assert selectors.reviews_due(user=manager, mine_only=False) == []


def test_a_family_plan_stays_in_the_lists_while_a_member_is_open(social_worker, manager, mentor, family, today):
    plan = PlanFactory(client=None, family=family, start_date=today - 30 * DAY, review_date=today)
    plan_activate(plan=plan, actor=social_worker, version=plan.version)
    task = TaskFactory(goal=GoalFactory(plan=plan), responsible=mentor.staff, due_date=today)
    members = list(Client.objects.filter(family=family).order_by("pk"))
    for member in members[:-1]:
        _end_imported(member, today)
    assert [p.pk for p in selectors.reviews_due(user=manager, mine_only=False)] == [plan.pk]
    assert [t.pk for t in selectors.my_tasks(user=mentor)] == [task.pk]
    _end_imported(members[-1], today)
    assert selectors.reviews_due(user=manager, mine_only=False) == []
    assert list(selectors.my_tasks(user=mentor)) == []


def test_a_closed_cases_referrals_wait_no_more_on_the_home_page(social_worker, assigned_client, today):
    ConsentFactory(client=assigned_client)  # a referral needs the consent to share (issue 20)
    referral = referrals.referral_create(
        staff=social_worker.staff,
        actor=social_worker,
        clients=[assigned_client],
        date=today - 20 * DAY,
        institution_kind="employment",
    )[0]
    assert selectors.waiting_referrals(user=social_worker) == [referral]
    _close(assigned_client, social_worker, today)
    assert selectors.waiting_referrals(user=social_worker) == []
    # Still on the client page's card.
    assert selectors.referrals_of_client(client=assigned_client, user=social_worker) == [referral]


def test_a_closed_client_leaves_the_managers_view_of_a_staff_members_work(
    client, manager, social_worker, mentor, assigned_client, due_task, today
):
    client.force_login(manager)
    url = reverse("home:staff_caseload", args=[mentor.staff.pk])
    response = client.get(url)
    assert [c.pk for c in response.context["clients"]] == [assigned_client.pk]
    assert [t.pk for t in response.context["tasks"]] == [due_task.pk]

    def mentors_open_tasks():
        glance = selectors.month_at_a_glance(provider_id=manager.provider_id)
        return {s.staff.pk: s.open_tasks for s in glance.staff_activity}[mentor.staff.pk]

    assert mentors_open_tasks() == 1
    _end_imported(assigned_client, today)
    response = client.get(url)
    assert list(response.context["clients"]) == []
    assert list(response.context["tasks"]) == []
    assert mentors_open_tasks() == 0


def test_the_client_list_opens_on_open_cases_and_finds_the_closed_under_closed(
    client, social_worker, assigned_client, unassigned_client, today
):
    _close(assigned_client, social_worker, today)
    client.force_login(social_worker)

    def shown(params=None):
        return {c.pk for c in client.get(reverse("clients:list"), params or {}).context["page"]}

    assert shown() == {unassigned_client.pk}
    assert shown({"case": "closed"}) == {assigned_client.pk}
    assert shown({"case": ""}) == {assigned_client.pk, unassigned_client.pk}
    html = client.get(reverse("clients:list")).content.decode()
    assert '<option value="active" selected>' in html
    # The default sent back with a search does not unfold the filters on a phone; "Closed" does.
    assert not client.get(reverse("clients:list"), {"q": "", "case": "active"}).context["filters_active"]
    assert client.get(reverse("clients:list"), {"case": "closed"}).context["filters_active"]


# Follow-ups ------------------------------------------------------------------------------------------


def test_follow_ups_due_within_a_week_or_past_are_on_the_social_workers_home(
    client, social_worker, provider, assigned_client, today
):
    soon = assigned_client
    _close(soon, social_worker, today - 10 * DAY, follow_up_date=today + 7 * DAY)
    past = ClientFactory(provider=provider, social_worker=social_worker.staff, first_name="Past")
    _close(past, social_worker, today - 10 * DAY, follow_up_date=today - DAY)
    later = ClientFactory(provider=provider, social_worker=social_worker.staff, first_name="Later")
    _close(later, social_worker, today - 10 * DAY, follow_up_date=today + 8 * DAY)
    someone_elses = ClientFactory(provider=provider, first_name="Else")
    _close(someone_elses, social_worker, today - 10 * DAY, follow_up_date=today)

    client.force_login(social_worker)
    response = client.get(reverse("home"))
    assert [c.pk for c in response.context["follow_ups_due"]] == [past.pk, soon.pk]
    html = response.content.decode()
    assert html.count('data-testid="follow-up-due"') == 2
    assert reverse("plans:follow_up_done", args=[past.pk]) in html


def test_marking_a_follow_up_done_clears_it(client, social_worker, assigned_client, today):
    _close(assigned_client, social_worker, today - 10 * DAY, follow_up_date=today)
    client.force_login(social_worker)
    response = client.post(reverse("plans:follow_up_done", args=[assigned_client.pk]))
    assert response.status_code == 302
    assert Client.objects.get(pk=assigned_client.pk).follow_up_date is None
    assert client.get(reverse("home")).context["follow_ups_due"] == []


def test_a_mentor_and_another_provider_cannot_mark_a_follow_up_done(
    client, social_worker, mentor, outsider, assigned_client, today
):
    _close(assigned_client, social_worker, today - 10 * DAY, follow_up_date=today)
    client.force_login(mentor)
    assert client.post(reverse("plans:follow_up_done", args=[assigned_client.pk])).status_code == 403
    client.force_login(outsider)
    assert client.post(reverse("plans:follow_up_done", args=[assigned_client.pk])).status_code == 404
    assert Client.objects.get(pk=assigned_client.pk).follow_up_date == today


def test_the_home_takes_as_many_queries_for_20_follow_ups_as_for_3(client, social_worker, provider, today):
    def add(n):
        for _ in range(n):
            person = ClientFactory(provider=provider, social_worker=social_worker.staff)
            _close(person, social_worker, today - 10 * DAY, follow_up_date=today)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("home"))
        return len(captured), response

    client.force_login(social_worker)
    add(3)
    before, _response = queries()
    add(17)
    after, response = queries()
    assert before == after
    assert len(response.context["follow_ups_due"]) == 20

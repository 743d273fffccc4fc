"""Referrals (casework.md "Referrals"): the model's rules, the services, who may refer and record outcomes,
a whole family in one go, the 14-day waiting list, the timeline and the catalogue of institutions."""

import datetime
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import capabilities, session_timeout
from audit.models import AuditEntry
from plans import referrals, selectors
from plans.models import Institution, Referral
from tests.factories import ClientFactory, ConsentFactory, GoalFactory, PlanFactory, StaffFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _refer(user, person, day, **kwargs):
    return referrals.referral_create(
        staff=user.staff, actor=user, clients=[person], date=day, institution_kind="employment", **kwargs
    )[0]


@pytest.fixture(autouse=True)
def _consents(assigned_client, unassigned_client):
    """A referral needs the person's consent to share with institutions (tests/plans/test_referral_consent.py):
    these clients gave it, for every kind of institution."""
    ConsentFactory(client=assigned_client)
    ConsentFactory(client=unassigned_client)


@pytest.fixture
def family(family):
    """The family's members gave their consent too."""
    for member in family.members.all():
        ConsentFactory(client=member)
    return family


@pytest.fixture
def institution(manager):
    return referrals.institution_create(actor=manager, name="NVA Rīgas filiāle", kind="employment", municipality="Rīga")


# The model's rules ------------------------------------------------------------------------------


def test_a_referral_belongs_to_its_makers_provider(social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    assert referral.provider_id == social_worker.provider_id
    assert referral.status == "made" and referral.outcome_date is None


def test_the_database_refuses_an_outcome_without_its_day(social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status="completed")


def test_the_database_refuses_an_outcome_before_the_referral(social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status="completed", outcome_date=today - DAY)


def test_the_database_refuses_a_day_or_a_reason_while_made(social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(outcome_date=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status="completed", outcome_date=today, outcome_reason="other")


def test_an_institution_name_is_unique_within_its_provider(manager, institution, outsider):
    with pytest.raises(ValidationError):
        referrals.institution_create(actor=manager, name="NVA Rīgas filiāle", kind="employment")
    # Another provider's catalogue may have the same name.
    Institution.objects.create(provider=outsider.provider, name="NVA Rīgas filiāle", kind="employment")


# Services ---------------------------------------------------------------------------------------


def test_the_outcome_is_set_in_place_with_its_day(social_worker, mentor, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today - 3 * DAY)
    referrals.referral_outcome(referral=referral, actor=mentor, status="completed", outcome_date=today)
    referral.refresh_from_db()
    assert (referral.status, referral.outcome_date, referral.outcome_reason) == ("completed", today, "")


def test_a_refusal_says_why(social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    with pytest.raises(ValidationError) as exc:
        referrals.referral_outcome(referral=referral, actor=social_worker, status="refused", outcome_date=today)
    assert "outcome_reason" in exc.value.error_dict
    referrals.referral_outcome(
        referral=referral, actor=social_worker, status="refused", outcome_date=today, outcome_reason="no_capacity"
    )
    referral.refresh_from_db()
    assert referral.get_outcome_reason_display() == "No capacity"


def test_an_outcome_before_the_referral_is_refused_with_a_message(social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    with pytest.raises(ValidationError) as exc:
        referrals.referral_outcome(referral=referral, actor=social_worker, status="completed", outcome_date=today - DAY)
    assert exc.value.error_dict["outcome_date"][0].message == "The outcome cannot be before the referral was made."


def test_back_to_made_clears_the_outcome(social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    referrals.referral_outcome(referral=referral, actor=social_worker, status="cancelled", outcome_date=today)
    referral = referrals.referral_outcome(referral=referral, actor=social_worker, status="made", outcome_date=today)
    assert referral.outcome_date is None


def test_a_referral_names_only_an_institution_of_its_provider(social_worker, outsider, assigned_client, today):
    foreign = Institution.objects.create(provider=outsider.provider, name="Elsewhere", kind="employment")
    with pytest.raises(ValidationError):
        _refer(social_worker, assigned_client, today, institution=foreign)


def test_a_whole_family_is_referred_in_one_go_one_referral_each(social_worker, assigned_client, family, today):
    family_plan = PlanFactory(client=None, family=family)
    goal = GoalFactory(plan=family_plan, area="employment")
    members = list(family.members.all())
    made = referrals.referral_create(
        staff=social_worker.staff,
        actor=social_worker,
        clients=members,
        date=today,
        institution_kind="employment",
        goal=goal,
        accompanied=True,
    )
    assert len(made) == 3 == Referral.objects.count()
    assert {r.client_id for r in made} == {m.pk for m in members}
    assert all(r.goal_id == goal.pk and r.accompanied for r in made)


def test_a_family_referral_is_all_or_nothing(social_worker, outsider, assigned_client, family, today):
    with pytest.raises(ValidationError):
        referrals.referral_create(
            staff=social_worker.staff,
            actor=social_worker,
            clients=list(family.members.all()),
            date=today + DAY,
            institution_kind="employment",
        )
    assert not Referral.objects.exists()


def test_a_goal_of_another_persons_plan_is_not_kept(social_worker, assigned_client, unassigned_client, today):
    others = GoalFactory(plan=PlanFactory(client=unassigned_client))
    assert _refer(social_worker, assigned_client, today, goal=others).goal is None


def test_referrals_and_institutions_are_audited(social_worker, manager, assigned_client, institution, today):
    referral = _refer(social_worker, assigned_client, today, institution=institution)
    referrals.referral_outcome(referral=referral, actor=social_worker, status="completed", outcome_date=today)
    kinds = list(
        AuditEntry.objects.filter(object_type__in=["plans.referral", "plans.institution"]).values_list(
            "object_type", "action"
        )
    )
    assert ("plans.institution", "create") in kinds
    assert ("plans.referral", "create") in kinds and ("plans.referral", "update") in kinds


def test_only_managers_keep_the_catalogue(social_worker, manager, institution):
    with pytest.raises(PermissionDenied):
        referrals.institution_create(actor=social_worker, name="X", kind="bank")
    referrals.institution_update(institution=institution, actor=manager, name="NVA", kind="employment")
    assert Institution.objects.get().name == "NVA"


# Capabilities -----------------------------------------------------------------------------------


def test_who_may_refer(social_worker, mentor, manager, coordinator, outsider, assigned_client, today):
    assert capabilities.can_refer(social_worker) and capabilities.can_refer(mentor)
    assert not capabilities.can_refer(coordinator)
    # No staff record: the manager refers naming which of their staff made it; the others refer as themselves.
    assert capabilities.can_refer(manager) and capabilities.refers_naming_staff(manager)
    assert not capabilities.refers_naming_staff(social_worker) and not capabilities.refers_naming_staff(mentor)
    referral = _refer(social_worker, assigned_client, today)
    assert capabilities.can_record_referral_outcome(mentor, referral)
    assert not capabilities.can_record_referral_outcome(outsider, referral)
    assert capabilities.can_manage_institutions(manager)
    assert not capabilities.can_manage_institutions(social_worker)


# Views and scoping ------------------------------------------------------------------------------


def test_a_social_worker_refers_from_the_client_page(client, social_worker, assigned_client, institution, today):
    client.force_login(social_worker)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk]))
    assert reverse("plans:referral_create", args=[assigned_client.pk]) in page.content.decode()
    url = reverse("plans:referral_create", args=[assigned_client.pk])
    response = client.post(
        url,
        {
            "date": today.isoformat(),
            "institution_kind": "employment",
            "institution": institution.pk,
            "accompanied": "on",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.client, referral.staff, referral.accompanied) == (assigned_client, social_worker.staff, True)
    assert referral.institution == institution


def test_an_institution_of_another_kind_is_refused_by_the_form(
    client, social_worker, assigned_client, institution, today
):
    client.force_login(social_worker)
    url = reverse("plans:referral_create", args=[assigned_client.pk])
    response = client.post(url, {"date": today.isoformat(), "institution_kind": "bank", "institution": institution.pk})
    assert response.status_code == 200
    assert "another kind" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_goal_prefills_the_form(client, social_worker, assigned_client, today):
    goal = GoalFactory(plan=PlanFactory(client=assigned_client), area="employment")
    client.force_login(social_worker)
    response = client.get(reverse("plans:referral_create", args=[assigned_client.pk]) + f"?goal={goal.pk}")
    form = response.context["form"]
    assert form["goal"].value() == goal.pk
    assert form["institution_kind"].value() == "employment"


def test_the_plan_page_links_a_goal_to_the_form(client, social_worker, assigned_client):
    goal = GoalFactory(plan=PlanFactory(client=assigned_client), area="employment")
    client.force_login(social_worker)
    page = client.get(reverse("plans:plan_detail", args=[goal.plan_id])).content.decode()
    assert reverse("plans:referral_create", args=[assigned_client.pk]) + f"?goal={goal.pk}" in page


def test_the_checkbox_refers_the_whole_family(client, social_worker, assigned_client, family, today):
    client.force_login(social_worker)
    url = reverse("plans:referral_create", args=[assigned_client.pk])
    client.post(url, {"date": today.isoformat(), "institution_kind": "health", "whole_family": "on"})
    assert Referral.objects.count() == 3


def test_the_family_page_refers_every_member_the_user_sees(client, mentor, assigned_client, family, today):
    client.force_login(mentor)
    url = reverse("plans:referral_create_family", args=[family.pk])
    assert client.get(reverse("clients:family_detail", args=[family.pk])).content.decode().count(url) == 1
    response = client.post(url, {"date": today.isoformat(), "institution_kind": "health"})
    assert response.status_code == 302
    # The mentor sees two members (Amina and Sara), not Yusuf.
    assert Referral.objects.count() == 2


def test_a_mentor_refers_an_assigned_client_but_not_another(client, mentor, assigned_client, unassigned_client, today):
    client.force_login(mentor)
    data = {"date": today.isoformat(), "institution_kind": "employment"}
    assert client.post(reverse("plans:referral_create", args=[assigned_client.pk]), data).status_code == 302
    assert client.post(reverse("plans:referral_create", args=[unassigned_client.pk]), data).status_code == 404
    assert Referral.objects.count() == 1


def test_another_providers_client_and_referral_do_not_exist(client, outsider, social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    client.force_login(outsider)
    assert client.get(reverse("plans:referral_create", args=[assigned_client.pk])).status_code == 404
    outcome = {"status": "completed", "outcome_date": today.isoformat()}
    assert client.post(reverse("plans:referral_outcome", args=[referral.pk]), outcome).status_code == 404
    referral.refresh_from_db()
    assert referral.status == "made"


def test_a_coordinator_never_refers(client, coordinator, assigned_client, today):
    client.force_login(coordinator)
    assert client.get(reverse("plans:referral_create", args=[assigned_client.pk])).status_code == 404


def test_the_mentor_records_the_outcome_on_the_client_page(client, social_worker, mentor, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today - 2 * DAY)
    client.force_login(mentor)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    url = reverse("plans:referral_outcome", args=[referral.pk])
    assert url in page
    response = client.post(url, {"status": "completed", "outcome_date": today.isoformat()})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "completed"


def test_a_mentor_does_not_record_the_outcome_for_a_client_not_assigned(
    client, social_worker, mentor, unassigned_client, today
):
    referral = _refer(social_worker, unassigned_client, today)
    client.force_login(mentor)
    response = client.post(reverse("plans:referral_outcome", args=[referral.pk]), {"status": "cancelled"})
    assert response.status_code == 404


def test_an_outcome_form_shows_its_errors(client, social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    client.force_login(social_worker)
    response = client.post(
        reverse("plans:referral_outcome", args=[referral.pk]),
        {"status": "not_successful", "outcome_date": today.isoformat()},
    )
    assert response.status_code == 200
    assert "Say why." in response.content.decode()


# The waiting list, the timeline, the queries ------------------------------------------------------


def test_referrals_waiting_more_than_14_days_are_on_their_makers_home_page(
    client, social_worker, mentor, assigned_client, today
):
    old = _refer(social_worker, assigned_client, today - 15 * DAY)
    _refer(social_worker, assigned_client, today - 14 * DAY)  # 14 days: not yet
    done = _refer(social_worker, assigned_client, today - 20 * DAY)
    referrals.referral_outcome(referral=done, actor=social_worker, status="completed", outcome_date=today)
    _refer(mentor, assigned_client, today - 30 * DAY)  # the mentor's: on the mentor's page
    assert selectors.waiting_referrals(user=social_worker) == [old]
    client.force_login(social_worker)
    response = client.get(reverse("home"))
    assert response.context["waiting_referrals"] == [old]
    assert 'data-testid="waiting-referral"' in response.content.decode()
    client.force_login(mentor)
    assert len(client.get(reverse("home")).context["waiting_referrals"]) == 1


def test_a_referral_is_on_the_clients_timeline(client, social_worker, assigned_client, institution, today):
    _refer(social_worker, assigned_client, today, institution=institution, accompanied=True)
    entries = selectors.timeline_for(client=assigned_client, user=social_worker)
    # Newest first: the referral, the case's opening, the consent it needed (given in 2020, `_consents`).
    assert [e.kind for e in entries] == ["referral", "case_opened", "consent"]
    client.force_login(social_worker)
    page = client.get(reverse("plans:timeline", args=[assigned_client.pk])).content.decode()
    assert 'data-testid="timeline-referral"' in page and "NVA Rīgas filiāle" in page


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["clients:detail", "plans:timeline"])
def test_the_client_pages_take_the_same_queries_for_3_and_20_referrals(
    client, social_worker, assigned_client, institution, today, url_name
):
    client.force_login(social_worker)
    url = reverse(url_name, args=[assigned_client.pk])
    for n in range(3):
        _refer(social_worker, assigned_client, today - n * DAY, institution=institution)
    before = _count(client, url)
    for n in range(3, 20):
        _refer(social_worker, assigned_client, today - n * DAY, institution=institution if n % 2 else None)
    assert _count(client, url) == before


def test_the_home_page_takes_the_same_queries_for_3_and_20_waiting_referrals(
    client, social_worker, provider, mentor, today
):
    client.force_login(social_worker)

    def build(n):
        person = ClientFactory(provider=provider, social_worker=social_worker.staff, mentor=mentor.staff)
        ConsentFactory(client=person)
        _refer(social_worker, person, today - (20 + n) * DAY)

    for n in range(3):
        build(n)
    before = _count(client, reverse("home"))
    for n in range(3, 20):
        build(n)
    assert _count(client, reverse("home")) == before


# The catalogue ----------------------------------------------------------------------------------


def test_a_manager_adds_and_edits_an_institution(client, manager, social_worker, outsider):
    client.force_login(manager)
    assert reverse("plans:institution_list") in client.get(reverse("home")).content.decode()
    response = client.post(
        reverse("plans:institution_create"), {"name": "PMLP", "kind": "migration", "municipality": "Rīga"}
    )
    assert response.status_code == 302
    institution = Institution.objects.get()
    assert institution.provider_id == manager.provider_id
    response = client.post(
        reverse("plans:institution_edit", args=[institution.pk]), {"name": "PMLP Rīga", "kind": "migration"}
    )
    assert response.status_code == 302
    assert Institution.objects.get().name == "PMLP Rīga"
    same = client.post(reverse("plans:institution_create"), {"name": "PMLP Rīga", "kind": "migration"})
    assert same.status_code == 200 and "already has an institution" in same.content.decode()
    client.force_login(social_worker)
    assert client.get(reverse("plans:institution_list")).status_code == 404


def test_another_providers_institution_does_not_exist_for_a_manager(client, manager, outsider):
    foreign = Institution.objects.create(provider=outsider.provider, name="Elsewhere", kind="bank")
    client.force_login(manager)
    assert client.get(reverse("plans:institution_edit", args=[foreign.pk])).status_code == 404


def test_a_manager_with_a_staff_record_refers_too(client, manager, assigned_client, today):
    StaffFactory(provider=manager.provider, user=manager, role="social_worker")
    client.force_login(manager)
    url = reverse("plans:referral_create", args=[assigned_client.pk])
    assert client.post(url, {"date": today.isoformat(), "institution_kind": "bank"}).status_code == 302


def test_a_referral_form_sent_twice_makes_one_referral(client, social_worker, assigned_client, family, today):
    client.force_login(social_worker)
    url = reverse("plans:referral_create", args=[assigned_client.pk])
    token = client.get(url).content.decode().split('name="form_token" value="')[1].split('"')[0]
    data = {"date": today.isoformat(), "institution_kind": "housing", "whole_family": "on", "form_token": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Referral.objects.count() == 3  # one per member, once


def test_what_was_typed_before_the_session_ended_is_filled_in_again(client, social_worker, assigned_client):
    client.force_login(social_worker)
    url = reverse("plans:referral_create", args=[assigned_client.pk])
    session = client.session
    session[session_timeout.SESSION_KEY] = {
        "path": url,
        "at": time.time(),
        "owner": session_timeout.owner_tag(social_worker),
        "fields": [["institution_kind", ["bank"]], ["date", ["2026-01-05"]]],
    }
    session.save()
    form = client.get(url).context["form"]
    assert form["institution_kind"].value() == "bank"


def test_a_manager_who_referred_sees_their_waiting_referrals_at_home(client, manager, assigned_client, today):
    StaffFactory(provider=manager.provider, user=manager, role="social_worker")
    _refer(manager, assigned_client, today - 20 * DAY)
    client.force_login(manager)
    assert len(client.get(reverse("home")).context["waiting_referrals"]) == 1


# The outcome is chosen, never pre-selected ------------------------------------------------------------


def test_the_outcome_form_starts_with_no_outcome_chosen(client, social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    client.force_login(social_worker)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    card = page.split('data-testid="client-referrals"')[1]
    assert '<option value="" selected>' in card and "selected>Completed" not in card
    outcome_page = client.get(reverse("plans:referral_outcome", args=[referral.pk]))
    assert outcome_page.context["form"]["status"].value() in (None, "")


def test_an_outcome_must_be_chosen(client, social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    client.force_login(social_worker)
    response = client.post(
        reverse("plans:referral_outcome", args=[referral.pk]), {"status": "", "outcome_date": today.isoformat()}
    )
    assert response.status_code == 200
    assert "Choose what came of the referral." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "made"


def test_changing_an_outcome_starts_from_the_one_recorded(client, social_worker, assigned_client, today):
    referral = _refer(social_worker, assigned_client, today)
    referrals.referral_outcome(referral=referral, actor=social_worker, status="cancelled", outcome_date=today)
    client.force_login(social_worker)
    response = client.get(reverse("plans:referral_outcome", args=[referral.pk]))
    assert response.context["form"]["status"].value() == "cancelled"


# A manager without a staff record names who made the referral -------------------------------------------


def _manager_refers(client, manager, person, today, **data):
    client.force_login(manager)
    url = reverse("plans:referral_create", args=[person.pk])
    return client.post(url, {"date": today.isoformat(), "institution_kind": "health", **data})


def test_a_manager_without_a_staff_record_chooses_who_made_the_referral(
    client, manager, social_worker, mentor, outsider, assigned_client, today
):
    inactive = StaffFactory(provider=manager.provider, role="social_worker", is_active=False)
    client.force_login(manager)
    form = client.get(reverse("plans:referral_create", args=[assigned_client.pk])).context["form"]
    choices = set(form.fields["staff"].queryset)
    assert {social_worker.staff, mentor.staff} <= choices
    assert outsider.staff not in choices and inactive not in choices
    response = _manager_refers(client, manager, assigned_client, today, staff=social_worker.staff.pk)
    assert response.status_code == 302
    referral = Referral.objects.get()
    # The referral is the social worker's (their home page, their provider), recorded by the manager.
    assert (referral.staff, referral.provider_id, referral.created_by) == (
        social_worker.staff,
        manager.provider_id,
        manager,
    )
    assert selectors.waiting_referrals(user=social_worker, today=today + 15 * DAY) == [referral]


def test_a_manager_must_name_who_made_the_referral(client, manager, assigned_client, today):
    response = _manager_refers(client, manager, assigned_client, today)
    assert response.status_code == 200
    assert "Choose the staff member who made the referral." in response.content.decode()
    assert not Referral.objects.exists()


def test_a_manager_cannot_name_another_providers_staff(client, manager, outsider, assigned_client, today):
    response = _manager_refers(client, manager, assigned_client, today, staff=outsider.staff.pk)
    assert response.status_code == 200 and not Referral.objects.exists()


def test_a_manager_names_a_mentor_only_for_the_mentors_clients(
    client, manager, mentor, assigned_client, unassigned_client, today
):
    response = _manager_refers(client, manager, unassigned_client, today, staff=mentor.staff.pk)
    assert response.status_code == 200
    assert "This mentor is not assigned to every person referred" in response.content.decode()
    assert _manager_refers(client, manager, assigned_client, today, staff=mentor.staff.pk).status_code == 302
    assert Referral.objects.get().staff == mentor.staff


def test_the_service_refuses_a_maker_of_another_provider(manager, outsider, assigned_client, today):
    with pytest.raises(ValidationError) as exc:
        referrals.referral_create(
            staff=outsider.staff, actor=manager, clients=[assigned_client], date=today, institution_kind="bank"
        )
    assert "staff" in exc.value.error_dict
    assert not Referral.objects.exists()


def test_a_social_worker_is_not_asked_who_made_it(client, social_worker, assigned_client):
    client.force_login(social_worker)
    form = client.get(reverse("plans:referral_create", args=[assigned_client.pk])).context["form"]
    assert "staff" not in form.fields

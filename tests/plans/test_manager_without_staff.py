"""A manager without a staff record of their own (issue 19): what they record is credited rightly, and the
home pages' waiting referrals leave out closed cases."""

import datetime

import pytest
from django.urls import reverse

from plans import selectors
from plans.models import PlanReview, Referral
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_a_manager_without_a_staff_record_reviews_a_plan_as_themselves(client, manager, plan, today):
    plan.status, plan.review_date = "active", today
    plan.save(update_fields=["status", "review_date"])
    GoalFactory(plan=plan)
    client.force_login(manager)
    url = reverse("plans:plan_review", args=[plan.pk])
    assert client.get(url).status_code == 200
    data = {
        "date": today.isoformat(),
        "next_review_date": (today + 30 * DAY).isoformat(),
        "note": "Reviewed by the manager",
        "goals-TOTAL_FORMS": "1",
        "goals-INITIAL_FORMS": "1",
        "goals-0-status": "open",
        "goals-0-note": "",
    }
    assert client.post(url, data).status_code == 302
    # A review records the user who reviewed (casework.md "who reviewed"), not a staff member: the manager.
    assert PlanReview.objects.get().reviewed_by == manager
    plan.refresh_from_db()
    assert plan.review_date == today + 30 * DAY


def test_a_closed_cases_referrals_do_not_wait_on_the_home_page(client, social_worker, assigned_client, today):
    Referral.objects.create(
        staff=social_worker.staff, client=assigned_client, date=today - 20 * DAY, institution_kind="bank"
    )
    assert len(selectors.waiting_referrals(user=social_worker)) == 1
    assigned_client.service_end = today
    assigned_client.save(update_fields=["service_end"])
    assert selectors.waiting_referrals(user=social_worker) == []
    client.force_login(social_worker)
    assert client.get(reverse("home")).context["waiting_referrals"] == []

"""The demo's casework (`make run`'s demo_data): catalogues, referrals with every outcome, plan reviews; the same
rows on a second run, and the home pages of the demo accounts with something to show."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from clients.models import CaseEpisode, Client
from clients.selectors import consent_valid
from plans import selectors
from plans.assessments import assessments_disagreeing_with_their_scores
from plans.choices import GoalStatus, ReferralStatus
from plans.models import (
    Assessment,
    AssessmentScore,
    Goal,
    GoalReview,
    GroupAttendance,
    GroupSession,
    Institution,
    PlanReview,
    Referral,
)

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Institution.objects.count(),
        Referral.objects.count(),
        PlanReview.objects.count(),
        GoalReview.objects.count(),
        Goal.objects.exclude(status=GoalStatus.OPEN).count(),
        list(Referral.objects.order_by("referral_ref").values_list("referral_ref", "status", "date", "outcome_date")),
        list(Assessment.objects.order_by("assessment_ref").values_list("assessment_ref", "kind", "date")),
        AssessmentScore.objects.count(),
        list(Client.objects.order_by("pk").values_list("pk", "closure_reason", "follow_up_date")),
        CaseEpisode.objects.count(),
        list(
            GroupAttendance.objects.order_by("session__contact__date", "client_id").values_list("client_id", "present")
        ),
    )


@pytest.fixture
def demo():
    """The demo command run twice; the rows counted after the first run."""
    call_command("demo_data", stdout=io.StringIO())
    first = _counts()
    call_command("demo_data", stdout=io.StringIO())
    return first


def test_a_second_run_changes_nothing_and_referrals_show_every_outcome_at_named_institutions(demo):
    assert _counts() == demo
    assert assessments_disagreeing_with_their_scores() == []  # the assessments' copies of their scores
    assert Institution.objects.filter(provider__code="DEMO").count() >= 10
    assert Institution.objects.filter(provider__code="OTHER").exists()
    # A referral names only an institution of its own provider's catalogue; some name none.
    assert not Referral.objects.exclude(institution__isnull=True).exclude(institution__provider=F("provider")).exists()
    assert Referral.objects.filter(institution__isnull=False).exists() and Referral.objects.filter(institution=None)
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert Referral.objects.values("institution_kind").distinct().count() >= 8
    assert Referral.objects.filter(status="refused").exclude(outcome_reason="").exists()
    # Every demo referral had the person's consent to share with institutions of its kind on its day.
    for referral in Referral.objects.select_related("client"):
        assert consent_valid(referral.client, "share_with_institutions", referral.date, referral.institution_kind)


def test_the_demo_accounts_home_pages_have_waiting_referrals_and_reviews_due(demo):
    for username in ("socialais", "mentors"):
        assert len(selectors.waiting_referrals(user=User.objects.get(username=username))) >= 2
    today = timezone.localdate()
    for username, mine_only in (("socialais", True), ("vaditajs", False)):
        due = selectors.reviews_due(user=User.objects.get(username=username), mine_only=mine_only)
        assert any(p.review_date < today for p in due) and any(p.review_date >= today for p in due)
        assert all(p.review_date <= today + datetime.timedelta(days=7) for p in due)


def test_reviews_set_the_goals_statuses(demo):
    reviewed = GoalReview.objects.exclude(status=GoalStatus.OPEN).select_related("goal", "review")
    assert reviewed.exists()
    assert all(gr.goal.status == gr.status and gr.goal.status_date == gr.review.date for gr in reviewed)
    assert {GoalStatus.ACHIEVED, GoalStatus.PARTLY_ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.DROPPED} <= set(
        Goal.objects.values_list("status", flat=True)
    )


def test_assessments_and_closings_show_on_the_demo_social_workers_pages(demo):
    worker = User.objects.get(username="socialais")
    assessed = Assessment.objects.filter(staff__user=worker)
    assert set(assessed.values_list("kind", flat=True)) == {"intake", "review"}
    # A client with both has a chart: two assessments, scores 1–5 in the areas that apply.
    assert assessed.values("client").distinct().count() >= 4
    assert set(AssessmentScore.objects.values_list("score", flat=True)) <= {1, 2, 3, 4, 5}
    # Every ended case says why; one follow-up is due on the social worker's home page; earlier episodes exist.
    assert not Client.objects.filter(service_end__isnull=False, closure_reason="").exists()
    assert Client.objects.filter(service_end__isnull=False).exists()
    assert len(selectors.follow_ups_due(user=worker)) == 1
    episodes = CaseEpisode.objects.select_related("client")
    assert episodes.exists() and all(e.service_end < e.client.service_start for e in episodes)


def test_the_demo_has_group_sessions_each_a_group_contact_of_those_present(demo):
    sessions = list(GroupSession.objects.select_related("contact").order_by("contact__date"))
    assert {s.kind for s in sessions} == {"language_lesson", "information_session", "cultural_activity"}
    for session in sessions:
        present = {a.client_id for a in session.attendance.all() if a.present}
        assert session.contact.form == "group"
        assert set(session.contact.clients.values_list("pk", flat=True)) == present
    assert GroupAttendance.objects.filter(present=False, session__kind="language_lesson").count() == 1

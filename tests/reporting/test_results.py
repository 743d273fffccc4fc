"""`results` of report-figures/2 (report-metrics.md "Version 2: results"), rule by rule, on small hand-made data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import CaseEpisode, Client
from plans.models import Assessment, AssessmentScore, Goal, Referral
from reporting.figures import figures_for
from reporting.figures.types import percent_half_away, round_half_away
from tests.factories import ClientFactory, GoalFactory, PlanFactory, ProviderFactory, StaffFactory

from .report_world import contact

D = datetime.date
Q2 = (D(2026, 4, 1), D(2026, 6, 30))


def results(period=Q2, provider=None):
    return figures_for(start=period[0], end=period[1], provider=provider).results


def referral(staff, client, day, *, status="made", outcome=None, kind="health", accompanied=False):
    return Referral.objects.create(
        staff=staff,
        client=client,
        date=day,
        institution_kind=kind,
        accompanied=accompanied,
        status=status,
        outcome_date=outcome,
        outcome_reason="other" if status in ("not_successful", "refused") else "",
    )


def goal(worker, *, created, area="housing", status="open", status_date=None):
    made = GoalFactory(
        plan=PlanFactory(client=ClientFactory(provider=worker.provider), social_worker=worker),
        area=area,
        status=status,
        status_date=status_date,
    )
    noon = timezone.make_aware(datetime.datetime.combine(created, datetime.time(12)))
    Goal.objects.filter(pk=made.pk).update(created_at=noon)
    return made


def assess(staff, client, day, ref, **scores):
    made = Assessment.objects.create(
        assessment_ref=ref, date=day, staff=staff, client=client, kind="review" if scores else "intake"
    )
    AssessmentScore.objects.bulk_create(
        AssessmentScore(assessment=made, area=area, score=score) for area, score in scores.items()
    )
    return made


# --- Referrals ----------------------------------------------------------------------------------------------


def test_a_referrals_outcome_is_its_status_as_of_the_last_day(lsk, worker):
    client = ClientFactory(provider=lsk)
    referral(worker, client, D(2026, 4, 2), status="completed", outcome=D(2026, 6, 30), accompanied=True)
    referral(worker, client, D(2026, 4, 3), status="completed", outcome=D(2026, 7, 1))  # after: still made
    referral(worker, client, D(2026, 5, 3), status="refused", outcome=D(2026, 5, 9), kind="bank")
    referral(worker, client, D(2026, 3, 31), status="completed", outcome=D(2026, 4, 5))  # before the period

    figures = results(provider=lsk).referrals

    assert (figures.total, figures.persons, figures.accompanied) == (3, 1, 1)
    assert figures.outcomes == {"made": 1, "completed": 1, "not_successful": 0, "refused": 1, "cancelled": 0}
    assert figures.by_kind["health"] == 2 and figures.by_kind["bank"] == 1 and figures.by_kind["ngo"] == 0
    assert figures.success_rate == 50


def test_the_success_rate_is_null_without_a_decided_referral_and_rounds_halves_up(lsk, worker):
    client = ClientFactory(provider=lsk)
    referral(worker, client, D(2026, 4, 2), status="cancelled", outcome=D(2026, 4, 3))
    referral(worker, client, D(2026, 4, 2))

    assert results(provider=lsk).referrals.success_rate is None

    for status in ("completed", "not_successful", "not_successful", "not_successful", "not_successful"):
        referral(worker, client, D(2026, 4, 4), status=status, outcome=D(2026, 4, 5))
    for status in ("completed",) * 7:
        referral(worker, client, D(2026, 4, 4), status=status, outcome=D(2026, 4, 5))
    # 8 completed of 12 decided: 66.67 % → 67; 1 of 8 would be 12.5 % → 13.
    assert results(provider=lsk).referrals.success_rate == 67
    assert percent_half_away(1, 8) == 13


def test_a_providers_referrals_are_its_staffs_and_all_providers_count_every_one(lsk, worker):
    other = StaffFactory(provider=ProviderFactory(code="CARITAS"))
    client = ClientFactory(provider=lsk)
    referral(worker, client, D(2026, 4, 2))
    referral(other, client, D(2026, 4, 2))

    assert results(provider=lsk).referrals.total == 1
    assert results().referrals.total == 2


# --- Goals --------------------------------------------------------------------------------------------------


def test_goals_set_closed_and_open_at_the_end_of_the_period(lsk, worker):
    goal(worker, created=D(2026, 4, 10), area="housing")  # set, open at end
    goal(worker, created=D(2026, 4, 10), area="health", status="achieved", status_date=D(2026, 6, 1))
    goal(worker, created=D(2026, 1, 10), area="health", status="dropped", status_date=D(2026, 7, 2))  # closed after
    goal(worker, created=D(2026, 1, 10), area="language", status="not_achieved", status_date=D(2026, 3, 2))
    goal(worker, created=D(2026, 7, 1), area="housing")  # after the period: nowhere

    goals = results(provider=lsk).goals

    assert goals.set == {**dict.fromkeys(goals.set, 0), "housing": 1, "health": 1, "total": 2}
    assert goals.achieved["health"] == goals.achieved["total"] == 1
    assert goals.dropped["total"] == goals.not_achieved["total"] == 0
    assert goals.open_at_end == {**dict.fromkeys(goals.set, 0), "housing": 1, "health": 1, "total": 2}


def test_a_goal_belongs_to_the_provider_of_its_plans_social_worker(lsk, worker):
    other = StaffFactory(provider=ProviderFactory(code="CARITAS"))
    goal(other, created=D(2026, 4, 10))

    assert results(provider=lsk).goals.set["total"] == 0
    assert results().goals.set["total"] == 1


# --- Self-sufficiency ---------------------------------------------------------------------------------------


SERVED_ON = D(2026, 4, 15)


def served(worker, *clients):
    contact(worker, SERVED_ON, *clients)


def test_earliest_and_latest_scores_by_date_then_assessment_ref(lsk, worker):
    person = ClientFactory(provider=lsk)
    served(worker, person)
    assess(worker, person, D(2026, 5, 1), "B", housing=4)
    assess(worker, person, D(2026, 5, 1), "A", housing=2)  # same day, earlier ref: the earliest
    assess(worker, person, D(2026, 6, 1), "C", housing=3)
    assess(worker, person, D(2026, 6, 1), "D", housing=5)  # same day, later ref: the latest
    assess(worker, person, D(2026, 7, 1), "E", housing=1)  # after the last day: not counted

    ss = results(provider=lsk).self_sufficiency

    assert ss.persons_assessed_twice == 1
    assert ss.by_area["housing"] == type(ss.by_area["housing"])(persons=1, improved=1, same=0, worse=0, mean_change=3.0)
    assert ss.improved_in_any_area == 1


def test_an_area_scored_once_of_two_assessments_is_not_compared(lsk, worker):
    person = ClientFactory(provider=lsk)
    served(worker, person)
    assess(worker, person, D(2026, 4, 1), "A", housing=2, health=3)
    assess(worker, person, D(2026, 5, 1), "B", housing=2, health=None)

    ss = results(provider=lsk).self_sufficiency

    assert ss.persons_assessed_twice == 1
    assert (ss.by_area["housing"].persons, ss.by_area["housing"].same, ss.by_area["housing"].mean_change) == (1, 1, 0.0)
    assert ss.by_area["health"].persons == 0 and ss.by_area["health"].mean_change is None
    assert ss.improved_in_any_area == 0


def test_the_mean_change_rounds_halves_away_from_zero_and_only_served_persons_count(lsk, worker):
    people = ClientFactory.create_batch(4, provider=lsk)
    served(worker, *people)
    for i, (first, last) in enumerate(((3, 1), (3, 1), (3, 2), (2, 2))):  # changes -2, -2, -1, 0: mean -1.25
        assess(worker, people[i], D(2026, 4, 1), f"A{i}", employment=first)
        assess(worker, people[i], D(2026, 5, 1), f"B{i}", employment=last)
    unserved = ClientFactory(provider=lsk)
    assess(worker, unserved, D(2026, 4, 1), "X1", employment=1)
    assess(worker, unserved, D(2026, 5, 1), "X2", employment=5)

    area = results(provider=lsk).self_sufficiency.by_area["employment"]

    assert (area.persons, area.improved, area.same, area.worse) == (4, 0, 1, 3)
    assert area.mean_change == -1.3
    assert round_half_away(1, 4) == 0.3 and round_half_away(-1, 4) == -0.3


def test_an_assessment_counts_for_the_provider_of_its_staff(lsk, worker):
    person = ClientFactory(provider=lsk)
    served(worker, person)
    other = StaffFactory(provider=ProviderFactory(code="CARITAS"))
    assess(worker, person, D(2026, 4, 1), "A", housing=1)
    assess(other, person, D(2026, 5, 1), "B", housing=4)

    assert results(provider=lsk).self_sufficiency.persons_assessed_twice == 0
    assert results().self_sufficiency.by_area["housing"].improved == 1


# --- Closures -----------------------------------------------------------------------------------------------


def test_closures_of_current_and_earlier_episodes_and_the_episodes_reopened(lsk):
    caritas = ProviderFactory(code="CARITAS")
    # An earlier episode of LSK closed in the period, then a new one (current) with CARITAS: reopened there.
    moved = ClientFactory(provider=caritas, service_start=D(2026, 5, 10))
    CaseEpisode.objects.create(
        client=moved,
        provider=lsk,
        service_start=D(2025, 1, 1),
        service_end=D(2026, 4, 20),
        closure_reason="left_latvia",
    )
    # The current episode closed in the period; LSK's own reopening after an earlier episode of its own.
    closed = ClientFactory(provider=lsk, service_start=D(2026, 4, 2))
    Client.objects.filter(pk=closed.pk).update(service_end=D(2026, 6, 30), closure_reason="deceased")
    CaseEpisode.objects.create(
        client=closed, provider=lsk, service_start=D(2024, 1, 1), service_end=D(2024, 3, 1), closure_reason="other"
    )
    # Closed after the period, and a first episode started in it: neither counts.
    later = ClientFactory(provider=lsk, service_start=D(2026, 4, 3))
    Client.objects.filter(pk=later.pk).update(service_end=D(2026, 7, 1), closure_reason="other")

    lsk_closures = results(provider=lsk).closures
    caritas_closures = results(provider=caritas).closures
    every = results().closures

    assert lsk_closures.total == 2
    assert {k: v for k, v in lsk_closures.by_reason.items() if v} == {"left_latvia": 1, "deceased": 1}
    assert lsk_closures.reopened == 1
    assert (caritas_closures.total, caritas_closures.reopened) == (0, 1)
    assert (every.total, every.reopened) == (2, 2)
    assert list(every.by_reason) == [
        "goals_achieved",
        "moved_within_latvia",
        "left_latvia",
        "transferred_to_municipality",
        "no_longer_eligible",
        "declined_service",
        "lost_contact",
        "deceased",
        "other",
    ]


# --- The number of queries ----------------------------------------------------------------------------------


def caseload(provider, worker, n):
    """`n` clients served in Q2, each with a referral, a goal, two assessments and a closed earlier episode."""
    for i in range(n):
        person = ClientFactory(provider=provider, service_start=D(2026, 4, 1))
        served(worker, person)
        referral(worker, person, D(2026, 4, 2), status="completed", outcome=D(2026, 4, 9))
        goal(worker, created=D(2026, 4, 3))
        assess(worker, person, D(2026, 4, 4), f"A{provider.pk}-{n}-{i}", housing=2)
        assess(worker, person, D(2026, 5, 4), f"B{provider.pk}-{n}-{i}", housing=3)
        CaseEpisode.objects.create(
            client=person,
            provider=provider,
            service_start=D(2025, 1, 1),
            service_end=D(2026, 3, 1),
            closure_reason="other",
        )


@pytest.mark.parametrize("with_provider", [True, False])
def test_the_results_take_the_same_queries_for_one_client_as_for_twenty(lsk, worker, with_provider):
    provider = lsk if with_provider else None
    caseload(lsk, worker, 1)
    with CaptureQueriesContext(connection) as one:
        small = results(provider=provider)
    caseload(lsk, worker, 20)
    with CaptureQueriesContext(connection) as twenty:
        large = results(provider=provider)

    assert (small.referrals.total, large.referrals.total) == (1, 21)
    assert (small.self_sufficiency.by_area["housing"].improved, large.self_sufficiency.by_area["housing"].improved) == (
        1,
        21,
    )
    assert (small.closures.reopened, large.closures.reopened) == (1, 21)
    assert len(one) == len(twenty) <= 14  # the whole report's, `results` four of them

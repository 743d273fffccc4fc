"""Cached report figures: served again only while no write since could change them (reporting/figures_cache.py)."""

import datetime
import json
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from clients.models import CaseEpisode, Client, LegalStatusEntry
from plans.models import Assessment, AssessmentScore, Contact, ContactTopic, Goal, Referral
from reporting.figures import figures_for
from reporting.figures_cache import KEEP_CHANGES, cached_figures_for, figures_cache_prune
from reporting.models import CachedFigures, FiguresChange
from tests.factories import (
    ClientFactory,
    ContactFactory,
    FamilyFactory,
    GoalFactory,
    PlanFactory,
    ProviderFactory,
    StaffFactory,
)

D = datetime.date
Q1 = (D(2026, 1, 1), D(2026, 3, 31))


@pytest.fixture
def served(lsk, worker):
    client = ClientFactory(provider=lsk, gender="F")
    contact = ContactFactory(staff=worker, date=D(2026, 2, 3))
    contact.clients.set([client])
    return client


def cached(provider=None, period=Q1):
    return cached_figures_for(start=period[0], end=period[1], provider=provider)


def served_from_cache(provider=None, period=Q1):
    """The figures, and whether they came from the cache (a cache hit reads two rows, not the contacts)."""
    with CaptureQueriesContext(connection) as queries:
        result = cached(provider, period)
    return result, not any("plans_contact" in q["sql"] for q in queries.captured_queries)


def test_the_second_request_is_served_from_the_cache_with_the_same_figures(lsk, served):
    first = cached(lsk)

    again, hit = served_from_cache(lsk)

    assert hit
    assert again.as_json() == first.as_json() == figures_for(start=Q1[0], end=Q1[1], provider=lsk).as_json()
    # In the same order too: a report lists its categories, countries and months in the order given.
    assert json.dumps(again.as_json()) == json.dumps(first.as_json())
    assert again.provider_name == lsk.name


def test_a_contact_logged_in_the_period_is_counted_at_once(lsk, worker, served):
    cached()
    other = ClientFactory(provider=lsk)
    contact = ContactFactory(staff=worker, date=D(2026, 3, 31))
    contact.clients.set([other])

    result, hit = served_from_cache()

    assert not hit
    assert (result.unique_persons, result.contacts.total) == (2, 2)


def test_a_contact_after_the_period_leaves_its_figures_cached(lsk, worker, served):
    cached()
    later = ContactFactory(staff=worker, date=D(2026, 4, 1))
    later.clients.set([served])
    ContactTopic.objects.create(contact=later, topic="health")

    result, hit = served_from_cache()

    assert hit
    assert result.contacts.total == 1


def test_another_providers_contact_changes_the_all_providers_report_only(lsk, worker, served):
    cached(lsk)
    cached(None)
    elsewhere = ContactFactory(staff=StaffFactory(provider=ProviderFactory()), date=D(2026, 1, 9))
    elsewhere.clients.set([ClientFactory()])

    assert served_from_cache(lsk)[1]
    everyone, hit = served_from_cache(None)
    assert not hit
    assert everyone.unique_persons == 2


def test_a_client_linked_to_an_earlier_contact_is_counted(lsk, served):
    cached()
    Contact.objects.get().clients.add(ClientFactory(provider=lsk))

    result, hit = served_from_cache()

    assert not hit
    assert result.unique_persons == 2


def test_a_bulk_update_of_the_clients_is_noticed(lsk, served):
    cached()
    Client.objects.filter(pk=served.pk).update(gender="M")

    result, hit = served_from_cache()

    assert not hit
    assert result.gender["male"] == 1


def test_a_change_of_a_clients_name_leaves_the_figures_cached(lsk, served):
    cached()
    Client.objects.filter(pk=served.pk).update(first_name="Amina")

    assert served_from_cache()[1]


def test_a_new_member_of_a_served_family_is_counted(lsk, worker):
    family = FamilyFactory(provider=lsk)
    ClientFactory(provider=lsk, family=family)
    ContactFactory(staff=worker, date=D(2026, 1, 20), family=family)
    assert cached().unique_persons == 1

    ClientFactory(provider=lsk, family=family)

    result, hit = served_from_cache()
    assert not hit
    assert result.unique_persons == 2


def test_a_status_from_after_the_period_leaves_it_cached_and_one_within_it_does_not(lsk, served):
    cached()
    LegalStatusEntry.objects.create(client=served, legal_status="refugee", since=D(2026, 5, 1))
    assert served_from_cache()[1]

    LegalStatusEntry.objects.create(client=served, legal_status="refugee", since=D(2026, 3, 1))

    result, hit = served_from_cache()
    assert not hit
    assert result.legal_status["refugee"] == 1


def test_deleting_a_contact_is_noticed(lsk, served):
    cached()
    Contact.objects.all().delete()

    result, hit = served_from_cache()

    assert not hit
    assert result.unique_persons == 0


def test_pruning_forgets_old_changes_and_the_entries_that_might_not_have_seen_them(lsk, served):
    cached()
    FiguresChange.objects.create()  # unseen by the entry: after pruning, nothing would tell it is stale
    long_ago = datetime.datetime.now(datetime.UTC) - KEEP_CHANGES - datetime.timedelta(days=1)
    FiguresChange.objects.update(at=long_ago)
    today = FiguresChange.objects.create(affects_from=D(2030, 1, 1))

    removed = figures_cache_prune(now=datetime.datetime.now(datetime.UTC))

    assert removed > 0
    assert list(FiguresChange.objects.values_list("pk", flat=True)) == [today.pk]
    assert not CachedFigures.objects.exists()
    assert cached().unique_persons == 1
    assert served_from_cache()[1]


@pytest.mark.django_db(transaction=True)
def test_a_writer_still_running_when_figures_are_computed_is_noticed_after_it_commits():
    """The race a last-id watermark would lose: the writer's change is not yet visible, the figures miss it."""
    provider = ProviderFactory(code="LSK")
    worker = StaffFactory(provider=provider, role="social_worker")
    written, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                contact = ContactFactory(staff=worker, date=D(2026, 2, 3))
                contact.clients.set([ClientFactory(provider=provider)])
                written.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert written.wait(10)
        # A later change commits meanwhile, so the newest visible change id is past the writer's.
        FiguresChange.objects.create()
        assert cached(provider).unique_persons == 0
    finally:
        release.set()
        thread.join()

    result, hit = served_from_cache(provider)
    assert not hit
    assert result.unique_persons == 1


# --- report-figures/2's results: referrals, goals, assessments and case episodes are watched too ----------------


def test_a_referral_or_its_outcome_in_the_period_is_counted_at_once(lsk, worker, served):
    cached(lsk)
    referral = Referral.objects.create(staff=worker, client=served, date=D(2026, 3, 2), institution_kind="health")

    result, hit = served_from_cache(lsk)
    assert not hit and result.results.referrals.total == 1

    Referral.objects.filter(pk=referral.pk).update(status="completed", outcome_date=D(2026, 3, 3))
    result, hit = served_from_cache(lsk)
    assert not hit and result.results.referrals.outcomes["completed"] == 1


def test_a_referral_after_the_period_leaves_its_figures_cached(lsk, worker, served):
    cached(lsk)
    Referral.objects.create(staff=worker, client=served, date=D(2026, 4, 2), institution_kind="health")

    assert served_from_cache(lsk)[1]


def test_goals_assessments_and_episodes_are_noticed(lsk, worker, served):
    cached()
    goal = GoalFactory(plan=PlanFactory(client=served, social_worker=worker))  # created today, after the period
    assert served_from_cache()[1]
    Goal.objects.filter(pk=goal.pk).update(created_at=datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC))
    result, hit = served_from_cache()
    assert not hit and result.results.goals.open_at_end["total"] == 1

    for ref, day, score in (("A", D(2026, 1, 5), 2), ("B", D(2026, 2, 5), 4)):
        made = Assessment.objects.create(assessment_ref=ref, date=day, staff=worker, client=served, kind="review")
        served_from_cache()
        AssessmentScore.objects.create(assessment=made, area="housing", score=score)
    result, hit = served_from_cache()
    assert not hit and result.results.self_sufficiency.by_area["housing"].improved == 1

    Client.objects.filter(pk=served.pk).update(service_end=D(2026, 3, 1), closure_reason="left_latvia")
    result, hit = served_from_cache()
    assert not hit and result.results.closures.by_reason["left_latvia"] == 1

    CaseEpisode.objects.create(
        client=served, provider=lsk, service_start=D(2025, 1, 1), service_end=D(2025, 2, 1), closure_reason="other"
    )
    result, hit = served_from_cache()
    assert not hit and result.results.closures.reopened == 1  # the current episode began in Q1 (2026-01-10)


def test_an_entry_of_an_earlier_schema_is_computed_again(lsk, served):
    first = cached(lsk)
    entry = CachedFigures.objects.get()
    old = first.as_json()
    del old["results"]
    entry.figures = json.dumps(old | {"schema": "report-figures/1"})
    entry.save()

    again, hit = served_from_cache(lsk)

    assert not hit
    assert again.as_json() == first.as_json()

"""Issue 21: a person served by two providers, each with its own record, is one person in the fund's figures."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import lower_bound
from clients.models import Client
from clients.services import client_handover
from reporting.figures import figures_for
from reporting.figures.by_provider import month_figures_by_provider
from reporting.figures_cache import cached_figures_for
from reporting.models import ALL_PROVIDERS
from tests.factories import ClientFactory, ProviderFactory, StaffFactory, UserFactory

from .report_world import contact

D = datetime.date
BORN = D(1991, 3, 14)
JAN = (D(2026, 1, 1), D(2026, 1, 31))
# Within January: the figures read the contacts of its days, not the month rollup.
MID_JAN = (D(2026, 1, 3), D(2026, 1, 20))


@pytest.fixture
def caritas(db):
    return ProviderFactory(code="CARITAS")


@pytest.fixture
def lsk_worker(lsk):
    return StaffFactory(provider=lsk, role="social_worker")


@pytest.fixture
def caritas_worker(caritas):
    return StaffFactory(provider=caritas, role="social_worker")


@pytest.fixture
def one_person_two_records(lsk, caritas, lsk_worker, caritas_worker):
    """Muhammad Ali at LSK and Mohammad Aly at Caritas, born the same day, each served in January."""
    at_lsk = ClientFactory(provider=lsk, first_name="Muhammad", last_name="Ali", birth_date=BORN, gender="M")
    at_caritas = ClientFactory(provider=caritas, first_name="Mohammad", last_name="Aly", birth_date=BORN, gender="M")
    contact(lsk_worker, D(2026, 1, 5), at_lsk)
    contact(caritas_worker, D(2026, 1, 12), at_caritas)
    return at_lsk, at_caritas


def figures(period, provider=None):
    return figures_for(start=period[0], end=period[1], provider=provider)


def test_the_two_records_have_one_match_hash(one_person_two_records):
    at_lsk, at_caritas = one_person_two_records
    assert at_lsk.match_hash is not None
    assert at_lsk.match_hash == at_caritas.match_hash


@pytest.mark.parametrize("period", [JAN, MID_JAN], ids=["whole month", "days of a month"])
def test_the_fund_counts_the_person_once_and_each_provider_once(one_person_two_records, lsk, caritas, period):
    everyone = figures(period)
    assert everyone.unique_persons == 1
    assert everyone.persons_by_month == {"2026-01": 1}
    assert everyone.gender["male"] == 1
    assert everyone.new_persons == 1
    assert figures(period, lsk).unique_persons == 1
    assert figures(period, caritas).unique_persons == 1


def test_the_coordinators_month_overview_counts_the_person_once_for_all(one_person_two_records, lsk, caritas):
    by_provider = month_figures_by_provider(D(2026, 1, 1), [lsk.pk, caritas.pk])
    assert by_provider[lsk.pk].persons == 1
    assert by_provider[caritas.pk].persons == 1
    assert by_provider[ALL_PROVIDERS].persons == 1


def test_a_person_served_earlier_by_the_other_provider_is_not_new_to_the_fund(lsk, caritas, lsk_worker, caritas_worker):
    at_lsk = ClientFactory(provider=lsk, first_name="Muhammad", last_name="Ali", birth_date=BORN)
    at_caritas = ClientFactory(provider=caritas, first_name="Mohammad", last_name="Aly", birth_date=BORN)
    contact(lsk_worker, D(2025, 12, 1), at_lsk)
    contact(caritas_worker, D(2026, 1, 12), at_caritas)

    for period in (JAN, MID_JAN):
        assert figures(period).unique_persons == 1
        assert figures(period).new_persons == 0
        # Caritas's own figures are those of its own records, as before.
        assert figures(period, caritas).new_persons == 1


def test_persons_without_a_birth_date_are_never_merged(lsk, caritas, lsk_worker, caritas_worker):
    at_lsk = ClientFactory(provider=lsk, first_name="Muhammad", last_name="Ali", birth_date=None)
    at_caritas = ClientFactory(provider=caritas, first_name="Muhammad", last_name="Ali", birth_date=None)
    contact(lsk_worker, D(2026, 1, 5), at_lsk)
    contact(caritas_worker, D(2026, 1, 12), at_caritas)

    assert at_lsk.match_hash is None and at_caritas.match_hash is None
    for period in (JAN, MID_JAN):
        assert figures(period).unique_persons == 2
    assert month_figures_by_provider(D(2026, 1, 1), [lsk.pk, caritas.pk])[ALL_PROVIDERS].persons == 2


def test_a_different_birth_date_is_a_different_person(lsk, caritas, lsk_worker, caritas_worker):
    at_lsk = ClientFactory(provider=lsk, first_name="Muhammad", last_name="Ali", birth_date=BORN)
    at_caritas = ClientFactory(provider=caritas, first_name="Muhammad", last_name="Ali", birth_date=D(1991, 3, 15))
    contact(lsk_worker, D(2026, 1, 5), at_lsk)
    contact(caritas_worker, D(2026, 1, 12), at_caritas)
    assert figures(JAN).unique_persons == 2


def test_a_client_handed_over_is_still_counted_once(lsk, caritas, lsk_worker, caritas_worker):
    person = ClientFactory(provider=lsk, first_name="Muhammad", last_name="Ali", birth_date=BORN)
    contact(lsk_worker, D(2026, 1, 5), person)
    manager = UserFactory(username="lsk-manager", role="manager", provider=lsk)
    client_handover(client=person, to_provider=caritas, by=manager, date=D(2026, 1, 10), with_family=False)
    contact(caritas_worker, D(2026, 1, 12), Client.objects.get(pk=person.pk))

    assert Client.objects.filter(match_hash=person.match_hash).count() == 1
    for period in (JAN, MID_JAN):
        assert figures(period).unique_persons == 1
        assert figures(period, lsk).unique_persons == 1
        assert figures(period, caritas).unique_persons == 1


def test_renaming_a_record_apart_changes_the_cached_figures_of_all_providers(one_person_two_records):
    _at_lsk, at_caritas = one_person_two_records
    assert cached_figures_for(start=JAN[0], end=JAN[1]).unique_persons == 1

    at_caritas.first_name = "Omar"
    at_caritas.save()

    assert cached_figures_for(start=JAN[0], end=JAN[1]).unique_persons == 2


def test_the_fund_figures_take_as_many_queries_with_merged_records_as_without(lsk, caritas, lsk_worker, caritas_worker):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            figures(JAN)
            figures(MID_JAN)
        return len(captured)

    ClientFactory(provider=lsk, birth_date=BORN)
    contact(lsk_worker, D(2026, 1, 5), *Client.objects.all())
    few = queries()
    for word in ("Rahimi", "Karimi", "Nouri", "Sadat", "Haidari"):
        name = {"first_name": "Muhammad", "last_name": word, "birth_date": BORN}
        contact(lsk_worker, D(2026, 1, 5), ClientFactory(provider=lsk, **name))
        contact(caritas_worker, D(2026, 1, 6), ClientFactory(provider=caritas, **name))
    assert queries() == few
    assert figures(JAN).unique_persons == 6


def test_the_hash_is_in_no_report_json(one_person_two_records):
    at_lsk, _at_caritas = one_person_two_records
    assert at_lsk.match_hash not in json.dumps(figures(JAN).as_json())


@pytest.mark.parametrize("period", [JAN, MID_JAN, (D(2025, 12, 1), D(2026, 1, 31))], ids=str)
def test_the_benchs_sql_bound_counts_persons_across_providers_as_the_application_does(
    lsk, caritas, lsk_worker, caritas_worker, period
):
    at_lsk = ClientFactory(provider=lsk, first_name="Muhammad", last_name="Ali", birth_date=BORN)
    at_caritas = ClientFactory(provider=caritas, first_name="Mohammad", last_name="Aly", birth_date=BORN)
    undated = [ClientFactory(provider=p, first_name="Nour", last_name="Said", birth_date=None) for p in (lsk, caritas)]
    contact(lsk_worker, D(2025, 12, 1), at_lsk, undated[0])
    contact(caritas_worker, D(2026, 1, 12), at_caritas, undated[1])
    contact(lsk_worker, D(2026, 1, 14), at_lsk)

    for provider in (None, lsk, caritas):
        app = figures(period, provider).as_json()
        with connection.cursor() as cursor:
            raw = lower_bound.run_v2(cursor, period[0], period[1], provider.pk if provider else None)
        assert lower_bound.differences(app, lower_bound.shape(raw, period[0], period[1])) == [], provider

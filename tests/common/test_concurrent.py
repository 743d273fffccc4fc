"""Read-only statements side by side: on their own connections outside a transaction, in turn inside one."""

import pytest
from django.db import connection, transaction

from common.concurrent import side_by_side
from tests.factories import ProviderFactory


def _backend() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _providers() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM clients_provider")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_calls_run_on_connections_of_their_own_and_see_what_is_committed():
    ProviderFactory()
    here = _backend()

    first, second, third = side_by_side(_backend, _backend, _providers)

    assert first == here
    assert len({first, second}) == 2
    assert third == 1
    # The threads' connections were closed: only this test's own is left.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_calls_run_in_turn_and_see_its_writes():
    with transaction.atomic():
        ProviderFactory()
        pids = side_by_side(_backend, _backend)
        assert side_by_side(_providers, _providers) == [1, 1]
    assert len(set(pids)) == 1


def test_the_results_come_in_the_order_of_the_calls():
    assert side_by_side(lambda: 1, lambda: 2, lambda: 3) == [1, 2, 3]

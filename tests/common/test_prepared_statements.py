"""The application's connection binds parameters on the server and prepares what it runs again (issue 22): the
planning of a page's queries, most of PostgreSQL's time for them, is done once a connection."""

import pytest
from django.db import connection

from clients.models import Client

pytestmark = pytest.mark.django_db


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_query_run_again_on_a_connection_is_prepared_with_its_parameters_bound(assigned_client):
    for pk in (assigned_client.pk, assigned_client.pk + 1, assigned_client.pk):
        Client.objects.filter(pk=pk, service_end__isnull=True).exists()
    statements = [s for s in _prepared() if '"clients_client"."service_end" IS NULL' in s]
    # One statement for the three values: prepared with its parameter, not three with their values.
    assert len(statements) == 1
    assert '"clients_client"."id" = $' in statements[0]

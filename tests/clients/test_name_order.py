"""Names in Latvian alphabetical order (issue 16): Ā with A, Č after C, Š after S; the list's index holds it."""

from django.db import connection
from django.urls import reverse

from clients.models import Client, Staff
from clients.selectors import client_list
from tests.factories import ClientFactory, StaffFactory

SURNAMES = ["Zariņa", "Ābele", "Abele", "Čakste", "Cirulis", "Šulce", "Sprūde", "Ģērmanis", "Grīns", "žagars"]
LATVIAN_ORDER = ["Abele", "Ābele", "Cirulis", "Čakste", "Grīns", "Ģērmanis", "Sprūde", "Šulce", "Zariņa", "žagars"]


def test_the_client_list_is_in_latvian_alphabetical_order(social_worker, provider):
    for surname in SURNAMES:
        ClientFactory(provider=provider, last_name=surname, first_name="Anna")
    assert [c.last_name for c in client_list(user=social_worker)] == LATVIAN_ORDER
    assert [c.last_name for c in Client.objects.filter(provider=provider)] == LATVIAN_ORDER


def test_the_client_list_page_shows_the_same_order(client, social_worker, provider):
    for surname in SURNAMES:
        ClientFactory(provider=provider, last_name=surname, first_name="Anna")
    client.force_login(social_worker)
    page = client.get(reverse("clients:list")).content.decode()
    assert [page.index(name) for name in LATVIAN_ORDER] == sorted(page.index(name) for name in LATVIAN_ORDER)


def test_the_staff_choices_are_in_latvian_alphabetical_order(provider):
    for surname in ("Šmits", "Strods", "Čudars", "Celms"):
        StaffFactory(provider=provider, last_name=surname)
    assert [s.last_name for s in Staff.objects.filter(provider=provider)] == ["Celms", "Čudars", "Strods", "Šmits"]


def test_the_providers_clients_by_name_are_read_from_the_index(social_worker, provider):
    ClientFactory.create_batch(3, provider=provider)
    query = client_list(user=social_worker).query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        # The index can give this order when the planner is told that sorting costs most (at this test's size it
        # would rightly sort three rows itself): the index's expressions are the query's.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "client_provider_lv_name_idx" in plan

"""The words of clients' names (`NameWord`), kept by the database, and the client list's search by them.

The search must find what comparing every visible name in Python found (`_name_matches`, plus the
reference).
"""

import importlib

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from clients import filters, selectors
from clients.filters import ClientFilter, _name_matches
from clients.models import Client, NameWord, name_key
from exchange.bulk import bulk_update_rows, copy_rows

from ..factories import ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _words() -> set[str]:
    return set(NameWord.objects.values_list("word", flat=True))


# The words follow the names ---------------------------------------------------------------------------


def test_a_new_clients_words_are_noted(provider):
    ClientFactory(provider=provider, first_name="Ērika", last_name="Ozola-Bērziņa")
    assert {"irika", "uzula", "birzina"} <= _words()


def test_a_renamed_clients_new_words_are_noted_and_the_old_ones_kept(provider):
    client = ClientFactory(provider=provider, first_name="Amina", last_name="Haddad")
    client.last_name = "Yousef"
    client.save(update_fields=["last_name"])
    assert {"amina", "hadad", "iusif"} <= _words()
    Client.objects.filter(pk=client.pk).update(name_key=name_key("Zahra", "Karimi"))
    assert {"zahra", "karimi"} <= _words()


def test_an_update_of_other_columns_adds_nothing(provider):
    client = ClientFactory(provider=provider, first_name="Amina", last_name="Haddad")
    NameWord.objects.all().delete()
    Client.objects.filter(pk=client.pk).update(country="SY")
    client.save(update_fields=["country"])
    # A statement-level trigger (PostgreSQL) reads every updated row; it notes only words it lacks.
    assert _words() <= {"amina", "hadad"}


def test_bulk_inserts_and_bulk_updates_note_their_words(provider):
    # bulk_create does not call save(): the writer sets name_key, as the import does.
    clients = Client.objects.bulk_create(
        Client(client_ref=f"B{n}", first_name=first, last_name=last, name_key=name_key(first, last), provider=provider)
        for n, (first, last) in enumerate([("Nour", "Saleh"), ("Omar", "Saleh"), ("Юсуф", "Ахмедов")])
    )
    assert {"nur", "salih", "umar", "юсуф", "ахмедов"} <= _words()
    clients[0].name_key = name_key("Nour", "Tesfaye")
    bulk_update_rows(Client, clients[:1], ["name_key"])
    assert "tisfai" in _words()


def test_a_copy_notes_its_words(provider):
    now = timezone.now()
    columns = ("client_ref", "first_name", "last_name", "name_key", "gender", "country", "arrival_route")
    rows = [
        (f"K{n}", "Selam", last, name_key("Selam", last), "", "", "") for n, last in enumerate(["Tesfaye", "Kidane"])
    ]
    copy_rows(
        Client, (*columns, "provider_id", "created_at", "updated_at"), [(*r, provider.pk, now, now) for r in rows]
    )
    assert {"silam", "tisfai", "kidani"} <= _words()


def test_the_migration_notes_the_words_of_the_existing_names(provider):
    ClientFactory(provider=provider, first_name="Fatima", last_name="Karimi")
    ClientFactory(provider=provider, first_name="", last_name="")
    NameWord.objects.all().delete()
    migration = importlib.import_module("clients.migrations.0004_nameword")
    with connection.cursor() as cursor:
        cursor.execute(migration.PG_FILL)
    assert _words() == {"fatima", "karimi"}


# The search finds what comparing every name did -----------------------------------------------------

NAMES = [
    ("Muhammad", "Haddad", "LSK-0101"),
    ("Mohammed", "Al-Hassan", "LSK-0102"),
    ("Mukhammad", "Rahimi", "LSK-0103"),
    ("Ērika", "Ozola", "LSK-0104"),
    ("Amina", "Haddad", "LSK-HAD-1"),
    ("Zahra", "Rahimi", "LSK-0106"),
    ("Fatima Zahra", "Karimi", "LSK-0107"),
    ("Abdulrahman", "Yousef", "LSK-0108"),
    ("Omar", "Nur", "LSK-NUR"),
    ("Юсуф", "Ахмедов", "LSK-0110"),
    ("Hussein", "Ali", "LSK-0111"),
    ("Aleksandr", "Petrov", "LSK-0112"),
    ("Jānis", "Bērziņš", "LSK-0113"),
    ("Nour", "O'Brien", "LSK-0114"),
    ("Mehmet", "Yılmaz", "LSK-0115"),
    ("Hasan", "Hasanov", "LSK-0116"),
    ("Ali", "Haddadi", "LSK-0117"),
]

QUERIES = [
    "mohammed",
    "muhamad",
    "Muhammed Hadad",
    "hadad",
    "HADDAD",
    "haddadi",
    "hadd",
    "h",
    "ha",
    "had",
    "al hassan",
    "al-hassan",
    "rahim",
    "karim",
    "erika",
    "ĒRIKA ozola",
    "hasan",
    "hasanov",
    "huseyn",
    "abdurahman",
    "yusef abdulrahman",
    "alexandr",
    "aleksander",
    "petruv",
    "fatma",
    "fatima zahra",
    "zahra karimi",
    "юсуф",
    "ахмедов",
    "janis berzins",
    "obrien",
    "o'brien",
    "yilmaz",
    "mehmed yilmaz",
    "nur",
    "nour",
    "omar nur",
    "lsk",
    "lsk-0101",
    "0101",
    "lsk-had",
    "01",
    "1",
    "x",
    "qqqq",
    "ali ali",
    "a b",
    "  Amina  ",
]


@pytest.fixture
def named_clients(provider, other_provider):
    for first, last, ref in NAMES:
        ClientFactory(provider=provider, first_name=first, last_name=last, client_ref=ref)
    # Another provider's names are words of the vocabulary too, but never found.
    ClientFactory(provider=other_provider, first_name="Muhammad", last_name="Haddad", client_ref="CAR-0101")
    ClientFactory(provider=other_provider, first_name="Sevara", last_name="Hadadova", client_ref="CAR-0102")


def _as_before(user, value: str) -> list[int]:
    """The search as it was: every visible name compared in Python, or the reference; in the list's order."""
    value = value.strip()
    words = name_key(value).split()
    visible = Client.objects.for_user(user)
    loose = [pk for pk, key in visible.values_list("pk", "name_key") if words and _name_matches(words, key.split())]
    found = selectors.client_list(user=user).filter(Q(client_ref__icontains=value) | Q(pk__in=loose))
    return list(found.values_list("pk", flat=True))


def _searched(user, value: str) -> list[int]:
    search = ClientFilter({"q": value}, queryset=selectors.client_list(user=user), user=user)
    return list(search.qs.values_list("pk", flat=True))


@pytest.mark.parametrize("query", QUERIES)
def test_the_search_finds_what_comparing_every_name_found(social_worker, named_clients, query):
    assert _searched(social_worker, query) == _as_before(social_worker, query)


def test_the_search_finds_loose_matches_and_references_together(social_worker, named_clients):
    def names(query):
        return {f"{c.first_name} {c.last_name}" for c in Client.objects.filter(pk__in=_searched(social_worker, query))}

    assert names("mohammed") == {"Muhammad Haddad", "Mohammed Al-Hassan", "Mukhammad Rahimi"}
    assert names("hadad") == {"Muhammad Haddad", "Amina Haddad", "Ali Haddadi"}
    assert names("ĒRIKA ozola") == {"Ērika Ozola"}
    assert names("had") == {"Muhammad Haddad", "Amina Haddad", "Ali Haddadi"}  # one also by reference
    assert names("nur") == {"Omar Nur", "Nour O'Brien"}
    assert names("lsk-had") == {"Amina Haddad"}
    assert names("janis berzins") == {"Jānis Bērziņš"}


def test_many_clients_found_by_reference_are_found_by_the_reference_condition(
    social_worker, named_clients, monkeypatch
):
    monkeypatch.setattr(filters, "MANY_REFERENCES", 1)
    for query in ("lsk", "lsk-0101", "ha", "hadad"):
        assert _searched(social_worker, query) == _as_before(social_worker, query), query


def test_the_search_keeps_the_lists_order_page_by_page(client, social_worker, provider):
    for n in range(30):
        ClientFactory(provider=provider, first_name=f"Amina{'x' * (n % 3)}", last_name=f"Haddad{n % 7}")
    ClientFactory(provider=provider, first_name="Zahra", last_name="Haddad", client_ref="A-FIRST")
    found = _searched(social_worker, "haddad")
    assert found == _as_before(social_worker, "haddad")
    assert len(found) == 31


def test_a_mentor_finds_only_assigned_clients(mentor, provider, social_worker):
    assigned = ClientFactory(provider=provider, first_name="Amina", last_name="Haddad", mentor=mentor.staff)
    ClientFactory(provider=provider, first_name="Omar", last_name="Haddad")
    other_mentor = StaffFactory(role="mentor", provider=provider)
    ClientFactory(provider=provider, first_name="Sara", last_name="Haddad", mentor=other_mentor)
    assert _searched(mentor, "hadad") == [assigned.pk] == _as_before(mentor, "hadad")
    assert len(_searched(social_worker, "hadad")) == 3


def test_a_search_of_words_no_name_has_finds_only_references(social_worker, provider):
    found = ClientFactory(provider=provider, first_name="Amina", last_name="Haddad", client_ref="QWZ-1")
    ClientFactory(provider=provider, first_name="Omar", last_name="Nur", client_ref="LSK-2")
    assert _searched(social_worker, "qwz") == [found.pk]
    assert _searched(social_worker, "qwz haddad") == []


def test_the_name_condition_finds_whole_words_only(provider):
    amina = ClientFactory(provider=provider, first_name="Amina", last_name="Haddad")
    ClientFactory(provider=provider, first_name="Amin", last_name="Haddadi")

    def found(words):
        return list(Client.objects.filter(filters.HasNameWord(words)).values_list("pk", flat=True))

    assert found(["amina"]) == [amina.pk]
    assert found(["amina", "nosuchword"]) == [amina.pk]
    assert found(["hadadi", "amin"]) != [] and amina.pk not in found(["hadadi", "amin"])
    assert found([]) == []


def test_postgresql_finds_the_names_by_the_gin_index(social_worker, named_clients):
    def plan(queryset):
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test's few rows are otherwise read in one go
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    # The condition is the index's expression.
    assert "client_name_words_idx" in plan(Client.objects.filter(filters.HasNameWord(["hadad", "hadadi"])))
    # The page is sorted from the matches, not read from the provider's name index in order.
    search = ClientFilter({"q": "hadad"}, queryset=selectors.client_list(user=social_worker), user=social_worker)
    assert "client_provider_name_idx" not in plan(search.qs)

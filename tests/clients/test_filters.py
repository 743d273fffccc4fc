"""The client list's filters: the family by its reference, and the loose name search with its SQL prefilter."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from clients.filters import _in_order_pattern, _may_match, _name_matches
from clients.models import Client, NameWord, name_key
from clients.selectors import SHORTEST_FUZZY_WORD, similar_words

from ..factories import ClientFactory, FamilyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def family(provider, assigned_client, mentor):
    family = FamilyFactory(family_ref="LSK-F0007", name="Haddad", provider=provider)
    assigned_client.family = family
    assigned_client.save(update_fields=["family"])
    ClientFactory(provider=provider, family=family, first_name="Sara", mentor=mentor.staff)
    ClientFactory(provider=provider, family=family, first_name="Yusuf")
    return family


@pytest.fixture
def foreign_family(foreign_client):
    family = FamilyFactory(family_ref="CAR-F0001", name="Karimi", provider=foreign_client.provider)
    foreign_client.family = family
    foreign_client.save(update_fields=["family"])
    return family


def _listed(client, **params):
    response = client.get(reverse("clients:list"), params)
    assert response.status_code == 200
    return response, {c.first_name for c in response.context["page"]}


# The family filter ---------------------------------------------------------------------------------


def test_a_social_worker_filters_the_list_by_the_family_reference(client, social_worker, family, unassigned_client):
    client.force_login(social_worker)
    _, shown = _listed(client, family="LSK-F0007")
    assert shown == {"Amina", "Sara", "Yusuf"}


def test_a_mentor_filters_by_the_family_of_an_assigned_client_and_sees_only_assigned_members(client, mentor, family):
    client.force_login(mentor)
    _, shown = _listed(client, family="LSK-F0007")
    assert shown == {"Amina", "Sara"}


def test_another_providers_family_is_refused_like_an_unknown_reference(
    client, social_worker, family, foreign_family, unassigned_client
):
    client.force_login(social_worker)
    for reference in ("CAR-F0001", "NO-SUCH-REF"):
        response, shown = _listed(client, family=reference)
        assert "None of your families has this reference." in response.content.decode()
        # The filter is left out: the provider's own clients, never the other provider's.
        assert shown == {"Amina", "Sara", "Yusuf", "Omar"}
        assert "Leyla" not in response.content.decode()


def test_a_mentor_cannot_filter_by_a_family_without_an_assigned_member(client, mentor, provider):
    other = FamilyFactory(family_ref="LSK-F0099", provider=provider)
    ClientFactory(provider=provider, family=other, first_name="Nour")
    client.force_login(mentor)
    response, shown = _listed(client, family="LSK-F0099")
    assert "None of your families has this reference." in response.content.decode()
    assert "Nour" not in shown


def test_the_family_filter_is_a_text_field_not_a_list_of_every_family(client, social_worker, provider, family):
    for n in range(5):
        ClientFactory(provider=provider, family=FamilyFactory(name=f"Family {n}", provider=provider))
    client.force_login(social_worker)
    page = client.get(reverse("clients:list")).content.decode()
    assert re.search(r'<input type="text" name="family"', page)
    assert "Family 3" not in page.split('name="family"')[1].split("</div>")[0]
    assert "<option" not in page.split('name="family"')[1].split("</div>")[0]


def test_the_family_page_links_to_the_client_list_of_the_family(client, social_worker, family, unassigned_client):
    client.force_login(social_worker)
    page = client.get(reverse("clients:family_detail", args=[family.pk])).content.decode()
    link = f"{reverse('clients:list')}?family=LSK-F0007"
    assert f'href="{link}"' in page
    _, shown = _listed(client, family="LSK-F0007")
    assert shown == {"Amina", "Sara", "Yusuf"}


def test_the_family_filter_takes_no_more_queries_for_many_families(client, social_worker, provider, family):
    client.force_login(social_worker)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("clients:list"), {"family": "LSK-F0007"})
        return len(ctx.captured_queries)

    queries()  # the first request of a session does more
    few = queries()
    for _ in range(20):
        ClientFactory(provider=provider, family=FamilyFactory(provider=provider))
    assert queries() == few


# The name search -----------------------------------------------------------------------------------

NAMES = [
    ("Muhammad", "Haddad"),
    ("Mohammed", "Al-Hassan"),
    ("Mukhammad", "Rahimi"),
    ("Ērika", "Ozola"),
    ("Amina", "Haddad"),
    ("Zahra", "Rahimi"),
    ("Fatima", "Karimi"),
    ("Abdulrahman", "Yousef"),
    ("Omar", "Nur"),
    ("Юсуф", "Ахмедов"),
    ("Hussein", "Ali"),
    ("Aleksandr", "Petrov"),
]


@pytest.fixture
def named_clients(provider):
    return {
        f"{first} {last}": ClientFactory(provider=provider, first_name=first, last_name=last) for first, last in NAMES
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mohammed", {"Muhammad Haddad", "Mohammed Al-Hassan", "Mukhammad Rahimi"}),
        ("erika", {"Ērika Ozola"}),
        ("ĒRIKA ozola", {"Ērika Ozola"}),
        ("hadad", {"Muhammad Haddad", "Amina Haddad"}),
        ("amina hadad", {"Amina Haddad"}),
        ("am", {"Amina Haddad"}),
        ("abdurahman", {"Abdulrahman Yousef"}),
        ("yusef abdulrahman", {"Abdulrahman Yousef"}),
        ("юсуф", {"Юсуф Ахмедов"}),
        ("aleksander", {"Aleksandr Petrov"}),
        ("nur", {"Omar Nur"}),
        ("zahra karimi", set()),
    ],
)
def test_the_name_search_finds_diacritic_and_transliterated_variants(
    client, social_worker, named_clients, query, expected
):
    client.force_login(social_worker)
    response = client.get(reverse("clients:list"), {"q": query})
    assert {f"{c.first_name} {c.last_name}" for c in response.context["page"]} == expected


def test_the_sql_prefilter_keeps_every_name_that_python_matches(client, social_worker, named_clients, foreign_client):
    keys = dict(Client.objects.for_user(social_worker).values_list("pk", "name_key"))
    client.force_login(social_worker)
    queries = [
        "mohammed",
        "muhamad",
        "muhammed hadad",
        "rahim",
        "karim",
        "erika",
        "hasan",
        "huseyn",
        "abdulrahmann",
        "alexandr",
        "petruv",
        "fatma",
    ]
    for query in queries:
        words = name_key(query).split()
        expected = {pk for pk, key in keys.items() if _name_matches(words, key.split())}
        response = client.get(reverse("clients:list"), {"q": query})
        assert {c.pk for c in response.context["page"]} == expected, query


def test_the_prefilter_leaves_out_words_that_cannot_match(named_clients):
    candidates = NameWord.objects.filter(_may_match(name_key("mohammed"))).values_list("word", flat=True)
    # Muhammad and Mukhammad are "muhamad", Mohammed "muhamid"; no other word of the names.
    assert set(candidates) == {"muhamad", "muhamid"}


def test_a_reference_search_reads_no_names_and_a_name_search_its_words_and_the_references(
    client, social_worker, named_clients
):
    client.force_login(social_worker)

    def queries(**params):
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("clients:list"), params)
        return len(ctx.captured_queries)

    queries()  # the first request of a session does more
    plain = queries()
    reference = named_clients["Omar Nur"].client_ref.lstrip("C")  # its digits
    assert name_key(reference) == ""  # no letters, so no names to compare
    assert queries(q=reference) == plain
    # The words of names that "mohammed" matches, then the clients found by their reference.
    assert queries(q="mohammed") == plain + 2


def _edited(word: str, edits: list[tuple[int, int, str]]) -> str:
    letters = list(word)
    for kind, at, letter in edits:
        at %= len(letters) + 1
        if kind == 0 and letters:
            del letters[min(at, len(letters) - 1)]
        elif kind == 1:
            letters.insert(at, letter)
        elif letters:
            letters[min(at, len(letters) - 1)] = letter
    return "".join(letters)


LETTERS = "ahimnrsu"
word = st.text(alphabet=LETTERS, min_size=1, max_size=16)
edits = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 20), st.sampled_from(LETTERS)), max_size=4)


@settings(max_examples=3000, deadline=None)
@given(searched=word, other=word, edits=edits, cut=st.integers(0, 16))
def test_every_word_a_searched_word_matches_meets_its_sql_prefilter(searched, other, edits, cut):
    # Words much like the searched one (a few edits of it), its extensions, and unrelated ones.
    for candidate in (_edited(searched, edits), searched + other, other, other[: cut or None]):
        if not candidate:
            continue
        if candidate.startswith(searched) or similar_words(searched, candidate):
            if len(searched) < SHORTEST_FUZZY_WORD:
                assert candidate.startswith(searched)
            else:
                assert re.search(_in_order_pattern(searched), candidate), (searched, candidate)

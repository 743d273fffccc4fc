"""Possible duplicates at intake: a similar name and the same birth date or country."""

import datetime

import pytest

from clients.models import name_key
from clients.selectors import client_duplicates, similar_names

from ..factories import ClientFactory

pytestmark = pytest.mark.django_db

BORN = datetime.date(1990, 5, 17)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Muhammad", "Mohammed"),
        ("Muhammad", "Mohamed"),
        ("Ērika", "Erika"),
        ("ĒRIKA", "erika"),
        ("Khalil", "Halil"),
        ("Hassan", "Hasan"),
        ("Yusuf", "Jusuf"),
    ],
)
def test_names_written_differently_are_similar(one, other):
    assert similar_names(name_key(one, "Karimi"), name_key(other, "Karimi"))


@pytest.mark.parametrize(
    ("one", "other"),
    [("Amina", "Omar"), ("Fatima", "Zahra"), ("Muhammad", "Mahmoud"), ("Nour", "Omar"), ("Rania", "Rami")],
)
def test_different_names_are_not_similar(one, other):
    assert not similar_names(name_key(one, "Karimi"), name_key(other, "Karimi"))


def test_family_members_with_the_same_family_name_are_not_one_person():
    assert not similar_names(name_key("Ahmad", "Karimi"), name_key("Hamid", "Karimi"))


def test_a_second_family_name_still_matches():
    assert similar_names(name_key("Zahra", "Ahmadi"), name_key("Zahra", "Ahmadi Karimi"))


def test_first_and_last_name_in_either_order_are_the_same_name():
    assert name_key("Ali", "Hussein") == name_key("Hussein", "Ali")


def test_a_similar_name_with_the_same_birth_date_is_a_possible_duplicate(social_worker, provider):
    existing = ClientFactory(
        provider=provider, first_name="Mohammed", last_name="Al-Khalil", birth_date=BORN, country=""
    )
    found = client_duplicates(user=social_worker, first_name="Muhammad", last_name="Al Halil", birth_date=BORN)
    assert found == [existing]


def test_a_similar_name_from_the_same_country_is_a_possible_duplicate(social_worker, provider):
    existing = ClientFactory(provider=provider, first_name="Ērika", last_name="Ozola", birth_date=None, country="UA")
    found = client_duplicates(user=social_worker, first_name="Erika", last_name="Ozola", country="UA")
    assert found == [existing]


def test_a_similar_name_with_another_birth_date_and_country_is_not_a_duplicate(social_worker, provider):
    ClientFactory(provider=provider, first_name="Khalil", last_name="Said", birth_date=BORN, country="SY")
    found = client_duplicates(
        user=social_worker, first_name="Halil", last_name="Said", birth_date=datetime.date(2001, 1, 1), country="IQ"
    )
    assert found == []


def test_another_name_with_the_same_birth_date_is_not_a_duplicate(social_worker, provider):
    ClientFactory(provider=provider, first_name="Fatima", last_name="Rahimi", birth_date=BORN)
    assert client_duplicates(user=social_worker, first_name="Zahra", last_name="Karimi", birth_date=BORN) == []


def test_without_a_birth_date_or_country_nothing_is_compared(social_worker, provider):
    ClientFactory(provider=provider, first_name="Khalil", last_name="Said")
    assert client_duplicates(user=social_worker, first_name="Khalil", last_name="Said") == []


def test_duplicates_are_found_only_among_the_users_visible_clients(social_worker, mentor, provider, other_provider):
    ClientFactory(provider=other_provider, first_name="Khalil", last_name="Said", birth_date=BORN)
    unassigned = ClientFactory(provider=provider, first_name="Khalil", last_name="Said", birth_date=BORN)
    assert client_duplicates(user=social_worker, first_name="Halil", last_name="Said", birth_date=BORN) == [unassigned]
    assert client_duplicates(user=mentor, first_name="Halil", last_name="Said", birth_date=BORN) == []


def test_the_record_itself_is_not_its_own_duplicate(social_worker, provider):
    existing = ClientFactory(provider=provider, first_name="Khalil", last_name="Said", birth_date=BORN)
    found = client_duplicates(
        user=social_worker, first_name="Khalil", last_name="Said", birth_date=BORN, exclude_pk=existing.pk
    )
    assert found == []

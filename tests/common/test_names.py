"""One convention for a person's name on the screen, for clients, staff and user accounts alike."""

from accounts.models import User
from clients.models import Client, Staff
from common.names import person_name


def test_a_name_is_written_surname_first():
    assert person_name("Amina", "Haddad") == "Haddad Amina"
    assert person_name("", "Haddad") == "Haddad"
    assert person_name("Amina", "") == "Amina"


def test_a_user_account_a_staff_record_and_a_client_write_the_same_name_the_same_way():
    names = {"first_name": "Jānis", "last_name": "Ozoliņš"}
    assert User(username="jo", **names).get_full_name() == "Ozoliņš Jānis"
    assert Staff(**names).display_name == "Ozoliņš Jānis"
    assert Client(**names).display_name == "Ozoliņš Jānis"

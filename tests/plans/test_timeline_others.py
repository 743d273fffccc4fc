"""Others named on a client's contacts appear by name only to those who may see them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from clients.services import client_handover
from plans.models import Contact, ContactClient
from plans.selectors import named_links, visible_on_contacts
from tests.factories import ClientFactory, ContactFactory, FamilyFactory

pytestmark = pytest.mark.django_db


def _timeline(client, person):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("plans:timeline", args=[person.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _shared_contact(staff, *persons, family=None, day=datetime.date(2026, 3, 2)):
    contact = ContactFactory(staff=staff, date=day, family=family)
    contact.clients.set(persons)
    return contact


def test_the_mentor_sees_another_person_instead_of_an_unassigned_client(
    client, mentor, assigned_client, unassigned_client
):
    _shared_contact(mentor.staff, assigned_client, unassigned_client)
    client.force_login(mentor)

    _, html = _timeline(client, assigned_client)

    assert str(assigned_client) in html
    assert unassigned_client.first_name not in html
    assert unassigned_client.last_name not in html
    assert "another person" in html


def test_the_social_worker_sees_both_names(client, social_worker, mentor, assigned_client, unassigned_client):
    _shared_contact(mentor.staff, assigned_client, unassigned_client)
    client.force_login(social_worker)

    _, html = _timeline(client, assigned_client)

    assert str(unassigned_client) in html
    assert "another person" not in html


def test_the_mentor_sees_another_family_instead_of_a_family_with_no_assigned_member(
    client, mentor, provider, assigned_client
):
    family = FamilyFactory(provider=provider, name="Qwertyuiop")
    ClientFactory(provider=provider, family=family)
    _shared_contact(mentor.staff, assigned_client, family=family)
    client.force_login(mentor)

    _, html = _timeline(client, assigned_client)

    assert "Qwertyuiop" not in html
    assert "another family" in html


def test_the_mentor_sees_the_name_of_the_assigned_clients_own_family(client, mentor, assigned_client, family):
    _shared_contact(mentor.staff, family=family)
    client.force_login(mentor)

    _, html = _timeline(client, assigned_client)

    assert "Family: Ahmadi" in html
    assert "another family" not in html


def test_the_new_provider_does_not_see_the_old_providers_other_clients(
    client, manager, outsider, other_provider, assigned_client, unassigned_client, mentor
):
    _shared_contact(mentor.staff, assigned_client, unassigned_client)
    client_handover(client=assigned_client, to_provider=other_provider, by=manager, date=datetime.date(2026, 4, 1))
    client.force_login(outsider)

    _, html = _timeline(client, assigned_client)

    assert str(assigned_client) in html
    assert unassigned_client.last_name not in html
    assert "another person" in html


def test_the_mentor_does_not_see_the_name_in_latvian_either(client, mentor, assigned_client, unassigned_client):
    _shared_contact(mentor.staff, assigned_client, unassigned_client)
    client.force_login(mentor)
    with translation.override("lv"):
        response = client.get(reverse("plans:timeline", args=[assigned_client.pk]), headers={"accept-language": "lv"})
    assert unassigned_client.last_name not in response.content.decode()


def test_the_timeline_asks_once_which_of_the_others_the_viewer_may_see(client, mentor, provider, assigned_client):
    def build(n):
        others = [ClientFactory(provider=provider, last_name=f"Hidden{n}x{k}") for k in range(3)]
        family = FamilyFactory(provider=provider, name=f"HiddenFamily{n}")
        ClientFactory(provider=provider, family=family, last_name=f"HiddenMember{n}")
        _shared_contact(mentor.staff, assigned_client, *others, family=family, day=datetime.date(2026, 1, 1 + n))

    client.force_login(mentor)
    for n in range(2):
        build(n)
    before, _ = _timeline(client, assigned_client)
    for n in range(2, 20):
        build(n)
    after, html = _timeline(client, assigned_client)

    assert before == after
    assert "Hidden" not in html
    assert html.count("another person") == 20 * 3
    assert html.count("another family") == 20


def test_the_visible_persons_of_many_contacts_take_one_query(
    django_assert_num_queries, mentor, provider, assigned_client
):
    for n in range(5):
        _shared_contact(
            mentor.staff, assigned_client, ClientFactory(provider=provider), day=datetime.date(2026, 1, 1 + n)
        )
    contacts = list(Contact.objects.serving(assigned_client).prefetch_related(named_links()))

    with django_assert_num_queries(1):
        visible = visible_on_contacts(user=mentor, contacts=contacts)

    assert visible.client_ids == {assigned_client.pk}


def test_a_family_contact_does_not_list_a_member_who_has_left_the_family_since(
    client, social_worker, mentor, provider, assigned_client, family
):
    contact = _shared_contact(mentor.staff, family=family)
    left = ClientFactory(provider=provider, last_name="Departed")
    ContactClient.objects.create(contact=contact, client=left, via_family=True)
    client.force_login(social_worker)

    _, html = _timeline(client, assigned_client)

    assert "Family: Ahmadi" in html
    assert "Departed" not in html
    assert "another person" not in html

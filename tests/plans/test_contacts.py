"""The contact log's form: pre-filled, validated beside each field, limited to whom the user may see."""

import datetime

import pytest
from django.urls import reverse

from plans.models import Contact
from tests.factories import ClientFactory, ContactFactory

pytestmark = pytest.mark.django_db


def _post(client, person, **overrides):
    data = {"date": datetime.date.today().isoformat(), "members": [person.pk], "form": "phone", "duration_minutes": 15}
    data.update(overrides)
    return client.post(
        reverse("plans:contact_create", args=[person.pk]), {k: v for k, v in data.items() if v is not None}
    )


def _field_errors(response, name):
    return [str(e) for e in response.context["form"].errors.get(name, [])]


def test_the_form_is_pre_filled_with_today_the_user_and_the_client(client, mentor, assigned_client, today):
    client.force_login(mentor)
    response = client.get(reverse("plans:contact_create", args=[assigned_client.pk]))
    form = response.context["form"]
    assert form.fields["date"].initial == today
    assert form.fields["members"].initial == [assigned_client.pk]
    assert str(mentor.staff) in response.content.decode()


def test_a_mentor_logs_a_call_with_one_family_member(client, mentor, assigned_client, family):
    client.force_login(mentor)
    response = _post(client, assigned_client, topics=["health"], place="Rīga")
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.family is None
    assert list(contact.clients.all()) == [assigned_client]
    assert contact.staff == mentor.staff
    assert contact.form == "phone"


def test_a_contact_in_the_future_is_refused_beside_the_date(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    response = _post(client, assigned_client, date=(today + datetime.timedelta(days=1)).isoformat())
    assert response.status_code == 200
    assert _field_errors(response, "date") == ["A contact cannot be dated in the future."]
    assert not Contact.objects.exists()


def test_a_contact_before_the_client_was_born_is_refused_beside_the_date(client, social_worker, assigned_client):
    client.force_login(social_worker)
    response = _post(client, assigned_client, date="1990-05-16")
    assert _field_errors(response, "date") == [f"The contact cannot be before {assigned_client} was born (17/05/1990)."]
    assert not Contact.objects.exists()


@pytest.mark.parametrize("minutes", [0, 1441, -5])
def test_a_duration_outside_one_to_1440_minutes_is_refused(client, social_worker, assigned_client, minutes):
    client.force_login(social_worker)
    response = _post(client, assigned_client, duration_minutes=minutes)
    assert _field_errors(response, "duration_minutes") == ["Enter a duration between 1 and 1440 minutes (24 hours)."]
    assert not Contact.objects.exists()


@pytest.mark.parametrize("minutes", [1, 1440])
def test_a_duration_of_one_to_1440_minutes_is_accepted(client, social_worker, assigned_client, minutes):
    client.force_login(social_worker)
    assert _post(client, assigned_client, duration_minutes=minutes).status_code == 302
    assert Contact.objects.get().duration_minutes == minutes


def test_nobody_served_is_refused(client, social_worker, assigned_client, family):
    client.force_login(social_worker)
    response = _post(client, assigned_client, members=[])
    assert _field_errors(response, "members") == ["Choose the whole family or at least one person."]


def test_a_mentor_posting_an_unassigned_family_member_is_refused(client, mentor, assigned_client, family):
    unassigned = family.members.get(first_name="Yusuf")
    client.force_login(mentor)
    response = _post(client, assigned_client, members=[assigned_client.pk, unassigned.pk])
    assert response.status_code == 200
    assert "members" in response.context["form"].errors
    assert not Contact.objects.exists()
    # The mentor is not even offered the member they do not serve.
    assert "Yusuf" not in client.get(reverse("plans:contact_create", args=[assigned_client.pk])).content.decode()


def test_a_mentor_posting_an_unassigned_client_of_another_family_is_refused(
    client, mentor, assigned_client, unassigned_client
):
    client.force_login(mentor)
    response = _post(client, assigned_client, members=[unassigned_client.pk])
    assert "members" in response.context["form"].errors
    assert not Contact.objects.exists()


def test_a_social_worker_chooses_family_members(client, social_worker, assigned_client, family):
    sara = family.members.get(first_name="Sara")
    client.force_login(social_worker)
    response = _post(client, assigned_client, members=[assigned_client.pk, sara.pk], form="accompaniment")
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert set(contact.clients.all()) == {assigned_client, sara}
    assert contact.family is None


def test_a_family_contact_before_a_chosen_child_was_born_is_refused(client, social_worker, assigned_client, family):
    sara = family.members.get(first_name="Sara")
    client.force_login(social_worker)
    response = _post(client, assigned_client, members=[assigned_client.pk, sara.pk], date="2019-01-01")
    assert _field_errors(response, "date") == [f"The contact cannot be before {sara} was born (02/04/2019)."]


def test_a_family_contact_from_the_family_page_serves_the_whole_family(client, social_worker, family, today):
    client.force_login(social_worker)
    response = client.post(
        reverse("plans:contact_create_family", args=[family.pk]),
        {"date": today.isoformat(), "whole_family": "on", "form": "electronic"},
    )
    assert response.status_code == 302
    assert Contact.objects.get().family == family


def test_contact_references_are_unique(client, social_worker, assigned_client):
    client.force_login(social_worker)
    _post(client, assigned_client)
    _post(client, assigned_client)
    refs = list(Contact.objects.values_list("contact_ref", flat=True))
    assert len(set(refs)) == 2


def test_the_timeline_shows_a_handed_over_clients_earlier_contacts(client, social_worker, assigned_client, outsider):
    ContactFactory(staff=outsider.staff, date=datetime.date(2026, 2, 1), note="Seen by Caritas").clients.add(
        assigned_client
    )
    ClientFactory(provider=outsider.provider)
    client.force_login(social_worker)
    assert "Seen by Caritas" in client.get(reverse("plans:timeline", args=[assigned_client.pk])).content.decode()


def test_the_timeline_lists_the_clients_own_and_family_contacts_once_each(
    client, social_worker, assigned_client, unassigned_client, family
):
    day = datetime.date(2026, 3, 2)
    ContactFactory(staff=social_worker.staff, date=day, note="Named alone").clients.add(assigned_client)
    ContactFactory(staff=social_worker.staff, date=day, family=family, note="Family visit")
    both = ContactFactory(staff=social_worker.staff, date=day, family=family, note="Named with the family")
    both.clients.add(assigned_client, *family.members.exclude(pk=assigned_client.pk))
    ContactFactory(staff=social_worker.staff, date=day, note="Someone else").clients.add(unassigned_client)
    client.force_login(social_worker)
    contacts = [
        e.obj.note
        for e in client.get(reverse("plans:timeline", args=[assigned_client.pk])).context["entries"]
        if e.kind == "contact"
    ]
    assert sorted(contacts) == ["Family visit", "Named alone", "Named with the family"]

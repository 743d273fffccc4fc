"""The month rollups (reporting.models, migration 0005): always what the contacts add up to, whatever writes them,
and the report figures read from them the same as from the contacts themselves."""

import datetime
import itertools
from collections import Counter

import pytest

from clients.models import Client, Provider
from plans.models import Contact, ContactTopic
from reporting import figures as report_figures
from reporting.figures import figures_for
from reporting.models import ALL_PROVIDERS, PersonsMonth
from reporting.periods import Period
from tests.factories import ClientFactory, ContactFactory, FamilyFactory, ProviderFactory, StaffFactory

from .report_world import contact
from .rollup_sums import added_up, family_members, rollups
from .sample import loaded_sample_data

D = datetime.date
ClientContact = Contact.clients.through


@pytest.fixture
def world(db):
    lsk, other = ProviderFactory(code="LSK"), ProviderFactory(code="DRC")
    return {
        "lsk": lsk,
        "worker": StaffFactory(provider=lsk),
        "mentor": StaffFactory(provider=lsk, role="mentor"),
        "elsewhere": StaffFactory(provider=other),
        "family": FamilyFactory(provider=lsk),
        "other_family": FamilyFactory(provider=lsk),
    }


def test_the_rollups_follow_every_kind_of_write(world):
    w = world
    mother, son = ClientFactory.create_batch(2, provider=w["lsk"], family=w["family"])
    alone, moved = ClientFactory.create_batch(2, provider=w["lsk"])
    first = contact(w["worker"], D(2026, 1, 5), alone, mother, topics=("documents", "health"))
    family_visit = contact(w["mentor"], D(2026, 1, 20), family=w["family"], form="phone", minutes=15)
    contact(w["elsewhere"], D(2026, 1, 7), alone, topics=("housing",))
    contact(w["worker"], D(2026, 2, 2), son, family=w["family"], minutes=None)
    assert rollups() == added_up()

    # A person joins a family with contacts, another leaves it, one moves between families.
    baby = ClientFactory(provider=w["lsk"], family=w["family"])
    son.family = None
    son.save()
    moved.family = w["family"]
    moved.save()
    Client.objects.filter(pk=moved.pk).update(family=w["other_family"])
    contact(w["worker"], D(2026, 3, 3), family=w["other_family"])
    assert rollups() == added_up()

    # A contact edited: its day (another month), its form, its length, its staff member and provider.
    first.date, first.form, first.duration_minutes = D(2026, 3, 31), "electronic", 45
    first.save()
    Contact.objects.filter(pk=family_visit.pk).update(staff=w["elsewhere"], provider=w["elsewhere"].provider)
    Contact.objects.filter(pk=family_visit.pk).update(family=w["other_family"], date=D(2025, 12, 31))
    assert rollups() == added_up()

    # Links and topics changed, contacts and a person deleted.
    first.clients.remove(mother)
    first.clients.add(baby)
    ContactTopic.objects.filter(contact=first, topic="health").update(topic="housing")
    ContactTopic.objects.filter(contact=first, topic="documents").delete()
    family_visit.delete()
    baby.delete()
    assert rollups() == added_up()

    # Bulk writes, as the import makes them.
    made = Contact.objects.bulk_create(
        ContactFactory.build(staff=w["worker"], provider=w["lsk"], date=D(2026, 4, day), family=w["family"])
        for day in (1, 30)
    )
    ClientContact.objects.bulk_create(ClientContact(contact=made[0], client=client) for client in (alone, moved))
    ContactTopic.objects.bulk_create(ContactTopic(contact=k, topic="education") for k in made)
    assert rollups() == added_up()

    Contact.objects.filter(date__month=4).delete()
    Contact.objects.all().delete()
    assert rollups() == added_up() == {name: Counter() for name in added_up()}


def test_a_person_served_by_two_providers_in_a_month_is_one_person_of_the_month(world):
    w = world
    person = ClientFactory(provider=w["lsk"])
    contact(w["worker"], D(2026, 1, 5), person)
    contact(w["elsewhere"], D(2026, 1, 6), person)

    assert PersonsMonth.objects.filter(provider_id=ALL_PROVIDERS, client_id=person.pk).get().refs == 2
    assert figures_for(start=D(2026, 1, 1), end=D(2026, 1, 31)).persons_by_month == {"2026-01": 1}


@pytest.mark.parametrize(
    ("start", "end", "whole", "edges"),
    [
        (D(2026, 1, 1), D(2026, 3, 31), (D(2026, 1, 1), D(2026, 3, 1)), []),
        (D(2026, 1, 15), D(2026, 3, 31), (D(2026, 2, 1), D(2026, 3, 1)), [(D(2026, 1, 15), D(2026, 1, 31))]),
        (D(2026, 1, 1), D(2026, 3, 30), (D(2026, 1, 1), D(2026, 2, 1)), [(D(2026, 3, 1), D(2026, 3, 30))]),
        (
            D(2025, 12, 2),
            D(2026, 2, 27),
            (D(2026, 1, 1), D(2026, 1, 1)),
            [(D(2025, 12, 2), D(2025, 12, 31)), (D(2026, 2, 1), D(2026, 2, 27))],
        ),
        (D(2026, 2, 1), D(2026, 2, 28), (D(2026, 2, 1), D(2026, 2, 1)), []),
        (D(2024, 2, 1), D(2024, 2, 29), (D(2024, 2, 1), D(2024, 2, 1)), []),
        (D(2026, 1, 2), D(2026, 2, 27), None, [(D(2026, 1, 2), D(2026, 2, 27))]),
        (D(2026, 3, 3), D(2026, 3, 3), None, [(D(2026, 3, 3), D(2026, 3, 3))]),
    ],
)
def test_a_period_splits_into_whole_months_and_the_days_around_them(start, end, whole, edges):
    period = Period(start, end)

    assert period.whole_months == whole
    assert [(edge.start, edge.end) for edge in period.edges] == edges


@pytest.fixture(scope="module")
def sample_data(django_db_setup, django_db_blocker):
    yield from loaded_sample_data(django_db_blocker)


def periods() -> list[tuple[datetime.date, datetime.date]]:
    """Periods over the sample data: whole months, whole years, and ones that start or end within a month."""
    days = [D(2021, 12, 1), D(2022, 1, 1), D(2022, 1, 17), D(2022, 3, 31), D(2022, 4, 1), D(2022, 5, 14)]
    days += [D(2022, 6, 30), D(2022, 9, 12), D(2022, 12, 31), D(2023, 2, 1), D(2023, 12, 31)]
    return [(start, end) for start, end in itertools.combinations(sorted(days), 2)]


def test_the_figures_from_the_rollups_are_those_from_the_contacts(sample_data, db, monkeypatch):
    providers = [None, *Provider.objects.order_by("code")]
    from_rollups = {
        (start, end, p): figures_for(start=start, end=end, provider=p).as_json()
        for start, end in periods()
        for p in providers
    }
    # Every period read from its contacts alone, as if it had no whole month.
    monkeypatch.setattr(report_figures.Period, "whole_months", property(lambda self: None))
    from_contacts = {
        (start, end, p): figures_for(start=start, end=end, provider=p).as_json()
        for start, end in periods()
        for p in providers
    }

    assert from_rollups == from_contacts
    assert any(figures["unique_persons"] for figures in from_rollups.values())


def served_days() -> list[tuple[datetime.date, int | None, int]]:
    """(day, provider, person) of every contact's every person served, from the records."""
    members = family_members()
    return [
        (contact.date, contact.provider_id, person)
        for contact in Contact.objects.prefetch_related("clients")
        for person in [client.pk for client in contact.clients.all()] + members.get(contact.family_id, [])
    ]


def test_new_persons_from_the_rollups_had_no_contact_before_the_period(sample_data, db):
    days = served_days()
    first = {}
    for day, _, person in days:
        first[person] = min(first.get(person, day), day)
    for start, end in periods():
        for provider in [None, *Provider.objects.order_by("code")]:
            served = {
                person
                for day, provider_id, person in days
                if start <= day <= end and (provider is None or provider_id == provider.pk)
            }
            result = figures_for(start=start, end=end, provider=provider)

            assert result.unique_persons == len(served)
            assert result.new_persons == sum(1 for person in served if first[person] >= start), (start, end, provider)


def test_the_histories_read_whole_give_the_figures_read_for_the_persons_served(sample_data, db, monkeypatch):
    """Past 100,000 person-months a report reads the status and residence histories whole (a national decade);
    below, only the served persons' entries. Both give the same figures."""
    providers = [None, *Provider.objects.order_by("code")]
    for_the_served = {
        (start, end, p): figures_for(start=start, end=end, provider=p).as_json()
        for start, end in periods()
        for p in providers
    }
    monkeypatch.setattr(report_figures.persons, "_READ_HISTORIES_WHOLE", 0)
    whole = {
        (start, end, p): figures_for(start=start, end=end, provider=p).as_json()
        for start, end in periods()
        for p in providers
    }

    assert whole == for_the_served

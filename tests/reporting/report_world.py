"""A small world for the report views and jobs: a contract, clients served in March 2026, another provider's."""

from __future__ import annotations

import datetime

from plans.models import ContactTopic
from tests.factories import ClientFactory, ContactFactory, ContractFactory, FamilyFactory, StaffFactory

MARCH = {"kind": "month", "month": "2026-03", "language": "en"}


def build_world(provider, other_provider, social_worker, mentor) -> dict:
    ContractFactory(provider=provider, number="S-SIF-2026-7", planned_persons_per_month=80)
    ContractFactory(provider=other_provider, number="S-SIF-2026-9", planned_persons_per_month=50)
    family = FamilyFactory(provider=provider)
    amina = ClientFactory(provider=provider, first_name="Amina", last_name="Haddad", gender="F", country="SY")
    ClientFactory(provider=provider, first_name="Yusuf", last_name="Haddad", family=family, country="SY")
    ClientFactory(
        provider=provider,
        first_name="Mariam",
        last_name="Haddad",
        family=family,
        gender="F",
        birth_date=datetime.date(2015, 2, 1),
        country="SY",
    )
    omar = ClientFactory(provider=provider, first_name="Omar", last_name="Rahimi", country="AF")
    first = ContactFactory(staff=social_worker.staff, date=datetime.date(2026, 3, 2), duration_minutes=90)
    first.clients.add(amina, omar)
    ContactTopic.objects.create(contact=first, topic="documents")
    ContactFactory(staff=mentor.staff, date=datetime.date(2026, 3, 10), family=family, form="accompaniment")
    ContactFactory(staff=social_worker.staff, date=datetime.date(2026, 2, 10), form="phone").clients.add(amina)

    leyla = ClientFactory(provider=other_provider, first_name="Leyla", last_name="Karimi", country="IQ")
    other_staff = StaffFactory(provider=other_provider, role="social_worker")
    ContactFactory(staff=other_staff, date=datetime.date(2026, 3, 5)).clients.add(leyla)
    return {"names": ["Amina", "Yusuf", "Mariam", "Omar", "Haddad", "Rahimi", "Leyla", "Karimi"]}


def contact(staff, day, *clients, family=None, form="in_person", minutes=60, topics=()):
    """A contact of `staff` on `day` naming `clients` (and `family`), with its topics."""
    made = ContactFactory(staff=staff, date=day, family=family, form=form, duration_minutes=minutes)
    made.clients.set(clients)
    for topic in topics:
        ContactTopic.objects.create(contact=made, topic=topic)
    return made

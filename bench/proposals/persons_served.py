"""Proposal 4 for plans/selectors.py `persons_served` (month at a glance): `pk IN` instead of EXISTS OR EXISTS.

The same change reporting/figures.py `_served_by` already made: correlated `EXISTS (...) OR EXISTS (...)`
on Client runs two subplans for every client of the database (250,000), while two uncorrelated
`IN` subqueries are hashed once from the month's contacts.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from clients.models import Client
from plans.models import Contact


def persons_served(*, contacts: models.QuerySet[Contact]) -> int:
    named = Contact.clients.through.objects.filter(contact__in=contacts.values("pk")).values("client_id")
    via_family = Client.objects.filter(family_id__in=contacts.exclude(family_id=None).values("family_id")).values("pk")
    return Client.objects.filter(Q(pk__in=named) | Q(pk__in=via_family)).count()


def apply() -> None:
    from plans import selectors

    selectors.persons_served = persons_served

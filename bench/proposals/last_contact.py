"""Proposal 2 for plans/selectors.py `_last_contact_date`: two index-backed subqueries instead of one OR over a join.

The current subquery joins every contact to its clients and filters on
`client_id = <client> OR family_id = <family>`; no index serves an OR across two tables, so
PostgreSQL walks the contacts backwards by date (contact_date_idx) until it meets one of this
client's: the work grows with all the contacts of the database, for every row of the social
worker's caseload and of the mentor's client list. The latest contact naming the client comes
from the client link's client_id index, the latest contact of the family from the contact's
family_id index; the later of the two is the last contact. Coalesce keeps it right on SQLite,
whose MAX(a, b) is NULL when either is.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from plans.models import Contact


def last_contact_date():
    named = Subquery(Contact.objects.filter(clients=OuterRef("pk")).order_by("-date").values("date")[:1])
    family = Subquery(Contact.objects.filter(family_id=OuterRef("family_id")).order_by("-date").values("date")[:1])
    return Greatest(Coalesce(named, family), Coalesce(family, named))


def apply() -> None:
    from plans import selectors

    selectors._last_contact_date = last_contact_date

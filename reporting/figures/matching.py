"""Who is one person in the fund's figures (all providers): the one home of that rule.

A person served by two providers without a hand-over has two client records, one at each. The fund's figures
count them once: records sharing a match hash (`clients.models.person_match_hash`, a keyed hash of the loose
name and the birth date) are one person, and a record without one (no birth date) is a person of its own.
A provider's own figures count its records as they are.

The month rollups keep their rows by record (`PersonsMonth`, ALL_PROVIDERS included), so that a changed name
or birth date moves no rollup row; the figures of all providers fold the records into persons when they read
them, in the database. Only the records whose hash another record shares can fold, and they are few: the
readers join that small set (`SHARED_RECORDS`) and leave every other row as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import OuterRef, QuerySet

from clients.models import Client

# The records whose match hash at least one other record has (id, match_hash).
# Index: client_match_hash_idx, for the grouping (an index-only scan) and for the IN.
SHARED_RECORDS = (
    "SELECT id, match_hash FROM clients_client WHERE match_hash IN "
    "(SELECT match_hash FROM clients_client WHERE match_hash IS NOT NULL GROUP BY match_hash HAVING COUNT(*) > 1)"
)


def persons_by(pairs: QuerySet[Any], key: str, *, fold_only: int | None = None) -> dict[Any, int]:
    """{key: persons} over `pairs`, a query of distinct (client_id, `key`) rows: the records of each key, less
    those that are another record's person (same hash, same key). With `fold_only`, records are folded only
    under that key (ALL_PROVIDERS, when the keys are providers): every other key counts its records."""
    sql, params = pairs.query.sql_with_params()
    only = f" AND pairs.{key} = %s" if fold_only is not None else ""
    statement = (
        f"SELECT pairs.{key}, COUNT(*) - COUNT(s.id) + COUNT(DISTINCT s.match_hash) "  # noqa: S608
        f"FROM ({sql}) pairs LEFT JOIN ({SHARED_RECORDS}) s ON s.id = pairs.client_id{only} GROUP BY pairs.{key}"
    )
    with connections[pairs.db].cursor() as cursor:
        cursor.execute(statement, (*params, fold_only) if fold_only is not None else params)
        return dict(cursor.fetchall())


# The persons among the served records p0 (id, match_hash, ...): each record without a hash, and of the records
# sharing one, the first (lowest id). The portrait of a person counted once is that of that record.
ONE_RECORD_A_PERSON = (
    "SELECT p0.* FROM p0 LEFT JOIN "
    "(SELECT match_hash, MIN(id) AS first_id FROM p0 WHERE match_hash IS NOT NULL GROUP BY match_hash) f "
    "ON f.match_hash = p0.match_hash WHERE p0.match_hash IS NULL OR p0.id = f.first_id"
)


def other_records() -> QuerySet[Any]:
    """The ids of the other records of the person of the outer client (OuterRef two levels up): none without a
    hash. Index: client_match_hash_idx."""
    return Client.objects.filter(match_hash=OuterRef(OuterRef("match_hash"))).order_by().values("pk")


def other_records_families() -> QuerySet[Any]:
    """The families of the other records of the outer client's person (see `other_records`)."""
    return (
        Client.objects.filter(match_hash=OuterRef(OuterRef("match_hash")), family__isnull=False)
        .order_by()
        .values("family_id")
    )

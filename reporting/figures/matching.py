"""Who is one person in the fund's figures (all providers): the one home of that rule.

A person served by two providers without a hand-over has two client records, one at each. The fund's figures
count them once: records sharing a match hash (`clients.models.person_match_hash`, a keyed hash of the loose
name and the birth date) are one person, and a record without one (no birth date) is a person of its own.
A provider's own figures count its records as they are.

The month rollups keep their rows by record (`PersonsMonth`, ALL_PROVIDERS included), so that a changed name
or birth date moves no rollup row; the figures of all providers fold the records into persons when they read
them, in the database. Only the records whose hash another record shares can fold, and they are few: the
readers join that small set (`shared`) and leave every other row as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import OuterRef, QuerySet

from clients.models import Client

# The records whose match hash at least one other record has (id, match_hash): one pass over the hash index in its
# order, each hash's records counted by a window. Index: client_match_hash_idx (it carries the id: index-only).
SHARED_RECORDS = (
    "SELECT id, match_hash FROM (SELECT id, match_hash, COUNT(*) OVER (PARTITION BY match_hash) AS records "
    "FROM clients_client WHERE match_hash IS NOT NULL) r WHERE records > 1"
)


def shared(using: str) -> tuple[str, tuple[list[int], list[str]]]:
    """The records sharing a hash as a statement's CTE `shared`, and its parameters: found first, then written into
    the statement as two arrays. The planner then knows how few they are (a few thousand at national scale) and
    reads the rows of just those records through their indexes; written as a subquery it expected tens of
    thousands and read every client's, and every served month's, rows to join them."""
    with connections[using].cursor() as cursor:
        cursor.execute(SHARED_RECORDS)
        rows = cursor.fetchall()
    cte = "shared AS (SELECT * FROM unnest(%s::bigint[], %s::varchar[]) AS s (id, match_hash))"
    return cte, ([row[0] for row in rows], [row[1] for row in rows])


def persons_by(pairs: QuerySet[Any], key: str, *, fold_only: int | None = None, many: bool = False) -> dict[Any, int]:
    """{key: persons} over `pairs`, a query of distinct (client_id, `key`) rows: the records of each key, less
    those that are another record's person (same hash, same key). With `fold_only`, records are folded only
    under that key (ALL_PROVIDERS, when the keys are providers): every other key counts its records.

    A few ten thousand pairs (a month's, some days'): each pair's record read for its hash (by its key: a join
    was planned as a hash of every client), the hashes counted distinct. `many` (the months of years, a million
    pairs and more): two groupings of the pairs, added up, every pair counted (a plain count a key, no sort of
    the pairs by key and hash) and, for the few pairs of records sharing a hash (`shared`), the correction, the
    hashes counted distinct less the records (those pairs read through their client index). Finding the records
    sharing a hash costs a pass over the hash index (~90 ms at national scale): more than a month's pairs cost."""
    sql, params = pairs.query.sql_with_params()
    fold = f"pairs.{key} = %s" if fold_only is not None else "TRUE"
    fold_params = (fold_only,) if fold_only is not None else ()
    if not many:
        statement = (
            f"SELECT pairs.{key}, CASE WHEN {fold} THEN COUNT(*) - COUNT(c.match_hash) "  # noqa: S608
            f"+ COUNT(DISTINCT c.match_hash) ELSE COUNT(*) END "
            f"FROM ({sql}) pairs CROSS JOIN LATERAL (SELECT match_hash FROM clients_client "
            f"WHERE id = pairs.client_id LIMIT 1) c GROUP BY pairs.{key}"
        )
        with connections[pairs.db].cursor() as cursor:
            cursor.execute(statement, (*fold_params, *params))
            return dict(cursor.fetchall())
    cte, cte_params = shared(pairs.db)
    statement = (
        f"WITH {cte} SELECT k, SUM(n)::int FROM ("  # noqa: S608
        f"SELECT pairs.{key} AS k, COUNT(*) AS n FROM ({sql}) pairs GROUP BY pairs.{key} "
        f"UNION ALL SELECT pairs.{key}, COUNT(DISTINCT s.match_hash) - COUNT(*) "
        f"FROM shared s JOIN ({sql}) pairs ON pairs.client_id = s.id AND {fold} GROUP BY pairs.{key}"
        ") counted GROUP BY k"
    )
    with connections[pairs.db].cursor() as cursor:
        cursor.execute(statement, (*cte_params, *params, *params, *fold_params))
        return dict(cursor.fetchall())


# The persons among the served records p0 (id, match_hash, ...): each record without a hash, and of the records
# sharing one, the first (lowest id). The portrait of a person counted once is that of that record.
# Only records sharing a hash can be a later record of a person: of those few (the statement's CTE `shared`), the
# ones with a served record of lower id and the same hash are left out. Matched by their ids (the served set is
# read once by id, not sorted by its hashes).
ONE_RECORD_A_PERSON = (
    "SELECT p0.* FROM p0 LEFT JOIN ("
    "SELECT DISTINCT s.id FROM p0 q JOIN shared t ON t.id = q.id "
    "JOIN shared s ON s.match_hash = t.match_hash AND t.id < s.id"
    ") later ON later.id = p0.id WHERE later.id IS NULL"
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

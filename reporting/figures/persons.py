"""The persons served: how many, a month, new ones, families, and their portrait (gender, age, status, origin)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.lookups import IsNull

from clients.choices import RECEPTION_CENTRE
from clients.models import Client, Provider
from plans.models import Contact, ContactClient

from ..models import ALL_PROVIDERS, PersonsMonth
from ..periods import Period, month_start
from .matching import ONE_RECORD_A_PERSON, other_records, other_records_families, persons_by, shared
from .query import _in_report, _rolled, _served_ids
from .types import ADULT_FROM, SENIOR_AFTER, UNKNOWN


def _served_in(period: Period, provider: Provider | None) -> QuerySet[Any]:
    """The ids of the persons served: the month rollup for the period's whole months, the contacts for the
    days around them (a period within one month: the contacts alone)."""
    parts = [_served_ids(edge.start, edge.end, provider) for edge in period.edges]
    if (whole := period.whole_months) is not None:
        # Index: persons_month_key (provider, month, client).
        parts.append(_rolled(PersonsMonth, whole, provider).values("client_id"))
    first, *rest = parts
    return first.union(*rest) if rest else first


def _age_on(day: datetime.date) -> Any:
    """Completed years on `day` (NULL without a birth date)."""
    had_birthday = Q(birth_date__month__lt=day.month) | Q(birth_date__month=day.month, birth_date__day__lte=day.day)
    return (
        Value(day.year)
        - ExtractYear("birth_date")
        - Case(When(had_birthday, then=Value(0)), default=Value(1), output_field=IntegerField())
    )


def _none_of(queryset: QuerySet[Any]) -> Q:
    """True where the correlated `queryset` has no row, as a probe (SELECT ... LIMIT 1) IS NULL.

    Not NOT EXISTS: PostgreSQL may answer an EXISTS with a "hashed SubPlan" that reads every row the
    subquery could ever return (2.2 million earlier contacts for one month's report), where the
    probe is one index lookup a served person.
    """
    return Q(IsNull(Subquery(queryset.order_by().values("pk")[:1]), True))


def _is_new(period: Period, *, every_record: bool) -> Q:
    """No contact before the period named the person or their family (any provider); with `every_record` (the
    figures of all providers), nor any other record of the person (matching.py).

    Correlated probes, each an index lookup for one served person: the month rollup of every provider for
    the months before the period's first, the contacts for the days of that month before its start.
    """
    month = month_start(period.start)
    earlier = PersonsMonth.objects.filter(provider_id=ALL_PROVIDERS, month__lt=month)
    # Index: persons_month_client_idx (provider, client, month).
    new = _none_of(earlier.filter(client_id=OuterRef("pk")))
    if every_record:
        new &= _none_of(earlier.filter(client_id__in=other_records()))
    if period.start > month:
        # Index: the client link's client FK, then the contact's primary key; the contact (family, date) index.
        days = {"date__gte": month, "date__lt": period.start}
        links = ContactClient.objects.filter(**{f"contact__{k}": v for k, v in days.items()})
        contacts = Contact.objects.filter(**days)
        new &= _none_of(links.filter(client_id=OuterRef("pk"))) & _none_of(
            contacts.filter(family_id=OuterRef("family_id"))
        )
        if every_record:
            new &= _none_of(links.filter(client_id__in=other_records())) & _none_of(
                contacts.filter(family_id__in=other_records_families())
            )
    return new


def _history_before(period: Period) -> bool:
    """Whether any contact comes before the period. A report from the first day of the service (ten years
    since 2016) has none: everyone in it is new, without a probe for each of its 250,000 persons."""
    # Index: contact_date_idx.
    return Contact.objects.filter(date__lt=period.start).exists()


def _month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _month_number(field: str) -> Any:
    """The calendar month of a date as one integer, YYYYMM."""
    return ExtractYear(field) * 100 + ExtractMonth(field)


def _edge_persons_by_month(period: Period, provider: Provider | None) -> dict[str, int]:
    """Unique persons of each month of a period within one month, from its contacts: the distinct (person,
    month) pairs served, counted by month, in one query.

    The pairs are the UNION (which removes duplicates) of the persons the month's contacts name and the
    members of the families they name. The ORM builds both halves; counting over a union is the one step it
    cannot express, so that statement wraps the ORM's own SQL.
    """
    start, end = period.start, period.end
    named = (
        ContactClient.objects.filter(_in_report("contact__", start, end, provider))
        .annotate(month=_month_number("contact__date"))
        .values("client_id", "month")
        .order_by()
    )
    members = (
        Contact.objects.filter(_in_report("", start, end, provider), family__members__isnull=False)
        .annotate(month=_month_number("date"))
        .values("family__members", "month")
        .order_by()
    )
    if provider is None:  # the fund's: a person's records at several providers are one person (matching.py)
        counted_persons = persons_by(named.union(members), "month")
        return {_month_key(int(month) // 100, int(month) % 100): n for month, n in counted_persons.items()}
    pairs, params = named.union(members).query.sql_with_params()
    with connections[Contact.objects.db].cursor() as cursor:
        cursor.execute(f"SELECT pairs.month, COUNT(*) FROM ({pairs}) pairs GROUP BY pairs.month", params)  # noqa: S608
        counted = cursor.fetchall()
    return {_month_key(int(month) // 100, int(month) % 100): n for month, n in counted}


def _persons_by_month(period: Period, provider: Provider | None) -> dict[str, int]:
    """Unique persons of each month the period touches: a whole month's from the rollup (its rows are the
    month's persons), a partial month's from its contacts."""
    by_month = dict.fromkeys((key for key, _, _ in period.months), 0)
    if (whole := period.whole_months) is not None:
        # Index: persons_month_key (provider, month, client), an index-only scan.
        rolled = _rolled(PersonsMonth, whole, provider)
        if provider is None:  # the fund's: a person's records at several providers are one person
            counted_months = persons_by(rolled.values("client_id", "month"), "month", many=True).items()
        else:
            counted_months = rolled.values("month").annotate(n=Count("*")).values_list("month", "n")
        for month, n in counted_months:
            by_month[f"{month:%Y-%m}"] = n
    for edge in period.edges:
        by_month.update(_edge_persons_by_month(edge, provider))
    return by_month


# The columns of a served person that the report groups by (the demographics), then those it counts.
_GROUPS = ("gender", "age_group", "status", "residence", "arrival_route", "country")
# The persons served (p0, built by the ORM, found once: their records; p1, the persons: for all providers one
# record a person, matching.py) with their legal status and residence on the last day
# (the latest entry by `since`, then id), as joins: one pass over each history table, where a probe a person
# cost 4 s for a national decade. Whether a person's family has another member is a lookup in one set of the
# families of two or more, built once (a join would spoil the planner's row estimates, and with them the
# grouping). The families (a distinct count, not a sum of the groups) are one uncorrelated subquery over p0:
# families are records of a provider, each counted.
_PEOPLE = """
    WITH p0 AS MATERIALIZED ({persons}),{shared}
    p1 AS ({persons_once}),
    p AS (
        SELECT p1.*, COALESCE(ls.legal_status, '{unknown}') AS status,
               CASE WHEN age_years IS NULL THEN '{unknown}' WHEN age_years < {adult_from} THEN 'children'
                    WHEN age_years <= {senior_after} THEN 'adults' ELSE 'seniors' END AS age_group,
               CASE WHEN rs.residence IS NULL OR rs.residence = '' THEN '{unknown}'
                    WHEN rs.residence = '{reception}' THEN '{reception}' ELSE 'outside' END AS residence,
               p1.family_id IN ({families}) AS in_family
        FROM p1
        LEFT JOIN ({legal_status}) ls ON ls.client_id = p1.id
        LEFT JOIN ({residence}) rs ON rs.client_id = p1.id
    )
    SELECT {groups}, COUNT(*), SUM(age_years), COUNT(age_years),
           SUM(CASE WHEN is_new THEN 1 ELSE 0 END), SUM(CASE WHEN in_family THEN 0 ELSE 1 END),
           (SELECT COUNT(DISTINCT family_id) FROM p0 WHERE family_id IN ({families}))
    FROM p GROUP BY {groups}
"""


# Index: the client family FK (an index-only scan of the clients in a family).
_FAMILIES_OF_TWO = (
    "SELECT family_id FROM clients_client WHERE family_id IS NOT NULL GROUP BY family_id HAVING COUNT(*) > 1"
)


def _latest(table: str, column: str, *, served_only: bool) -> str:
    """Each client's latest entry of a history table on or before the day (the one parameter): the entry with
    the latest `since`, then the highest id; DISTINCT ON sorts the entries once. With `served_only`, only the
    entries of the persons served (p0) are read, through the table's client index: cheaper than one pass
    over the whole table for a few ten thousand persons, dearer for hundreds of thousands."""
    served = " AND client_id IN (SELECT id FROM p0)" if served_only else ""
    return (
        f"SELECT DISTINCT ON (client_id) client_id, {column} FROM {table} WHERE since <= %s{served} "  # noqa: S608
        "ORDER BY client_id, since DESC, id DESC"
    )


# Person-months (the sum of the months' persons) beyond which the histories are read whole (`_latest`).
_READ_HISTORIES_WHOLE = 100_000


def _people(period: Period, provider: Provider | None, person_months: int) -> tuple[list[dict[str, Any]], int]:
    """The persons served, by gender, age group, legal status, residence, arrival route and country (with the
    sum of their ages and how many are new and individuals), and the number of families: one statement.

    The persons served are found once (`_served_in`) and every figure about them is read from that set.
    The ORM builds the persons' query; the joins to their histories and grouping it twice over one set are
    what it cannot express, so the statement wraps the ORM's own SQL.
    """
    persons = (
        Client.objects.filter(pk__in=_served_in(period, provider))
        .order_by()
        .annotate(
            age_years=_age_on(period.end),
            is_new=(
                ExpressionWrapper(_is_new(period, every_record=provider is None), output_field=BooleanField())
                if _history_before(period)
                else Value(True, output_field=BooleanField())
            ),
        )
        .values("id", "family_id", "age_years", "is_new", "gender", "arrival_route", "country", "match_hash")
    )
    sql, params = persons.query.sql_with_params()
    cte, cte_params = shared(Client.objects.db) if provider is None else ("", ())
    few = person_months <= _READ_HISTORIES_WHOLE  # an upper bound of the persons served
    statement = _PEOPLE.format(
        persons=sql,
        persons_once=ONE_RECORD_A_PERSON if provider is None else "SELECT * FROM p0",
        shared=f" {cte}," if cte else "",
        legal_status=_latest("clients_legalstatusentry", "legal_status", served_only=few),
        residence=_latest("clients_residenceentry", "residence", served_only=few),
        groups=", ".join(_GROUPS),
        unknown=UNKNOWN,
        reception=RECEPTION_CENTRE,
        families=_FAMILIES_OF_TWO,
        adult_from=ADULT_FROM,
        senior_after=SENIOR_AFTER,
    )
    with connections[Client.objects.db].cursor() as cursor:
        cursor.execute(statement, (*params, *cte_params, period.end, period.end))
        rows = cursor.fetchall()
    columns = (*_GROUPS, "n", "age_sum", "aged", "new", "individuals", "families")
    groups = [dict(zip(columns, row, strict=True)) for row in rows]
    for row in groups:  # PostgreSQL sums its EXTRACTed years as numeric
        row["age_sum"] = None if row["age_sum"] is None else int(row["age_sum"])
    return groups, groups[0]["families"] if groups else 0

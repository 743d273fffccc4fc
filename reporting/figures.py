"""The figures of a report (shared/spec/report-metrics.md), computed once by the database for every output."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
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
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.lookups import IsNull

from clients.choices import RECEPTION_CENTRE, ArrivalRoute, LegalStatus, StaffRole
from clients.models import Client, Contract, Provider, Staff
from plans.choices import ContactForm
from plans.models import Contact, ContactClient, ContactTopic

from .models import ALL_PROVIDERS, ContactsMonth, PersonsMonth, StaffMonth, TopicsMonth
from .periods import Period, month_start

SCHEMA = "report-figures/1"
UNKNOWN = "unknown"

# The categories of each table, in the order the spec lists them; every one is always shown.
GENDERS = ("female", "male", "other", UNKNOWN)
AGE_GROUPS = ("children", "adults", "seniors", UNKNOWN)
LEGAL_STATUSES = (*LegalStatus.values, UNKNOWN)
RESIDENCES = (RECEPTION_CENTRE, "outside", UNKNOWN)
ARRIVAL_ROUTES = (*ArrivalRoute.values, UNKNOWN)
CONTACT_FORMS = tuple(ContactForm.values)

_GENDER_KEYS = {"F": "female", "M": "male", "X": "other"}
ADULT_FROM, SENIOR_AFTER = 18, 60

ClientContact = ContactClient


@dataclass(frozen=True)
class ContractTarget:
    """A contract of the report's provider that overlaps the period."""

    number: str
    start: datetime.date
    end: datetime.date
    planned_persons_per_month: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "planned_persons_per_month": self.planned_persons_per_month,
        }


@dataclass(frozen=True)
class CountryFigures:
    count: int
    by_country: dict[str, int]


@dataclass(frozen=True)
class StaffFigures:
    social_workers: int
    mentors: int


@dataclass(frozen=True)
class ContactFigures:
    total: int
    hours: float
    by_form: dict[str, int]
    by_topic: dict[str, int]


@dataclass(frozen=True)
class ReportFigures:
    """Every figure of one report. The dicts are never changed after `figures_for` builds them."""

    period: Period
    provider: str | None
    provider_name: str | None
    unique_persons: int
    new_persons: int
    persons_by_month: dict[str, int]
    average_persons_per_month: float
    families: int
    individuals: int
    gender: dict[str, int]
    age_groups: dict[str, int]
    gender_by_age_group: dict[str, dict[str, int]]
    average_age: float | None
    average_age_adults: float | None
    countries: CountryFigures
    legal_status: dict[str, int]
    residence: dict[str, int]
    arrival_route: dict[str, int]
    staff: StaffFigures
    contacts: ContactFigures
    # Only for one provider's report; empty for all providers.
    contracts: tuple[ContractTarget, ...] = ()
    # The planned persons of each month, from the contract covering it; None without one.
    planned_persons_by_month: dict[str, int | None] | None = None

    def as_json(self) -> dict[str, Any]:
        """The report's JSON as the spec gives it, plus the contract context."""
        return {
            "schema": SCHEMA,
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "provider": self.provider,
            "unique_persons": self.unique_persons,
            "new_persons": self.new_persons,
            "persons_by_month": dict(self.persons_by_month),
            "average_persons_per_month": self.average_persons_per_month,
            "families": self.families,
            "individuals": self.individuals,
            "gender": dict(self.gender),
            "age_groups": dict(self.age_groups),
            "gender_by_age_group": {group: dict(row) for group, row in self.gender_by_age_group.items()},
            "average_age": self.average_age,
            "average_age_adults": self.average_age_adults,
            "countries": {"count": self.countries.count, "by_country": dict(self.countries.by_country)},
            "legal_status": dict(self.legal_status),
            "residence": dict(self.residence),
            "arrival_route": dict(self.arrival_route),
            "staff": {"social_workers": self.staff.social_workers, "mentors": self.staff.mentors},
            "contacts": {
                "total": self.contacts.total,
                "hours": self.contacts.hours,
                "by_form": dict(self.contacts.by_form),
                "by_topic": dict(self.contacts.by_topic),
            },
            "contracts": [contract.as_json() for contract in self.contracts],
            "planned_persons_by_month": (
                dict(self.planned_persons_by_month) if self.planned_persons_by_month is not None else None
            ),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, provider_name: str | None) -> ReportFigures:
        """The figures back from `as_json` (the cache keeps them so)."""
        contacts, countries, staff = data["contacts"], data["countries"], data["staff"]
        return cls(
            period=Period(
                datetime.date.fromisoformat(data["period"]["start"]), datetime.date.fromisoformat(data["period"]["end"])
            ),
            provider=data["provider"],
            provider_name=provider_name,
            unique_persons=data["unique_persons"],
            new_persons=data["new_persons"],
            persons_by_month=data["persons_by_month"],
            average_persons_per_month=data["average_persons_per_month"],
            families=data["families"],
            individuals=data["individuals"],
            gender=data["gender"],
            age_groups=data["age_groups"],
            gender_by_age_group=data["gender_by_age_group"],
            average_age=data["average_age"],
            average_age_adults=data["average_age_adults"],
            countries=CountryFigures(count=countries["count"], by_country=countries["by_country"]),
            legal_status=data["legal_status"],
            residence=data["residence"],
            arrival_route=data["arrival_route"],
            staff=StaffFigures(social_workers=staff["social_workers"], mentors=staff["mentors"]),
            contacts=ContactFigures(
                total=contacts["total"],
                hours=contacts["hours"],
                by_form=contacts["by_form"],
                by_topic=contacts["by_topic"],
            ),
            contracts=tuple(
                ContractTarget(
                    number=c["number"],
                    start=datetime.date.fromisoformat(c["start"]),
                    end=datetime.date.fromisoformat(c["end"]),
                    planned_persons_per_month=c["planned_persons_per_month"],
                )
                for c in data["contracts"]
            ),
            planned_persons_by_month=data["planned_persons_by_month"],
        )


def round_half_up(numerator: int, denominator: int) -> float | None:
    """numerator / denominator to one decimal, halves up (not Python's round-half-even); None for 0/0."""
    if not denominator:
        return None
    return ((20 * numerator + denominator) // (2 * denominator)) / 10


def _in_report(prefix: str, start: datetime.date, end: datetime.date, provider: Provider | None) -> Q:
    """The contacts of the report, seen through `prefix` ("" on Contact, "contact__" on the client link)."""
    q = Q(**{f"{prefix}date__gte": start, f"{prefix}date__lte": end})
    if provider is not None:
        q &= Q(**{f"{prefix}provider": provider})
    return q


def _served_ids(start: datetime.date, end: datetime.date, provider: Provider | None) -> QuerySet[Any]:
    """The ids of the persons served by the report's contacts of the days, read from the contacts themselves."""
    return Contact.objects.filter(_in_report("", start, end, provider)).served_client_ids()


def _rollup_provider(provider: Provider | None) -> int:
    return provider.pk if provider is not None else ALL_PROVIDERS


def _rolled(model: type[Any], whole: tuple[datetime.date, datetime.date], provider: Provider | None) -> QuerySet[Any]:
    """The rows of a month rollup over whole months, for the provider or (summed by the reader) all of them."""
    rows = model.objects.filter(month__range=whole).order_by()
    if model is PersonsMonth:
        return rows.filter(provider_id=_rollup_provider(provider))
    return rows.filter(provider_id=provider.pk) if provider is not None else rows


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


def _is_new(period: Period) -> Q:
    """No contact before the period named the person or their family (any provider).

    Correlated probes, each an index lookup for one served person: the month rollup of every provider for
    the months before the period's first, the contacts for the days of that month before its start.
    """
    month = month_start(period.start)
    # Index: persons_month_client_idx (provider, client, month).
    new = _none_of(PersonsMonth.objects.filter(provider_id=ALL_PROVIDERS, client_id=OuterRef("pk"), month__lt=month))
    if period.start > month:
        # Index: the client link's client FK, then the contact's primary key; the contact (family, date) index.
        days = {"date__gte": month, "date__lt": period.start}
        new &= _none_of(
            ClientContact.objects.filter(client_id=OuterRef("pk"), **{f"contact__{k}": v for k, v in days.items()})
        ) & _none_of(Contact.objects.filter(family_id=OuterRef("family_id"), **days))
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
        ClientContact.objects.filter(_in_report("contact__", start, end, provider))
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
        counted = _rolled(PersonsMonth, whole, provider).values("month").annotate(n=Count("*"))
        for month, n in counted.values_list("month", "n"):
            by_month[f"{month:%Y-%m}"] = n
    for edge in period.edges:
        by_month.update(_edge_persons_by_month(edge, provider))
    return by_month


# The columns of a served person that the report groups by (the demographics), then those it counts.
_GROUPS = ("gender", "age_group", "status", "residence", "arrival_route", "country")
# The persons served (p0, built by the ORM, found once) with their legal status and residence on the last day
# (the latest entry by `since`, then id), as joins: one pass over each history table, where a probe a person
# cost 4 s for a national decade. Whether a person's family has another member is a lookup in one set of the
# families of two or more, built once (a join would spoil the planner's row estimates, and with them the
# grouping). The families (a distinct count, not a sum of the groups) are one uncorrelated subquery over p0.
_PEOPLE = """
    WITH p0 AS MATERIALIZED ({persons}),
    p AS (
        SELECT p0.*, COALESCE(ls.legal_status, '{unknown}') AS status,
               CASE WHEN age_years IS NULL THEN '{unknown}' WHEN age_years < {adult_from} THEN 'children'
                    WHEN age_years <= {senior_after} THEN 'adults' ELSE 'seniors' END AS age_group,
               CASE WHEN rs.residence IS NULL OR rs.residence = '' THEN '{unknown}'
                    WHEN rs.residence = '{reception}' THEN '{reception}' ELSE 'outside' END AS residence,
               p0.family_id IN ({families}) AS in_family
        FROM p0
        LEFT JOIN ({legal_status}) ls ON ls.client_id = p0.id
        LEFT JOIN ({residence}) rs ON rs.client_id = p0.id
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
                ExpressionWrapper(_is_new(period), output_field=BooleanField())
                if _history_before(period)
                else Value(True, output_field=BooleanField())
            ),
        )
        .values("id", "family_id", "age_years", "is_new", "gender", "arrival_route", "country")
    )
    sql, params = persons.query.sql_with_params()
    connection = connections[Client.objects.db]
    few = person_months <= _READ_HISTORIES_WHOLE  # an upper bound of the persons served
    statement = _PEOPLE.format(
        persons=sql,
        legal_status=_latest("clients_legalstatusentry", "legal_status", served_only=few),
        residence=_latest("clients_residenceentry", "residence", served_only=few),
        groups=", ".join(_GROUPS),
        unknown=UNKNOWN,
        reception=RECEPTION_CENTRE,
        families=_FAMILIES_OF_TWO,
        adult_from=ADULT_FROM,
        senior_after=SENIOR_AFTER,
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (*params, period.end, period.end))
        rows = cursor.fetchall()
    columns = (*_GROUPS, "n", "age_sum", "aged", "new", "individuals", "families")
    groups = [dict(zip(columns, row, strict=True)) for row in rows]
    for row in groups:  # PostgreSQL sums its EXTRACTed years as numeric
        row["age_sum"] = None if row["age_sum"] is None else int(row["age_sum"])
    return groups, groups[0]["families"] if groups else 0


def _contacts(period: Period, provider: Provider | None) -> tuple[list[dict[str, Any]], dict[str, int], dict[str, int]]:
    """The contacts by form (count, minutes) and by topic, and the staff who delivered them by role: the month
    rollups for the whole months, the contacts themselves for the days around them."""
    forms: dict[str, dict[str, int]] = {}
    topics: dict[str, int] = {}
    staff_ids: list[QuerySet[Any]] = []

    def add_forms(rows: Any) -> None:
        for row in rows:
            total = forms.setdefault(row["form"], {"n": 0, "minutes": 0})
            total["n"] += row["n"]
            total["minutes"] += row["minutes"] or 0

    def add_topics(rows: Any) -> None:
        for topic, n in rows:
            topics[topic] = topics.get(topic, 0) + n

    if (whole := period.whole_months) is not None:
        add_forms(
            _rolled(ContactsMonth, whole, provider).values("form").annotate(n=Sum("contacts"), minutes=Sum("minutes"))
        )
        add_topics(
            _rolled(TopicsMonth, whole, provider).values("topic").annotate(n=Sum("contacts")).values_list("topic", "n")
        )
        staff_ids.append(_rolled(StaffMonth, whole, provider).values("staff_id"))
    for edge in period.edges:
        contacts = Contact.objects.filter(_in_report("", edge.start, edge.end, provider)).order_by()
        add_forms(contacts.values("form").annotate(n=Count("pk"), minutes=Sum("duration_minutes")))
        add_topics(
            ContactTopic.objects.filter(_in_report("contact__", edge.start, edge.end, provider))
            .values("topic")
            .annotate(n=Count("pk"))  # a topic is on a contact once (contact_topic_once)
            .order_by()
            .values_list("topic", "n")
        )
        staff_ids.append(contacts.values("staff_id"))
    # The staff who delivered a contact: a semi-join (thousands of staff), not a distinct count over the contacts.
    first, *rest = staff_ids
    delivered = Staff.objects.filter(pk__in=first.union(*rest) if rest else first).order_by()
    staff = _counts(delivered.values("role").annotate(n=Count("pk")), "role")
    return [{"form": form, **total} for form, total in forms.items()], dict(sorted(topics.items())), staff


def _counts(rows: Any, key: str) -> dict[str, int]:
    return {row[key]: row["n"] for row in rows}


def _table(categories: tuple[str, ...], counts: dict[str, int]) -> dict[str, int]:
    """Every category of the table, 0 where nobody falls in it; no code (or one outside them) counts as unknown."""
    table = dict.fromkeys(categories, 0)
    for code, n in counts.items():
        key = code if code in table or UNKNOWN not in table else UNKNOWN
        table[key] = table.get(key, 0) + n
    return table


def _contracts(period: Period, provider: Provider | None) -> tuple[ContractTarget, ...]:
    if provider is None:
        return ()
    rows = Contract.objects.filter(provider=provider, start__lte=period.end, end__gte=period.start).order_by("start")
    return tuple(
        ContractTarget(number=c.number, start=c.start, end=c.end, planned_persons_per_month=c.planned_persons_per_month)
        for c in rows
    )


def _planned_by_month(period: Period, contracts: tuple[ContractTarget, ...]) -> dict[str, int | None] | None:
    if not contracts:
        return None
    planned: dict[str, int | None] = {}
    for key, first, last in period.months:
        covering = [c for c in contracts if c.start <= last and c.end >= first]
        planned[key] = covering[-1].planned_persons_per_month if covering else None
    return planned


def figures_for(*, start: datetime.date, end: datetime.date, provider: Provider | None = None) -> ReportFigures:
    """The figures of the report over `start`–`end` (inclusive) of one provider, or of all when None."""
    if start > end:
        raise ValueError("start after end")
    period = Period(start, end)

    by_month = _persons_by_month(period, provider)
    demographics, families = _people(period, provider, sum(by_month.values()))

    gender = dict.fromkeys(GENDERS, 0)
    age_groups = dict.fromkeys(AGE_GROUPS, 0)
    gender_by_age_group = {group: dict.fromkeys(GENDERS, 0) for group in AGE_GROUPS}
    age_sum = aged = adult_age_sum = adults_aged = 0
    legal_status: dict[str, int] = {}
    residence: dict[str, int] = {}
    arrival_route: dict[str, int] = {}
    by_country: dict[str, int] = {}
    unique = new = individuals = 0
    for row in demographics:
        unique += row["n"]
        new += row["new"]
        individuals += row["individuals"]
        for table, code in (
            (by_country, row["country"] or UNKNOWN),
            (legal_status, row["status"]),
            (residence, row["residence"]),
            (arrival_route, row["arrival_route"]),
        ):
            table[code] = table.get(code, 0) + row["n"]
        g = _GENDER_KEYS.get(row["gender"], UNKNOWN)
        gender[g] += row["n"]
        age_groups[row["age_group"]] += row["n"]
        gender_by_age_group[row["age_group"]][g] += row["n"]
        age_sum += row["age_sum"] or 0
        aged += row["aged"]
        if row["age_group"] == "adults":
            adult_age_sum += row["age_sum"] or 0
            adults_aged += row["aged"]

    forms, topics, staff = _contacts(period, provider)
    contracts = _contracts(period, provider)

    return ReportFigures(
        period=period,
        provider=provider.code if provider else None,
        provider_name=provider.name if provider else None,
        unique_persons=unique,
        new_persons=new,
        persons_by_month=by_month,
        average_persons_per_month=round_half_up(sum(by_month.values()), len(by_month)) or 0.0,
        families=families,
        individuals=individuals,
        gender=gender,
        age_groups=age_groups,
        gender_by_age_group=gender_by_age_group,
        average_age=round_half_up(age_sum, aged),
        average_age_adults=round_half_up(adult_age_sum, adults_aged),
        countries=CountryFigures(
            count=sum(1 for code in by_country if code != UNKNOWN),
            by_country=dict(sorted(by_country.items(), key=lambda item: (-item[1], item[0]))),
        ),
        legal_status=_table(LEGAL_STATUSES, legal_status),
        residence=_table(RESIDENCES, residence),
        arrival_route=_table(ARRIVAL_ROUTES, arrival_route),
        staff=StaffFigures(
            social_workers=staff.get(StaffRole.SOCIAL_WORKER.value, 0), mentors=staff.get(StaffRole.MENTOR.value, 0)
        ),
        contacts=ContactFigures(
            total=sum(row["n"] for row in forms),
            hours=round_half_up(sum(row["minutes"] or 0 for row in forms), 60) or 0.0,
            by_form=_table(CONTACT_FORMS, _counts(forms, "form")),
            by_topic=topics,
        ),
        contracts=contracts,
        planned_persons_by_month=_planned_by_month(period, contracts),
    )

"""The figures of a report (shared/spec/report-metrics.md), computed once by the database for every output."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
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
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.db.models.lookups import IsNull

from clients.choices import RECEPTION_CENTRE, ArrivalRoute, LegalStatus, StaffRole
from clients.models import Client, Contract, LegalStatusEntry, Provider, ResidenceEntry, Staff
from plans.choices import ContactForm
from plans.models import Contact, ContactTopic

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

ClientContact = Contact.clients.through


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def months(self) -> list[tuple[str, datetime.date, datetime.date]]:
        """Each calendar month the period touches: ("YYYY-MM", first day, last day), clipped to the period."""
        months = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            first = datetime.date(year, month, 1)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            last = datetime.date(year, month, 1) - datetime.timedelta(days=1)
            months.append((f"{first:%Y-%m}", max(first, self.start), min(last, self.end)))
        return months


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

    def percent(self, persons: int) -> int | None:
        """A figure as a whole per cent of the unique persons (half up); None when nobody was served."""
        if not self.unique_persons:
            return None
        return (200 * persons + self.unique_persons) // (2 * self.unique_persons)

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
    """The ids of the persons served: named by a contact of the report, or in a family such a contact names.

    One uncorrelated set (a UNION), so that each database builds it once and joins the served clients to it,
    instead of probing every client of the database.
    """
    # Index: contact_provider_date_idx / contact_date_idx, then the client link's unique (contact, client).
    named = ClientContact.objects.filter(_in_report("contact__", start, end, provider)).order_by().values("client_id")
    # Index: contact_provider_date_idx / contact_date_idx, then the client family FK.
    families = Contact.objects.filter(_in_report("", start, end, provider), family__isnull=False).values("family_id")
    members = Client.objects.filter(family_id__in=families).order_by().values("pk")
    return named.union(members)  # type: ignore[arg-type]


def _age_on(day: datetime.date) -> Any:
    """Completed years on `day` (NULL without a birth date), in SQL that SQLite and PostgreSQL both run."""
    had_birthday = Q(birth_date__month__lt=day.month) | Q(birth_date__month=day.month, birth_date__day__lte=day.day)
    return (
        Value(day.year)
        - ExtractYear("birth_date")
        - Case(When(had_birthday, then=Value(0)), default=Value(1), output_field=IntegerField())
    )


def _report_contacts(period: Period, provider: Provider | None) -> QuerySet[Contact]:
    return Contact.objects.filter(_in_report("", period.start, period.end, provider)).order_by()


def _served_by(start: datetime.date, end: datetime.date, provider: Provider | None) -> Q:
    """On Client: served by the report's contacts."""
    return Q(pk__in=_served_ids(start, end, provider))


def _served_clients(period: Period, provider: Provider | None) -> QuerySet[Client]:
    return Client.objects.filter(_served_by(period.start, period.end, provider)).order_by()


def _none_of(queryset: QuerySet[Any]) -> Q:
    """True where the correlated `queryset` has no row, as a probe (SELECT ... LIMIT 1) IS NULL.

    Not NOT EXISTS: PostgreSQL may answer an EXISTS with a "hashed SubPlan" that reads every row the
    subquery could ever return (2.2 million earlier contacts for one month's report), where the
    probe is one index lookup a served person.
    """
    return Q(IsNull(Subquery(queryset.order_by().values("pk")[:1]), True))


def _is_new(period: Period) -> Q:
    """No contact before the period named the person or their family (any provider).

    Correlated probes, each an index lookup for one served person, not a scan of the whole history.
    """
    # Index: the client link's client FK, then the contact's primary key; the contact (family, date) index.
    return _none_of(ClientContact.objects.filter(client_id=OuterRef("pk"), contact__date__lt=period.start)) & _none_of(
        Contact.objects.filter(family_id=OuterRef("family_id"), date__lt=period.start)
    )


def _history_before(period: Period) -> bool:
    """Whether any contact comes before the period. A report from the first day of the service (ten years
    since 2016) has none: everyone in it is new, without a probe for each of its 250,000 persons."""
    # Index: contact_date_idx.
    return Contact.objects.filter(date__lt=period.start).exists()


def _in_family() -> Exists:
    """The person's family has another member: they count in a family, not as an individual."""
    # Index: the client family FK (clients_client_family_id).
    return Exists(Client.objects.filter(family_id=OuterRef("family_id")).exclude(pk=OuterRef("pk")))


def _month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _month_number(field: str) -> Any:
    """The calendar month of a date as one integer, YYYYMM: the same on SQLite and PostgreSQL."""
    return ExtractYear(field) * 100 + ExtractMonth(field)


def _persons_by_month(period: Period, provider: Provider | None) -> dict[str, int]:
    """Unique persons of each month: the distinct (person, month) pairs served, counted by month, in one query.

    The pairs are the UNION (which removes duplicates) of the persons the month's contacts name and the
    members of the families they name. The ORM builds both halves; counting over a union is the one step it
    cannot express, so that statement wraps the ORM's own SQL.
    """
    start, end = period.start, period.end
    named = (
        # django-stubs cannot follow annotations on the auto-created link model; the test suite runs this.
        ClientContact.objects.filter(_in_report("contact__", start, end, provider))  # type: ignore[misc]
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
    by_month = dict.fromkeys((key for key, _, _ in period.months), 0)
    for month, n in counted:
        by_month[_month_key(int(month) // 100, int(month) % 100)] = n
    return by_month


# The columns of a served person that the report groups by (the demographics), then those it counts.
_GROUPS = ("gender", "age_group", "status", "residence", "arrival_route", "country")
# The families (a distinct count, not a sum of the groups) are one uncorrelated subquery, computed once.
_PEOPLE = """
    WITH p AS MATERIALIZED ({persons})
    SELECT {groups}, COUNT(*), SUM(age_years), COUNT(age_years),
           COUNT(*) FILTER (WHERE is_new), COUNT(*) FILTER (WHERE NOT in_family),
           (SELECT COUNT(DISTINCT family_id) FROM p WHERE in_family)
    FROM p GROUP BY {groups}
"""


def _people(period: Period, provider: Provider | None) -> tuple[list[dict[str, Any]], int]:
    """The persons served, by gender, age group, legal status, residence, arrival route and country (with the
    sum of their ages and how many are new and individuals), and the number of families: one statement.

    The persons served are found once (a UNION of the contacts' persons and families' members) and every
    figure about them is read from that set: a few thousand rows at most, however many persons. The ORM
    builds the persons' query; grouping it twice over one set is the one step it cannot express, so the
    statement wraps the ORM's own SQL (PostgreSQL and SQLite ≥ 3.35 both read it).
    """
    persons = (
        _served_clients(period, provider)
        .annotate(age_years=_age_on(period.end))
        .annotate(
            age_group=Case(
                When(age_years__isnull=True, then=Value(UNKNOWN)),
                When(age_years__lt=ADULT_FROM, then=Value("children")),
                When(age_years__lte=SENIOR_AFTER, then=Value("adults")),
                default=Value("seniors"),
                output_field=CharField(),
            ),
            status=Coalesce(_latest_legal_status(period.end), Value(UNKNOWN)),
            residence=Coalesce(_latest_residence(period.end), Value(UNKNOWN)),
            is_new=(
                ExpressionWrapper(_is_new(period), output_field=BooleanField())
                if _history_before(period)
                else Value(True, output_field=BooleanField())
            ),
            in_family=ExpressionWrapper(Q(_in_family()), output_field=BooleanField()),
        )
        .values("family_id", "age_years", "is_new", "in_family", *_GROUPS)
    )
    sql, params = persons.query.sql_with_params()
    statement = _PEOPLE.format(persons=sql, groups=", ".join(_GROUPS))
    with connections[Client.objects.db].cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    columns = (*_GROUPS, "n", "age_sum", "aged", "new", "individuals", "families")
    groups = [dict(zip(columns, row, strict=True)) for row in rows]
    for row in groups:  # PostgreSQL sums its EXTRACTed years as numeric
        row["age_sum"] = None if row["age_sum"] is None else int(row["age_sum"])
    return groups, groups[0]["families"] if groups else 0


def _latest_legal_status(day: datetime.date) -> Subquery:
    # Index: the unique (client, since) constraint legal_status_one_per_day.
    return Subquery(
        LegalStatusEntry.objects.filter(client_id=OuterRef("pk"), since__lte=day)
        .order_by("-since", "-pk")
        .values("legal_status")[:1]
    )


def _latest_residence(day: datetime.date) -> Subquery:
    # Index: the unique (client, since) constraint residence_one_per_day.
    return Subquery(
        ResidenceEntry.objects.filter(client_id=OuterRef("pk"), since__lte=day)
        .order_by("-since", "-pk")
        .annotate(
            kind=Case(
                When(residence=RECEPTION_CENTRE, then=Value(RECEPTION_CENTRE)),
                When(residence="", then=Value(UNKNOWN)),
                default=Value("outside"),
                output_field=CharField(),
            )
        )
        .values("kind")[:1]
    )


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
    contacts = _report_contacts(period, provider)

    demographics, families = _people(period, provider)
    by_month = _persons_by_month(period, provider)

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

    # The staff who delivered a contact: a semi-join (thousands of staff), not a distinct count over the contacts.
    delivered = Staff.objects.filter(pk__in=contacts.values("staff_id")).order_by()
    staff = _counts(delivered.values("role").annotate(n=Count("pk")), "role")
    forms = list(contacts.values("form").annotate(n=Count("pk"), minutes=Sum("duration_minutes")))
    topics = _counts(
        ContactTopic.objects.filter(_in_report("contact__", start, end, provider))
        .values("topic")
        .annotate(n=Count("pk"))  # a topic is on a contact once (contact_topic_once)
        .order_by(),
        "topic",
    )
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
            by_topic=dict(sorted(topics.items())),
        ),
        contracts=contracts,
        planned_persons_by_month=_planned_by_month(period, contracts),
    )

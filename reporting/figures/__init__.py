"""The figures of a report (shared/spec/report-metrics.md), computed once by the database for every output.

`figures_for` assembles them from the persons served (persons.py) and the contacts (contacts.py); what they
are is types.py's, which queries select the report's rows query.py's.
"""

from __future__ import annotations

import datetime
from typing import Any

from clients.choices import StaffRole
from clients.models import Contract, Provider
from common.concurrent import side_by_side

from ..periods import Period
from .contacts import _contacts
from .persons import _people, _persons_by_month
from .query import _counts
from .results import results_for
from .types import (
    _GENDER_KEYS,
    AGE_GROUPS,
    ARRIVAL_ROUTES,
    CONTACT_FORMS,
    GENDERS,
    LEGAL_STATUSES,
    RESIDENCES,
    SCHEMA,
    SCHEMA_V1,
    SCHEMAS,
    UNKNOWN,
    AreaChange,
    ClosureFigures,
    ContactFigures,
    ContractTarget,
    CountryFigures,
    GoalFigures,
    ReferralFigures,
    ReportFigures,
    ResultFigures,
    SelfSufficiencyFigures,
    StaffFigures,
    round_half_away,
    round_half_up,
)

__all__ = [
    "SCHEMA",
    "SCHEMAS",
    "SCHEMA_V1",
    "UNKNOWN",
    "AreaChange",
    "ClosureFigures",
    "ContactFigures",
    "ContractTarget",
    "CountryFigures",
    "GoalFigures",
    "Period",
    "ReferralFigures",
    "ReportFigures",
    "ResultFigures",
    "SelfSufficiencyFigures",
    "StaffFigures",
    "figures_for",
    "round_half_away",
    "round_half_up",
]


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

    def persons() -> tuple[dict[str, int], list[dict[str, Any]], int]:
        by_month = _persons_by_month(period, provider)
        return by_month, *_people(period, provider, sum(by_month.values()))

    def the_rest() -> tuple[Any, ResultFigures[int], tuple[ContractTarget, ...]]:
        return _contacts(period, provider), results_for(period, provider), _contracts(period, provider)

    # The persons' statements and the others side by side (on two connections, outside a transaction).
    (by_month, demographics, families), (contacts, results, contracts) = side_by_side(persons, the_rest)

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

    forms, topics, staff, interpreter_contacts = contacts

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
            interpreter_contacts=interpreter_contacts,
        ),
        results=results,
        contracts=contracts,
        planned_persons_by_month=_planned_by_month(period, contracts),
    )

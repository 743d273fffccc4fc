"""One whole month's headline figures of every provider side by side, read from the month rollups.

A query per rollup whatever the number of providers (the coordinator's home), not `figures_for` once per
provider; for a whole calendar month these are the numbers `figures_for` gives each provider (persons served
that month, contacts and their hours, the staff who delivered them), and a test holds them equal.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery, Sum

from clients.choices import StaffRole
from clients.models import Staff

from ..models import ALL_PROVIDERS, ContactsMonth, PersonsMonth, StaffMonth
from .matching import persons_by
from .types import round_half_up


@dataclass(frozen=True)
class MonthFigures:
    persons: int = 0
    contacts: int = 0
    hours: float = 0.0
    social_workers: int = 0
    mentors: int = 0


def month_figures_by_provider(month: datetime.date, provider_ids: Iterable[int]) -> dict[int, MonthFigures]:
    """{provider id: its figures of the calendar month of `month`}, for the providers of `provider_ids`, with
        ALL_PROVIDERS for every provider together (a person served by two providers counts once there, even through
    two records: matching.py); a provider
        without contacts that month is absent.

        The rollups are keyed (provider, month, ...): naming the providers lets each read be an index range per
        provider (12 ms at national scale) instead of a scan of every month of every provider (260 ms).
    """
    first = month.replace(day=1)
    keys = [*provider_ids, ALL_PROVIDERS]
    # Every provider together (ALL_PROVIDERS): a person's records at several providers are one person.
    served = PersonsMonth.objects.filter(provider_id__in=keys, month=first).order_by()
    persons = persons_by(served.values("client_id", "provider_id"), "provider_id", fold_only=ALL_PROVIDERS)
    contacts: dict[int, dict[str, int]] = {
        row["provider_id"]: {"n": row["n"], "minutes": row["minutes"] or 0}
        for row in ContactsMonth.objects.filter(provider_id__in=keys, month=first)
        .values("provider_id")
        .annotate(n=Sum("contacts"), minutes=Sum("minutes"))
        .order_by()
    }
    role = Subquery(Staff.objects.filter(pk=OuterRef("staff_id")).order_by().values("role")[:1])
    staff: dict[int, dict[str, int]] = {}
    month_staff = StaffMonth.objects.filter(provider_id__in=keys, month=first)
    rows = month_staff.annotate(role=role).values("provider_id", "role")
    for counted in rows.annotate(n=Count("*")).order_by():
        staff.setdefault(counted["provider_id"], {})[counted["role"]] = counted["n"]

    every = {"n": 0, "minutes": 0}
    for row in contacts.values():
        every["n"] += row["n"]
        every["minutes"] += row["minutes"]
    # A staff member works for one provider: the providers' staff add up.
    every_staff = {code: sum(roles.get(code, 0) for roles in staff.values()) for code in StaffRole.values}
    figures = {}
    for provider_id in (set(persons) | set(contacts) | set(staff)) - {ALL_PROVIDERS}:
        totals = contacts.get(provider_id, {"n": 0, "minutes": 0})
        roles = staff.get(provider_id, {})
        figures[provider_id] = MonthFigures(
            persons=persons.get(provider_id, 0),
            contacts=totals["n"],
            hours=round_half_up(totals["minutes"], 60) or 0.0,
            social_workers=roles.get(StaffRole.SOCIAL_WORKER, 0),
            mentors=roles.get(StaffRole.MENTOR, 0),
        )
    if figures:
        figures[ALL_PROVIDERS] = MonthFigures(
            persons=persons.get(ALL_PROVIDERS, 0),
            contacts=every["n"],
            hours=round_half_up(every["minutes"], 60) or 0.0,
            social_workers=every_staff[StaffRole.SOCIAL_WORKER],
            mentors=every_staff[StaffRole.MENTOR],
        )
    return figures

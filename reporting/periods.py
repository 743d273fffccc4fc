"""A report's period and the month arithmetic of reports: the one home of "a period's months"."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or, negative, before) the month of `day`."""
    index = day.month - 1 + months
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


def next_month(day: datetime.date) -> datetime.date:
    return add_months(day, 1)


def previous_month(day: datetime.date) -> datetime.date:
    return add_months(day, -1)


def month_before(today: datetime.date) -> Period:
    """The whole calendar month before the one of `today`."""
    first = previous_month(today)
    return Period(first, next_month(first) - datetime.timedelta(days=1))


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def months(self) -> list[tuple[str, datetime.date, datetime.date]]:
        """Each calendar month the period touches: ("YYYY-MM", first day, last day), clipped to the period."""
        months = []
        first = month_start(self.start)
        while first <= self.end:
            after = next_month(first)
            months.append((f"{first:%Y-%m}", max(first, self.start), min(after - datetime.timedelta(days=1), self.end)))
            first = after
        return months

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one, to compare with: as many calendar months before
        when the period is whole calendar months (a March's is February, a July–December's January–June), else
        as many days before."""
        after = self.end + datetime.timedelta(days=1)
        if self.start.day == 1 and after.day == 1:
            months = (after.year - self.start.year) * 12 + after.month - self.start.month
            return Period(add_months(self.start, -months), self.start - datetime.timedelta(days=1))
        days = (self.end - self.start).days + 1
        return Period(self.start - datetime.timedelta(days=days), self.start - datetime.timedelta(days=1))

    @property
    def whole_months(self) -> tuple[datetime.date, datetime.date] | None:
        """The first days of the first and last calendar months wholly inside the period, if any."""
        first = self.start if self.start.day == 1 else next_month(self.start)
        after = next_month(self.end)  # the first day after the end's month
        last = month_start(self.end) if self.end == after - datetime.timedelta(days=1) else previous_month(self.end)
        return (first, last) if first <= last else None

    @property
    def edges(self) -> list[Period]:
        """The parts of the period outside its whole months (all of it when it has none)."""
        whole = self.whole_months
        if whole is None:
            return [self]
        edges = []
        if self.start < whole[0]:
            edges.append(Period(self.start, whole[0] - datetime.timedelta(days=1)))
        after = next_month(whole[1])
        if self.end >= after:
            edges.append(Period(after, self.end))
        return edges

"""The reports a provider's contract calls for, when each is due, and whether the archive holds it.

Contracts state no due dates, so they are derived from the contract's period, and said so on the page:
- a monthly report for each calendar month the contract touches (the month as the report form makes it);
- a six-month interim report for each six months from the contract's first month (as the report form makes it),
  except the last six or fewer, whose report is the final one (a contract of six months or less has none);
- a final evaluation report over the contract's whole period.
Each is due DUE_DAYS[kind] days after its period's last day. A report is *made* when the archive holds a file
for that provider and period (a draft, made without its narrative, is made but marked so); until it is made it
is *waiting*, and *late* once its due date has passed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import ReportKind
from .periods import Period, add_months, month_start

StrOrPromise = str | Promise
DUE_DAYS: dict[str, int] = {ReportKind.MONTH: 15, ReportKind.INTERIM: 15, ReportKind.FINAL: 30}
INTERIM_MONTHS = 6
# The kinds a contract calls for, in the order the coordinator's table shows them, with their column titles.
DUE_KINDS = (ReportKind.MONTH, ReportKind.INTERIM, ReportKind.FINAL)
DUE_KIND_LABELS: dict[str, StrOrPromise] = {
    ReportKind.MONTH: _("Monthly report"),
    ReportKind.INTERIM: _("Interim report"),
    ReportKind.FINAL: _("Final evaluation"),
}


class DueState(models.TextChoices):
    MADE = "made", _("Made")
    WAITING = "waiting", _("Waiting")
    LATE = "late", _("Late")


@dataclass(frozen=True)
class Made:
    """The archive's file for a period: the newest one, preferring one made with its narrative."""

    job_id: int
    draft: bool


@dataclass(frozen=True)
class DueReport:
    kind: str
    start: datetime.date
    end: datetime.date
    due: datetime.date
    state: str
    made: Made | None = None

    @property
    def state_label(self) -> str:
        return str(DueState(self.state).label)

    @property
    def month(self) -> str:
        """The first month as the report form takes it (YYYY-MM)."""
        return f"{self.start:%Y-%m}"


def contract_months(start: datetime.date, end: datetime.date) -> int:
    """How many months a contract runs, a part month counting whole (15 Feb 2024 – 14 Feb 2027: 36)."""
    after = end + datetime.timedelta(days=1)
    return (after.year - start.year) * 12 + after.month - start.month + (1 if after.day > start.day else 0)


def contract_periods(start: datetime.date, end: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """Every report (kind, first day, last day) a contract over `start`–`end` calls for, in due order per kind."""
    periods: list[tuple[str, datetime.date, datetime.date]] = []
    for _key, first, _last in Period(start, end).months:
        first = month_start(first)
        periods.append((ReportKind.MONTH, first, add_months(first, 1) - datetime.timedelta(days=1)))
    first = month_start(start)
    for block in range(1, (contract_months(start, end) - 1) // INTERIM_MONTHS + 1):
        after = add_months(first, INTERIM_MONTHS * block)
        periods.append((ReportKind.INTERIM, add_months(after, -INTERIM_MONTHS), after - datetime.timedelta(days=1)))
    periods.append((ReportKind.FINAL, start, end))
    return periods


def due_state(*, due: datetime.date, today: datetime.date, made: Made | None) -> str:
    if made is not None:
        return DueState.MADE
    return DueState.LATE if today > due else DueState.WAITING


MadeByPeriod = dict[tuple[datetime.date, datetime.date], Made]


def contract_reports(
    start: datetime.date, end: datetime.date, *, today: datetime.date, made: MadeByPeriod
) -> list[DueReport]:
    """The contract's reports with their due dates and states; `made`: the provider's archived files by period."""
    reports = []
    for kind, first, last in contract_periods(start, end):
        due = last + datetime.timedelta(days=DUE_DAYS[kind])
        found = made.get((first, last))
        reports.append(DueReport(kind, first, last, due, due_state(due=due, today=today, made=found), found))
    return reports


def shown_report(reports: Iterable[DueReport], *, today: datetime.date) -> tuple[DueReport | None, int]:
    """The report of one kind to show now (the latest whose period has ended, else the next one) and how many
    others of the kind are late."""
    reports = list(reports)
    ended = [report for report in reports if report.end < today]
    shown = ended[-1] if ended else (reports[0] if reports else None)
    late = sum(1 for report in reports if report.state == DueState.LATE and report is not shown)
    return shown, late


def made_by_period(rows: Iterable[tuple[int, int, datetime.date, datetime.date, bool]]) -> dict[int, MadeByPeriod]:
    """{provider id: {(start, end): Made}} from done jobs' (id, provider id, start, end, draft), oldest first."""
    made: dict[int, MadeByPeriod] = {}
    for job_id, provider_id, start, end, draft in rows:
        periods = made.setdefault(provider_id, {})
        earlier = periods.get((start, end))
        if earlier is None or earlier.draft or not draft:
            periods[(start, end)] = Made(job_id=job_id, draft=draft)
    return made

"""The providers' comparison as labelled rows, a figure a row and a provider a column, shared by its page and XLSX.

Every cell is the figure as that provider's own report shows it (publication-safe when asked), the total
column the report of all providers: the rows only pick and label figures, they compute none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .presentation import NONE, Value, month_label
from .selectors import ProvidersComparison
from .suppression import ShownFigures

Figure = Callable[[ShownFigures], Value | None]


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    cells: tuple[Value, ...]  # one a provider, in the comparison's order
    total: Value  # all providers together


@dataclass(frozen=True)
class ComparisonSection:
    title: str
    rows: list[ComparisonRow]


def _shown(value: Value | None) -> Value:
    """A figure as shown: NONE for one that cannot be given (an average or a rate over nobody)."""
    return NONE if value is None else value


def _persons(months: list[str]) -> list[tuple[str, Figure]]:
    rows: list[tuple[str, Figure]] = [
        (_("Unique persons served"), lambda f: f.unique_persons),
        (_("New persons"), lambda f: f.new_persons),
        (_("Average persons a month"), lambda f: f.average_persons_per_month),
    ]
    for key in months:
        rows.append((month_label(key), lambda f, key=key: f.persons_by_month.get(key, 0)))  # type: ignore[misc]
    rows += [
        (_("Families"), lambda f: f.families),
        (_("Individual persons"), lambda f: f.individuals),
        (_("Average age"), lambda f: f.average_age),
        (_("Average age, 18–60"), lambda f: f.average_age_adults),
        (_("Countries of origin"), lambda f: f.countries.count),
    ]
    return rows


def _work() -> list[tuple[str, Figure]]:
    return [
        (_("Social workers"), lambda f: f.staff.social_workers),
        (_("Social mentors"), lambda f: f.staff.mentors),
        (_("Contacts in all"), lambda f: f.contacts.total),
        (_("Hours"), lambda f: f.contacts.hours),
    ]


def _results() -> list[tuple[str, Figure]]:
    return [
        (_("Referrals in all"), lambda f: f.results.referrals.total),
        (_("Persons referred"), lambda f: f.results.referrals.persons),
        (_("Accompanied referrals"), lambda f: f.results.referrals.accompanied),
        (_("Success rate, %"), lambda f: f.results.referrals.success_rate),
        (_("Goals set"), lambda f: f.results.goals.set["total"]),
        (_("Goals achieved"), lambda f: f.results.goals.achieved["total"]),
        (_("Goals partly achieved"), lambda f: f.results.goals.partly_achieved["total"]),
        (_("Goals not achieved"), lambda f: f.results.goals.not_achieved["total"]),
        (_("Goals dropped"), lambda f: f.results.goals.dropped["total"]),
        (_("Goals open at the end"), lambda f: f.results.goals.open_at_end["total"]),
        (_("Persons assessed at least twice"), lambda f: f.results.self_sufficiency.persons_assessed_twice),
        (_("Improved in at least one area"), lambda f: f.results.self_sufficiency.improved_in_any_area),
        (_("Closures in all"), lambda f: f.results.closures.total),
        (_("Cases reopened"), lambda f: f.results.closures.reopened),
    ]


def comparison_sections(comparison: ProvidersComparison) -> list[ComparisonSection]:
    """The comparison's rows in the active language: persons served, the work, the results of the work."""
    total = comparison.total
    if total is None:
        return []
    columns = [column.figures for column in comparison.columns]
    months = [key for key, _first, _last in comparison.period.months]

    def rows(figures: list[tuple[str, Figure]]) -> list[ComparisonRow]:
        return [
            ComparisonRow(label, tuple(_shown(figure(f)) for f in columns), _shown(figure(total)))
            for label, figure in figures
        ]

    return [
        ComparisonSection(_("Persons served"), rows(_persons(months))),
        ComparisonSection(_("Work of social workers and mentors"), rows(_work())),
        ComparisonSection(_("Results of the work"), rows(_results())),
    ]

"""The publication-safe version of a report: small counts of persons hidden so no one can be singled out.

Every count of 1 to 4 persons other than the totals is shown as "<5" (primary suppression). Within each
table whose total is known, a hidden cell must not be worked back from the total and the cells still shown,
so more cells are hidden (secondary suppression): the smallest non-zero cell shown on the same line, or, when
there is none, a zero. A hidden cell holding 0–4 shows "<5" (true of it); a hidden cell of 5 or more shows
"x", since "<5" would be false. The rule is applied until, on every line, the hidden cells' sum (total minus
the cells shown) together with what their marks say ("<5": 1–4, "x": 5 or more) leaves each hidden cell
at least two possible values.

Lines with a known total: gender, age groups, legal status, residence, arrival route and countries
(each totals `unique_persons`); persons by month (their sum is the average times the months); every row of
`gender_by_age_group` (its total is the age group's count, while that is shown) and every column (the
gender's count, while shown). Contacts and staff count contacts and staff, not persons, and stay as they are.

`results` (report-figures/2): the counts of referrals and goals are not of persons and stay as they are; the
persons referred, assessed twice and improved in any area are counts of persons outside any table; each area's
improved, same and worse add up to its persons (a line whose total is known while the persons are shown), and
its mean change, an average, is hidden over 1–4 persons. A closed or reopened case episode is one person's: the
closures by reason are a line totalling the closures (shown, like the report's other totals), and the episodes
reopened a count of persons.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeAlias, TypeVar

from .figures import (
    UNKNOWN,
    AreaChange,
    ClosureFigures,
    ContactFigures,
    ContractTarget,
    ReferralFigures,
    ReportFigures,
    ResultFigures,
    SelfSufficiencyFigures,
    StaffFigures,
)
from .periods import Period

THRESHOLD = 5  # counts of 1 .. THRESHOLD - 1 persons are hidden

Cell = TypeVar("Cell", bound=Hashable)


class Suppressed(StrEnum):
    """What a hidden figure shows instead of its value."""

    SMALL = "<5"  # 1 to 4 persons (or a 0 hidden beside them)
    HIDDEN = "x"  # 5 persons or more, or an average over 1 to 4 persons


SMALL = Suppressed.SMALL
HIDDEN = Suppressed.HIDDEN

# A count of persons as published: its value, or its mark.
Count: TypeAlias = int | Suppressed


@dataclass(frozen=True)
class SafeCountries:
    count: int
    by_country: dict[str, Count]


@dataclass(frozen=True)
class SafeFigures:
    """A report's figures made safe to publish (`publication_safe`): the fields of `ReportFigures`, with the
    counts of persons that could single someone out replaced by their mark. The dicts are never changed."""

    period: Period
    provider: str | None
    provider_name: str | None
    unique_persons: int
    new_persons: Count
    persons_by_month: dict[str, Count]
    average_persons_per_month: float
    families: int
    individuals: Count
    gender: dict[str, Count]
    age_groups: dict[str, Count]
    gender_by_age_group: dict[str, dict[str, Count]]
    average_age: float | Suppressed | None
    average_age_adults: float | Suppressed | None
    countries: SafeCountries
    legal_status: dict[str, Count]
    residence: dict[str, Count]
    arrival_route: dict[str, Count]
    staff: StaffFigures
    contacts: ContactFigures
    results: ResultFigures[Count]
    contracts: tuple[ContractTarget, ...]
    planned_persons_by_month: dict[str, int | None] | None


# What the renderers are given: the figures as computed, or their publication-safe version.
ShownFigures: TypeAlias = ReportFigures | SafeFigures


@dataclass(frozen=True)
class Line(Generic[Cell]):
    """Cells whose sum is published (or can be worked out from what is)."""

    cells: Sequence[Cell]
    total_known: bool = True


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def _bounds(value: int) -> tuple[int, float]:
    """What a reader knows of a hidden cell from its mark: "<5" is 1–4 (a hidden zero only widens that)."""
    return (1, THRESHOLD - 1) if value < THRESHOLD else (THRESHOLD, float("inf"))


def pinned_cells(values: Mapping[Cell, int], hidden: set[Cell], line: Line[Cell]) -> set[Cell]:
    """The hidden cells of `line` that its total, the cells shown and the marks leave with one value only."""
    cells = [c for c in line.cells if c in hidden]
    if not line.total_known or not cells:
        return set()
    rest = sum(values[c] for c in cells)  # the total minus the cells shown
    bounds = {c: _bounds(values[c]) for c in cells}
    pinned = set()
    for c in cells:
        others_low = sum(bounds[o][0] for o in cells if o != c)
        others_high = sum(bounds[o][1] for o in cells if o != c)
        low = max(bounds[c][0], rest - others_high)
        high = min(bounds[c][1], rest - others_low)
        if low >= high:
            pinned.add(c)
    return pinned


def suppress_cells(values: Mapping[Cell, int], lines: Iterable[Line[Cell]]) -> set[Cell]:
    """The cells to hide: the small ones, then, line by line, enough others that none can be worked back."""
    lines = list(lines)
    hidden = {c for c, v in values.items() if is_small(v)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            while pinned_cells(values, hidden, line):
                shown = [c for c in line.cells if c not in hidden]
                if not shown:
                    break
                # The smallest non-zero cell shown; a zero only when no other is left.
                extra = min(shown, key=lambda c: (values[c] == 0, values[c]))
                hidden.add(extra)
                changed = True
    return hidden


def _mark(value: int) -> Suppressed:
    return SMALL if value < THRESHOLD else HIDDEN


def _safe_count(value: int) -> Count:
    """A count of persons outside any table: hidden when small (there is no total to work it back from)."""
    return SMALL if is_small(value) else value


def _safe_table(table: Mapping[str, int]) -> dict[str, Count]:
    hidden = suppress_cells(table, [Line(list(table))])
    return {key: _mark(value) if key in hidden else value for key, value in table.items()}


def _safe_grid(
    grid: Mapping[str, Mapping[str, int]], row_totals: Mapping[str, Count], column_totals: Mapping[str, Count]
) -> dict[str, dict[str, Count]]:
    """A two-way table made safe; `row_totals`/`column_totals` as already published (a mark if hidden)."""
    values = {(r, c): v for r, row in grid.items() for c, v in row.items()}
    columns = list(dict.fromkeys(c for row in grid.values() for c in row))
    lines = [Line([(r, c) for c in row], isinstance(row_totals.get(r), int)) for r, row in grid.items()]
    lines += [Line([(r, c) for r in grid if c in grid[r]], isinstance(column_totals.get(c), int)) for c in columns]
    hidden = suppress_cells(values, lines)
    return {r: {c: _mark(v) if (r, c) in hidden else v for c, v in row.items()} for r, row in grid.items()}


def _safe_countries(by_country: Mapping[str, int]) -> dict[str, Count]:
    """Countries made safe. Listed by count, the hidden ones would still tell their order: they come last, by
    code."""
    safe = _safe_table(by_country)
    shown = {code: n for code, n in safe.items() if isinstance(n, int)}
    return {**shown, **{code: safe[code] for code in sorted(safe) if code not in shown}}


def _safe_area(change: AreaChange[int]) -> AreaChange[Count]:
    """One area's comparison: improved, same and worse add up to its persons (known while those are shown)."""
    persons = _safe_count(change.persons)
    cells = {"improved": change.improved, "same": change.same, "worse": change.worse}
    hidden = suppress_cells(cells, [Line(list(cells), total_known=isinstance(persons, int))])
    safe = {key: _mark(value) if key in hidden else value for key, value in cells.items()}
    return AreaChange(
        persons=persons,
        improved=safe["improved"],
        same=safe["same"],
        worse=safe["worse"],
        mean_change=HIDDEN if is_small(change.persons) else change.mean_change,
    )


def _safe_results(results: ResultFigures[int]) -> ResultFigures[Count]:
    """`results` made safe: its counts of persons (and of case episodes, each a person's) hidden when small."""
    referrals, ss, closures = results.referrals, results.self_sufficiency, results.closures
    return ResultFigures(
        referrals=ReferralFigures(
            total=referrals.total,
            persons=_safe_count(referrals.persons),
            accompanied=referrals.accompanied,
            by_kind=referrals.by_kind,
            outcomes=referrals.outcomes,
            success_rate=referrals.success_rate,
        ),
        goals=results.goals,
        self_sufficiency=SelfSufficiencyFigures(
            persons_assessed_twice=_safe_count(ss.persons_assessed_twice),
            by_area={area: _safe_area(change) for area, change in ss.by_area.items()},
            improved_in_any_area=_safe_count(ss.improved_in_any_area),
        ),
        closures=ClosureFigures(
            total=closures.total, by_reason=_safe_table(closures.by_reason), reopened=_safe_count(closures.reopened)
        ),
    )


def publication_safe(figures: ReportFigures) -> SafeFigures:
    """The figures made safe to publish: every count of 1 to 4 persons hidden, and what would give it away."""
    gender = _safe_table(figures.gender)
    age_groups = _safe_table(figures.age_groups)
    ages = figures.age_groups
    # An average over 1–4 persons would tell their ages.
    with_age = sum(n for group, n in ages.items() if group != UNKNOWN)
    return SafeFigures(
        period=figures.period,
        provider=figures.provider,
        provider_name=figures.provider_name,
        unique_persons=figures.unique_persons,
        new_persons=_safe_count(figures.new_persons),
        # The months' sum is the published average times the number of months.
        persons_by_month=_safe_table(figures.persons_by_month),
        average_persons_per_month=figures.average_persons_per_month,
        families=figures.families,
        individuals=_safe_count(figures.individuals),
        gender=gender,
        age_groups=age_groups,
        gender_by_age_group=_safe_grid(figures.gender_by_age_group, row_totals=age_groups, column_totals=gender),
        average_age=HIDDEN if is_small(with_age) else figures.average_age,
        average_age_adults=HIDDEN if is_small(ages["adults"]) else figures.average_age_adults,
        countries=SafeCountries(
            count=figures.countries.count, by_country=_safe_countries(figures.countries.by_country)
        ),
        legal_status=_safe_table(figures.legal_status),
        residence=_safe_table(figures.residence),
        arrival_route=_safe_table(figures.arrival_route),
        staff=figures.staff,
        contacts=figures.contacts,
        results=_safe_results(figures.results),
        contracts=figures.contracts,
        planned_persons_by_month=figures.planned_persons_by_month,
    )


def shown_figures(figures: ReportFigures, *, suppressed: bool) -> ShownFigures:
    """The figures as a report shows them: the publication-safe version when `suppressed`."""
    return publication_safe(figures) if suppressed else figures

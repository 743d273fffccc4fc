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
"""

from __future__ import annotations

import copy
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

SMALL = "<5"
HIDDEN = "x"
THRESHOLD = 5  # counts of 1 .. THRESHOLD - 1 persons are hidden

# The one-line tables of the spec's JSON whose total is `unique_persons`.
PERSON_TABLES = ("gender", "age_groups", "legal_status", "residence", "arrival_route")


@dataclass(frozen=True)
class Line:
    """Cells whose sum is published (or can be worked out from what is)."""

    cells: Sequence[Hashable]
    total_known: bool = True


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def _bounds(value: int) -> tuple[int, float]:
    """What a reader knows of a hidden cell from its mark: "<5" is 1–4 (a hidden zero only widens that)."""
    return (1, THRESHOLD - 1) if value < THRESHOLD else (THRESHOLD, float("inf"))


def pinned_cells(values: dict[Any, int], hidden: set[Any], line: Line) -> set[Any]:
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


def suppress_cells(values: dict[Any, int], lines: Iterable[Line]) -> set[Any]:
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


def _mark(value: int) -> str:
    return SMALL if value < THRESHOLD else HIDDEN


def _suppress_table(table: dict[str, Any], *, total_known: bool = True) -> None:
    values = dict(table)
    for key in suppress_cells(values, [Line(list(values), total_known)]):
        table[key] = _mark(values[key])


def _suppress_grid(grid: dict[str, dict[str, Any]], row_totals: dict[str, Any], column_totals: dict[str, Any]) -> None:
    """Hide cells of a two-way table; `row_totals`/`column_totals` as already published (a mark if hidden)."""
    values = {(r, c): v for r, row in grid.items() for c, v in row.items()}
    columns = list(dict.fromkeys(c for row in grid.values() for c in row))
    lines = [Line([(r, c) for c in row], isinstance(row_totals.get(r), int)) for r, row in grid.items()]
    lines += [Line([(r, c) for r in grid if c in grid[r]], isinstance(column_totals.get(c), int)) for c in columns]
    for r, c in suppress_cells(values, lines):
        grid[r][c] = _mark(values[(r, c)])


def suppress_json(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of a report's JSON (`ReportFigures.as_json()`) made safe to publish, with `"suppressed": true`."""
    safe = copy.deepcopy(data)
    safe["suppressed"] = True

    for key in PERSON_TABLES:
        _suppress_table(safe[key])
    by_country = safe["countries"]["by_country"]
    _suppress_table(by_country)
    # Listed by count, the hidden countries would still tell their order: they come last, by code.
    safe["countries"]["by_country"] = {
        **{code: n for code, n in by_country.items() if isinstance(n, int)},
        **{code: by_country[code] for code in sorted(c for c, n in by_country.items() if not isinstance(n, int))},
    }
    # The months' sum is the published average times the number of months.
    _suppress_table(safe["persons_by_month"])
    _suppress_grid(safe["gender_by_age_group"], row_totals=safe["age_groups"], column_totals=safe["gender"])

    for key in ("new_persons", "individuals"):
        if is_small(safe[key]):
            safe[key] = SMALL
    # An average over 1–4 persons would tell their ages.
    ages = data["age_groups"]
    with_age = sum(n for group, n in ages.items() if group != "unknown")
    if is_small(with_age):
        safe["average_age"] = HIDDEN
    if is_small(ages["adults"]):
        safe["average_age_adults"] = HIDDEN
    return safe


def suppressed_json(figures: Any) -> dict[str, Any]:
    """The publication-safe JSON of a `ReportFigures`."""
    return suppress_json(figures.as_json())

"""The report's charts, drawn by pygal as self-contained SVG (shipped font, no script, no external file)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

import pygal

from common.charts import COLOURS, TARGET_COLOUR, data_uri
from common.charts import chart_config as _config
from common.charts import chart_style as _style
from common.charts import svg as _svg

__all__ = [
    "BELOW",
    "COLOURS",
    "SIDE",
    "TARGET_COLOUR",
    "bars",
    "data_uri",
    "donut",
    "donut_legend",
    "persons_by_month",
    "stacked",
]

# A figure as a report shows it: a number is drawn; a mark of a hidden one ("<5", "x", "—") or None is not.
Figure: TypeAlias = int | float | str | None

# Where the PDF puts a chart, as the width it is drawn at (the page scales the drawing to its column).
# SIDE: beside its table, in a column of about 78 mm, with larger type (15 px prints at about 7.5 pt);
# BELOW: under a wide table across the page (174 mm), drawn wide so that its bars and type take little height.
SIDE = 440
BELOW = 900


def _side_style() -> dict[str, object]:
    """Type large enough to read in a chart drawn beside its table."""
    return {"label_font_size": 15, "major_label_font_size": 15, "value_font_size": 14, "legend_font_size": 15}


def _integer_axis(values: Sequence[Figure]) -> list[int]:
    """Whole-number guides for counts of persons and contacts (pygal would draw 0.2 steps for small ones)."""
    top = max([v for v in (_number(x) for x in values) if v is not None] or [0])
    step = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        step = candidate
        if top / candidate <= 8:
            break
    return list(range(0, int(top) + step + 1, step)) if top else [0, 1]


def _number(value: Figure) -> int | float | None:
    """A drawable figure; a suppressed cell ("<5") is not drawn."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


class _BarsWithTarget(pygal.Bar):
    """Bars of persons a month, with the contract's monthly target drawn over them as a line."""

    _self_close = False

    def _plot(self) -> None:
        *bars, target = self.series
        for serie in bars:
            self.bar(serie)
        # The line runs through the middle of each month's bar slot.
        slots = len(target.points)
        target.points = [((i + 0.5) / slots, y) for i, (_x, y) in enumerate(target.points)]
        pygal.Line.line(self, target)  # type: ignore[arg-type]


def persons_by_month(
    by_month: Mapping[str, Figure],
    planned: Mapping[str, int | None] | None,
    *,
    persons: str,
    target: str,
    month_labels: Sequence[str] | None = None,
    width: int = 720,
) -> str:
    """`month_labels`: the months as the tables name them ("marts 2026"), in `by_month`'s order; its keys else.
    `width`: SIDE beside the table (larger type), else across the page."""
    months = list(by_month)
    has_target = bool(planned) and any(v is not None for v in (planned or {}).values())
    chart_class = _BarsWithTarget if has_target else pygal.Bar
    labels = list(month_labels) if month_labels is not None else months
    # Slanted when the names would run into each other (about 8 px a letter, 9 in the larger type).
    letter = 9 if width <= SIDE else 8
    rotation = 0 if len(months) <= 8 and max(map(len, labels), default=0) * letter * len(months) < width - 80 else 40
    style = _style((COLOURS[0], TARGET_COLOUR), **(_side_style() if width <= SIDE else {}))
    style.value_colors = ("#ffffff", TARGET_COLOUR)
    values = [*by_month.values(), *(v for v in (planned or {}).values() if v is not None)]
    config = _config(
        x_label_rotation=rotation,
        style=style,
        y_labels=_integer_axis(values),
        # Beside the table one legend column: two would run the persons' label into the target's.
        legend_at_bottom_columns=1 if width <= SIDE else 2,
        width=width,
        height=300 if width <= SIDE else 340 if width <= 720 else 250,
    )
    chart = chart_class(**config)
    chart.x_labels = labels
    chart.add(persons, [_number(by_month[m]) for m in months])
    if has_target:
        assert planned is not None
        chart.add(
            target,
            [planned.get(m) for m in months],
            stroke_style={"width": 3, "dasharray": "8, 4"},
            show_dots=True,
            dots_size=4,
            print_values=False,
        )
    return _svg(chart)


def bars(rows: Sequence[tuple[str, Figure]], *, horizontal: bool = False, title: str = "", width: int = 720) -> str:
    """One series of labelled bars (countries, topics). `width`: SIDE beside the table, BELOW under it."""
    chart_class = pygal.HorizontalBar if horizontal else pygal.Bar
    # Bars close together: a chart beside or under a table of a dozen rows stays shorter than the table.
    # Beside a table, about the height of its rows; under it, low.
    bar = 28 if width <= SIDE else 22
    height = max(120, 46 + bar * len(rows)) if horizontal else 340
    axis = _integer_axis([value for _, value in rows])
    extra = {"style": _style(COLOURS, **_side_style())} if width <= SIDE else {}
    # Long names (an institution, a reason for closing) are written whole: the plot gives way, not the name.
    chart = chart_class(
        **_config(show_legend=False, height=height, width=width, y_labels=axis, truncate_label=-1, **extra)
    )
    # pygal draws a horizontal chart's first row at the bottom; the largest belongs on top.
    ordered = list(reversed(rows)) if horizontal else list(rows)
    chart.x_labels = [label for label, _ in ordered]
    chart.add(title, [_number(value) for _, value in ordered])
    return _svg(chart)


def stacked(
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[Figure]]],
    *,
    horizontal: bool = False,
    width: int = 720,
) -> str:
    """Series stacked per group (women, men by age group; goals by area and outcome). Horizontal: one bar a
    group, top to bottom in the order given, for groups with long names. `width`: SIDE beside the table (two
    legend columns), BELOW under it."""
    totals = [sum(_number(values[i]) or 0 for _, values in series) for i in range(len(groups))]
    if not horizontal:
        chart = pygal.StackedBar(**_config(height=320, y_labels=_integer_axis(totals)))
        chart.x_labels = list(groups)
        for title, values in series:
            chart.add(title, [_number(v) for v in values])
        return _svg(chart)
    side = width <= SIDE
    # Legend rows under the bars: as many as the series need at two (beside the table) or three a row.
    columns = 2 if side else 3
    height = (64 if side else 48) + (30 if side else 16) * len(groups) + 26 * ((len(series) + columns - 1) // columns)
    chart = pygal.HorizontalStackedBar(
        **_config(
            height=height,
            width=width,
            y_labels=_integer_axis(totals),
            legend_at_bottom_columns=columns,
            truncate_label=-1,
            **({"style": _style(COLOURS, **_side_style())} if side else {}),
        )
    )
    # As in `bars`: pygal draws the first group at the bottom.
    chart.x_labels = list(reversed(groups))
    for title, values in series:
        chart.add(title, [_number(v) for v in reversed(values)])
    return _svg(chart)


def _slices(rows: Sequence[tuple[str, Figure]]) -> list[tuple[str, int | float]]:
    """A donut's slices: the rows with a drawable figure other than 0."""
    return [(label, number) for label, value in rows if (number := _number(value))]


def donut(rows: Sequence[tuple[str, Figure]]) -> str:
    """Shares of a whole (legal status, residence, arrival route, contact forms); empty slices left out.

    Its legend is not drawn in the SVG, where a long label would be cut at the drawing's edge: the page writes
    it (`donut_legend`), wrapping as text does."""
    chart = pygal.Pie(
        **_config(
            inner_radius=0.45,
            width=420,
            height=420,
            show_legend=False,
            margin=6,
            margin_bottom=6,
            # Drawn narrow beside its table: larger type to stay readable when scaled down.
            style=_style(legend_font_size=20, value_font_size=20),
        )
    )
    for label, number in _slices(rows):
        chart.add(f"{label}: {number}", number)
    return _svg(chart)


def donut_legend(rows: Sequence[tuple[str, Figure]]) -> list[tuple[str, str]]:
    """The legend of `donut(rows)`: (colour, "label: figure") of each slice, in the colours pygal gives them."""
    return [(COLOURS[i % len(COLOURS)], f"{label}: {number}") for i, (label, number) in enumerate(_slices(rows))]

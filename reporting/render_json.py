"""The report as JSON (schema "report-figures/2", or /1 on request), as `build_report --format json` prints it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TypeAlias

from .figures.types import SCHEMA, figures_json
from .suppression import SafeFigures, ShownFigures

JSONValue: TypeAlias = str | int | float | bool | None | Sequence["JSONValue"] | Mapping[str, "JSONValue"]


def report_json(figures: ShownFigures, *, schema: str = SCHEMA) -> dict[str, JSONValue]:
    """The report's JSON as the spec gives it (its keys in its order), plus the contract context; a
    publication-safe version says so at the end."""
    data: dict[str, JSONValue] = figures_json(figures, schema=schema)
    if isinstance(figures, SafeFigures):
        data["suppressed"] = True
    return data


def render_json(figures: ShownFigures, *, schema: str = SCHEMA) -> str:
    """The figures as indented UTF-8 JSON text."""
    return json.dumps(report_json(figures, schema=schema), indent=2, ensure_ascii=False) + "\n"

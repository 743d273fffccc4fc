"""The report as JSON (schema "report-figures/1"), as `build_report --format json` prints it."""

from __future__ import annotations

import json

from .figures import ReportFigures
from .suppression import suppressed_json


def render_json(figures: ReportFigures, *, suppressed: bool = False) -> str:
    """The figures as indented UTF-8 JSON text; the publication-safe version when `suppressed`."""
    data = suppressed_json(figures) if suppressed else figures.as_json()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

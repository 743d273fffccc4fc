"""The report as JSON (schema "report-figures/1"), as `build_report --format json` prints it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TypeAlias

from .figures import SCHEMA
from .suppression import SafeFigures, ShownFigures

JSONValue: TypeAlias = str | int | float | bool | None | Sequence["JSONValue"] | Mapping[str, "JSONValue"]


def report_json(figures: ShownFigures) -> dict[str, JSONValue]:
    """The report's JSON as the spec gives it (its keys in its order), plus the contract context; a
    publication-safe version says so at the end."""
    data: dict[str, JSONValue] = {
        "schema": SCHEMA,
        "period": {"start": figures.period.start.isoformat(), "end": figures.period.end.isoformat()},
        "provider": figures.provider,
        "unique_persons": figures.unique_persons,
        "new_persons": figures.new_persons,
        "persons_by_month": dict(figures.persons_by_month),
        "average_persons_per_month": figures.average_persons_per_month,
        "families": figures.families,
        "individuals": figures.individuals,
        "gender": dict(figures.gender),
        "age_groups": dict(figures.age_groups),
        "gender_by_age_group": {group: dict(row) for group, row in figures.gender_by_age_group.items()},
        "average_age": figures.average_age,
        "average_age_adults": figures.average_age_adults,
        "countries": {"count": figures.countries.count, "by_country": dict(figures.countries.by_country)},
        "legal_status": dict(figures.legal_status),
        "residence": dict(figures.residence),
        "arrival_route": dict(figures.arrival_route),
        "staff": {"social_workers": figures.staff.social_workers, "mentors": figures.staff.mentors},
        "contacts": {
            "total": figures.contacts.total,
            "hours": figures.contacts.hours,
            "by_form": dict(figures.contacts.by_form),
            "by_topic": dict(figures.contacts.by_topic),
        },
        "contracts": [
            {
                "number": contract.number,
                "start": contract.start.isoformat(),
                "end": contract.end.isoformat(),
                "planned_persons_per_month": contract.planned_persons_per_month,
            }
            for contract in figures.contracts
        ],
        "planned_persons_by_month": (
            dict(figures.planned_persons_by_month) if figures.planned_persons_by_month is not None else None
        ),
    }
    if isinstance(figures, SafeFigures):
        data["suppressed"] = True
    return data


def render_json(figures: ShownFigures) -> str:
    """The figures as indented UTF-8 JSON text."""
    return json.dumps(report_json(figures), indent=2, ensure_ascii=False) + "\n"

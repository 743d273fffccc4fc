"""The report as an XLSX workbook: one sheet a section, headings translated, the same numbers as the JSON."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_countries import countries as country_names
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from clients.choices import ArrivalRoute, LegalStatus
from plans.choices import ContactForm, Topic

from .figures import ReportFigures
from .suppression import suppressed_json

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that a spreadsheet shows as written, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value: Any) -> Any:
    return safe_text(value) if isinstance(value, str) else value


def _percent(value: Any, total: int) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool) or not total:
        return None
    return (200 * value + total) // (2 * total)


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]


class _Writer:
    def __init__(self, workbook: Workbook, title: str, *, first: bool = False) -> None:
        self.sheet: Worksheet = workbook.active if first else workbook.create_sheet()  # type: ignore[assignment]
        self.sheet.title = _sheet_title(title)
        self.row = 1
        self.write([title], font=TITLE)
        self.row += 1

    def write(self, values: Sequence[Any], *, font: Font | None = None) -> None:
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.row, column=column, value=_cell(value))
            if font is not None:
                cell.font = font
            if isinstance(value, float):
                cell.number_format = "0.0"
            elif isinstance(value, str) and column > 1:
                cell.alignment = Alignment(horizontal="right")
        self.row += 1

    def table(self, heading: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.write([heading], font=BOLD)
        self.write(["", *headers], font=BOLD)
        for row in rows:
            self.write(row)
        self.row += 1

    def persons(self, heading: str, values: dict[str, Any], labels: dict[str, str], total: int) -> None:
        rows = [(labels.get(code, code), value, _percent(value, total)) for code, value in values.items()]
        self.table(heading, (_("Persons"), "%"), rows)

    def finish(self) -> None:
        self.sheet.column_dimensions["A"].width = 44
        for column in range(2, self.sheet.max_column + 1):
            self.sheet.column_dimensions[get_column_letter(column)].width = 16


def _month(key: str) -> str:
    year, month = (int(part) for part in key.split("-"))
    return date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")


def _labels(choices: Iterable[tuple[str, Any]], **more: str) -> dict[str, str]:
    return {**{code: str(label) for code, label in choices}, **more}


def _workbook(figures: ReportFigures, data: dict[str, Any], suppressed: bool) -> Workbook:
    unknown = _("Not known")
    total = data["unique_persons"]
    workbook = Workbook()

    summary = _Writer(workbook, _("Summary"), first=True)
    period = f"{date_format(figures.period.start, 'DATE_FORMAT')} – {date_format(figures.period.end, 'DATE_FORMAT')}"
    summary.write([_("Period"), period])
    summary.write([_("Provider"), figures.provider_name or _("All providers")])
    for contract in figures.contracts:
        summary.write([_("Contract"), contract.number])
    if suppressed:
        summary.write([_("Publication-safe version: counts of 1 to 4 persons are shown as “<5”, x hides a figure.")])
    summary.row += 1
    summary.table(
        _("Persons served"),
        (_("Number"),),
        [
            (_("Unique persons served"), total),
            (_("New persons"), data["new_persons"]),
            (_("Average persons a month"), data["average_persons_per_month"]),
            (_("Families"), data["families"]),
            (_("Individual persons"), data["individuals"]),
            (_("Average age"), data["average_age"]),
            (_("Average age, 18–60"), data["average_age_adults"]),
            (_("Countries of origin"), data["countries"]["count"]),
        ],
    )
    summary.finish()

    months = _Writer(workbook, _("Persons served by month"))
    planned = figures.planned_persons_by_month or {}
    months.table(
        _("Persons served by month"),
        (_("Persons"), _("Contract target")),
        [(_month(key), value, planned.get(key)) for key, value in data["persons_by_month"].items()],
    )
    months.finish()

    genders = {"female": _("Female"), "male": _("Male"), "other": _("Other"), "unknown": unknown}
    age_groups = {
        "children": _("Children (0–17)"),
        "adults": _("Adults (18–60)"),
        "seniors": _("Over 60"),
        "unknown": _("Age not known"),
    }
    people = _Writer(workbook, _("Gender and age"))
    people.persons(_("Gender"), data["gender"], genders, total)
    people.persons(_("Age groups"), data["age_groups"], age_groups, total)
    people.table(
        _("Age groups by gender"),
        [genders[g] for g in genders],
        [(age_groups[group], *row.values()) for group, row in data["gender_by_age_group"].items()],
    )
    people.finish()

    countries = _Writer(workbook, _("Countries of origin"))
    countries.table(
        _("Countries of origin"),
        (_("Code"), _("Persons"), "%"),
        [
            (unknown, "", n, _percent(n, total))
            if code == "unknown"
            else (str(country_names.name(code)) or code, code, n, _percent(n, total))
            for code, n in data["countries"]["by_country"].items()
        ],
    )
    countries.write([_("Countries in all"), data["countries"]["count"]], font=BOLD)
    countries.finish()

    status = _Writer(workbook, _("Legal status and residence"))
    status.persons(_("Legal status"), data["legal_status"], _labels(LegalStatus.choices, unknown=unknown), total)
    status.persons(
        _("Residence"),
        data["residence"],
        {
            "reception_centre": _("Asylum seekers' reception centre"),
            "outside": _("Outside the reception centre"),
            "unknown": unknown,
        },
        total,
    )
    status.persons(
        _("How they came to Latvia"), data["arrival_route"], _labels(ArrivalRoute.choices, unknown=unknown), total
    )
    status.finish()

    work = _Writer(workbook, _("Staff and contacts"))
    work.table(
        _("Staff who delivered the service"),
        (_("Number"),),
        [(_("Social workers"), data["staff"]["social_workers"]), (_("Social mentors"), data["staff"]["mentors"])],
    )
    contacts = data["contacts"]
    work.table(
        _("Contacts"),
        (_("Number"),),
        [(_("Contacts in all"), contacts["total"]), (_("Hours"), contacts["hours"])],
    )
    forms = _labels(ContactForm.choices)
    work.table(_("Contacts by form"), (_("Contacts"),), [(forms.get(k, k), n) for k, n in contacts["by_form"].items()])
    topics = _labels(Topic.choices)
    work.table(
        _("Contacts by topic"), (_("Contacts"),), [(topics.get(k, k), n) for k, n in contacts["by_topic"].items()]
    )
    work.write([_("A contact with two topics counts under both.")])
    work.finish()
    return workbook


def render_xlsx(figures: ReportFigures, *, language: str = "lv", suppressed: bool = False) -> bytes:
    """The workbook's bytes, its headings in `language`."""
    data = suppressed_json(figures) if suppressed else figures.as_json()
    with translation.override(language):
        workbook = _workbook(figures, data, suppressed)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

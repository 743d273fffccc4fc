"""The report as an XLSX workbook: one sheet a section, headings translated, the same numbers as the JSON."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeAlias

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_countries import countries as country_names
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from common.cells import escape_cell
from plans.choices import ContactForm, Topic

from .comparison import comparison_sections
from .presentation import (
    age_group_labels,
    arrival_route_labels,
    gender_labels,
    legal_status_labels,
    percent,
    period_label,
    residence_labels,
    results_tables,
)
from .selectors import ProvidersComparison
from .suppression import Count, SafeFigures, ShownFigures

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
# What a cell of the workbook holds: a label, a count, an average, a mark of a hidden figure, or nothing.
Value: TypeAlias = str | int | float | None


def _cell(value: Value) -> Value:
    # str() turns a mark of a hidden figure (a str enum) into the plain text a workbook keeps.
    return escape_cell(str(value)) if isinstance(value, str) else value


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]


class _Writer:
    def __init__(self, workbook: Workbook, title: str, *, first: bool = False) -> None:
        self.sheet: Worksheet = workbook.active if first else workbook.create_sheet()  # type: ignore[assignment]
        self.sheet.title = _sheet_title(title)
        self.row = 1
        self.write([title], font=TITLE)
        self.row += 1

    def write(self, values: Sequence[Value], *, font: Font | None = None) -> None:
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.row, column=column, value=_cell(value))
            if font is not None:
                cell.font = font
            if isinstance(value, float):
                cell.number_format = "0.0"
            elif isinstance(value, str) and column > 1:
                cell.alignment = Alignment(horizontal="right")
        self.row += 1

    def table(self, heading: str, headers: Sequence[str], rows: Iterable[Sequence[Value]]) -> None:
        self.write([heading], font=BOLD)
        self.write(["", *headers], font=BOLD)
        for row in rows:
            self.write(row)
        self.row += 1

    def persons(self, heading: str, values: Mapping[str, Count], labels: dict[str, str], total: int) -> None:
        rows = [(labels.get(code, code), value, percent(value, total)) for code, value in values.items()]
        self.table(heading, (_("Persons"), "%"), rows)

    def finish(self) -> None:
        self.sheet.column_dimensions["A"].width = 44
        for column in range(2, self.sheet.max_column + 1):
            self.sheet.column_dimensions[get_column_letter(column)].width = 16


def _month(key: str) -> str:
    year, month = (int(part) for part in key.split("-"))
    return date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")


def _labels(choices: Iterable[tuple[str, object]], **more: str) -> dict[str, str]:
    return {**{code: str(label) for code, label in choices}, **more}


def _workbook(figures: ShownFigures) -> Workbook:
    unknown = _("Not known")
    total = figures.unique_persons
    workbook = Workbook()

    summary = _Writer(workbook, _("Summary"), first=True)
    summary.write([_("Period"), period_label(figures.period.start, figures.period.end)])
    summary.write([_("Provider"), figures.provider_name or _("All providers")])
    for contract in figures.contracts:
        summary.write([_("Contract"), contract.number])
    if isinstance(figures, SafeFigures):
        summary.write([_("Publication-safe version: counts of 1 to 4 persons are shown as “<5”, x hides a figure.")])
    summary.row += 1
    summary.table(
        _("Persons served"),
        (_("Number"),),
        [
            (_("Unique persons served"), total),
            (_("New persons"), figures.new_persons),
            (_("Average persons a month"), figures.average_persons_per_month),
            (_("Families"), figures.families),
            (_("Individual persons"), figures.individuals),
            (_("Average age"), figures.average_age),
            (_("Average age, 18–60"), figures.average_age_adults),
            (_("Countries of origin"), figures.countries.count),
        ],
    )
    summary.finish()

    months = _Writer(workbook, _("Persons served by month"))
    planned = figures.planned_persons_by_month or {}
    months.table(
        _("Persons served by month"),
        (_("Persons"), _("Contract target")),
        [(_month(key), value, planned.get(key)) for key, value in figures.persons_by_month.items()],
    )
    months.finish()

    genders, age_groups = gender_labels(), age_group_labels()
    people = _Writer(workbook, _("Gender and age"))
    people.persons(_("Gender"), figures.gender, genders, total)
    people.persons(_("Age groups"), figures.age_groups, age_groups, total)
    people.table(
        _("Age groups by gender"),
        [genders[g] for g in genders],
        [(age_groups[group], *row.values()) for group, row in figures.gender_by_age_group.items()],
    )
    people.finish()

    countries = _Writer(workbook, _("Countries of origin"))
    countries.table(
        _("Countries of origin"),
        (_("Code"), _("Persons"), "%"),
        [
            (unknown, "", n, percent(n, total))
            if code == "unknown"
            else (str(country_names.name(code)) or code, code, n, percent(n, total))
            for code, n in figures.countries.by_country.items()
        ],
    )
    countries.write([_("Countries in all"), figures.countries.count], font=BOLD)
    countries.finish()

    status = _Writer(workbook, _("Legal status and residence"))
    status.persons(_("Legal status"), figures.legal_status, legal_status_labels(), total)
    status.persons(_("Residence"), figures.residence, residence_labels(), total)
    status.persons(_("How they came to Latvia"), figures.arrival_route, arrival_route_labels(), total)
    status.finish()

    work = _Writer(workbook, _("Staff and contacts"))
    work.table(
        _("Staff who delivered the service"),
        (_("Number"),),
        [(_("Social workers"), figures.staff.social_workers), (_("Social mentors"), figures.staff.mentors)],
    )
    contacts = figures.contacts
    work.table(
        _("Contacts"),
        (_("Number"),),
        [(_("Contacts in all"), contacts.total), (_("Hours"), contacts.hours)],
    )
    forms = _labels(ContactForm.choices)
    work.table(_("Contacts by form"), (_("Contacts"),), [(forms.get(k, k), n) for k, n in contacts.by_form.items()])
    topics = _labels(Topic.choices)
    work.table(_("Contacts by topic"), (_("Contacts"),), [(topics.get(k, k), n) for k, n in contacts.by_topic.items()])
    work.write([_("A contact with two topics counts under both.")])
    work.finish()

    results = _Writer(workbook, _("Results of the work"))
    for table in results_tables(figures):
        results.table(table.title, table.headers, [(row.label, *(row.cells or (row.value,))) for row in table.rows])
        if table.note:  # below the table's blank row: not one of its rows
            results.write([table.note])
            results.row += 1
    results.finish()
    return workbook


def _saved(build: Callable[[], Workbook], language: str) -> bytes:
    """The bytes of the workbook `build` makes with its headings in `language`."""
    with translation.override(language):
        workbook = build()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_xlsx(figures: ShownFigures, *, language: str = "lv") -> bytes:
    """The workbook's bytes, its headings in `language`."""
    return _saved(lambda: _workbook(figures), language)


def _comparison_workbook(comparison: ProvidersComparison) -> Workbook:
    workbook = Workbook()
    sheet = _Writer(workbook, _("Providers compared"), first=True)
    sheet.write([_("Period"), period_label(comparison.period.start, comparison.period.end)])
    if comparison.suppressed:
        sheet.write([_("Publication-safe version: counts of 1 to 4 persons are shown as “<5”, x hides a figure.")])
    sheet.write([_("All providers: each person counted once, however many providers served them.")])
    sheet.row += 1
    headers = [column.provider.name for column in comparison.columns]
    for section in comparison_sections(comparison):
        sheet.table(section.title, [*headers, _("All providers")], [(r.label, *r.cells, r.total) for r in section.rows])
    sheet.finish()
    return workbook


def render_comparison_xlsx(comparison: ProvidersComparison, *, language: str = "lv") -> bytes:
    """The providers' comparison (the page's table) as a workbook, its headings in `language`."""
    return _saved(lambda: _comparison_workbook(comparison), language)

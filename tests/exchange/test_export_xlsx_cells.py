"""The workbook export's typed cells (issue 18): dates as date cells, counts as numbers, references as Text cells,
formula-like text with the quote prefix instead of a visible apostrophe; and the import reads all of it back exactly."""

from __future__ import annotations

import datetime

import openpyxl
import pytest

from clients.models import Client, Contract, Family, LegalStatusEntry, Provider, ResidenceEntry, Staff
from exchange.services import dataset_export, dataset_import
from plans.models import Contact

from .exchange_helpers import client_row, contact_row, dump, small_folder

pytestmark = pytest.mark.django_db

# Notes as staff write them: a spreadsheet would run or misread the first four.
NOTES = {
    "0001": "=1+2 documents brought",
    "K2": "#N/A",
    "K3": "-5 degrees outside, visit short",
    "K4": "'=x (a quote, then a formula sign)",
    "K5": "it's fine",
    "K6": "+371 2000 0000",
}


@pytest.fixture
def workbook(tmp_path):
    """A small folder with references that start with zeros, a contract, and the notes; exported as a workbook."""
    folder = small_folder(
        tmp_path,
        contracts=[
            {
                "provider": "LSK",
                "number": "0815",
                "start": "2022-01-01",
                "end": "2022-12-31",
                "planned_persons_per_month": "80",
            }
        ],
        clients=[client_row("00123", family_ref="0042"), client_row("C2", family_ref="0042", birth_date="")],
        contacts=[contact_row(ref, client_refs="00123;C2", duration_minutes="45", date="2022-03-04") for ref in NOTES],
    )
    result = dataset_import(path=folder)
    assert result.errors == []
    for ref, note in NOTES.items():
        Contact.objects.filter(contact_ref=ref).update(note=note)
    path = tmp_path / "export.xlsx"
    dataset_export(path=path)
    return path


def _columns(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def _cell(sheet, column: str, row: int = 2):
    return sheet.cell(row=row, column=_columns(sheet)[column])


def test_dates_are_date_cells_that_read_back_as_dates(workbook):
    book = openpyxl.load_workbook(workbook)
    for sheet_name, column in [
        ("contacts", "date"),
        ("contracts", "start"),
        ("contracts", "end"),
        ("clients", "birth_date"),
        ("clients", "service_start"),
    ]:
        cell = _cell(book[sheet_name], column)
        assert cell.is_date, (sheet_name, column, cell.value)
        assert cell.number_format == "YYYY-MM-DD", (sheet_name, column)
    assert _cell(book["contacts"], "date").value == datetime.datetime(2022, 3, 4)
    assert _cell(book["contracts"], "start").value == datetime.datetime(2022, 1, 1)


def test_counts_are_number_cells(workbook):
    book = openpyxl.load_workbook(workbook)
    duration = _cell(book["contacts"], "duration_minutes")
    planned = _cell(book["contracts"], "planned_persons_per_month")
    assert (duration.data_type, duration.value) == ("n", 45)
    assert (planned.data_type, planned.value) == ("n", 80)


@pytest.mark.parametrize(
    ("sheet_name", "column", "text"),
    [
        ("providers", "code", "LSK"),
        ("contracts", "number", "0815"),
        ("contracts", "provider", "LSK"),
        ("staff", "staff_ref", "M1"),
        ("clients", "client_ref", "00123"),
        ("clients", "family_ref", "0042"),
        ("clients", "social_worker", "S1"),
        ("contacts", "contact_ref", "0001"),
        ("contacts", "client_refs", "00123;C2"),
        ("contacts", "staff_ref", "M1"),
    ],
)
def test_references_are_text_cells_in_columns_formatted_as_text(workbook, sheet_name, column, text):
    sheet = openpyxl.load_workbook(workbook)[sheet_name]
    cell = _cell(sheet, column)
    assert (cell.data_type, cell.value, cell.number_format) == ("s", text, "@")
    # A reference typed into a new row later stays text too: the whole column has the Text format.
    letter = openpyxl.utils.get_column_letter(_columns(sheet)[column])
    assert sheet.column_dimensions[letter].number_format == "@"


def test_formula_like_text_has_the_quote_prefix_and_no_visible_apostrophe(workbook):
    sheet = openpyxl.load_workbook(workbook)["contacts"]
    notes = {row[0].value: row[_columns(sheet)["note"] - 1] for row in sheet.iter_rows(min_row=2)}
    for ref in ("0001", "K2", "K3", "K6"):
        cell = notes[ref]
        assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", NOTES[ref], True), ref
    assert notes["K5"].value == "it's fine"
    assert not notes["K5"].quotePrefix
    # Text that itself starts with the escape sign before a formula sign keeps the CSV escape, so it reads back.
    assert notes["K4"].value == "''=x (a quote, then a formula sign)"
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type in ("f", "e") for cell in cells)
    assert not any(isinstance(cell.value, str) and cell.value.startswith("'=1+2") for cell in cells)


def test_the_typed_workbook_imports_back_exactly_into_an_empty_database(workbook):
    before = dump()
    notes = dict(Contact.objects.values_list("contact_ref", "note"))
    Contact.objects.all().delete()
    for model in (LegalStatusEntry, ResidenceEntry, Client, Family, Staff, Contract, Provider):
        model.objects.all().delete()

    result = dataset_import(path=workbook)

    assert result.errors == []
    assert dump() == before
    assert dict(Contact.objects.values_list("contact_ref", "note")) == notes == NOTES
    assert Client.objects.filter(client_ref="00123", family__family_ref="0042").exists()
    assert Contract.objects.get(number="0815").planned_persons_per_month == 80


def test_the_typed_workbook_imported_again_changes_nothing(workbook):
    result = dataset_import(path=workbook)
    assert result.errors == []
    assert all(c.created == 0 and c.updated == 0 for c in result.counts.values()), result.counts

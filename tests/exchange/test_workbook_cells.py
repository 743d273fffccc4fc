"""Workbook cells that are not what the user typed: formulas and error values, references that lost their zeros,
dates in any display format (a "General" date shows its serial number), an empty extra sheet, an ODS file.

The xlsx-libreoffice-* and ods-* files of tests/exchange/spreadsheets/ were saved by LibreOffice Calc
(spreadsheets/xlsx-make.py); the other workbooks are written here with openpyxl, cell types as Calc stores them.
"""

from __future__ import annotations

import csv
import datetime
import html
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from clients.models import Client, Contract, LegalStatusEntry
from exchange.formats import IMPORT_ORDER, read_path
from exchange.services import dataset_import, read_upload
from plans.models import Contact

from .exchange_helpers import client_row, contact_row, errors_of, small_folder

pytestmark = pytest.mark.django_db

SPREADSHEETS = Path(__file__).resolve().parent / "spreadsheets"
D = datetime.date
LEADING_ZEROS = "the spreadsheet may have dropped its leading zeros (00123 becomes 123). Format the column as Text"
FORMULA = "This cell holds a formula, which the import does not compute."
APOSTROPHE = "start it with an apostrophe (') or format the cell as Text"
ODS = "is an OpenDocument spreadsheet (.ods), which the import does not read: save it as .xlsx"


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def _workbook(
    tmp_path: Path,
    folder: Path,
    cells: dict[tuple[str, int, str], object] | None = None,
    extra: dict[str, list[list[object]]] | None = None,
) -> Path:
    """The folder as a workbook of text cells; `cells` (sheet, row, column) typed as a spreadsheet types them."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name in IMPORT_ORDER:
        if not (folder / f"{name}.csv").exists():
            continue
        sheet = workbook.create_sheet(name)
        with open(folder / f"{name}.csv", encoding="utf-8", newline="") as stream:
            rows = list(csv.reader(stream))
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value:
                    cell = sheet.cell(row=number, column=column, value=value)
                    cell.data_type = "s"
        for (name_, number, column), value in (cells or {}).items():
            if name_ == name:
                sheet.cell(row=number, column=rows[0].index(column) + 1, value=value)
    for title, rows in (extra or {}).items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "records.xlsx"
    workbook.save(path)
    return path


def _messages(result) -> dict[tuple, str]:
    """The first message of each cell (a refused cell of a required column is then also an empty one)."""
    messages: dict[tuple, str] = {}
    for e in result.errors:
        messages.setdefault((e.file, e.row, e.column), e.message)
    return messages


def _nothing_written() -> None:
    assert Client.objects.count() == 0
    assert Contact.objects.count() == 0


# --- a workbook saved by LibreOffice ------------------------------------------------------------------------


def _upload_result(path: Path):
    sheets, read_errors = read_upload([("records.xlsx", path.read_bytes())])
    return dataset_import(sheets=sheets, read_errors=read_errors)


@pytest.mark.parametrize("source", ["command", "upload"])
def test_a_libreoffice_workbook_of_date_cells_general_serials_latvian_text_dates_and_an_empty_sheet_imports(source):
    path = SPREADSHEETS / "xlsx-libreoffice-dates.xlsx"
    result = dataset_import(path=path) if source == "command" else _upload_result(path)
    assert result.errors == []
    assert Contract.objects.values_list("number", "start", "end", "planned_persons_per_month").get() == (
        "S-SIF-2022-01",
        D(2022, 1, 1),
        D(2024, 12, 31),
        40,
    )
    assert dict(Client.objects.values_list("client_ref", "birth_date")) == {"C1": D(1990, 5, 17), "C2": D(1992, 11, 3)}
    assert set(Client.objects.values_list("service_start", flat=True)) == {D(2022, 1, 10)}
    assert LegalStatusEntry.objects.get(client__client_ref="C1").since == D(2022, 2, 1)
    assert sorted(Contact.objects.values_list("contact_ref", "date", "duration_minutes", "note")) == [
        ("K1", D(2022, 2, 1), 60, "Apmeklēja klīniku."),
        ("K2", D(2022, 12, 20), 45, "Zvans par dzīvokli."),  # a "General" date cell: the serial 44915
        ("K3", D(2022, 2, 1), None, "Ģimenes tikšanās."),
    ]


def test_formula_notes_of_a_libreoffice_workbook_are_refused_naming_sheet_row_and_column():
    result = dataset_import(path=SPREADSHEETS / "xlsx-libreoffice-refused.xlsx")
    messages = _messages(result)
    # "=1+2 apmeklējumi klīnikā" became an error cell; "=1+2" the number 3: neither is imported.
    assert messages[("contacts", 2, "note")].startswith(FORMULA)
    assert messages[("contacts", 3, "note")].startswith(FORMULA)
    assert APOSTROPHE in messages[("contacts", 2, "note")]
    # A note typed with an apostrophe is text: no error.
    assert ("contacts", 4, "note") not in messages
    _nothing_written()


def test_references_of_a_libreoffice_workbook_that_lost_their_zeros_are_refused():
    result = dataset_import(path=SPREADSHEETS / "xlsx-libreoffice-refused.xlsx")
    messages = _messages(result)
    assert messages[("clients", 2, "client_ref")] == (
        "This reference is a number cell (123): " + LEADING_ZEROS + " and type the references again."
    )
    assert LEADING_ZEROS in messages[("contacts", 2, "client_refs")]
    # One error a cell, nothing else: the row's other cells are fine, and nothing follows from the refused cells.
    assert set(messages) == {
        ("clients", 2, "client_ref"),
        ("contacts", 2, "client_refs"),
        ("contacts", 2, "note"),
        ("contacts", 3, "note"),
    }
    _nothing_written()


def test_the_command_names_the_sheet_row_and_column_of_a_formula():
    with pytest.raises(CommandError) as refused:
        call_command("import_dataset", str(SPREADSHEETS / "xlsx-libreoffice-refused.xlsx"))
    assert "contacts:2:note: " + FORMULA in str(refused.value)
    _nothing_written()


# --- formulas and error values ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#N/A"])
def test_an_error_value_cell_is_refused_not_imported_as_its_text(tmp_path, value):
    path = _workbook(tmp_path, small_folder(tmp_path), {("contacts", 2, "note"): value})
    result = dataset_import(path=path)
    assert _messages(result) == {
        ("contacts", 2, "note"): f"This cell holds the error value {value}: the spreadsheet computed what was typed "
        "as a formula. Type the text again starting with an apostrophe ('), or format the cell as Text first."
    }
    _nothing_written()


@pytest.mark.parametrize(("column", "formula"), [("note", "=1+2"), ("duration_minutes", "=30*2"), ("date", "=TODAY()")])
def test_a_formula_cell_is_refused_whatever_it_computes(tmp_path, column, formula):
    path = _workbook(tmp_path, small_folder(tmp_path), {("contacts", 2, column): formula})
    assert _messages(dataset_import(path=path))[("contacts", 2, column)].startswith(FORMULA)
    _nothing_written()


@pytest.mark.parametrize("note", ["=1+2 typed as text", "'=1+2 typed as text"])
def test_a_text_cell_starting_with_an_equals_sign_is_text_not_a_formula(tmp_path, note):
    # Text: a cell typed with an apostrophe (or formatted as Text), and the app's own escaped export.
    folder = small_folder(tmp_path, contacts=[contact_row("K1", note=note)])
    result = dataset_import(path=_workbook(tmp_path, folder))
    assert result.errors == []
    assert Contact.objects.get().note == "=1+2 typed as text"


# --- references that lost their zeros -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "column", "value"),
    [
        ("clients", "client_ref", 123),
        ("clients", "family_ref", 7),
        ("contacts", "contact_ref", 1.0),
        ("contacts", "staff_ref", 12),
        ("staff", "staff_ref", 1),
        ("providers", "code", 1),
    ],
)
def test_a_number_in_a_reference_column_is_refused_saying_zeros_may_be_lost(tmp_path, sheet, column, value):
    path = _workbook(tmp_path, small_folder(tmp_path), {(sheet, 2, column): value})
    message = _messages(dataset_import(path=path))[(sheet, 2, column)]
    assert LEADING_ZEROS in message
    _nothing_written()


def test_a_date_in_a_reference_column_is_refused(tmp_path):
    path = _workbook(tmp_path, small_folder(tmp_path), {("clients", 2, "client_ref"): datetime.datetime(2022, 3, 4)})
    message = _messages(dataset_import(path=path))[("clients", 2, "client_ref")]
    assert message.startswith("This reference is a date cell")
    _nothing_written()


def test_numbers_elsewhere_are_read_as_their_digits(tmp_path):
    folder = small_folder(tmp_path)
    path = _workbook(tmp_path, folder, {("contacts", 2, "duration_minutes"): 90, ("contacts", 2, "note"): 12.0})
    assert dataset_import(path=path).errors == []
    assert Contact.objects.values_list("duration_minutes", "note").get() == (90, "12")


# --- dates --------------------------------------------------------------------------------------------------


def test_date_cells_in_any_format_and_serial_numbers_in_date_columns_are_dates(tmp_path):
    folder = small_folder(tmp_path, clients=[client_row("C1", family_ref="F1"), client_row("C2", family_ref="F1")])
    cells = {
        ("contacts", 2, "date"): 44915,  # a date cell formatted "General"
        ("clients", 2, "birth_date"): datetime.datetime(1990, 5, 17, 0, 0),  # a date-time at midnight
        ("clients", 3, "birth_date"): 33911.0,
        ("clients", 2, "service_start"): datetime.date(2022, 1, 10),
        ("clients", 3, "service_start"): "10.01.2022",
    }
    assert dataset_import(path=_workbook(tmp_path, folder, cells)).errors == []
    assert Contact.objects.get().date == D(2022, 12, 20)
    assert dict(Client.objects.values_list("client_ref", "birth_date")) == {"C1": D(1990, 5, 17), "C2": D(1992, 11, 3)}
    assert set(Client.objects.values_list("service_start", flat=True)) == {D(2022, 1, 10)}


@pytest.mark.parametrize(("value", "shown"), [(0, "0"), (-5, "-5"), (99_999_999, "99999999"), (44915.5, "44915.5")])
def test_a_number_in_a_date_column_that_is_no_day_from_1900_to_2100_is_refused(tmp_path, value, shown):
    path = _workbook(tmp_path, small_folder(tmp_path), {("contacts", 2, "date"): value})
    assert _messages(dataset_import(path=path)) == {
        ("contacts", 2, "date"): f"This date cell holds the number {shown}, which is no day from 1900 to 2100. "
        "Type the date as DD.MM.YYYY or YYYY-MM-DD."
    }
    _nothing_written()


# --- sheets and files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [[], [[None, None]], [["", "  "]]])
def test_an_empty_extra_sheet_is_ignored(tmp_path, rows):
    path = _workbook(tmp_path, small_folder(tmp_path), extra={"Lapa1": rows})
    result = dataset_import(path=path)
    assert result.errors == []
    assert Contact.objects.count() == 1


def test_an_extra_sheet_with_text_is_still_an_unknown_sheet(tmp_path):
    path = _workbook(tmp_path, small_folder(tmp_path), extra={"Lapa1": [[None], [None, "piezīmes"]]})
    assert errors_of(dataset_import(path=path)) == {("Lapa1", None, "")}
    _nothing_written()


def test_an_ods_file_is_refused_by_the_upload_form_with_one_message(client, manager):
    client.cookies["django_language"] = "en"
    client.force_login(manager)
    upload = SimpleUploadedFile("records.ods", (SPREADSHEETS / "ods-records.ods").read_bytes())
    response = client.post(reverse("exchange:import"), {"files": [upload]})
    page = html.unescape(response.content.decode())
    assert "'records.ods' " + ODS in page
    assert page.count(ODS) == 1
    _nothing_written()


def test_an_ods_file_is_refused_by_the_command(tmp_path):
    errors: list = []
    assert read_path(SPREADSHEETS / "ods-records.ods", errors) == {}
    assert [(e.file, e.message) for e in errors] == [
        (
            "ods-records.ods",
            "This " + ODS + " (in LibreOffice: File › Save As…, file type Excel 2007-365) and import that.",
        )
    ]
    with pytest.raises(CommandError):
        call_command("import_dataset", str(SPREADSHEETS / "ods-records.ods"))
    _nothing_written()


def test_an_ods_file_renamed_xlsx_is_refused_with_the_same_message(tmp_path):
    path = tmp_path / "records.xlsx"
    path.write_bytes((SPREADSHEETS / "ods-records.ods").read_bytes())
    result = dataset_import(path=path)
    assert [(e.file, e.message.split(" (in LibreOffice")[0]) for e in result.errors] == [("workbook", "This " + ODS)]
    sheets, read_errors = read_upload([("records.xlsx", path.read_bytes())])
    assert (sheets, [e.file for e in read_errors]) == ({}, ["workbook"])

"""The separator of a CSV file, decided from its header: commas, semicolons (Excel in a Latvian locale) and tabs
import alike, quoted cells with separators and line breaks included; a header that no separator splits into the
file's columns is one message naming the separator found and the columns, not an error a row.

The csv-* folders of tests/exchange/spreadsheets were saved by LibreOffice (csv-make.py says how).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation

from clients.models import Client, Provider, Staff
from exchange.services import dataset_import, read_upload
from exchange.sniffing import detect_separator
from plans.models import Contact

from .exchange_helpers import SAMPLE, contact_row, dump, small_folder

pytestmark = pytest.mark.django_db

SPREADSHEETS = Path(__file__).parent / "spreadsheets"
TYPED = SPREADSHEETS / "csv-utf8"
CONTACT_COLUMNS = (
    "contact_ref, date, staff_ref, family_ref, client_refs, form, duration_minutes, topics, note, interpreter, place"
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _files(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv"))]


def _import(folder: Path, way: str):
    """The folder imported from disk (the large files streamed) or uploaded (every file read whole)."""
    if way == "folder":
        return dataset_import(path=folder)
    sheets, errors = read_upload(_files(folder))
    return dataset_import(sheets=sheets, read_errors=errors)


def _imported(folder: Path, way: str) -> tuple[dict, dict]:
    """The records and counts of an import, rolled back after."""
    with transaction.atomic():
        result = _import(folder, way)
        assert result.errors == []
        records = dump()
        transaction.set_rollback(True)
    return records, {name: c.created for name, c in result.counts.items()}


def _separated_by(source: Path, target: Path, delimiter: str) -> Path:
    """The folder's files written again with another separator, quoted only where a cell needs it (as Excel does)."""
    target.mkdir()
    for path in source.glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream))
        with open(target / path.name, "w", encoding="utf-8", newline="") as stream:
            csv.writer(stream, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return target


def _nothing_written() -> None:
    assert not (Provider.objects.exists() or Staff.objects.exists() or Client.objects.exists())
    assert not Contact.objects.exists()


# --- the sample folder and the fixtures ----------------------------------------------------------------------


@pytest.mark.parametrize("way", ["folder", "upload"])
@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_the_sample_folder_separated_otherwise_imports_exactly_as_with_commas(tmp_path, way, delimiter):
    folder = _separated_by(SAMPLE, tmp_path / "separated", delimiter)
    if delimiter == ";":
        assert b';"health;housing;' in (folder / "contacts.csv").read_bytes()  # a cell with ';' is quoted
    expected, expected_counts = _imported(SAMPLE, way)
    result = _import(folder, way)
    assert result.errors == []
    assert {name: c.created for name, c in result.counts.items()} == expected_counts
    assert dump() == expected


@pytest.mark.parametrize("way", ["folder", "upload"])
@pytest.mark.parametrize("saved", ["csv-semicolon", "csv-tab"])
def test_a_folder_libreoffice_saved_with_semicolons_or_tabs_imports_as_typed(way, saved):
    expected, _counts = _imported(TYPED, way)
    result = _import(SPREADSHEETS / saved, way)
    assert result.errors == []
    assert dump() == expected
    assert Contact.objects.get(contact_ref="K2").note == (
        "Zvanīja par uzturēšanās atļauju.\nJautāja: vai būs jāmaksā nodeva?"
    )
    assert sorted(Contact.objects.get(contact_ref="K2").clients.values_list("client_ref", flat=True)) == ["C1", "C2"]


@pytest.mark.parametrize("way", ["folder", "upload"])
def test_a_semicolon_file_numbers_its_rows_as_the_spreadsheet_does_after_a_note_of_several_lines(tmp_path, way):
    contacts = [
        contact_row("K1", note="Pirmā rinda; otrā daļa.\nOtrā rinda.\nTrešā rinda."),
        contact_row("K2", form="visit"),
    ]
    folder = small_folder(tmp_path, contacts=contacts)
    _separated_by(folder, tmp_path / "semicolons", ";")
    result = _import(tmp_path / "semicolons", way)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("contacts", 3, "form")]
    _nothing_written()


# --- a header no separator reads -----------------------------------------------------------------------------


@pytest.mark.parametrize("way", ["folder", "upload"])
def test_a_file_separated_by_another_character_is_one_message_naming_it_and_the_columns(tmp_path, way):
    folder = tmp_path / "piped"
    _separated_by(SAMPLE, folder, ",")
    _separated_by(SAMPLE, tmp_path / "pipes", "|")
    (folder / "contacts.csv").write_bytes((tmp_path / "pipes" / "contacts.csv").read_bytes())
    result = _import(folder, way)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("contacts", 1, "")]
    assert result.errors[0].message == (
        "The first row is not split into columns by a comma, a semicolon or a tab, but by '|'. Save the file as "
        f"CSV UTF-8 (separated by commas); its first row must name the columns: {CONTACT_COLUMNS}."
    )
    assert not Contact.objects.exists()


@pytest.mark.parametrize("way", ["folder", "upload"])
def test_a_title_above_the_header_is_one_message_naming_the_columns(tmp_path, way):
    folder = tmp_path / "titled"
    _separated_by(SAMPLE, folder, ",")
    path = folder / "contacts.csv"
    path.write_bytes(b"Kontakti, 2022. gads\r\n" + path.read_bytes())
    result = _import(folder, way)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("contacts", 1, "")]
    assert result.errors[0].message == (
        "The first row names none of the file's columns, split by a comma, a semicolon or a tab. Save the file as "
        f"CSV UTF-8 (separated by commas); its first row must name the columns: {CONTACT_COLUMNS}."
    )
    assert not Contact.objects.exists()


def test_a_semicolon_header_with_a_wrong_column_is_split_by_semicolons():
    """Split by the separator that names the most columns, a wrong name is reported as itself."""
    separator = detect_separator("client_ref;first_name;surname;provider\r\n", ["client_ref", "first_name", "provider"])
    assert separator.delimiter == ";"


@pytest.mark.parametrize(
    ("line", "delimiter", "found"),
    [
        ("code,name", ",", ""),
        ("code;name", ";", ""),
        ("code\tname", "\t", ""),
        ('"code";"name"', ";", ""),
        ("code", ",", ""),  # one column: a comma file missing the other
        ("Vārds;Uzvārds", None, ""),  # the columns of another file
        ("Pakalpojumu sniedzēji, 2022. gads", None, ""),  # a title above the header
        ("", ",", ""),  # an empty file: reported as empty
        ("code|name", None, "|"),
        ("code:name", None, ":"),
        ("code|name|Adrese", None, "|"),
        ("Providers", None, ""),
    ],
)
def test_the_separator_is_the_one_that_names_the_columns(line, delimiter, found):
    separator = detect_separator(line, ["code", "name"])
    assert (separator.delimiter, separator.found) == (delimiter, found)

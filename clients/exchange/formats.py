"""The files of exchange format version 1: their columns, and reading them into tablib Datasets."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import tablib
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[str, ...]  # in the order the spec lists them, which export keeps
    required: frozenset[str]
    ref_columns: tuple[str, ...]  # the columns that identify a row: unique within the file
    optional_file: bool = False


FILE_SPECS: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec("providers", ("code", "name"), frozenset({"code", "name"}), ("code",)),
        FileSpec(
            "contracts",
            ("provider", "number", "start", "end", "planned_persons_per_month"),
            frozenset({"provider", "number", "start", "end"}),
            ("number",),
            optional_file=True,
        ),
        FileSpec(
            "staff",
            ("staff_ref", "first_name", "last_name", "role", "provider", "email"),
            frozenset({"staff_ref", "first_name", "last_name", "role", "provider"}),
            ("staff_ref",),
        ),
        FileSpec(
            "clients",
            (
                "client_ref",
                "first_name",
                "last_name",
                "gender",
                "birth_date",
                "country",
                "family_ref",
                "arrival_route",
                "legal_status",
                "legal_status_since",
                "residence",
                "residence_since",
                "provider",
                "service_start",
                "social_worker",
                "mentor",
            ),
            frozenset({"client_ref", "first_name", "last_name", "provider"}),
            ("client_ref",),
        ),
        FileSpec(
            "status_history",
            ("client_ref", "legal_status", "since"),
            frozenset({"client_ref", "legal_status", "since"}),
            ("client_ref", "since"),
            optional_file=True,
        ),
        FileSpec(
            "contacts",
            (
                "contact_ref",
                "date",
                "staff_ref",
                "family_ref",
                "client_refs",
                "form",
                "duration_minutes",
                "topics",
                "note",
            ),
            frozenset({"contact_ref", "date", "staff_ref", "form"}),
            ("contact_ref",),
        ),
    )
}

# Dependency order: a file only refers to files before it.
IMPORT_ORDER = ("providers", "contracts", "staff", "clients", "status_history", "contacts")

# A spreadsheet reads a cell starting with one of these as a formula (tab and CR too, by OWASP's advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_escape(value: str) -> bool:
    # A value that already starts with the escape sign is escaped again, so that unescaping is exact.
    while value.startswith("'"):
        value = value[1:]
        if not value:
            return False
        if value.startswith(FORMULA_STARTS):
            return True
    return value.startswith(FORMULA_STARTS)


def escape_cell(value: str) -> str:
    """The text written to a file: formulas are prefixed with a single quote."""
    return "'" + value if value and _needs_escape(value) else value


def unescape_cell(value: str) -> str:
    """The inverse of `escape_cell`."""
    return value[1:] if value.startswith("'") and _needs_escape(value[1:]) else value


@dataclass(frozen=True)
class ReadError:
    file: str
    row: int | None
    column: str
    message: str


@dataclass
class Sheet:
    """One file's records, without header and blank rows; `row_numbers` are the spreadsheet's numbers."""

    name: str
    dataset: tablib.Dataset
    row_numbers: list[int] = field(default_factory=list)
    # False when the header has errors: the rows are not imported, and rows elsewhere that name
    # them are not reported again.
    usable: bool = True


def _cell_text(value: object) -> str:
    if type(value) is str:  # the common case first: every CSV cell
        return unescape_cell(value) if value.startswith("'") else value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unescape_cell(str(value))


def _sheet_from_rows(name: str, rows: Iterable[list[object]], errors: list[ReadError]) -> Sheet | None:
    """Checks the header and builds the Dataset; None when the file has no header row."""
    spec = FILE_SPECS[name]
    iterator = iter(rows)
    header_row = next(iterator, None)
    if header_row is None:
        errors.append(ReadError(name, 1, "", _("The file is empty; the first row must name the columns.")))
        return None
    headers = [_cell_text(h).strip() for h in header_row]
    while headers and headers[-1] == "":
        headers.pop()
    usable = True
    seen: set[str] = set()
    for header in headers:
        if header == "":
            errors.append(ReadError(name, 1, "", _("A column has no name.")))
            usable = False
        elif header not in spec.columns:
            errors.append(
                ReadError(
                    name,
                    1,
                    header,
                    _("Unknown column '%(column)s'; the columns of this file are: %(columns)s.")
                    % {"column": header, "columns": ", ".join(spec.columns)},
                )
            )
            usable = False
        elif header in seen:
            errors.append(ReadError(name, 1, header, _("The column '%(column)s' appears twice.") % {"column": header}))
            usable = False
        seen.add(header)
    for column in spec.columns:
        if column in spec.required and column not in seen:
            errors.append(
                ReadError(name, 1, column, _("The required column '%(column)s' is missing.") % {"column": column})
            )
            usable = False
    dataset = tablib.Dataset(headers=headers)
    sheet = Sheet(name=name, dataset=dataset, usable=usable)
    width = len(headers)
    for number, raw in enumerate(iterator, start=2):
        cells = [_cell_text(v) for v in raw]
        if not any(c.strip() for c in cells):
            continue  # a blank line is a blank spreadsheet row: numbered, not imported
        if len(cells) > width:
            if any(c.strip() for c in cells[width:]):
                errors.append(ReadError(name, number, "", _("This row has more cells than the header has columns.")))
                continue
            cells = cells[:width]
        cells.extend([""] * (width - len(cells)))
        dataset.append(cells)
        sheet.row_numbers.append(number)
    if usable:
        _check_unique_refs(sheet, spec, errors)
    return sheet


def _check_unique_refs(sheet: Sheet, spec: FileSpec, errors: list[ReadError]) -> None:
    """A reference given twice in one file is an error; the later rows are left out of the import."""
    indexes = [sheet.dataset.headers.index(c) for c in spec.ref_columns]
    first_row: dict[tuple[str, ...], int] = {}
    keep: list[int] = []
    for i, record in enumerate(sheet.dataset):
        key = tuple(record[j].strip() for j in indexes)
        number = sheet.row_numbers[i]
        if all(key) and key in first_row:
            errors.append(
                ReadError(
                    sheet.name,
                    number,
                    spec.ref_columns[-1] if len(key) > 1 else spec.ref_columns[0],
                    _("'%(ref)s' is given twice in this file (first in row %(row)d).")
                    % {"ref": " ".join(key), "row": first_row[key]},
                )
            )
            continue
        first_row.setdefault(key, number)
        keep.append(i)
    if len(keep) != len(sheet.dataset):
        kept = tablib.Dataset(headers=sheet.dataset.headers)
        for i in keep:
            kept.append(sheet.dataset[i])
        sheet.row_numbers = [sheet.row_numbers[i] for i in keep]
        sheet.dataset = kept


def _csv_rows(raw: bytes, name: str, errors: list[ReadError]) -> list[list[object]] | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.append(ReadError(name, None, "", _("The file is not UTF-8 text; save it as CSV UTF-8.")))
        return None
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        errors.append(ReadError(name, None, "", _("The file is not valid CSV: %(error)s") % {"error": exc}))
        return None


def _file_name(filename: str) -> str:
    return Path(filename).name.removesuffix(".csv").removesuffix(".CSV")


def read_csv_files(files: Iterable[tuple[str, bytes]], errors: list[ReadError]) -> dict[str, Sheet]:
    """(file name, content) pairs of CSV files, e.g. a folder or an upload of several files."""
    sheets: dict[str, Sheet] = {}
    for filename, raw in files:
        name = _file_name(filename)
        if name not in FILE_SPECS:
            errors.append(_unknown_file(filename))
            continue
        rows = _csv_rows(raw, name, errors)
        if rows is not None:
            sheet = _sheet_from_rows(name, rows, errors)
            if sheet is not None:
                sheets[name] = sheet
    _check_files_present(set(sheets) | {e.file for e in errors}, errors)
    return sheets


def read_workbook(source: str | Path | IO[bytes], errors: list[ReadError]) -> dict[str, Sheet]:
    """An XLSX workbook whose sheets are named after the files."""
    import openpyxl  # imported here: only workbooks need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        errors.append(
            ReadError("workbook", None, "", _("The file is not an XLSX workbook (%(error)s).") % {"error": exc})
        )
        return {}
    sheets: dict[str, Sheet] = {}
    try:
        for worksheet in workbook.worksheets:
            name = worksheet.title.strip()
            if name not in FILE_SPECS:
                errors.append(_unknown_file(name))
                continue
            rows = (list(r) for r in worksheet.iter_rows(values_only=True))
            sheet = _sheet_from_rows(name, rows, errors)
            if sheet is not None:
                sheets[name] = sheet
    finally:
        workbook.close()
    _check_files_present(set(sheets) | {e.file for e in errors}, errors)
    return sheets


def read_path(path: Path, errors: list[ReadError]) -> dict[str, Sheet]:
    """A folder of CSV files, or an .xlsx workbook."""
    if path.is_dir():
        return read_csv_files(((p.name, p.read_bytes()) for p in sorted(path.glob("*.csv"))), errors)
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return read_workbook(path, errors)
    errors.append(
        ReadError(str(path), None, "", _("Give a folder of CSV files or an .xlsx workbook; nothing found here."))
    )
    return {}


def _unknown_file(name: str) -> ReadError:
    names = ", ".join(FILE_SPECS)
    return ReadError(name, None, "", _("Unknown file or sheet; the format knows: %(names)s.") % {"names": names})


def _check_files_present(present: set[str], errors: list[ReadError]) -> None:
    for spec in FILE_SPECS.values():
        if not spec.optional_file and spec.name not in present:
            errors.append(ReadError(spec.name, None, "", _("This required file (or sheet) is missing.")))

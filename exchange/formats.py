"""The files of the exchange format (version 1 and the casework of version 2): their columns, and reading them into
tablib Datasets."""

from __future__ import annotations

import codecs
import collections
import csv
import datetime
import io
import itertools
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import openpyxl
import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from common.cells import is_error_value, unescape_cell

from .cells import AREAS, DATE_COLUMNS, FIRST_DATE, LAST_DATE, REFERENCE_COLUMNS
from .sniffing import (
    HEADER_CHARS,
    UTF8,
    Encoding,
    detect_encoding,
    detect_separator,
    file_parts,
    lost_letter,
    lost_letter_columns,
    slices,
)


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
                "languages",
                "latvian_level",
                "interpreter_needed",
                "interpreter_language",
                "service_end",
                "closure_reason",
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
        # Version 2: the casework (shared/spec/exchange-format.md "Version 2: casework"), every file optional; the
        # files in IMPORT_ORDER.
        FileSpec(
            "episodes",
            ("client_ref", "provider", "service_start", "service_end", "closure_reason"),
            frozenset({"client_ref", "provider", "service_start", "service_end", "closure_reason"}),
            ("client_ref", "service_start"),
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
                "interpreter",
                "place",
            ),
            frozenset({"contact_ref", "date", "staff_ref", "form"}),
            ("contact_ref",),
        ),
        FileSpec(
            "plans",
            ("plan_ref", "client_ref", "family_ref", "staff_ref", "status", "start", "review_date"),
            frozenset({"plan_ref", "status", "start"}),
            ("plan_ref",),
            optional_file=True,
        ),
        FileSpec(
            "goals",
            ("goal_ref", "plan_ref", "area", "title", "created_on", "status", "status_date"),
            frozenset({"goal_ref", "plan_ref", "area", "title", "created_on", "status"}),
            ("goal_ref",),
            optional_file=True,
        ),
        FileSpec(
            "referrals",
            (
                "referral_ref",
                "date",
                "staff_ref",
                "client_ref",
                "institution_kind",
                "institution",
                "goal_ref",
                "accompanied",
                "status",
                "outcome_date",
                "outcome_reason",
            ),
            frozenset({"referral_ref", "date", "staff_ref", "client_ref", "institution_kind", "status"}),
            ("referral_ref",),
            optional_file=True,
        ),
        FileSpec(
            "assessments",
            ("assessment_ref", "date", "staff_ref", "client_ref", "kind", *AREAS),
            frozenset({"assessment_ref", "date", "staff_ref", "client_ref", "kind"}),
            ("assessment_ref",),
            optional_file=True,
        ),
        # A consent has no reference of its own: a client's consent of one kind given on one day is one row.
        FileSpec(
            "consents",
            ("client_ref", "kind", "institution_kinds", "given_on", "how", "staff_ref", "withdrawn_on"),
            frozenset({"client_ref", "kind", "given_on", "how"}),
            ("client_ref", "kind", "given_on"),
            optional_file=True,
        ),
    )
}

# Dependency order: a file only refers to files before it.
IMPORT_ORDER = (
    "providers",
    "contracts",
    "staff",
    "clients",
    "status_history",
    "episodes",
    "contacts",
    "plans",
    "goals",
    "referrals",
    "assessments",
    "consents",
)

# Limits on what is read, so that a hostile file is refused with one message before it costs minutes or
# gigabytes. A file of the format has at most 22 columns; a header wider than this is not one of its files.
MAX_COLUMNS = 200
# Errors listed by the import page and the command; the others are counted ("… and 1 234 more errors").
ERRORS_SHOWN = 100
# A workbook's parts are decompressed as they are parsed: the zip's directory is checked first. A sheet
# compresses about ten times; a zip bomb hundreds of times. Small parts (styles) may compress more.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ReadError:
    file: str
    row: int | None
    column: str
    message: str


Record = tuple[int, list[str]]  # (the spreadsheet's row number, the cells in the header's order)


@dataclass
class Sheet:
    """One file's records, without header and blank rows; `row_numbers` are the spreadsheet's numbers."""

    name: str
    dataset: tablib.Dataset
    row_numbers: list[int] = field(default_factory=list)
    # False when the header has errors: the rows are not imported, and rows elsewhere that name
    # them are not reported again.
    usable: bool = True

    @property
    def headers(self) -> list[str]:
        return self.dataset.headers or []

    def records(self) -> Iterator[Record]:
        """The same records as a StreamedSheet gives, so that an importer takes either."""
        for number, row in zip(self.row_numbers, self.dataset, strict=True):
            yield number, list(row)


class StreamedSheet:
    """A CSV file read record by record while it is imported: a file of millions of rows is never in memory whole.

    The file is checked when the folder is read, like every file: its encoding and separator, CSV, its
    header, letters lost to '?'. Blank rows, extra cells and repeated references are checked as the
    records are read, with the same messages.
    """

    def __init__(
        self,
        name: str,
        path: Path,
        headers: list[str],
        usable: bool,
        errors: list[ReadError],
        *,
        encoding: str = UTF8,
        delimiter: str = ",",
    ) -> None:
        self.name = name
        self.path = path
        self.headers = headers
        self.usable = usable
        self.errors = errors
        self.encoding = encoding
        self.delimiter = delimiter

    def records(self) -> Iterator[Record]:
        with open(self.path, encoding=self.encoding, newline="") as stream:
            rows = csv.reader(stream, delimiter=self.delimiter, strict=True)
            next(rows)  # the header, checked already
            records = _records(self.name, rows, self.headers, self.errors, csv_text=True)
            if self.usable:
                records = _unique_refs(self.name, self.headers, records, self.errors)
            yield from records


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


def _check_header(name: str, header_row: Sequence[object], errors: list[ReadError]) -> tuple[list[str], bool]:
    """The column names, and whether they are usable (known, once each, the required ones all there)."""
    spec = FILE_SPECS[name]
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
    return headers, usable


def _too_wide(name: str, header_row: Sequence[object], errors: list[ReadError]) -> bool:
    """A header of thousands of columns is refused whole, with one error (not one a column); its rows are not read."""
    width = len(header_row)
    if width <= MAX_COLUMNS:
        return False
    while width and _cell_text(header_row[width - 1]).strip() == "":
        width -= 1  # a spreadsheet's trailing empty cells are not columns
    if width <= MAX_COLUMNS:
        return False
    errors.append(
        ReadError(
            name,
            1,
            "",
            _("The header has %(count)d columns; a file of the format has at most %(max)d. Is this the right file?")
            % {"count": width, "max": MAX_COLUMNS},
        )
    )
    return True


def _too_many_rows(name: str, max_rows: int) -> ReadError:
    return ReadError(
        name,
        None,
        "",
        _("The file has more than %(max)s rows; split it, or ask the administrator to raise the limit.")
        % {"max": number_format(max_rows, force_grouping=True)},
    )


def _empty_file(name: str) -> ReadError:
    return ReadError(name, 1, "", _("The file is empty; the first row must name the columns."))


def _records(
    name: str, rows: Iterable[Sequence[object]], headers: list[str], errors: list[ReadError], *, csv_text: bool = False
) -> Iterator[Record]:
    """The rows after the header, numbered as a spreadsheet numbers them; blank rows are left out.

    `csv_text`: a CSV file saved by a spreadsheet program writes a formula that failed as its error value's text
    (`#VALUE!`, `Err:502`); such a cell is refused, as an error cell of a workbook is, and left empty so that the
    row's other cells are still checked. (A workbook's text cell is text; the export escapes such text, so that
    it reads back.)
    """
    width = len(headers)
    for number, raw in enumerate(rows, start=2):
        # One C-level scan of a CSV row (its cells are str); the cells only when it may hold an error value.
        line = "".join(cast(Sequence[str], raw)) if csv_text else ""
        if "#" in line or "Err:" in line:
            raw = list(raw)
            for index, value in enumerate(raw[:width]):
                if isinstance(value, str) and is_error_value(value):
                    errors.append(ReadError(name, number, headers[index], _error_cell(value.strip())))
                    raw[index] = ""
        # A CSV cell is a str that is rarely escaped: that case skips the call (millions of cells).
        cells = [v if type(v) is str and not v.startswith("'") else _cell_text(v) for v in raw]
        if not "".join(cells).strip():
            continue  # a blank line is a blank spreadsheet row: numbered, not imported
        if len(cells) > width:
            if "".join(cells[width:]).strip():
                errors.append(ReadError(name, number, "", _("This row has more cells than the header has columns.")))
                continue
            cells = cells[:width]
        cells.extend([""] * (width - len(cells)))
        yield number, cells


def _unique_refs(name: str, headers: list[str], records: Iterable[Record], errors: list[ReadError]) -> Iterator[Record]:
    """A reference given twice in one file is an error; the later rows are left out of the import.

    A one-column reference is kept as the text itself, not a tuple: a file of millions of rows
    keeps every reference it has seen.
    """
    columns = FILE_SPECS[name].ref_columns
    indexes = [headers.index(c) for c in columns]
    column = columns[-1] if len(columns) > 1 else columns[0]
    first_row: dict[str | tuple[str, ...], int] = {}
    for number, cells in records:
        key: str | tuple[str, ...]
        if len(indexes) == 1:
            key = cells[indexes[0]].strip()
            given = bool(key)
        else:
            key = tuple(cells[j].strip() for j in indexes)
            given = all(key)
        if given:
            first = first_row.setdefault(key, number)
            if first != number:
                ref = key if isinstance(key, str) else " ".join(key)
                errors.append(
                    ReadError(
                        name,
                        number,
                        column,
                        _("'%(ref)s' is given twice in this file (first in row %(row)d).") % {"ref": ref, "row": first},
                    )
                )
                continue
        yield number, cells


def _sheet_from_rows(
    name: str, rows: Iterable[Sequence[object]], errors: list[ReadError], max_rows: int, *, csv_text: bool = False
) -> Sheet | None:
    """Checks the header and builds the Dataset; None when the file has no header row, or is refused whole.

    A file of more than `max_rows` rows after the header (blank ones too) is refused whole, with one error.
    `csv_text`: the rows are a CSV file's text (see `_records`).
    """
    iterator = iter(rows)
    header_row = next(iterator, None)
    if header_row is None:
        errors.append(_empty_file(name))
        return None
    if _too_wide(name, header_row, errors):
        return None
    headers, usable = _check_header(name, header_row, errors)
    dataset = tablib.Dataset(headers=headers)
    sheet = Sheet(name=name, dataset=dataset, usable=usable)
    mark = len(errors)
    records = _records(name, itertools.islice(iterator, max_rows), headers, errors, csv_text=csv_text)
    if usable:
        records = _unique_refs(name, headers, records, errors)
    for number, cells in records:
        dataset.append(cells)
        sheet.row_numbers.append(number)
    if next(iterator, None) is not None:
        del errors[mark:]  # the rows' own errors: the one that matters is the size
        errors.append(_too_many_rows(name, max_rows))
        return None
    return sheet


def _not_utf8(name: str, encoding: Encoding | None = None) -> ReadError:
    if encoding is not None and encoding.western:
        message = _(
            "The file was saved in the Western European encoding (Windows-1252), which has no ā, č, ē, ģ, ī, ķ, "
            "ļ, ņ, ū: they were lost. Open the original spreadsheet, save it as CSV UTF-8 (in LibreOffice: Text CSV "
            "with the character set Unicode (UTF-8)) and import that file."
        )
        return ReadError(name, None, "", message)
    return ReadError(name, None, "", _("The file is not UTF-8 text; save it as CSV UTF-8."))


def _not_csv(name: str, exc: csv.Error) -> ReadError:
    return ReadError(name, None, "", _("The file is not valid CSV: %(error)s") % {"error": exc})


def _no_separator(name: str, found: str) -> ReadError:
    columns = ", ".join(FILE_SPECS[name].columns)
    if found:
        message = _(
            "The first row is not split into columns by a comma, a semicolon or a tab, but by '%(separator)s'. "
            "Save the file as CSV UTF-8 (separated by commas); its first row must name the columns: %(columns)s."
        ) % {"separator": found, "columns": columns}
    else:
        message = _(
            "The first row names none of the file's columns, split by a comma, a semicolon or a tab. "
            "Save the file as CSV UTF-8 (separated by commas); its first row must name the columns: %(columns)s."
        ) % {"columns": columns}
    return ReadError(name, 1, "", message)


# Rows a refusal names; the others are counted.
ROWS_NAMED = 5


def _lost_letters(
    name: str, headers: Sequence[str], records: Iterable[tuple[int, Sequence[str]]], *, question_marks: bool = True
) -> ReadError | None:
    """Reads every record: the one error of a file whose names (or notes) have '?' where a letter was.

    A file without any '?' (`question_marks` False) is only read: millions of rows cost no look each.
    """
    columns = lost_letter_columns(headers) if question_marks else []
    if not columns:
        collections.deque(records, maxlen=0)
        return None
    count, column = 0, ""
    rows: list[str] = []
    for number, cells in records:
        index = lost_letter(cells, columns)
        if index is not None:
            count += 1
            if len(rows) < ROWS_NAMED:
                rows.append(str(number))
            column = column or headers[index]
    if not count:
        return None
    message = ngettext(
        "%(count)s row has '?' in place of a letter (row %(rows)s): the file lost letters such as ā, č, ē, ģ, ī, "
        "ķ, ļ, ņ, ū when it was saved in an encoding without them. Open the original spreadsheet, save it as "
        "CSV UTF-8 (in LibreOffice: Text CSV with the character set Unicode (UTF-8)) and import that file.",
        "%(count)s rows have '?' in place of a letter (rows %(rows)s): the file lost letters such as ā, č, ē, ģ, "
        "ī, ķ, ļ, ņ, ū when it was saved in an encoding without them. Open the original spreadsheet, save it as "
        "CSV UTF-8 (in LibreOffice: Text CSV with the character set Unicode (UTF-8)) and import that file.",
        count,
    )
    shown = ", ".join(rows) + (", …" if count > len(rows) else "")
    return ReadError(name, None, column, message % {"count": number_format(count, force_grouping=True), "rows": shown})


def _csv_format(
    name: str, chunks: Callable[[], Iterable[bytes]], errors: list[ReadError]
) -> tuple[Encoding, str] | None:
    """The encoding and the separator of a CSV file, from its bytes and its first line; None when it is refused.

    The one detection of both ways a CSV file is read, whole (`_csv_sheet`) and record by record
    (`open_streamed`). A refused file has this one error, before any of its rows is read.
    """
    encoding = detect_encoding(chunks)
    if encoding.codec is None:
        errors.append(_not_utf8(name, encoding))
        return None
    head = next(iter(chunks()), b"")[: HEADER_CHARS * 4]
    text = codecs.getincrementaldecoder(encoding.codec)().decode(head)  # a letter cut at the end waits, unread
    separator = detect_separator(io.StringIO(text, newline="").readline(HEADER_CHARS), FILE_SPECS[name].columns)
    if separator.delimiter is None:
        errors.append(_no_separator(name, separator.found))
        return None
    return encoding, separator.delimiter


def open_streamed(name: str, path: Path, errors: list[ReadError]) -> StreamedSheet | None:
    """Checks the whole file and its header; the records are read again when they are imported.

    The check keeps no row: a file that is not text, not CSV or has lost its letters anywhere is refused
    now, with the one error a file read whole gets, before any of its rows is imported.
    """
    max_rows = settings.IMPORT_MAX_ROWS
    read_as = _csv_format(name, file_parts(path), errors)
    if read_as is None:
        return None
    encoding, delimiter = read_as
    codec = encoding.codec or UTF8
    try:
        with open(path, encoding=codec, newline="") as stream:
            rows = csv.reader(stream, delimiter=delimiter, strict=True)
            header_row = next(rows, None)
            if header_row is not None and _too_wide(name, header_row, errors):
                return None
            names = [_cell_text(h).strip() for h in header_row or ()]
            records = enumerate(itertools.islice(rows, max_rows), start=2)
            lost = _lost_letters(name, names, records, question_marks=encoding.question_marks)
            too_many = next(rows, None) is not None
    except csv.Error as exc:
        errors.append(_not_csv(name, exc))
        return None
    if header_row is None:
        errors.append(_empty_file(name))
        return None
    if too_many:
        errors.append(_too_many_rows(name, max_rows))
        return None
    headers, usable = _check_header(name, header_row, errors)
    if usable and lost is not None:
        errors.append(lost)
        usable = False
    return StreamedSheet(name, path, headers, usable, errors, encoding=codec, delimiter=delimiter)


def _csv_sheet(name: str, raw: bytes, errors: list[ReadError], max_rows: int) -> Sheet | None:
    read_as = _csv_format(name, slices(raw), errors)
    if read_as is None:
        return None
    encoding, delimiter = read_as
    text = raw.decode(encoding.codec or UTF8)
    mark = len(errors)
    try:
        # Read row by row, not as a list first: millions of short rows would take gigabytes.
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        sheet = _sheet_from_rows(name, rows, errors, max_rows, csv_text=True)
    except csv.Error as exc:
        del errors[mark:]  # a file that is not CSV has that one error, as before any row is read
        errors.append(_not_csv(name, exc))
        return None
    if sheet is not None and sheet.usable:
        lost = _lost_letters(name, sheet.headers, sheet.records(), question_marks=encoding.question_marks)
        if lost is not None:
            errors.append(lost)
            sheet.usable = False  # refused whole; rows elsewhere that name its rows are not reported again
    return sheet


def _file_name(filename: str) -> str:
    return Path(filename).name.removesuffix(".csv").removesuffix(".CSV")


def read_csv_files(
    files: Iterable[tuple[str, bytes]], errors: list[ReadError], *, max_rows: int | None = None
) -> dict[str, Sheet]:
    """(file name, content) pairs of CSV files: an upload of several files.

    At most `max_rows` rows a file (default: settings.IMPORT_MAX_UPLOAD_ROWS, the limit of an upload).
    """
    max_rows = settings.IMPORT_MAX_UPLOAD_ROWS if max_rows is None else max_rows
    sheets: dict[str, Sheet] = {}
    for filename, raw in files:
        name = _file_name(filename)
        if name not in FILE_SPECS:
            errors.append(_unknown_file(filename))
            continue
        sheet = _csv_sheet(name, raw, errors, max_rows)
        if sheet is not None:
            sheets[name] = sheet
    _check_files_present(set(sheets) | {e.file for e in errors}, errors)
    return sheets


def _read_folder(folder: Path, errors: list[ReadError], streamed: frozenset[str]) -> dict[str, Sheet | StreamedSheet]:
    sheets: dict[str, Sheet | StreamedSheet] = {}
    for path in sorted(folder.glob("*.csv")):
        name = _file_name(path.name)
        if name not in FILE_SPECS:
            errors.append(_unknown_file(path.name))
            continue
        sheet = (
            open_streamed(name, path, errors)
            if name in streamed
            else _csv_sheet(name, path.read_bytes(), errors, settings.IMPORT_MAX_ROWS)
        )
        if sheet is not None:
            sheets[name] = sheet
    _check_files_present(set(sheets) | {e.file for e in errors}, errors)
    return sheets


def _not_a_workbook(exc: Exception) -> ReadError:
    return ReadError("workbook", None, "", _("The file is not an XLSX workbook (%(error)s).") % {"error": exc})


def _workbook_too_large(source: str | Path | IO[bytes], errors: list[ReadError]) -> bool:
    """Checks the zip's directory before anything is decompressed: the parts' sizes and compression ratios.

    The directory's sizes can be trusted: Python's zipfile never decompresses more than a part's declared
    size (a part that claims less than it holds fails its CRC check). An OpenDocument spreadsheet (.ods, a zip
    too) is told by its parts and refused here with the one message that says to save it as .xlsx.
    """
    limit = settings.IMPORT_MAX_WORKBOOK_BYTES
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        errors.append(_not_a_workbook(exc))
        return True
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    names = {part.filename for part in parts}
    if "mimetype" in names and "[Content_Types].xml" not in names:
        errors.append(ReadError("workbook", None, "", _ods_workbook()))
        return True
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > limit or total > limit:
            message = _("The workbook holds more than %(limit)s of data once unpacked; split it into smaller files.")
            errors.append(ReadError("workbook", None, "", message % {"limit": filesizeformat(limit)}))
            return True
        if part.file_size > RATIO_CHECKED_ABOVE_BYTES and ratio > MAX_COMPRESSION_RATIO:
            message = _(
                "The workbook's part '%(part)s' is compressed %(ratio)d times, far more than a spreadsheet is; "
                "it is not read."
            )
            errors.append(ReadError("workbook", None, "", message % {"part": part.filename, "ratio": ratio}))
            return True
    return False


def read_workbook(
    source: str | Path | IO[bytes], errors: list[ReadError], *, max_rows: int | None = None
) -> dict[str, Sheet]:
    """An XLSX workbook whose sheets are named after the files; a sheet of another name without any text in it
    (LibreOffice's `Lapa1`, "Sheet1") is left alone.

    At most `max_rows` rows a sheet (default: settings.IMPORT_MAX_UPLOAD_ROWS, the limit of an upload), and
    at most settings.IMPORT_MAX_WORKBOOK_BYTES unpacked, checked before any part is read.
    """
    max_rows = settings.IMPORT_MAX_UPLOAD_ROWS if max_rows is None else max_rows
    if _workbook_too_large(source, errors):
        return {}
    try:
        # Formulas are read as formulas, not as the results a spreadsheet stored with them: a formula is refused
        # (`_workbook_rows`), never imported as the text or error value it computed.
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=False)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        errors.append(_not_a_workbook(exc))
        return {}
    sheets: dict[str, Sheet] = {}
    try:
        for worksheet in workbook.worksheets:
            name = worksheet.title.strip()
            # The declared size is ignored: a sheet that claims 16,384 columns would pad every row to them.
            worksheet.reset_dimensions()
            if name not in FILE_SPECS:
                if not _sheet_is_empty(worksheet):
                    errors.append(_unknown_file(name))
                continue
            rows = _workbook_rows(name, worksheet.iter_rows(), workbook.epoch, errors)
            sheet = _sheet_from_rows(name, rows, errors, max_rows)
            if sheet is not None:
                sheets[name] = sheet
    finally:
        workbook.close()
    _check_files_present(set(sheets) | {e.file for e in errors}, errors)
    return sheets


def _sheet_is_empty(worksheet: Any) -> bool:
    """A sheet without a cell of text: a spreadsheet's default sheet left in the workbook, empty."""
    return not any(_cell_text(value).strip() for row in worksheet.iter_rows(values_only=True) for value in row)


def _workbook_rows(
    name: str, rows: Iterable[Sequence[Any]], epoch: datetime.datetime, errors: list[ReadError]
) -> Iterator[list[object]]:
    """A sheet's rows of cells as the values `_sheet_from_rows` reads.

    A cell that holds something else than what was typed is refused, naming its row and column: a formula or
    an error value (a note typed as `=1+2 …` that the spreadsheet computed); a number or a date in a column of
    references (`00123` becomes the number 123). A number in a date column is the spreadsheet's serial
    number of a day (a date cell formatted as "General"), and is read as that day. A refused cell is left
    empty (a reference keeps its digits), so that the row's other cells are still checked.
    """
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        return
    header_values = [cell.value for cell in header]
    yield header_values
    columns = [_cell_text(value).strip() for value in header_values]
    dates = DATE_COLUMNS.get(name, frozenset())
    refs = REFERENCE_COLUMNS.get(name, frozenset())
    for number, row in enumerate(iterator, start=2):
        values: list[object] = []
        for index, cell in enumerate(row):
            value = cell.value
            kind = cell.data_type
            if value is None or kind == "s":  # the common case first: text, or nothing
                values.append(value)
                continue
            column = columns[index] if index < len(columns) else ""
            message: str | None = None
            if kind == "f":
                value, message = None, _formula_cell()
            elif kind == "e":
                value, message = None, _error_cell(value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                if column in refs:
                    message = _number_reference(value)
                elif column in dates:
                    value, message = _serial_date(value, epoch)
            elif column in refs and isinstance(value, datetime.date | datetime.time | datetime.timedelta):
                value, message = None, _date_reference()
            if message is not None:
                errors.append(ReadError(name, number, column, message))
            values.append(value)
        yield values


def _formula_cell() -> str:
    return _(
        "This cell holds a formula, which the import does not compute. To enter text that starts with = + - or @, "
        "start it with an apostrophe (') or format the cell as Text, and type it again."
    )


def _error_cell(value: object) -> str:
    return _(
        "This cell holds the error value %(value)s: the spreadsheet computed what was typed as a formula. "
        "Type the text again starting with an apostrophe ('), or format the cell as Text first."
    ) % {"value": value}


def _number_reference(value: float) -> str:
    return _(
        "This reference is a number cell (%(value)s): the spreadsheet may have dropped its leading zeros "
        "(00123 becomes 123). Format the column as Text and type the references again."
    ) % {"value": _cell_text(value)}


def _date_reference() -> str:
    return _(
        "This reference is a date cell: the spreadsheet read what was typed as a date. "
        "Format the column as Text and type the references again."
    )


def _serial_date(value: float, epoch: datetime.datetime) -> tuple[datetime.date | None, str | None]:
    """The day of a spreadsheet's serial number (44915 is 2022-12-20), when it is a whole day from 1900 to 2100."""
    if value >= 1 and float(value).is_integer():
        try:
            day = from_excel(value, epoch).date()
        except (OverflowError, ValueError):
            day = None
        if day is not None and FIRST_DATE <= day <= LAST_DATE:
            return day, None
    message = _(
        "This date cell holds the number %(value)s, which is no day from 1900 to 2100. "
        "Type the date as DD.MM.YYYY or YYYY-MM-DD."
    )
    return None, message % {"value": _cell_text(value)}


def _ods_workbook() -> str:
    return _(
        "This is an OpenDocument spreadsheet (.ods), which the import does not read: save it as .xlsx "
        "(in LibreOffice: File › Save As…, file type Excel 2007-365) and import that."
    )


def read_path(
    path: Path, errors: list[ReadError], *, streamed: frozenset[str] = frozenset()
) -> dict[str, Sheet | StreamedSheet]:
    """A folder of CSV files, or an .xlsx workbook.

    The files of a folder named in `streamed` are StreamedSheets: only their header is read here,
    their records while they are imported, and their errors are added to `errors` then.
    """
    if path.is_dir():
        return _read_folder(path, errors, streamed)
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return dict(read_workbook(path, errors, max_rows=settings.IMPORT_MAX_ROWS))
    if path.suffix.lower() == ".ods" and path.is_file():
        errors.append(ReadError(path.name, None, "", _ods_workbook()))
        return {}
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

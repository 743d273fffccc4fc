"""The exchange format's services: import a folder of CSV files or an XLSX workbook (all or nothing), and export one.

The resources (exchange/resources.py) and the importers of the large files (exchange/fast.py) hold the rules of
each file; the format's files and columns are exchange/formats.py's.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

import openpyxl
import tablib
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter

from audit.models import Action
from audit.services import audit_record, unaudited_rows
from clients.models import CaseEpisode, Client, Consent, Contract, LegalStatusEntry, Provider, Staff
from common.cells import FORMULA_STARTS, escape_cell, is_error_value
from plans.models import Assessment, Contact, Goal, Plan, Referral

from .casework import import_assessments, import_episodes, import_goals, import_plans, import_referrals
from .cells import DATE_COLUMNS, ISO_DATE_RE, REFERENCE_COLUMNS
from .client_files import import_clients, import_status_history
from .consents import import_consents
from .contacts import import_contacts
from .formats import (
    FILE_SPECS,
    IMPORT_ORDER,
    Sheet,
    StreamedSheet,
    read_csv_files,
    read_path,
    read_workbook,
)
from .resources import RESOURCES, ExchangeLookups
from .results import ErrorList, FileCounts, ImportResult, RowError
from .widgets import ImportContext, NumberWidget

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Rows handed to import-export at a time: bounds the memory its per-row results take.
IMPORT_CHUNK = 10_000
# The large files, imported by importers of their own instead of import-export's per-row machinery,
# with the same rules and messages (exchange/fast.py); and the casework files of version 2 (exchange/casework.py).
FAST_IMPORTS = {
    "clients": import_clients,
    "status_history": import_status_history,
    "contacts": import_contacts,
    "episodes": import_episodes,
    "plans": import_plans,
    "goals": import_goals,
    "referrals": import_referrals,
    "assessments": import_assessments,
    "consents": import_consents,
}
# A folder's large files are read record by record while they are imported, not held in memory.
STREAMED = frozenset(FAST_IMPORTS)

# The files whose records each file's rows name (a file only names files before it, IMPORT_ORDER). When one of them
# could not be read, the file's rows are not checked: each would have an error that follows from the unread file
# ("no client C00001" a row); one line says why instead.
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "contracts": ("providers",),
    "staff": ("providers",),
    "clients": ("providers", "staff"),
    "status_history": ("clients",),
    "contacts": ("staff", "clients"),
    "episodes": ("providers", "clients"),
    "plans": ("staff", "clients"),
    "goals": ("plans",),
    "referrals": ("staff", "clients", "goals"),
    "assessments": ("staff", "clients"),
    "consents": ("staff", "clients"),
}

# The export workbook's kinds of cells and their number formats.
DATE, NUMBER, REFERENCE, TEXT = "date", "number", "reference", "text"
DATE_FORMAT = "YYYY-MM-DD"  # read back as a date whatever the spreadsheet's locale shows
TEXT_FORMAT = "@"  # Text: what is typed into the cell stays text
# Spreadsheets count the days of 1900 with a 29 February that never was: an earlier date is written as its text.
FIRST_SERIAL_DATE = "1900-03-01"


def read_upload(files: Iterable[tuple[str, bytes]]) -> tuple[dict[str, Sheet], list[RowError]]:
    """Uploaded files: one .xlsx workbook, or CSV files named after the format's files."""
    files = list(files)
    errors: list[RowError] = ErrorList()
    if len(files) == 1 and files[0][0].lower().endswith(".xlsx"):
        return read_workbook(io.BytesIO(files[0][1]), errors), errors
    return read_csv_files(files, errors), errors


def dataset_import(
    *,
    path: Path | None = None,
    sheets: Mapping[str, Sheet | StreamedSheet] | None = None,
    read_errors: list[RowError] | None = None,
    dry_run: bool = False,
    provider_id: int | None = None,
) -> ImportResult:
    """Imports a folder or workbook (`path`) or sheets already read; all or nothing.

    With `provider_id` (a manager's import) only that provider's rows may be written; any other
    row is refused with an error. A dry run reports the counts and writes nothing.
    """
    errors = ErrorList(read_errors or [])
    if path is not None:
        sheets = read_path(Path(path), errors, streamed=STREAMED)
    sheets = sheets or {}
    result = ImportResult(dry_run=dry_run, errors=errors)
    # Audited once, as a whole (below), not row by row.
    with transaction.atomic(), unaudited_rows():
        ctx = ImportContext.load(scope_provider_id=provider_id)
        unread = _unread_files(sheets, errors)
        skipped: dict[str, set[str]] = {}  # a file not checked -> the unread files it depends on
        for name in IMPORT_ORDER:
            sheet = sheets.get(name)
            if sheet is None:
                continue
            causes: set[str] = set()
            for dependency in DEPENDS_ON.get(name, ()):
                causes |= {dependency} if dependency in unread else skipped.get(dependency, set())
            if causes:
                skipped[name] = causes
                errors.append(_not_checked(name, causes))
            elif not sheet.usable:
                _refuse_rows(ctx, sheet)
            elif name in FAST_IMPORTS:
                result.counts[name] = FAST_IMPORTS[name](sheet, ctx, errors)
            else:
                assert isinstance(sheet, Sheet), name  # only files of FAST_IMPORTS are streamed
                result.counts[name] = _import_sheet(RESOURCES[name](ctx=ctx), sheet, errors)
        if errors or dry_run:
            transaction.set_rollback(True)
        else:
            # In the import's own transaction: the entry stands or falls with the data.
            audit_record(
                action=Action.IMPORT,
                object_type="exchange",
                detail="; ".join(f"{name}: +{c.created} ~{c.updated}" for name, c in result.counts.items()),
            )
    result.errors = _sorted_errors(errors)
    result.error_count = errors.total
    return result


def _unread_files(sheets: Mapping[str, Sheet | StreamedSheet], errors: list[RowError]) -> set[str]:
    """The files that could not be read: refused whole (encoding, separator, empty, size), missing, or with
    header errors. A file that was read, whatever its errors, is not one: its rows are imported (and refused)."""
    refused = {e.file for e in errors if e.row is None or e.row == 1}
    unread = set()
    for name, spec in FILE_SPECS.items():
        sheet = sheets.get(name)
        if sheet is None:
            if not spec.optional_file or name in refused:
                unread.add(name)
        elif not sheet.usable:
            unread.add(name)
    return unread


def _not_checked(name: str, causes: set[str]) -> RowError:
    """The one line that stands for the errors of a file whose rows name records of files that could not be read."""
    files = "', '".join(sorted(causes, key=IMPORT_ORDER.index))
    return RowError(
        name,
        None,
        "",
        _(
            "The rows of this file were not checked: they refer to '%(files)s', which could not be read "
            "(see the error above). Correct it and import again."
        )
        % {"files": files},
    )


def _refuse_rows(ctx: ImportContext, sheet: Sheet | StreamedSheet) -> None:
    """A file whose header is refused is not imported; rows of other files that name its rows are not reported again.

    Its records are still read: a streamed file's row errors (extra cells) are found as it is read.
    """
    column = FILE_SPECS[sheet.name].ref_columns[0]
    index = sheet.headers.index(column) if column in sheet.headers else None
    for _number, cells in sheet.records():
        if index is not None:
            ctx.refuse(sheet.name, cells[index].strip())


def _import_sheet(resource, sheet: Sheet, errors: list[RowError]) -> FileCounts:
    counts = FileCounts()
    dataset = sheet.dataset
    columns = {f.attribute: f.column_name for f in resource.fields.values()}
    for start in range(0, len(dataset), IMPORT_CHUNK):
        chunk = tablib.Dataset(*dataset[start : start + IMPORT_CHUNK], headers=dataset.headers)
        outcome = resource.import_data(chunk, dry_run=False, use_transactions=False, raise_errors=False)
        counts.created += outcome.totals["new"]
        counts.updated += outcome.totals["update"]
        counts.unchanged += outcome.totals["skip"]
        for invalid in outcome.invalid_rows:
            number = sheet.row_numbers[start + invalid.number - 1]
            for column, messages in invalid.error_dict.items():
                for message in messages:
                    errors.append(RowError(sheet.name, number, columns.get(column, column), message))
        for error_row in outcome.error_rows:
            number = sheet.row_numbers[start + error_row.number - 1]
            for error in error_row.errors:
                errors.append(RowError(sheet.name, number, "", str(error.error)))
        for error in outcome.base_errors:
            errors.append(RowError(sheet.name, None, "", str(error.error)))
    return counts


def _sorted_errors(errors: list[RowError]) -> list[RowError]:
    order = {name: i for i, name in enumerate(IMPORT_ORDER)}
    return sorted(errors, key=lambda e: (order.get(e.file, -1), e.row or 0))


def export_datasets(*, provider_id: int | None = None) -> dict[str, tablib.Dataset]:
    """Every file of the format from the records (one provider's records when `provider_id` is given)."""
    lookups = ExchangeLookups()
    providers = Provider.objects.order_by("code")
    contracts = Contract.objects.order_by("start", "number")
    staff = Staff.objects.order_by("staff_ref")
    clients = Client.objects.order_by("client_ref")
    contacts = Contact.objects.all()
    # Version 2: the casework. Each record is its provider's (an episode: the provider serving the client then).
    casework = {
        "plans": Plan.objects.select_related("client").order_by("plan_ref", "id"),
        "goals": Goal.objects.select_related("plan").order_by("goal_ref", "id"),
        "referrals": Referral.objects.select_related("client", "institution", "goal").order_by("referral_ref", "id"),
        "assessments": Assessment.objects.select_related("client").order_by("assessment_ref", "id"),
    }
    if provider_id is not None:
        providers = providers.filter(pk=provider_id)
        contracts = contracts.filter(provider_id=provider_id)
        staff = staff.filter(provider_id=provider_id)
        clients = clients.filter(provider_id=provider_id)
        contacts = contacts.filter(provider_id=provider_id)
        casework = {name: queryset.filter(provider_id=provider_id) for name, queryset in casework.items()}
    entries = LegalStatusEntry.objects.filter(client__in=clients.values("pk")).select_related("client")
    earlier = _all_but_latest(entries.order_by("client__client_ref", "since"))
    episodes = CaseEpisode.objects.filter(client__in=clients.values("pk")).select_related("client")
    if provider_id is not None:
        episodes = episodes.filter(provider_id=provider_id)
    # A client's consents go with the client (they are the client's provider's).
    consents = Consent.objects.filter(client__in=clients.values("pk")).select_related("client")
    querysets = {
        "providers": providers,
        "contracts": contracts,
        "staff": staff,
        "clients": clients,
        "status_history": earlier,
        "episodes": episodes.order_by("client__client_ref", "service_start"),
        "contacts": contacts,
        **casework,
        "consents": consents.order_by("client__client_ref", "kind", "given_on", "id"),
    }
    datasets = {}
    for name in IMPORT_ORDER:
        dataset = RESOURCES[name](lookups=lookups).export(queryset=querysets[name])
        dataset.title = name
        datasets[name] = dataset
    return datasets


def _all_but_latest(entries) -> list:
    """The status history rows: each client's entries but the latest, which clients.csv holds."""
    return [
        entry
        for entry, following in itertools.pairwise(entries.iterator(chunk_size=5000))
        if following.client_id == entry.client_id
    ]


def _escaped_rows(dataset: tablib.Dataset) -> Iterable[list[str]]:
    for record in dataset:
        yield [escape_cell("" if value is None else str(value)) for value in record]


def write_csv(dataset: tablib.Dataset, stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(dataset.headers)
    writer.writerows(_escaped_rows(dataset))


def _column_kinds(name: str, headers: Sequence[str]) -> list[str]:
    """Each column's kind of workbook cell: a date or reference column of exchange/cells.py, a count (the columns
    NumberWidget reads back), or text."""
    numbers = {f.column_name for f in RESOURCES[name]().fields.values() if isinstance(f.widget, NumberWidget)}
    dates = DATE_COLUMNS.get(name, frozenset())
    references = REFERENCE_COLUMNS.get(name, frozenset())
    return [
        DATE if column in dates else NUMBER if column in numbers else REFERENCE if column in references else TEXT
        for column in headers
    ]


class _WorkbookCells:
    """The cells of one write-only sheet: dates as date cells, counts as numbers, references as Text ("@") cells.

    Text a spreadsheet would run as a formula (or read as an error value) is a text cell with the quote prefix:
    the spreadsheet shows it as written, without an apostrophe, and reads it as text. Only text that itself
    starts with the escape sign is escaped as in a CSV file, so that the import reads every cell back exactly.
    """

    def __init__(self, worksheet: WriteOnlyWorksheet, kinds: list[str]) -> None:
        self.worksheet = worksheet
        self.kinds = kinds
        # New rows typed into the sheet later take the column's format: a reference typed there stays text.
        for index, kind in enumerate(kinds, start=1):
            if kind in (DATE, REFERENCE):
                dimension = worksheet.column_dimensions[get_column_letter(index)]
                dimension.number_format = DATE_FORMAT if kind == DATE else TEXT_FORMAT
        # A styled cell of each column and style, made once and given a new value a row: the writer writes a row
        # whole when it is appended, and a sheet may have a million rows.
        self.styled: dict[tuple[int, str, bool], Cell] = {}

    def row(self, record: Sequence[object]) -> list[object]:
        kinds = enumerate(self.kinds)
        return [self.cell(index, kind, value) for (index, kind), value in zip(kinds, record, strict=True)]

    def cell(self, index: int, kind: str, value: object) -> object:
        text = "" if value is None else str(value)
        if not text:
            return None
        if kind == DATE and ISO_DATE_RE.fullmatch(text) and text >= FIRST_SERIAL_DATE:
            cell = self._styled(index, kind, False)
            cell.value = datetime.date.fromisoformat(text)
            return cell
        if kind == NUMBER and text.isdigit():
            return int(text)
        formula_like = text.startswith(FORMULA_STARTS) or is_error_value(text)
        if text.startswith("'"):
            text = escape_cell(text)  # the import reads a leading quote before a formula sign as the escape
        if kind != REFERENCE and not formula_like:
            return text
        cell = self._styled(index, kind, formula_like)
        cell.value = text
        cell.data_type = "s"  # text, even where openpyxl would take it for a formula or an error value
        return cell

    def _styled(self, index: int, kind: str, quote: bool) -> Cell:
        key = (index, kind, quote)
        cell = self.styled.get(key)
        if cell is None:
            cell = self.styled[key] = WriteOnlyCell(self.worksheet)
            if kind in (DATE, REFERENCE):
                cell.number_format = DATE_FORMAT if kind == DATE else TEXT_FORMAT
            cell.quotePrefix = quote
        return cell


def write_workbook(datasets: dict[str, tablib.Dataset], stream: IO[bytes] | Path) -> None:
    """One sheet a file, written as it goes (write-only); typed cells (`_WorkbookCells`), so a spreadsheet sorts and
    filters them and computes nothing."""
    workbook = openpyxl.Workbook(write_only=True)
    for name, dataset in datasets.items():
        worksheet = workbook.create_sheet(title=name)
        headers = list(dataset.headers)
        cells = _WorkbookCells(worksheet, _column_kinds(name, headers))
        worksheet.append(headers)
        for record in dataset:
            worksheet.append(cells.row(record))
    workbook.save(stream)


def dataset_export(*, path: Path, provider_id: int | None = None) -> dict[str, int]:
    """Writes the folder of CSV files (or one workbook when `path` ends with .xlsx); returns rows per file."""
    path = Path(path)
    datasets = export_datasets(provider_id=provider_id)
    if path.suffix.lower() == ".xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        write_workbook(datasets, path)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, dataset in datasets.items():
            with open(path / f"{name}.csv", "w", encoding="utf-8", newline="") as stream:
                write_csv(dataset, stream)
    return {name: len(dataset) for name, dataset in datasets.items()}

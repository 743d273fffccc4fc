"""The exchange format's services: import a folder of CSV files or an XLSX workbook (all or nothing), and export one.

The resources (exchange/resources.py) and the importers of the large files (exchange/fast.py) hold the rules of
each file; the format's files and columns are exchange/formats.py's.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO

import openpyxl
import tablib
from django.db import transaction

from audit.models import Action
from audit.services import audit_record, unaudited_rows
from clients.models import Client, Contract, LegalStatusEntry, Provider, Staff
from common.cells import escape_cell
from plans.models import Contact

from .client_files import import_clients, import_status_history
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
from .widgets import ImportContext

# Rows handed to import-export at a time: bounds the memory its per-row results take.
IMPORT_CHUNK = 10_000
# The large files, imported by importers of their own instead of import-export's per-row machinery,
# with the same rules and messages (exchange/fast.py).
FAST_IMPORTS = {
    "clients": import_clients,
    "status_history": import_status_history,
    "contacts": import_contacts,
}
# A folder's large files are read record by record while they are imported, not held in memory.
STREAMED = frozenset(FAST_IMPORTS)


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
        for name in IMPORT_ORDER:
            sheet = sheets.get(name)
            if sheet is None:
                continue
            if not sheet.usable:
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
    if provider_id is not None:
        providers = providers.filter(pk=provider_id)
        contracts = contracts.filter(provider_id=provider_id)
        staff = staff.filter(provider_id=provider_id)
        clients = clients.filter(provider_id=provider_id)
        contacts = contacts.filter(provider_id=provider_id)
    entries = LegalStatusEntry.objects.filter(client__in=clients.values("pk")).select_related("client")
    earlier = _all_but_latest(entries.order_by("client__client_ref", "since"))
    querysets = {
        "providers": providers,
        "contracts": contracts,
        "staff": staff,
        "clients": clients,
        "status_history": earlier,
        "contacts": contacts,
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


def write_workbook(datasets: dict[str, tablib.Dataset], stream: IO[bytes] | Path) -> None:
    """One sheet a file; every cell written as text, formulas escaped, so a spreadsheet computes nothing."""
    workbook = openpyxl.Workbook(write_only=True)
    for name, dataset in datasets.items():
        worksheet = workbook.create_sheet(title=name)
        worksheet.append(list(dataset.headers))
        for row in _escaped_rows(dataset):
            worksheet.append(row)
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

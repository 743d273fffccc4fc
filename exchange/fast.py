"""Importers of the format's large files without import-export's per-row machinery, with the same rules and messages.

A folder at national scale has 2.9 million rows, and import-export's `import_row` (instance
loading, diffing, a result object a row) with Django's bulk_create (a model instance a row) costs
0.2–0.5 ms of CPU a row. A `FastImport` checks each cell with the widget that the file's resource
declares for the column, the one definition of the cell rules and their messages; the rules across
cells are the importer's `check_row` (they were the resource's). A chunk of rows is compared with
the stored records, loaded in a few queries, and written as plain value rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from django.db import DatabaseError, models, transaction

from .bulk import IndexesBuiltAfter, copy_rows
from .formats import ReadError, Record
from .resources import RESOURCES, ExchangeResource
from .results import FileCounts
from .widgets import ImportContext

# Rows checked, compared and written together: bounds the memory of the rows and stored records at hand.
CHUNK = 10_000


class Records(Protocol):
    """A Sheet or a StreamedSheet: what an importer reads of a file."""

    name: str
    usable: bool

    @property
    def headers(self) -> list[str]: ...

    def records(self) -> Iterable[Record]: ...


@dataclass(slots=True)
class Row:
    """One record, cleaned: its values by attribute, its errors by column (in the resource's order of fields)."""

    number: int
    cells: list[str]
    values: dict[str, Any]
    errors: dict[str, list[str]]
    blocked: bool  # a cell names a row refused in this import: nothing is written, nothing reported again
    id: int | None = None  # set when a new row is written


class Memo:
    """A column's widget run once a distinct text: millions of rows share a few thousand dates, staff and families.

    A widget's result depends only on the text and the import's context, and a memoized column reads
    only parts of the context that its file does not change (its references point to earlier files;
    clients.csv's families, made a chunk at a time, are not memoized). What the widget does to the
    context (`blocked`: the text names a refused row) is kept with the result and done on each use.
    """

    LIMIT = 100_000  # texts kept: a file's clients' refs can be as many as its clients

    def __init__(self, clean: Callable[[Any], Any], ctx: ImportContext) -> None:
        self.clean = clean
        self.ctx = ctx
        self.results: dict[str, tuple[Any, str | None, bool]] = {}

    def __call__(self, text: str) -> Any:
        found = self.results.get(text)
        if found is None:
            found = self._run(text)
            if len(self.results) < self.LIMIT:
                self.results[text] = found
        value, message, blocked = found
        if blocked:
            self.ctx.blocked = True
        if message is not None:
            raise ValueError(message)
        return value

    def _run(self, text: str) -> tuple[Any, str | None, bool]:
        blocked_before = self.ctx.blocked
        self.ctx.blocked = False
        try:
            value, message = self.clean(text), None
        except ValueError as exc:
            value, message = None, str(exc)
        blocked = self.ctx.blocked
        self.ctx.blocked = blocked_before or blocked
        return value, message, blocked


class FastImport:
    """One file of one import: `run` checks and writes it a chunk at a time and returns the counts.

    A row with errors is reported (and its reference refused, so rows of later files that name it are
    not reported again); a row naming a refused row counts as unchanged and is not written; a row
    whose reference is not stored is new; a stored one is updated when `change` finds a change.
    """

    name: ClassVar[str]
    model: ClassVar[type[models.Model]]
    memoized: ClassVar[tuple[str, ...]] = ()  # columns whose texts repeat across rows
    # The tables the file fills, whose indexes are built after a load into them empty (PostgreSQL). Only
    # tables the file's own reads do not look into: those find nothing in them while they are being filled.
    rebuilt: ClassVar[tuple[type[models.Model], ...]] = ()

    def __init__(self, sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> None:
        self.sheet = sheet
        self.ctx = ctx
        self.errors = errors
        self.resource = self.resource_class()(ctx=ctx)
        self.headers = sheet.headers
        self.cleaners = [
            (
                f.column_name,
                f.attribute,
                self.headers.index(f.column_name),
                Memo(f.widget.clean, ctx) if f.column_name in self.memoized else f.widget.clean,
            )
            for f in self.resource.get_import_fields()
            if f.column_name in self.headers
        ]
        self.ref_index = self.headers.index(self.resource.ref_column)
        self.compare: tuple[str, ...] = self.resource.compare
        # References are unique within a file, so a table empty before the file never holds a row's record.
        self.table_was_empty = not self.model._default_manager.exists()
        self.counts = FileCounts()

    def resource_class(self) -> type[ExchangeResource]:
        return RESOURCES[self.name]

    def run(self) -> FileCounts:
        """One savepoint for the file, not one a chunk: PostgreSQL slows down a whole transaction that has
        more than 64 subtransactions (a national file has hundreds of chunks)."""
        self.savepoint = transaction.savepoint()
        self.write_failed = False
        rebuilt = IndexesBuiltAfter(*self.rebuilt) if self.rebuilt and self.table_was_empty else None
        if rebuilt is not None:
            rebuilt.drop()
        records = iter(self.sheet.records())
        while chunk := list(itertools.islice(records, CHUNK)):
            self._import_chunk(chunk)
        if rebuilt is not None and not self.write_failed:
            self._guarded(rebuilt.restore)
        if not self.write_failed:
            transaction.savepoint_commit(self.savepoint)
        return self.counts

    def _import_chunk(self, records: list[Record]) -> None:
        self.before_chunk(records)
        rows = [self._clean(number, cells) for number, cells in records]
        stored = {} if self.table_was_empty else self.load(rows)
        new: list[Row] = []
        changed: list[Any] = []
        counts = self.counts
        for row in rows:
            found = self.pick(row, stored.get(self.key(row)) or [])
            self.check_row(row, found)
            if row.errors:
                self.ctx.refuse(self.name, row.cells[self.ref_index].strip())
                self._report(row)
            elif row.blocked:
                counts.unchanged += 1
            elif found is None:
                new.append(row)
                counts.created += 1
            elif (change := self.change(row, found)) is not None:
                changed.append(change)
                counts.updated += 1
            else:
                counts.unchanged += 1
        self._write(new, changed)

    def _clean(self, number: int, cells: list[str]) -> Row:
        self.ctx.blocked = False
        values: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for column, attribute, index, clean in self.cleaners:
            try:
                values[attribute] = clean(cells[index])
            except ValueError as exc:
                errors.setdefault(column, []).append(str(exc))
        return Row(number, cells, values, errors, self.ctx.blocked)

    def _report(self, row: Row) -> None:
        for column, messages in row.errors.items():
            for message in messages:
                self.errors.append(ReadError(self.name, row.number, column, message))

    def _write(self, new: list[Row], changed: list[Any]) -> None:
        """A write the database refuses is an error of the file, as import-export reports a failed bulk write.

        The file's writes are undone to its savepoint, so that the import goes on checking the rest of
        this file and the next ones (it writes nothing in the end: it has an error).
        """
        if (not new and not changed) or self.write_failed:
            return
        if self._guarded(lambda: self.write(new, changed)):
            self.after_write(new, changed)

    def _guarded(self, write: Callable[[], None]) -> bool:
        """Runs `write`; a refusal of the database rolls the file back to its savepoint and is reported."""
        try:
            write()
        except DatabaseError as exc:
            transaction.savepoint_rollback(self.savepoint)
            transaction.set_rollback(False)  # back at a known-good savepoint
            self.write_failed = True
            self.errors.append(ReadError(self.name, None, "", str(exc)))
            return False
        return True

    def insert(self, model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Binary COPY, for the tables written by the million."""
        if rows:
            copy_rows(model, columns, rows)

    def pick(self, row: Row, candidates: list[Any]) -> Any:
        """The stored record a row means, of those `load` found with its key (each has a `provider_id`).

        A manager's import matches only their provider's records: another provider's reference is free to
        use and tells nothing. An import of several providers matches the row's provider's, or the only
        one there is (which the row then moves to its provider, as such an import always did).
        """
        scope = self.ctx.scope_provider_id
        if scope is not None:
            return next((c for c in candidates if c.provider_id == scope), None)
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        provider_id = self.provider_of(row)
        return next((c for c in candidates if c.provider_id == provider_id), None)

    def provider_of(self, row: Row) -> int | None:
        """The provider whose record the row is (None while its cell naming the provider has an error)."""
        return row.values.get("provider_id")

    # What each file defines.

    def before_chunk(self, records: list[Record]) -> None:
        """Prepares what the chunk's references need (clients.csv makes its families)."""

    def key(self, row: Row) -> Any:
        return row.cells[self.ref_index].strip()

    def stored_refs(self, rows: list[Row]) -> list[str]:
        """The rows' references that can be stored. One holding a NUL cannot (PostgreSQL's text refuses it, and so
        does the driver in a query that looks for it); its row is refused by its widget."""
        return [ref for row in rows if "\x00" not in (ref := self.key(row))]

    def load(self, rows: list[Row]) -> dict[Any, list[Any]]:
        """The stored records of the rows' keys (a key may be several providers')."""
        raise NotImplementedError

    def check_row(self, row: Row, found: Any) -> None:
        """The rules across cells; adds messages to `row.errors` by column."""

    def change(self, row: Row, found: Any) -> Any:
        """What the row changes in the stored record; None when nothing."""
        raise NotImplementedError

    def write(self, new: list[Row], changed: list[Any]) -> None:
        raise NotImplementedError

    def after_write(self, new: list[Row], changed: list[Any]) -> None:
        """Remembers what later files refer to."""

"""The audit page's entries as a CSV or XLSX file: the same rows, labels and withholding as the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from common.cells import escape_cell

from .models import AuditEntry
from .presentation import EntryRow, entry_rows

# Entries labelled together: the queries per chunk stay fixed (one a model), the memory bounded.
CHUNK = 500


def _header() -> list[str]:
    return [
        _("Time"),
        _("User"),
        _("Action"),
        _("Record kind"),
        _("Record label"),
        _("Changes"),
        _("Detail"),
        _("IP address"),
    ]


def _cells(row: EntryRow) -> list[str]:
    return [
        escape_cell(text)
        for text in (
            formats.date_format(timezone.localtime(row.entry.at), "Y-m-d H:i:s"),
            row.actor,
            row.action,
            row.kind,
            row.record,
            row.changes_text(),
            row.detail,
            row.entry.ip or "",
        )
    ]


def export_rows(entries: models.QuerySet[AuditEntry], *, user: Any) -> Iterator[list[str]]:
    """The header, then a row of cells an entry, labelled a chunk at a time."""
    yield _header()
    stream = entries.iterator(chunk_size=CHUNK)
    while chunk := list(islice(stream, CHUNK)):
        for row in entry_rows(chunk, user=user):
            yield _cells(row)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(entries: models.QuerySet[AuditEntry], *, user: Any) -> Iterator[str]:
    """The CSV, a line at a time (a UTF-8 byte-order mark first, so that a spreadsheet reads the letters)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for cells in export_rows(entries, user=user):
        yield writer.writerow(cells)


def xlsx_bytes(entries: models.QuerySet[AuditEntry], *, user: Any) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit log")[:31])
    for cells in export_rows(entries, user=user):
        sheet.append(cells)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()

"""`import_dataset PATH [--dry-run]`: import a folder of exchange-format CSV files or an XLSX workbook."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exchange.formats import ERRORS_SHOWN
from exchange.services import dataset_import


class Command(BaseCommand):
    help = "Import a folder of CSV files or an .xlsx workbook in the exchange format (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a folder of CSV files or an .xlsx workbook")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")

    def handle(self, *args, path: Path, dry_run: bool, **options) -> None:
        with _collector_paused():
            result = dataset_import(path=path, dry_run=dry_run)
        if result.errors:
            # The first errors, and how many more: a bad file may have millions, one a row.
            lines = [
                f"{e.file}:{e.row if e.row is not None else '-'}:{e.column or '-'}: {e.message}"
                for e in result.errors[:ERRORS_SHOWN]
            ]
            more = result.error_count - ERRORS_SHOWN
            if more > 0:
                lines.append(f"… and {more:,} more error{'s' if more > 1 else ''}".replace(",", " "))
            raise CommandError(
                f"{result.error_count} error(s); nothing was imported.\n" + "\n".join(lines), returncode=1
            )
        for name, counts in result.counts.items():
            self.stdout.write(
                f"{name}: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"
            )
        self.stdout.write(self.style.SUCCESS("Dry run: nothing was written." if dry_run else "Imported."))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The import makes millions of short-lived objects without reference cycles; the cycle collector's passes
    over them cost about a fifth of its CPU. The command is a process of its own, so pausing it affects nothing else."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

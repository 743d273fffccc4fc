"""`import_dataset PATH [--dry-run] [--language lv|en]`: import a folder of exchange-format CSV files or a workbook."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exchange.formats import ERRORS_SHOWN
from exchange.results import ImportResult
from exchange.services import dataset_import

from ._language import add_language_argument, command_language


class Command(BaseCommand):
    help = "Import a folder of CSV files or an .xlsx workbook in the exchange format (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a folder of CSV files or an .xlsx workbook")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        add_language_argument(parser)

    def handle(self, *args, path: Path, dry_run: bool, language: str | None, **options) -> None:
        # The import's own messages are made in the language too: it runs inside the override.
        with translation.override(command_language(language)):
            with _collector_paused():
                result = dataset_import(path=path, dry_run=dry_run)
            if result.errors:
                raise CommandError(_refusal(result), returncode=1)
            for name, counts in result.counts.items():
                line = _("%(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                self.stdout.write(line % {"file": name, **vars(counts)})
            self.stdout.write(self.style.SUCCESS(_("Dry run: nothing was written.") if dry_run else _("Imported.")))


def _refusal(result: ImportResult) -> str:
    """The first errors, and how many more: a bad file may have millions, one a row."""
    lines = [_("%(count)s error(s); nothing was imported.") % {"count": result.error_count}]
    lines += [
        f"{e.file}:{e.row if e.row is not None else '-'}:{e.column or '-'}: {e.message}"
        for e in result.errors[:ERRORS_SHOWN]
    ]
    more = result.error_count - ERRORS_SHOWN
    if more > 0:
        number = f"{more:,}".replace(",", " ")
        lines.append(ngettext("… and %(number)s more error", "… and %(number)s more errors", more) % {"number": number})
    return "\n".join(lines)


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

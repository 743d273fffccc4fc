"""`export_dataset PATH [--language lv|en]`: every record as a folder of exchange-format CSV files (or one .xlsx)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exchange.services import dataset_export

from ._language import add_language_argument, command_language


class Command(BaseCommand):
    help = "Export the records in the exchange format: a folder of CSV files, or a workbook when PATH ends with .xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a folder to write the CSV files into, or a file ending with .xlsx")
        add_language_argument(parser)

    def handle(self, *args, path: Path, language: str | None, **options) -> None:
        with translation.override(command_language(language)):
            rows = dataset_export(path=path)
            for name, count in rows.items():
                self.stdout.write(
                    ngettext("%(file)s: %(count)d row", "%(file)s: %(count)d rows", count)
                    % {"file": name, "count": count}
                )
            self.stdout.write(self.style.SUCCESS(_("Exported to %(path)s.") % {"path": path}))

"""`export_dataset PATH`: write every record as a folder of exchange-format CSV files (or one .xlsx)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from exchange.services import dataset_export


class Command(BaseCommand):
    help = "Export the records in the exchange format: a folder of CSV files, or a workbook when PATH ends with .xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a folder to write the CSV files into, or a file ending with .xlsx")

    def handle(self, *args, path: Path, **options) -> None:
        rows = dataset_export(path=path)
        for name, count in rows.items():
            self.stdout.write(f"{name}: {count} rows")
        self.stdout.write(self.style.SUCCESS(f"Exported to {path}."))

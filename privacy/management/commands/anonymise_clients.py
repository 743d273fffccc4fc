"""`anonymise_clients [--dry-run]`: anonymise every person whose case closed longer ago than RETENTION_DAYS."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from privacy.services import clients_anonymise_due, clients_due_for_anonymisation


class Command(BaseCommand):
    help = "Anonymise every client whose case closed longer ago than the retention period (RETENTION_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count the clients due; change nothing")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        today = timezone.localdate()
        # Counts only: the output ends up in logs, which must hold no personal data.
        due = clients_due_for_anonymisation(today=today).count()
        self.stdout.write(f"Retention period: {settings.RETENTION_DAYS} days. Clients due: {due}.")
        if dry_run:
            self.stdout.write("Dry run: nothing changed.")
            return
        done = clients_anonymise_due(today=today, by=None)
        self.stdout.write(self.style.SUCCESS(f"Anonymised: {done}."))

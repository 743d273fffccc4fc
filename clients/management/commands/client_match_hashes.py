"""Sets every client's match hash again: after FUND_MATCH_KEY changed (the hashes of the old key match nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from clients.models import Client, refresh_match_hashes


class Command(BaseCommand):
    help = "Recompute each client's match hash (the fund's matching of a person's records) with FUND_MATCH_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            changed = refresh_match_hashes(Client)
        self.stdout.write(f"{changed} client records changed.")

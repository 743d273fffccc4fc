"""The shared sample data (shared/sample-data) and its expected reports, loaded once for a test module."""

from __future__ import annotations

import datetime
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA = Path(os.environ.get("SAMPLE_DATA_DIR", ROOT.parent / "shared" / "sample-data"))


def expected_reports() -> list[tuple[str, datetime.date, datetime.date, str | None]]:
    """(file, start, end, provider code) of each row of the README's table of expected reports."""
    readme = SAMPLE_DATA / "README.md"
    if not readme.exists():
        return []
    rows = re.findall(
        r"^\| *([\w.-]+\.json) *\| *(\d{4}-\d\d-\d\d) *\| *(\d{4}-\d\d-\d\d) *\| *([^|]*?) *\|$",
        readme.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    return [
        (name, datetime.date.fromisoformat(start), datetime.date.fromisoformat(end), None if "(" in code else code)
        for name, start, end, code in rows
    ]


def loaded_sample_data(django_db_blocker) -> Iterator[Path]:
    """Imports the sample data for the tests of a module, and rolls it back after them."""
    if not (SAMPLE_DATA / "clients.csv").exists():
        need_service(f"the sample data is not at {SAMPLE_DATA} (set SAMPLE_DATA_DIR)")
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("import_dataset", str(SAMPLE_DATA), stdout=io.StringIO())
        yield SAMPLE_DATA
        transaction.set_rollback(True)

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
# Exchange format version 2 (with the casework) and its report-figures/2 expected reports.
SAMPLE_DATA_V2 = Path(os.environ.get("SAMPLE_DATA_V2_DIR", ROOT.parent / "shared" / "sample-data-v2"))
# build_report's arguments for the version 1 JSON, which the version 1 expected reports are in.
SCHEMA_V1_ARGS = ("--schema", "report-figures/1")


def expected_reports(root: Path = SAMPLE_DATA) -> list[tuple[str, datetime.date, datetime.date, str | None]]:
    """(file, start, end, provider code) of each row of the README's table of expected reports."""
    readme = root / "README.md"
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


def loaded_sample_data(django_db_blocker, root: Path = SAMPLE_DATA) -> Iterator[Path]:
    """Imports the sample data for the tests of a module, and rolls it back after them."""
    if not (root / "clients.csv").exists():
        need_service(f"the sample data is not at {root} (set SAMPLE_DATA_DIR / SAMPLE_DATA_V2_DIR)")
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("import_dataset", str(root), stdout=io.StringIO())
        yield root
        transaction.set_rollback(True)

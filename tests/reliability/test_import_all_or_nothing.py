"""An import killed half-way, or one bad row among 1,000: nothing of it is in the database."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from clients.models import Client, Family, LegalStatusEntry, Provider, ResidenceEntry, Staff
from exchange.services import dataset_import
from plans.models import Contact
from tests.exchange.exchange_helpers import read_rows, write_rows

from .conftest import PYTHON, ROOT, admin_connection, child_env, wait_for
from .import_data import big_folder


def _nothing_imported() -> None:
    for model in (Provider, Staff, Client, Family, LegalStatusEntry, ResidenceEntry, Contact):
        assert model.objects.count() == 0, model.__name__


@pytest.mark.services
def test_an_import_killed_half_way_leaves_nothing_in_the_database(postgres, tmp_path):
    folder = big_folder(tmp_path, clients=15_000, contacts=15_000)
    env = child_env(postgres, tmp_path / "media", PGAPPNAME="reliability-import")
    proc = subprocess.Popen(
        [PYTHON, "manage.py", "import_dataset", str(folder)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        with admin_connection() as admin:

            def writing_clients() -> bool:
                # Half-way: the providers and staff are written (the transaction has an id) and the
                # clients are being inserted; nothing is committed.
                row = admin.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s"
                    " AND backend_xid IS NOT NULL AND query LIKE %s",
                    [postgres, "reliability-import", '%INSERT INTO "clients_client"%'],
                ).fetchone()
                return bool(row and row[0])

            wait_for(writing_clients, 60, 0.01, what="the import to write clients")
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(timeout=10) == -signal.SIGKILL

            def session_gone() -> bool:
                row = admin.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
                    [postgres, "reliability-import"],
                ).fetchone()
                return bool(row and row[0] == 0)

            wait_for(session_gone, 30, 0.05, what="the killed import's session to end")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    _nothing_imported()


@pytest.fixture
def thousand_contacts(tmp_path):
    folder = big_folder(tmp_path, clients=100, contacts=1_000)
    rows = read_rows(folder, "contacts")
    rows[536]["duration_minutes"] = "ninety"  # record 537: spreadsheet row 538
    write_rows(folder, "contacts", rows)
    return folder


@pytest.mark.django_db
def test_one_bad_row_among_a_thousand_refuses_the_import_naming_the_row_and_writes_nothing(thousand_contacts):
    with translation.override("en"):
        result = dataset_import(path=thousand_contacts)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("contacts", 538, "duration_minutes")]
    assert result.counts["contacts"].created == 999  # all were tried, so every bad row is named...
    _nothing_imported()  # ... and none was kept


@pytest.mark.django_db
def test_the_import_command_refuses_a_thousand_rows_with_one_bad_row_and_writes_nothing(thousand_contacts):
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("import_dataset", str(thousand_contacts))
    assert "contacts:538:duration_minutes:" in str(refused.value)
    assert "nothing was imported" in str(refused.value)
    _nothing_imported()

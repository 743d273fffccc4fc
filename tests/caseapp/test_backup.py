"""The documented backup and restore bring back the database and the generated files."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from caseapp import embedded_db
from clients.models import Client
from tests.factories import ClientFactory
from tests.reliability.conftest import database_url

ROOT = Path(__file__).resolve().parents[2]


def client_tools_path() -> str:
    """PATH with the wheel's psql, pg_dump and pg_restore first on the embedded server: those of the machine,
    if it has any, may be older than its PostgreSQL 18."""
    if connection.settings_dict["HOST"] == str(embedded_db.DATA):
        return f"{embedded_db.BIN}{os.pathsep}{os.environ['PATH']}"
    return os.environ["PATH"]


def psql(url: str, sql: str) -> str:
    result = subprocess.run(  # noqa: S603
        ["psql", url, "-tAc", sql], capture_output=True, text=True, check=True, env={"PATH": client_tools_path()}
    )
    return result.stdout.strip()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_its_files(tmp_path):
    ClientFactory(client_ref="BACKUP-1")
    media = tmp_path / "media"
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "report.pdf").write_bytes(b"%PDF-1.7 a report")
    env = {
        **os.environ,
        "PATH": client_tools_path(),
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(media),
    }
    subprocess.run(["scripts/backup.sh", str(tmp_path / "backup")], cwd=ROOT, env=env, check=True)  # noqa: S603

    target = f"{connection.settings_dict['NAME']}_restored"
    admin = database_url("postgres")
    psql(admin, f'DROP DATABASE IF EXISTS "{target}"')
    psql(admin, f'CREATE DATABASE "{target}"')
    restored_media = tmp_path / "restored-media"
    env.update(DATABASE_URL=database_url(target), MEDIA_ROOT=str(restored_media))
    try:
        subprocess.run(["scripts/restore.sh", str(tmp_path / "backup")], cwd=ROOT, env=env, check=True)  # noqa: S603
        assert psql(database_url(target), "SELECT client_ref FROM clients_client") == "BACKUP-1"
        assert (restored_media / "reports" / "report.pdf").read_bytes() == b"%PDF-1.7 a report"
        assert Client.objects.count() == 1
    finally:
        psql(admin, f'DROP DATABASE IF EXISTS "{target}"')


def test_a_damaged_backup_is_refused(tmp_path):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "database.dump").write_bytes(b"damaged")
    (backup / "media.tar.gz").write_bytes(b"")
    (backup / "SHA256SUMS").write_text(
        "0000000000000000000000000000000000000000000000000000000000000000  database.dump\n"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "MEDIA_ROOT": str(tmp_path / "m")}
    result = subprocess.run(["scripts/restore.sh", str(backup)], cwd=ROOT, env=env, capture_output=True)  # noqa: S603
    assert result.returncode != 0
    assert not (tmp_path / "m").exists()

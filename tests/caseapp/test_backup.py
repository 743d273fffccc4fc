"""The documented backup and restore bring back the database and the generated files."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from clients.models import Client
from tests.conftest import need_service
from tests.factories import ClientFactory

ROOT = Path(__file__).resolve().parents[2]


def database_url(name: str) -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"


def psql(url: str, sql: str) -> str:
    result = subprocess.run(["psql", url, "-tAc", sql], capture_output=True, text=True, check=True)  # noqa: S603, S607
    return result.stdout.strip()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_its_files(tmp_path):
    if connection.vendor != "postgresql":
        need_service("backups are of PostgreSQL; set DATABASE_URL")
    ClientFactory(client_ref="BACKUP-1")
    media = tmp_path / "media"
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "report.pdf").write_bytes(b"%PDF-1.7 a report")
    env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict["NAME"]), "MEDIA_ROOT": str(media)}
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

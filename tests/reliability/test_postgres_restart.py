"""PostgreSQL restarted while the application runs: requests succeed again without a restart; a task retries.

The shared server is not restarted (other suites use it): the server ends our sessions with
pg_terminate_backend, which is what the application sees of a restart.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from reporting.models import JobState
from tests.reporting.report_world import build_world

from .conftest import admin_connection, wait_for, worker_log
from .test_worker_killed import _march_pdf, _state

pytestmark = pytest.mark.services


def _terminate_sessions(db_name: str) -> list[int]:
    """Ends every session on the test database but the admin's own, and waits until they are gone."""
    with admin_connection() as admin:
        pids = [
            row[0]
            for row in admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db_name]
            )
        ]
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])

        def gone() -> bool:
            rows = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids]).fetchone()
            return rows is not None and rows[0] == 0

        wait_for(gone, 10, what="the sessions to end")
    return pids


@pytest.fixture
def persistent_connections():
    """Connections kept between requests, as a production CONN_MAX_AGE would: the harder case."""
    saved = connection.settings_dict.get("CONN_MAX_AGE", 0)
    connection.settings_dict["CONN_MAX_AGE"] = 600
    yield
    connection.settings_dict["CONN_MAX_AGE"] = saved


def _get(handler: WSGIHandler, path: str, cookie: str) -> int:
    """A request through the application's own WSGI handler (the test client would skip the connection checks)."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET", HTTP_COOKIE=cookie)
    status: list[str] = []
    body = handler(environ, lambda s, headers, exc_info=None: status.append(s))
    b"".join(body)
    body.close()
    return int(status[0].split()[0])


def test_requests_succeed_again_right_after_postgresql_ends_the_applications_sessions(
    postgres, persistent_connections, client, manager
):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    client.force_login(manager)
    cookie = f"sessionid={client.cookies['sessionid'].value}; django_language=en"
    handler = WSGIHandler()
    paths = [reverse("reporting:archive"), reverse("clients:list"), reverse("home")]
    for path in paths:
        assert _get(handler, path, cookie) == 200, path
    before = connection.connection.info.backend_pid
    assert before in _terminate_sessions(postgres)

    began = time.monotonic()
    # The very first request after the outage succeeds, and every one after it.
    for path in paths:
        assert _get(handler, path, cookie) == 200, path
    assert time.monotonic() - began < 30
    assert connection.connection.info.backend_pid != before


def test_a_report_task_that_meets_the_database_outage_retries_and_completes(
    start_worker, worker_media, provider, other_provider, social_worker, mentor, manager
):
    build_world(provider, other_provider, social_worker, mentor)
    worker = start_worker("db_outage_once")
    job = _march_pdf(manager, provider)
    wait_for(lambda: _state(job) in (JobState.DONE, JobState.FAILED), 120, 0.2, what=lambda: worker_log(worker))
    log = worker_log(worker)
    assert job.state == JobState.DONE, log
    assert "terminating connection due to administrator command" in log
    assert "Retry in" in log
    assert job.attempts == 2  # the first run met the outage, the retry made the file
    assert [p.name for p in (Path(worker_media) / "reports").iterdir()] == [f"job-{job.pk}.pdf"]

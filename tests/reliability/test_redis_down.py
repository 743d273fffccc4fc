"""Redis down when a report is asked for: the request is kept, the user told at once, the sweep re-sends it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.urls import reverse

from reporting import services, tasks
from reporting.models import JobState, ReportJob
from tests.reporting.report_world import MARCH, build_world

from .conftest import reset_producers, wait_for, worker_log

pytestmark = pytest.mark.services

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down(broker_app, settings, monkeypatch):
    """The broker URL points at a closed port for this process (the worker, started later, has the real one)."""
    real = broker_app.conf.broker_url
    # Celery reads the CELERY_BROKER_URL environment variable before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED_PORT)
    settings.CELERY_BROKER_URL = CLOSED_PORT
    broker_app.conf.broker_url = CLOSED_PORT
    reset_producers(broker_app)
    assert broker_app.connection_for_write().port == 1

    def back() -> None:
        monkeypatch.setenv("CELERY_BROKER_URL", real)
        settings.CELERY_BROKER_URL = real
        broker_app.conf.broker_url = real
        reset_producers(broker_app)

    yield back
    back()


def test_a_report_asked_for_while_redis_is_down_is_kept_and_made_by_the_sweep_when_it_is_back(
    postgres, broker_down, start_worker, worker_media, client, provider, other_provider, social_worker, mentor, manager
):
    build_world(provider, other_provider, social_worker, mentor)
    client.force_login(manager)
    client.cookies["django_language"] = "en"

    began = time.monotonic()
    # No narrative is written: the manager confirms a draft.
    response = client.post(reverse("reporting:job_create"), {**MARCH, "draft": "1"}, follow=True)
    assert time.monotonic() - began < 3
    assert response.status_code == 200
    page = response.content.decode()
    assert "the report will be made when the queue is back" in page
    job = ReportJob.objects.get()
    assert job.state == JobState.QUEUED
    assert job.attempts == 0

    # Other pages work as usual, sessions included (they live in the database).
    for name in ("home", "reporting:index", "reporting:archive", "clients:list"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("reporting:job_status", args=[job.pk])).json()["state"] == JobState.QUEUED

    # The queue is back: the periodic sweep re-sends the job and a real worker makes it.
    broker_down()
    worker = start_worker()
    tasks.report_jobs_sweep_task.apply()  # as beat would run it; jobs younger than 10 minutes wait
    assert ReportJob.objects.get().state == JobState.QUEUED
    assert services.report_jobs_resend(older_than_seconds=0) == 1

    def done():
        job.refresh_from_db()
        return job.state in (JobState.DONE, JobState.FAILED)

    wait_for(done, 90, 0.2, what=lambda: f"the job to be made; worker log:\n{worker_log(worker)}")
    assert job.state == JobState.DONE, worker_log(worker)
    assert job.attempts == 1
    files = sorted(p.name for p in (Path(worker_media) / "reports").iterdir())
    assert files == [f"job-{job.pk}.pdf"]
    assert (Path(worker_media) / job.file.name).read_bytes().startswith(b"%PDF")

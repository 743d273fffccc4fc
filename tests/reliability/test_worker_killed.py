"""A worker killed (kill -9) in the middle of a PDF: the job runs again to the end, one file, one audit entry."""

from __future__ import annotations

import datetime
import os
import signal
from pathlib import Path

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from reporting import services
from reporting.models import FailureReason, JobState, ReportFormat, ReportJob, ReportKind
from tests.reporting.report_world import build_world

from .conftest import wait_for, worker_log

pytestmark = pytest.mark.services


def _march_pdf(manager, provider):
    return services.report_job_create(
        requested_by=manager,
        provider=provider,
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 31),
        kind=ReportKind.MONTH,
        language="en",
        format=ReportFormat.PDF,
    )


def _state(job: ReportJob) -> str:
    job.refresh_from_db()
    return job.state


def test_a_worker_killed_half_way_through_a_pdf_leaves_one_file_and_one_audit_entry_once_the_job_is_made_again(
    start_worker, worker_media, provider, other_provider, social_worker, mentor, manager
):
    build_world(provider, other_provider, social_worker, mentor)
    # The slow worker spends 30 s on each report: a wide window in which it is killed.
    slow = start_worker("slow", REPORT_TEST_DELAY="30")
    job = _march_pdf(manager, provider)
    wait_for(lambda: _state(job) == JobState.RUNNING, 60, what=lambda: worker_log(slow))
    os.kill(slow.pid, signal.SIGKILL)
    slow.wait(timeout=10)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.RUNNING, 1)
    assert not list((Path(worker_media) / "reports").glob("job-*"))

    # A new worker; the sweep re-sends the job whose worker died (beat runs it every 5 minutes).
    worker = start_worker()
    assert services.report_jobs_resend(older_than_seconds=0) == 1
    wait_for(lambda: _state(job) in (JobState.DONE, JobState.FAILED), 90, 0.2, what=lambda: worker_log(worker))
    assert job.state == JobState.DONE, worker_log(worker)
    assert job.attempts == 2

    # Redis hands the first message out again after the visibility timeout: it changes nothing.
    services.report_jobs_resend(older_than_seconds=0)
    services.report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)

    files = [p.name for p in (Path(worker_media) / "reports").iterdir()]
    assert files == [f"job-{job.pk}.pdf"]  # no second file, no partial file left behind
    assert (Path(worker_media) / job.file.name).read_bytes().startswith(b"%PDF")
    entries = AuditEntry.objects.filter(object_type="reporting.reportjob", object_id=str(job.pk))
    assert entries.count() == 1
    assert entries.get().actor_id == manager.pk


def test_a_job_that_kills_its_worker_every_time_is_failed_after_three_tries_with_the_reason_shown(
    start_worker, worker_media, client, provider, other_provider, social_worker, mentor, manager
):
    build_world(provider, other_provider, social_worker, mentor)
    job = _march_pdf(manager, provider)
    for attempt in (1, 2, 3):
        killer = start_worker("kill")
        if attempt > 1:
            assert services.report_jobs_resend(older_than_seconds=0) == 1
        assert killer.wait(timeout=60) == -signal.SIGKILL, worker_log(killer)
        job.refresh_from_db()
        assert (job.state, job.attempts) == (JobState.RUNNING, attempt)

    # The fourth delivery (the sweep's) does not start the job again: it fails it with the reason.
    worker = start_worker("kill")
    assert services.report_jobs_resend(older_than_seconds=0) == 1
    wait_for(lambda: _state(job) == JobState.FAILED, 60, 0.2, what=lambda: worker_log(worker))
    assert worker.poll() is None  # the worker survived: the job was not run a fourth time
    assert job.error_reason == FailureReason.TOO_MANY_ATTEMPTS
    assert job.attempts == 3
    assert not (Path(worker_media) / "reports").exists() or not any((Path(worker_media) / "reports").iterdir())

    client.force_login(manager)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("reporting:job_detail", args=[job.pk])).content.decode()
    assert "Making the report stopped the worker several times" in page
    assert (
        client.get(reverse("reporting:job_status", args=[job.pk]))
        .json()["reason"]
        .startswith("Making the report stopped the worker several times")
    )

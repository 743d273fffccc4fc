"""Celery tasks of the reporting app: thin, each takes an id (or nothing) and calls one service."""

from __future__ import annotations

import contextlib
from typing import Any

from celery import Task, shared_task
from django.db import OperationalError
from django.utils import timezone

from . import restatements, services
from .figures_cache import figures_cache_prune
from .models import FailureReason


class _ReportTask(Task):
    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # Retries used up on a database that stayed away: tell the user instead of leaving it running.
        job_id = kwargs.get("job_id", args[0] if args else None)
        if job_id is not None:
            # Still away: the sweep will find the job.
            with contextlib.suppress(OperationalError):
                services.report_job_fail(job_id=job_id, reason=FailureReason.DATABASE_UNAVAILABLE)


@shared_task(
    base=_ReportTask,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
)
def report_render_task(job_id: int) -> None:
    services.report_job_run(job_id=job_id)


@shared_task(acks_late=True)
def monthly_reports_task() -> None:
    services.report_jobs_monthly_create()


@shared_task(acks_late=True)
def report_jobs_sweep_task() -> None:
    services.report_jobs_resend()
    now = timezone.now()
    # First: the archived reports the changes about to be forgotten touched stay to be checked again.
    restatements.restatements_keep_before_prune(now=now)
    figures_cache_prune(now=now)


@shared_task(acks_late=True)
def restatements_check_task() -> None:
    restatements.restatements_check_touched()

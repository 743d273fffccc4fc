"""Reads of the reporting app: the archive a user may see, one job, the narrative of a period."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import JobState, ReportJob


def report_job_list(*, user: Any, provider_id: int | None = None, done_only: bool = False) -> QuerySet[ReportJob]:
    """The user's archive, newest first (index `report_job_provider_idx` / `report_job_created_idx`)."""
    jobs = ReportJob.objects.for_user(user).select_related("provider", "requested_by")
    if provider_id is not None:
        jobs = jobs.filter(provider_id=provider_id)
    if done_only:
        jobs = jobs.filter(state=JobState.DONE)
    return jobs.order_by("-created_at", "-id")


def _get_job_for_user(user: Any, job_id: int) -> ReportJob:
    """The job if the user may see it; 404 otherwise (never telling whether it exists)."""
    job = ReportJob.objects.for_user(user).select_related("provider", "requested_by").filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job

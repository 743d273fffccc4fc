"""Writes of the reporting app: ask for a report file, make it (the Celery task's work), the narrative."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record
from clients.models import Provider

from .figures_cache import cached_figures_for, figures_mark, previous_figures_for
from .models import FailureReason, JobState, ReportFormat, ReportJob, ReportKind, ReportNarrative
from .periods import month_before
from .presentation import Narrative
from .render import render_report, write_whole
from .restatements import report_figures_json, restatement_start

logger = logging.getLogger(__name__)

# A job that was started this many times without finishing (its worker killed each time) is failed.
MAX_ATTEMPTS = 3
# A person's jobs in flight (queued or being made) at most: each takes a worker for up to minutes, and a
# person asks for one report at a time; a few allow a month, its interim and its final.
MAX_JOBS_IN_FLIGHT = 3
# A report takes seconds; one not made an hour after it was asked for is stuck (`report_jobs_resend`).
JOB_GIVE_UP_SECONDS = 60 * 60
REPORTS_DIR = "reports"


def _enqueue(job_id: int) -> bool:
    """Send the job to the queue; if the broker is down the job stays queued for the sweep to re-send.

    True when the job was sent (or run, eagerly); False when it was left queued.
    """
    # Imported here: the tasks module imports this one (each task calls one service), and this one sends a task.
    from .tasks import report_render_task  # noqa: PLC0415

    try:
        report_render_task.delay(job_id)
    except OperationalError:
        # Eager mode runs the task here; a passing DB failure leaves the job queued for the sweep.
        logger.warning("report job %s: database unavailable while running eagerly, left queued", job_id)
        return False
    except Exception as exc:  # kombu/redis connection errors: the job waits in the database.
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        logger.warning("report job %s: broker unavailable (%s), left queued", job_id, exc.__class__.__name__)
        return False
    return True


def report_narrative_for(*, provider: Provider | None, start: date, end: date) -> ReportNarrative | None:
    if provider is None:
        return None
    return ReportNarrative.objects.filter(provider=provider, start=start, end=end).first()


@transaction.atomic
def report_narrative_save(
    *, provider: Provider, start: date, end: date, thematic: str, challenges: str, user: Any
) -> ReportNarrative:
    narrative, _created = ReportNarrative.objects.select_for_update().get_or_create(
        provider=provider, start=start, end=end, defaults={"updated_by": user}
    )
    narrative.thematic = thematic.strip()
    narrative.challenges = challenges.strip()
    narrative.updated_by = user
    narrative.save(update_fields=["thematic", "challenges", "updated_by", "updated_at"])
    return narrative


class ReportJobLimitReached(Exception):
    """The person already has MAX_JOBS_IN_FLIGHT jobs queued or being made."""


def _same_or_limit(*, requested_by: Any, request: dict[str, Any]) -> ReportJob | None:
    """The person's job in flight for the same request, if any; ReportJobLimitReached when they have too many.

    Under a lock of the person's row: two requests of one person at the same moment take turns, so that each
    sees the other's job (a count or a lookup alone would let both through).
    """
    list(get_user_model().objects.select_for_update().filter(pk=requested_by.pk).values_list("pk", flat=True))
    in_flight = ReportJob.objects.filter(requested_by=requested_by, state__in=(JobState.QUEUED, JobState.RUNNING))
    same = in_flight.filter(**request).order_by("-created_at", "-id").first()
    if same is not None:
        same.reused = True
        return same
    if in_flight.count() >= MAX_JOBS_IN_FLIGHT:
        raise ReportJobLimitReached
    return None


@transaction.atomic
def report_job_create(
    *,
    requested_by: Any,
    provider: Provider | None,
    start: date,
    end: date,
    kind: str,
    language: str = "lv",
    suppressed: bool = False,
    format: str = ReportFormat.PDF,
) -> ReportJob:
    """Keep the request as a queued job (with a copy of the narrative) and send it to the queue on commit.

    A person's request while the same one is queued or being made returns that job (`reused` is True);
    beyond MAX_JOBS_IN_FLIGHT of theirs in flight it raises ReportJobLimitReached.
    """
    if requested_by is not None:
        request = {
            "provider": provider,
            "start": start,
            "end": end,
            "kind": kind,
            "language": language,
            "suppressed": suppressed,
            "format": format,
        }
        same = _same_or_limit(requested_by=requested_by, request=request)
        if same is not None:
            return same
    narrative = report_narrative_for(provider=provider, start=start, end=end)
    job = ReportJob.objects.create(
        requested_by=requested_by,
        provider=provider,
        start=start,
        end=end,
        kind=kind,
        language=language,
        suppressed=suppressed,
        format=format,
        narrative_thematic=narrative.thematic if narrative else "",
        narrative_challenges=narrative.challenges if narrative else "",
    )
    job_id = job.pk
    # `job.sent` tells the caller, once the transaction has committed, whether the queue took it.
    transaction.on_commit(lambda: setattr(job, "sent", _enqueue(job_id)))
    return job


def _render(job: ReportJob) -> bytes:
    """The job's file: its figures (from the cache when unchanged) rendered as it asks."""
    figures = cached_figures_for(start=job.start, end=job.end, provider=job.provider)
    # Kept with the archived file: the figures it shows, to compare with the same report made later.
    job.archived_figures = report_figures_json(figures, suppressed=job.suppressed)
    pdf = job.format == ReportFormat.PDF
    return render_report(
        figures,
        format=ReportFormat(job.format),
        language=job.language,
        suppressed=job.suppressed,
        narrative=Narrative(thematic=job.narrative_thematic, challenges=job.narrative_challenges),
        kind=job.kind,
        # The PDF's summary compares with the previous period.
        previous=previous_figures_for(start=job.start, end=job.end, provider=job.provider) if pdf else None,
    )


def _claim(job_id: int) -> ReportJob | None:
    """Mark the job running and count the attempt; None when there is nothing (more) to do."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update(of=("self",)).select_related("provider").filter(pk=job_id).first()
        if job is None or job.state in (JobState.DONE, JobState.FAILED):
            return None
        if job.attempts >= MAX_ATTEMPTS:
            _mark_failed(job, FailureReason.TOO_MANY_ATTEMPTS)
            return None
        job.state = JobState.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["state", "attempts", "started_at"])
        return job


def _mark_failed(job: ReportJob, reason: str) -> None:
    job.state = JobState.FAILED
    job.error_reason = reason
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "error_reason", "finished_at"])


def report_job_run(*, job_id: int) -> None:
    """Make the job's file. Idempotent on the job's id: a done or failed job is left as it is.

    A passing database failure (OperationalError) is raised for the task to retry; any other
    error fails the job with a reason the user can read.
    """
    job = _claim(job_id)
    if job is None:
        return
    try:
        # Taken before the figures are computed: a change it does not show may restate them (restatements.py).
        mark = figures_mark()
        content = _render(job)
        archived = job.archived_figures
        if archived is None:  # a render that kept no figures (a stand-in): the figures as they are now
            archived = report_figures_json(
                cached_figures_for(start=job.start, end=job.end, provider=job.provider), suppressed=job.suppressed
            )
    except OperationalError:
        raise
    except Exception:
        logger.exception("report job %s could not be rendered", job_id)
        _mark_failed(job, FailureReason.RENDER_FAILED)
        return
    _finish(job_id, job.format, content, archived=archived, mark=mark)


def _finish(job_id: int, fmt: str, content: bytes, *, archived: str, mark: dict[str, Any]) -> None:
    # Under the row's lock, so that two runs of one job (a redelivered message) never mix
    # one run's file with the other's checksum; the second finds the job done and keeps nothing.
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.state == JobState.DONE:
            return
        # One name per job: a re-run after a killed worker replaces the same file, never adds one.
        relative_name = f"{REPORTS_DIR}/job-{job.pk}.{fmt}"
        final = Path(settings.MEDIA_ROOT) / relative_name
        final.parent.mkdir(parents=True, exist_ok=True)
        write_whole(final, content)
        job.file.name = relative_name
        job.sha256 = hashlib.sha256(content).hexdigest()
        job.size = len(content)
        job.state = JobState.DONE
        job.error_reason = ""
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "sha256", "size", "state", "error_reason", "finished_at"])
        restatement_start(job=job, archived=archived, mark=mark)
        # In the same transaction as "done": one entry per archived file, whatever the redeliveries.
        audit_record(
            action=Action.CREATE,
            obj=job,
            detail=f"{relative_name} sha256={job.sha256}",
            actor_id=job.requested_by_id,
            actor_username=job.requested_by.get_username() if job.requested_by is not None else "",
            provider_id=job.provider_id,
        )


def report_job_fail(*, job_id: int, reason: str) -> None:
    """Fail a job that is not done (the task gave up retrying)."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state == JobState.DONE:
            return
        _mark_failed(job, reason)


def report_jobs_monthly_create(*, today: date | None = None) -> list[ReportJob]:
    """The previous month's PDF (Latvian) of every provider with a contract in that month, once each."""
    month = month_before(today or timezone.localdate())
    start, end = month.start, month.end
    providers = Provider.objects.filter(contracts__start__lte=end, contracts__end__gte=start).distinct()
    created = []
    for provider in providers:
        exists = ReportJob.objects.filter(
            provider=provider,
            kind=ReportKind.MONTH,
            start=start,
            end=end,
            format=ReportFormat.PDF,
            language="lv",
        ).exists()
        if exists:
            continue
        try:
            job = report_job_create(
                requested_by=None,
                provider=provider,
                start=start,
                end=end,
                kind=ReportKind.MONTH,
                language="lv",
                format=ReportFormat.PDF,
            )
        except IntegrityError:
            continue  # another beat made it a moment ago (constraint report_job_scheduled_once)
        created.append(job)
    return created


def report_jobs_resend(*, older_than_seconds: int = 600) -> int:
    """Re-send jobs still queued (the broker was down) or running too long (their worker died); give up on
    those asked for more than JOB_GIVE_UP_SECONDS ago (`FailureReason.TIMED_OUT`), so that a job stuck for
    good neither runs at last hours later nor keeps one of its person's MAX_JOBS_IN_FLIGHT places."""
    given_up = ReportJob.objects.filter(
        state__in=(JobState.QUEUED, JobState.RUNNING),
        created_at__lt=timezone.now() - timedelta(seconds=JOB_GIVE_UP_SECONDS),
    )
    for job in given_up.order_by("pk")[:500]:
        _mark_failed(job, FailureReason.TIMED_OUT)
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stale = ReportJob.objects.filter(
        Q(state=JobState.QUEUED, created_at__lt=cutoff) | Q(state=JobState.RUNNING, started_at__lt=cutoff)
    )
    ids = list(stale.values_list("pk", flat=True)[:500])
    for job_id in ids:
        _enqueue(job_id)
    return len(ids)

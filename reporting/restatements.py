"""Restatements: an archived report made again now, and the figures that differ from the archived ones.

A back-dated record can change the figures of a period already reported. Each archived report keeps its
figures (`Restatement.archived`, the JSON of `render_json`, publication-safe when the report is) and the
database mark taken before they were computed. The `FiguresChange` rows the figures cache already relies on
(database triggers, migration 0003) say which reports a later write may have touched: those, and only those,
are made again (the same `cached_figures_for` path and options as the report) and compared figure by figure.

The comparison is generic over the report's JSON (nested keys, whatever its schema version), so the list of
differences names figures only: no person, client or record.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Mapping
from typing import Any

from django.db import OperationalError, transaction
from django.db.models import BigIntegerField, BooleanField, Exists, F, Func, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from .figures import ReportFigures
from .figures_cache import KEEP_CHANGES, cached_figures_for, figures_mark, own_xid
from .models import FiguresChange, JobState, ReportFormat, ReportJob, Restatement
from .render_json import report_json
from .suppression import shown_figures

logger = logging.getLogger(__name__)

# Reports checked again by one run of the periodic task at most; the rest wait for the next run.
CHECK_BATCH = 200
# The mark of a report no change touched is moved on once the changes it did not see are this old, so that
# finding the touched reports weighs only the recent changes (not every change since each report was made).
ADVANCE_AFTER = datetime.timedelta(days=1)


def report_figures_json(figures: ReportFigures, *, suppressed: bool) -> str:
    """The figures a report shows, as the JSON text an archived report keeps (its keys in the report's order)."""
    return json.dumps(report_json(shown_figures(figures, suppressed=suppressed)), ensure_ascii=False)


def _leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """Every figure of a JSON report by its path: `contacts.by_topic.health`, `contracts[0].planned_persons`."""
    if isinstance(data, Mapping) and data:
        found: dict[str, Any] = {}
        for key, value in data.items():
            found.update(_leaves(value, f"{prefix}.{key}" if prefix else str(key)))
        return found
    if isinstance(data, list) and data:
        found = {}
        for index, value in enumerate(data):
            found.update(_leaves(value, f"{prefix}[{index}]"))
        return found
    return {prefix: data}


def figure_changes(archived: Mapping[str, Any], now: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The figures whose value differs, in the report's order: [{"figure", "old", "new"}].

    A suppressed cell compares as shown ("<5" and 6 differ). A figure only one side has is listed (as null on
    the other) when both reports have the same schema; across schemas only the figures both have are compared,
    so that a new version of the report is not taken for a restatement.
    """
    old, new = _leaves(archived), _leaves(now)
    same_schema = archived.get("schema") == now.get("schema")
    changes = []
    for key in [*old, *(key for key in new if key not in old)]:
        if key == "schema":
            continue
        if (key not in old or key not in new) and not same_schema:
            continue
        before, after = old.get(key), new.get(key)
        if key in old and key in new and before == after and isinstance(before, str) == isinstance(after, str):
            continue
        changes.append({"figure": key, "old": before, "new": after})
    return changes


def restatement_start(*, job: ReportJob, archived: str, mark: Mapping[str, Any]) -> Restatement:
    """Keep a finished report's figures and the mark taken before they were computed (in `_finish`'s transaction)."""
    restatement, _ = Restatement.objects.update_or_create(
        job=job, defaults={"archived": archived, "changes": [], "changed_at": None, "checked_at": None, **mark}
    )
    return restatement


def _archived_from_file(job: ReportJob) -> str | None:
    """A JSON report made before its figures were kept: its file is its figures. None for PDF and XLSX."""
    if job.format != ReportFormat.JSON or not job.file:
        return None
    try:
        with job.file.open("rb") as handle:
            return json.dumps(json.loads(handle.read().decode("utf-8")), ensure_ascii=False)
    except (OSError, ValueError):
        logger.warning("report job %s: its JSON file cannot be read to keep its figures", job.pk)
        return None


def restatement_check(*, job_id: int) -> Restatement | None:
    """Make the archived report's figures again now and keep those that differ; None when it cannot be compared
    (not done, or a PDF or XLSX made before its figures were kept)."""
    job = ReportJob.objects.select_related("provider").filter(pk=job_id, state=JobState.DONE).first()
    if job is None:
        return None
    kept = Restatement.objects.filter(job=job).first()
    archived = kept.archived if kept is not None else _archived_from_file(job)
    if archived is None:
        return None
    mark = figures_mark()
    figures = cached_figures_for(start=job.start, end=job.end, provider=job.provider)
    changes = figure_changes(json.loads(archived), json.loads(report_figures_json(figures, suppressed=job.suppressed)))
    now = timezone.now()
    with transaction.atomic():
        restatement = Restatement.objects.select_for_update().filter(job=job).first()
        if restatement is None:
            restatement = Restatement(job=job, archived=archived)
        restatement.snapshot = mark["snapshot"]
        restatement.snapshot_xmin = mark["snapshot_xmin"]
        restatement.last_change_id = mark["last_change_id"]
        restatement.checked_at = now
        restatement.changes = changes
        restatement.changed_at = (restatement.changed_at or now) if changes else None
        restatement.save()
    return restatement


def touched(changes: QuerySet[FiguresChange] | None = None) -> QuerySet[Restatement]:
    """The kept reports a figures change they did not see may have touched: a change whose writer's transaction
    is not in the snapshot taken before they were last computed, of their period's days (or any day) and their
    provider (or any). `figures_cache._unseen_change` for every report at once, in one query. `changes`: only
    those (default: all kept)."""
    xid8 = Func(F("xid"), template="(%(expressions)s)::text::xid8")
    snapshot = Func(OuterRef("snapshot"), template="(%(expressions)s)::pg_snapshot")
    seen = Func(xid8, snapshot, function="pg_visible_in_snapshot", output_field=BooleanField())
    unseen = Q(xid__gte=OuterRef("snapshot_xmin")) & Q(seen=False)
    own = own_xid()
    if own is not None:
        # This transaction's own writes are in no snapshot's list: those made after the mark count.
        unseen = (unseen & ~Q(xid=own)) | Q(xid=own, pk__gt=OuterRef("last_change_id"))
    provider = Coalesce(OuterRef("job__provider_id"), F("provider_id"), output_field=BigIntegerField())
    changes = (
        (changes if changes is not None else FiguresChange.objects.all())
        .alias(seen=seen)
        .filter(Q(affects_from__isnull=True) | Q(affects_from__lte=OuterRef("job__end")))
        .filter(Q(provider_id__isnull=True) | Q(provider_id=provider))
        .filter(unseen)
    )
    return Restatement.objects.filter(job__state=JobState.DONE).filter(
        Q(last_change_id__isnull=True) | Q(snapshot_xmin__isnull=True) | Exists(changes)
    )


def restatements_keep_before_prune(*, now: datetime.datetime) -> int:
    """Before the figures changes older than `KEEP_CHANGES` are forgotten (`figures_cache_prune`), the kept
    reports they touched and that were not checked since are marked to be checked (their mark forgotten)."""
    old = FiguresChange.objects.filter(at__lt=now - KEEP_CHANGES)
    return Restatement.objects.filter(pk__in=touched(old).values("pk")).update(last_change_id=None)


def _advance_untouched(mark: Mapping[str, Any], *, now: datetime.datetime) -> int:
    """Give the reports no change touched the mark taken before `touched()` was asked (`mark`): the changes it
    shows were weighed against their old mark and touched none of them. Only those whose mark is older than
    the changes of ADVANCE_AFTER ago, so that a report's row is written at most about once in that time."""
    older = FiguresChange.objects.filter(at__lt=now - ADVANCE_AFTER).aggregate(xid=Max("xid"))["xid"]
    if older is None:
        return 0
    stale = Restatement.objects.filter(snapshot_xmin__lte=older).exclude(pk__in=touched().values("pk"))
    return stale.update(**mark)


def restatements_check_touched(*, limit: int = CHECK_BATCH) -> int:
    """Check again the reports a figures change touched (newest first), and keep the figures of the JSON reports
    archived before restatements were kept; returns how many were checked."""
    mark = figures_mark()
    _advance_untouched(mark, now=timezone.now())
    ids = list(touched().order_by("-job__created_at", "-job_id").values_list("job_id", flat=True)[:limit])
    older = (
        ReportJob.objects.filter(state=JobState.DONE, format=ReportFormat.JSON, restatement__isnull=True)
        .exclude(file="")
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    ids += list(older[: max(limit - len(ids), 0)])
    checked = 0
    for job_id in ids:
        try:
            if restatement_check(job_id=job_id) is not None:
                checked += 1
        except OperationalError:
            raise  # the database is away: the task stops, the next run finds the same reports
        except Exception:
            # One report that cannot be made again does not keep the others from their check.
            logger.exception("report job %s: its figures could not be made again to compare", job_id)
    return checked

"""Report figures kept until a write could change them: ten years of figures are computed once, not on every view.

Database triggers (migration 0003) note each write figures depend on in `FiguresChange`, with the earliest
day and the provider it can affect. A cached entry remembers the snapshot it was computed in; it is used
while no change it did not see can affect its provider and period.

"Did not see" is exact: the entry keeps `pg_current_snapshot()` taken before computing, and a change
counts when its writer's transaction is not visible in that snapshot, however the writers' ids and
commits interleave.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Max, Q
from django.db.models.expressions import RawSQL

from clients.models import Provider

from .figures import SCHEMA, ReportFigures, figures_for
from .models import CachedFigures, FiguresChange
from .periods import Period

# Changes older than this are forgotten, with every entry computed before them.
KEEP_CHANGES = datetime.timedelta(days=30)


def _key(start: datetime.date, end: datetime.date, provider: Provider | None) -> str:
    return f"{provider.pk if provider else 'all'}:{start:%Y-%m-%d}:{end:%Y-%m-%d}"


def _relevant(end: datetime.date, provider: Provider | None) -> Q:
    """The changes that can move the figures of a period ending on `end`: nothing after `end` can."""
    q = Q(affects_from__isnull=True) | Q(affects_from__lte=end)
    if provider is not None:
        q &= Q(provider_id__isnull=True) | Q(provider_id=provider.pk)
    return q


def _mark() -> dict[str, Any]:
    """What this connection can see now, taken before the figures are computed."""
    last = FiguresChange.objects.aggregate(last=Max("pk"))["last"] or 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text, pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        snapshot, xmin = cursor.fetchone()
    return {"snapshot": snapshot, "snapshot_xmin": xmin, "last_change_id": last}


def figures_mark() -> dict[str, Any]:
    """What this connection can see now (`snapshot`, `snapshot_xmin`, `last_change_id`), taken before figures
    are computed: the changes it does not show are the ones those figures may have missed (restatements)."""
    return _mark()


def own_xid() -> int | None:
    """This transaction's id, if it has written anything: its own changes show in no snapshot's list."""
    return _own_xid()


def _own_xid() -> int | None:
    """This transaction's id, if it has written anything (its own changes are in no snapshot's list)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id_if_assigned()::text::bigint")
        return cursor.fetchone()[0]


def _unseen_change(entry: CachedFigures, end: datetime.date, provider: Provider | None) -> bool:
    relevant = FiguresChange.objects.filter(_relevant(end, provider))
    if entry.last_change_id is None:
        return True
    own = _own_xid()
    if own is not None and relevant.filter(xid=own, pk__gt=entry.last_change_id).exists():
        return True
    seen = RawSQL("pg_visible_in_snapshot(xid::text::xid8, %s::pg_snapshot)", [entry.snapshot], BooleanField())
    # Index: figures_change_xid_idx; every writer below the snapshot's xmin had ended when it was taken.
    others = relevant.filter(xid__gte=entry.snapshot_xmin)
    if own is not None:
        others = others.exclude(xid=own)
    return others.alias(seen=seen).filter(seen=False).exists()


def cached_figures_for(*, start: datetime.date, end: datetime.date, provider: Provider | None = None) -> ReportFigures:
    """`figures_for`, from the cache while nothing the figures depend on has changed since they were computed."""
    key = _key(start, end, provider)
    entry = CachedFigures.objects.filter(key=key).first()
    if entry is not None and not _unseen_change(entry, end, provider):
        data = json.loads(entry.figures)
        if data.get("schema") == SCHEMA:  # an entry kept in an earlier schema is computed again
            return ReportFigures.from_json(data, provider_name=provider.name if provider else None)
    mark = _mark()
    figures = figures_for(start=start, end=end, provider=provider)
    CachedFigures.objects.update_or_create(key=key, defaults={"figures": json.dumps(figures.as_json()), **mark})
    return figures


def previous_figures_for(
    *, start: datetime.date, end: datetime.date, provider: Provider | None = None
) -> ReportFigures:
    """The figures of the period of the same length just before `start`–`end` (`Period.previous`), of the same
    provider (or all): what a PDF's summary compares the report with."""
    before = Period(start, end).previous
    return cached_figures_for(start=before.start, end=before.end, provider=provider)


def figures_cache_prune(*, now: datetime.datetime) -> int:
    """Forgets changes older than KEEP_CHANGES, and the entries that may not have seen them; returns changes removed."""
    old = FiguresChange.objects.filter(at__lt=now - KEEP_CHANGES)
    newest = old.aggregate(xid=Max("xid"), pk=Max("pk"))
    if newest["pk"] is None:
        return 0
    if newest["xid"] is not None:
        CachedFigures.objects.filter(Q(snapshot_xmin__isnull=True) | Q(snapshot_xmin__lte=newest["xid"])).delete()
    CachedFigures.objects.filter(last_change_id__lt=newest["pk"]).delete()
    removed, _ = old.delete()
    return removed

"""The report's contacts and the month rollups, as the figures' queries select them."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    Q,
    QuerySet,
)

from clients.models import Provider
from plans.models import Contact

from ..models import ALL_PROVIDERS, PersonsMonth


def _in_report(prefix: str, start: datetime.date, end: datetime.date, provider: Provider | None) -> Q:
    """The contacts of the report, seen through `prefix` ("" on Contact, "contact__" on the client link)."""
    q = Q(**{f"{prefix}date__gte": start, f"{prefix}date__lte": end})
    if provider is not None:
        q &= Q(**{f"{prefix}provider": provider})
    return q


def _served_ids(start: datetime.date, end: datetime.date, provider: Provider | None) -> QuerySet[Any]:
    """The ids of the persons served by the report's contacts of the days, read from the contacts themselves."""
    return Contact.objects.filter(_in_report("", start, end, provider)).served_client_ids()


def _rollup_provider(provider: Provider | None) -> int:
    return provider.pk if provider is not None else ALL_PROVIDERS


def _rolled(model: type[Any], whole: tuple[datetime.date, datetime.date], provider: Provider | None) -> QuerySet[Any]:
    """The rows of a month rollup over whole months, for the provider or (summed by the reader) all of them."""
    rows = model.objects.filter(month__range=whole).order_by()
    if model is PersonsMonth:
        return rows.filter(provider_id=_rollup_provider(provider))
    return rows.filter(provider_id=provider.pk) if provider is not None else rows


def _counts(rows: Any, key: str) -> dict[str, int]:
    """Rows of (key, n) as a dict."""
    return {row[key]: row["n"] for row in rows}

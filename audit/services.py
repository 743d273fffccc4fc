"""Writing audit entries, inside the caller's transaction so the entry and the action stand or fall together."""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models

from .context import current_actor
from .models import Action, AuditEntry


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    changes: dict[str, Any] | None = None,
    detail: str = "",
    actor_id: int | None = None,
    actor_username: str | None = None,
    provider_id: int | None = None,
) -> AuditEntry:
    """Add one entry; who and from where come from the current request unless given."""
    actor = current_actor()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEntry.objects.create(
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        changes=changes or {},
        detail=detail[:300],
        actor_id=actor_id if actor_id is not None else (actor.user_id if actor else None),
        actor_username=actor_username if actor_username is not None else (actor.username if actor else ""),
        provider_id=provider_id if provider_id is not None else (actor.provider_id if actor else None),
        ip=actor.ip if actor else None,
        request_id=actor.request_id if actor else "",
    )


def audit_download(*, object_type: str, object_id: str | int, detail: str = "") -> AuditEntry:
    return audit_record(action=Action.DOWNLOAD, object_type=object_type, object_id=object_id, detail=detail)


# Never copied into the audit log.
IGNORED_FIELDS = {
    "password",
    "last_login",
    "name_key",
    "match_hash",
    "updated_at",
    "created_at",
    "recorded_at",
    "version",
}

_rows_audited: contextvars.ContextVar[bool] = contextvars.ContextVar("audit_rows", default=True)


def plain(value: Any) -> Any:
    """A value as an entry keeps it: JSON's own types, the rest as text."""
    if isinstance(value, datetime.date | datetime.datetime | decimal.Decimal | uuid.UUID):
        return str(value)
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def row_values(instance: models.Model) -> dict[str, Any]:
    """The row's own values as an entry keeps them (not its id, passwords or bookkeeping)."""
    return {
        field.attname: plain(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.attname not in IGNORED_FIELDS and not field.primary_key
    }


def audit_rows_enabled() -> bool:
    return _rows_audited.get()


@contextmanager
def unaudited_rows() -> Iterator[None]:
    """Bulk writes inside are not audited row by row: the caller writes one entry for the whole (an import)."""
    token = _rows_audited.set(False)
    try:
        yield
    finally:
        _rows_audited.reset(token)


def audit_entries(action: str, model: type[models.Model], changes: list[tuple[Any, dict[str, Any]]]) -> None:
    """One entry a row, written together: (row id, changes) for rows of `model` changed by one bulk write."""
    if not changes:
        return
    actor = current_actor()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                action=action,
                object_type=model._meta.label_lower,
                object_id=str(pk),
                changes=change,
                actor_id=actor.user_id if actor else None,
                actor_username=actor.username if actor else "",
                provider_id=actor.provider_id if actor else None,
                ip=actor.ip if actor else None,
                request_id=actor.request_id if actor else "",
            )
            for pk, change in changes
        ],
        batch_size=1000,
    )

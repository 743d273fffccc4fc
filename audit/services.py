"""Writing audit entries, inside the caller's transaction so the entry and the action stand or fall together."""

from __future__ import annotations

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

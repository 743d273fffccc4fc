"""Reads of the audit log: whose entries a user may browse, and which records named in them the user may see.

The audit is the bottom layer: it cannot import the apps whose records it names. A record's visibility is
asked of its own model, found through the apps registry: the model's `for_user(user)` where it has one
(clients, families, staff, contacts, plans, tasks, report jobs and narratives), the staff accounts of the
user's provider for accounts, the user's own provider for providers, and for the rest the rule of the record
it belongs to (a goal: its plan's; a progress note: its task's; a contract: its provider's).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from accounts.capabilities import can_read_audit
from accounts.selectors import staff_accounts_for

from .models import AuditEntry


def audit_entries_for(user: Any) -> models.QuerySet[AuditEntry]:
    """A provider's manager: the entries of their provider (index audit_provider_at_idx); anyone else: none."""
    if not can_read_audit(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(provider_id=user.provider_id)


def record_model(object_type: str) -> type[models.Model] | None:
    """The model an entry's record type names ("clients.client"), or None for other kinds ("exchange")."""
    if object_type.count(".") != 1:
        return None
    try:
        return apps.get_model(object_type)
    except LookupError:
        return None


def _provider_model() -> type[models.Model]:
    return get_user_model()._meta.get_field("provider").related_model


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    """The keys that say whose a row is: not those that say who wrote it (the user model's)."""
    user_model = get_user_model()
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is not user_model
    ]


def visible_rows(model: type[models.Model], user: Any) -> models.QuerySet:
    """The rows of `model` that `user` may see (see the module's docstring); none where no rule is found."""
    rows = _rule(model, user, depth=0)
    return rows if rows is not None else model._default_manager.none()


def _rule(model: type[models.Model], user: Any, *, depth: int) -> models.QuerySet | None:
    """The rows the model's own rule lets the user see, or None where the model has no rule of its own."""
    manager = model._default_manager
    provider_id = getattr(user, "provider_id", None)
    if model is get_user_model():
        return staff_accounts_for(user)
    if hasattr(manager, "for_user"):
        return manager.for_user(user)
    if model is _provider_model():
        return manager.filter(pk=provider_id) if provider_id is not None else manager.none()
    if depth >= 2:
        return None
    keys = _foreign_keys(model)
    # The record it belongs to decides: first a key to a model with `for_user`, then to the provider, then any.
    keys.sort(
        key=lambda f: (
            not hasattr(f.related_model._default_manager, "for_user"),
            f.related_model is not _provider_model(),
        )
    )
    for field in keys:
        parents = _rule(field.related_model, user, depth=depth + 1)
        if parents is not None:
            return manager.filter(**{f"{field.name}__in": parents.values("pk")})
    return None

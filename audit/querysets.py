"""Writes that bypass save() and delete() audited too: QuerySet.update() (bulk_update() uses it), bulk_create().

The signals (audit/signals.py) record save(), delete() and many-to-many changes; Django sends none for
these, so the querysets of the audited models write their entries, in the same transaction as the
change, with the same actor and request id. An import is audited once, as a whole
(`audit.services.unaudited_rows`), and so is an anonymisation, whose entry must not copy the values it removes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from .models import Action
from .services import IGNORED_FIELDS, audit_entries, audit_rows_enabled, plain, row_values


def _attname(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), name  # only concrete fields are written
    return field.attname


class AuditedQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        if not audit_rows_enabled():
            return super().update(**kwargs)
        fields = [_attname(self.model, name) for name in kwargs]
        with transaction.atomic(using=self.db):
            # The lock the UPDATE takes anyway (FOR NO KEY UPDATE), taken first so that the values read are those
            # it changes; a stronger FOR UPDATE would wait on the key-share locks of foreign-key checks (and
            # deadlock with the rollup triggers' month locks).
            locked = self.select_for_update(no_key=True, of=("self",))
            before = {row["pk"]: row for row in locked.values("pk", *fields)}
            count = super().update(**kwargs)
            after = self.model._base_manager.filter(pk__in=list(before)).values("pk", *fields)
            audit_entries(Action.UPDATE, self.model, _changes(before, after, fields))
        return count

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:  # type: ignore[override]
        created = super().bulk_create(objs, *args, **kwargs)
        if audit_rows_enabled():
            audit_entries(
                Action.CREATE, self.model, [(obj.pk, {"after": row_values(obj)}) for obj in created if obj.pk]
            )
        return created


def _changes(
    before: dict[Any, dict[str, Any]], after: Iterable[dict[str, Any]], fields: list[str]
) -> list[tuple[Any, dict[str, Any]]]:
    """Each row whose values changed, with the fields that did: before and after, as the signals write them."""
    entries = []
    for row in after:
        old = before.get(row["pk"], {})
        changed = sorted(name for name in fields if name not in IGNORED_FIELDS and old.get(name) != row[name])
        if changed:
            entries.append(
                (
                    row["pk"],
                    {
                        "before": {name: plain(old.get(name)) for name in changed},
                        "after": {name: plain(row[name]) for name in changed},
                    },
                )
            )
    return entries

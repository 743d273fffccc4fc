"""Audit entries as people read them: who, what, which record and each change as "field: before → after".

An entry keeps the record's type and id and the changed values as stored (codes, ids, ISO dates). This
module turns a page of entries into labels with a fixed number of queries, whatever the page's length:
the records an entry names, the records its foreign keys name and the actors are fetched in one query a
model, through `selectors.visible_rows`, so that a record is named only for those who may see it.

What a reader sees of a record they may not see now (another provider's, since handed over; deleted;
anonymised): its kind and id, the names of the fields that changed, never the values, which may hold a
person's name. Secrets and hashes are never shown, whoever reads.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEntry
from .selectors import record_model, visible_rows

# Longer values are cut: the page says what changed, the record's own page has the text.
VALUE_LENGTH = 80
DETAIL_LENGTH = 120
EMPTY = "—"

# Fields never shown, whatever their model: secrets and hashes (the log keeps none by design, `IGNORED_FIELDS`;
# this holds for entries written before a field joined that list).
_SECRET = re.compile(r"password|secret|token|hash|otp|key|sha\d*|recovery", re.IGNORECASE)
# A hash or checksum inside a detail text ("… sha256=3f2a…"): cut out.
_HASH_IN_TEXT = re.compile(r"\s*\b(?:sha\d*|md5|hash)\s*[=:]\s*\S+|\b[0-9a-f]{32,}\b", re.IGNORECASE)

# Record kinds that are not models.
OTHER_KINDS = {"exchange": gettext_lazy("exchange format"), "audit": gettext_lazy("audit log")}

# Keys of entries written by services rather than by the model signals.
_KEY_LABELS = {
    "anonymised": gettext_lazy("anonymised fields"),
    "contacts_cleared": gettext_lazy("contacts cleared"),
    "added": gettext_lazy("added"),
    "removed": gettext_lazy("removed"),
    "cleared": gettext_lazy("cleared"),
}


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str | None  # None: the entry has no value before (a record created) or the value is not shown
    after: str | None  # None: no value after (a record deleted) or not shown
    kind: str  # "change", "created", "deleted", "other" (a service's note), "withheld" (only the field named)


@dataclass(frozen=True)
class EntryRow:
    entry: AuditEntry
    actor: str
    action: str
    kind: str
    record: str  # the record's label, or its kind and id
    record_named: bool  # False: the reader may not see the record now, or it is gone
    record_url: str  # the record's own page, where it has one and the reader may see it
    changes: list[ChangeLine]
    detail: str

    @property
    def values_withheld(self) -> bool:
        return any(line.kind == "withheld" for line in self.changes)

    def changes_text(self) -> str:
        """The changes on one line, for the export."""
        return "; ".join(line_text(line) for line in self.changes)


def line_text(line: ChangeLine) -> str:
    if line.kind == "withheld":
        return line.label
    if line.kind == "change":
        return f"{line.label}: {line.before} → {line.after}"
    return f"{line.label}: {line.after if line.after is not None else line.before}"


def kind_label(object_type: str) -> str:
    model = record_model(object_type)
    if model is not None:
        return str(capfirst(model._meta.verbose_name))
    if object_type in OTHER_KINDS:
        return str(capfirst(OTHER_KINDS[object_type]))
    return object_type


class _Labels:
    """The labels of records the reader may see, fetched together: one query a model."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.rows: dict[tuple[type[models.Model], Any], models.Model] = {}

    def want(self, model: type[models.Model] | None, pk: Any) -> None:
        key = _pk(model, pk)
        if model is not None and key is not None:
            self.wanted[model].add(key)

    def fetch(self) -> None:
        for model, pks in self.wanted.items():
            # The labels (`__str__`) read the row's own foreign keys (a plan names its client): joined, not queried.
            related = [f.name for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]
            rows = visible_rows(model, self.user).filter(pk__in=pks).select_related(*related).order_by()
            for row in rows:
                if getattr(row, "anonymised_at", None) is None:
                    self.rows[(model, row.pk)] = row

    def row(self, model: type[models.Model] | None, pk: Any) -> models.Model | None:
        key = _pk(model, pk)
        return self.rows.get((model, key)) if model is not None and key is not None else None

    def label(self, model: type[models.Model], pk: Any) -> str:
        row = self.row(model, pk)
        return str(row) if row is not None else reference(model, pk)


def reference(model: type[models.Model], pk: Any) -> str:
    """A record by its kind and id: "Client #12"."""
    return f"{capfirst(model._meta.verbose_name)} #{pk}"


def _pk(model: type[models.Model] | None, value: Any) -> Any:
    if model is None or value in (None, ""):
        return None
    try:
        return model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)  # a foreign key by its column name too ("client_id")
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _m2m_field(model: type[models.Model] | None, through: str) -> models.ManyToManyField | None:
    if model is None:
        return None
    for field in model._meta.many_to_many:
        through_model = field.remote_field.through if isinstance(field, models.ManyToManyField) else None
        if (
            through_model is not None
            and not isinstance(through_model, str)
            and through_model._meta.label_lower == through
        ):
            return field  # type: ignore[return-value]
    return None


def _shown(field: models.Field | None, value: Any, labels: _Labels) -> str:
    """A stored value as the reader reads it: a choice's label, a record's label, a local date, short text."""
    if value is None or value == "" or value == []:
        return EMPTY
    if field is not None:
        if field.is_relation and field.related_model is not None:
            return labels.label(field.related_model, value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField) or isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            moment = parse_datetime(value)
            if moment is not None:
                if timezone.is_aware(moment):
                    moment = timezone.localtime(moment)
                return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        elif isinstance(field, models.DateField) and isinstance(value, str):
            day = parse_date(value)
            if day is not None:
                return formats.date_format(day, "SHORT_DATE_FORMAT")
    elif isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_shown(field, item, labels) for item in value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return Truncator(str(value)).chars(VALUE_LENGTH)


def _field_label(model: type[models.Model] | None, name: str) -> str:
    field = _field(model, name)
    return str(capfirst(field.verbose_name)) if field is not None else name.replace("_", " ")


def _value_changes(
    model: type[models.Model] | None, changes: dict[str, Any], labels: _Labels, show_values: bool
) -> list[ChangeLine]:
    """The lines of a change the model signals wrote: {"before": {...}, "after": {...}}."""
    before = changes.get("before") if isinstance(changes.get("before"), dict) else None
    after = changes.get("after") if isinstance(changes.get("after"), dict) else None
    names = list(dict.fromkeys([*(before or {}), *(after or {})]))
    lines = []
    for name in names:
        if _SECRET.search(name):
            continue
        field = _field(model, name)
        old = before.get(name) if before is not None else None
        new = after.get(name) if after is not None else None
        # A record created or deleted: its empty fields say nothing.
        if (before is None or after is None) and (new if before is None else old) in (None, "", []):
            continue
        label = _field_label(model, name)
        if not show_values:
            lines.append(ChangeLine(label, None, None, "withheld"))
        elif before is None:
            lines.append(ChangeLine(label, None, _shown(field, new, labels), "created"))
        elif after is None:
            lines.append(ChangeLine(label, _shown(field, old, labels), None, "deleted"))
        else:
            lines.append(ChangeLine(label, _shown(field, old, labels), _shown(field, new, labels), "change"))
    return lines


def _other_changes(
    model: type[models.Model] | None, entry: AuditEntry, labels: _Labels, show_values: bool
) -> list[ChangeLine]:
    """The lines of entries services wrote (an anonymisation's fields) and of many-to-many changes."""
    m2m = _m2m_field(model, entry.detail)
    lines = []
    for key, value in entry.changes.items():
        if key in ("before", "after") or _SECRET.search(key):
            continue
        label = str(capfirst(_KEY_LABELS.get(key, key.replace("_", " "))))
        if m2m is not None and key in ("added", "removed", "cleared"):
            label = f"{capfirst(m2m.verbose_name)}: {_KEY_LABELS[key]}"
            if not show_values:
                lines.append(ChangeLine(label, None, None, "withheld"))
                continue
            ids = value if isinstance(value, list) else [value]
            shown = ", ".join(labels.label(m2m.related_model, pk) for pk in ids) or EMPTY
            lines.append(ChangeLine(label, None, shown, "other"))
        elif isinstance(value, list) and all(isinstance(name, str) for name in value):
            # Field names (what an anonymisation removed): their labels, never values.
            lines.append(ChangeLine(label, None, ", ".join(_field_label(model, name) for name in value), "other"))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            lines.append(ChangeLine(label, None, str(value), "other"))
        elif show_values:
            lines.append(ChangeLine(label, None, _shown(None, value, labels), "other"))
        else:
            lines.append(ChangeLine(label, None, None, "withheld"))
    return lines


def _want_values(model: type[models.Model] | None, entry: AuditEntry, labels: _Labels) -> None:
    """Ask for the records the entry's values name: foreign keys, many-to-many ids."""
    for side in ("before", "after"):
        values = entry.changes.get(side)
        if not isinstance(values, dict):
            continue
        for name, value in values.items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model is not None:
                labels.want(field.related_model, value)
    m2m = _m2m_field(model, entry.detail)
    if m2m is not None:
        for key in ("added", "removed", "cleared"):
            for pk in entry.changes.get(key) or []:
                labels.want(m2m.related_model, pk)


def _url(record: models.Model | None) -> str:
    get_url = getattr(record, "get_absolute_url", None)
    return str(get_url()) if callable(get_url) else ""


def clean_detail(detail: str) -> str:
    """The entry's note without hashes, cut to a line."""
    return Truncator(_HASH_IN_TEXT.sub("", detail).strip()).chars(DETAIL_LENGTH)


def entry_rows(entries: Iterable[AuditEntry], *, user: Any) -> list[EntryRow]:
    """The entries as rows to read, with a fixed number of queries (one a model named), whatever their number."""
    entries = list(entries)
    labels = _Labels(user)
    user_model = get_user_model()
    for entry in entries:
        model = record_model(entry.object_type)
        labels.want(model, entry.object_id)
        labels.want(user_model, entry.actor_id)
        if isinstance(entry.changes, dict):
            _want_values(model, entry, labels)
    labels.fetch()

    rows = []
    for entry in entries:
        model = record_model(entry.object_type)
        record = labels.row(model, entry.object_id)
        if model is None:
            record_text = entry.object_id
        elif record is not None:
            record_text = str(record)
        else:
            record_text = reference(model, entry.object_id) if entry.object_id else ""
        actor = labels.row(user_model, entry.actor_id)
        actor_name = actor.get_full_name() if actor is not None else ""  # type: ignore[attr-defined]
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        # Values are shown only of a record the reader may see now; an entry of no record (a sign-in) has none.
        show_values = record is not None or model is None
        rows.append(
            EntryRow(
                entry=entry,
                actor=f"{actor_name} ({entry.actor_username})" if actor_name else entry.actor_username,
                action=entry.get_action_display(),
                kind=kind_label(entry.object_type),
                record=record_text,
                record_named=record is not None,
                record_url=_url(record),
                changes=[
                    *_value_changes(model, changes, labels, show_values),
                    *_other_changes(model, entry, labels, show_values),
                ],
                # A many-to-many change's detail names its table, which the change's label already says.
                detail="" if _m2m_field(model, entry.detail) is not None else clean_detail(entry.detail),
            )
        )
    return rows

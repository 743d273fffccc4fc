"""clients.csv and status_history.csv: a client with their current legal status and residence, and earlier statuses.

Together they are about a seventh of a folder's rows (420,000 at national scale), but through
import-export they took a third of the import's time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Family, LegalStatusEntry, ResidenceEntry, name_key, person_match_hash

from .bulk import bulk_update_rows, field_of, in_batches, insert_unnest, new_ids, values_where_in
from .fast import FastImport, Records, Row
from .formats import FILE_SPECS, ReadError, Record
from .results import FileCounts
from .widgets import REF_RE, ImportContext, family_id

# (value column, its date column, the attribute the value is cleaned into, the history it is written to)
HISTORIES: tuple[tuple[str, str, str, type[models.Model]], ...] = (
    ("legal_status", "legal_status_since", "import_legal_status", LegalStatusEntry),
    ("residence", "residence_since", "import_residence", ResidenceEntry),
)
VALUE_FIELD = {LegalStatusEntry: "legal_status", ResidenceEntry: "residence"}

Entries = dict[datetime.date, tuple[int, str]]  # since -> (entry id, value)


@dataclass(slots=True)
class StoredClient:
    id: int
    provider_id: int
    values: tuple  # the attributes of ClientResource.compare
    entries: dict[type[models.Model], Entries] = field(default_factory=dict)


@dataclass(slots=True)
class HistoryChange:
    model: type[models.Model]
    entry_id: int | None  # None: a new entry
    value: str
    since: datetime.date


@dataclass(slots=True)
class ChangedClient:
    row: Row
    stored: StoredClient
    values: tuple
    histories: list[HistoryChange]


class ClientImport(FastImport):
    name = "clients"
    model = Client
    # Every column but the person's own reference, names and family: those hardly repeat across rows.
    memoized = tuple(
        c for c in FILE_SPECS["clients"].columns if c not in {"client_ref", "first_name", "last_name", "family_ref"}
    )

    def __init__(self, sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> None:
        super().__init__(sheet, ctx, errors)
        self.service_start_position = self.compare.index("service_start")
        self.provider_position = self.compare.index("provider_id")
        self.defaults = {name: field_of(Client, name).get_default() for name in self.compare}
        self.update_fields = [name.removesuffix("_id") for name in self.compare] + [
            "name_key",
            "match_hash",
            "updated_at",
        ]

    def before_chunk(self, records: list[Record]) -> None:
        """Makes the families the rows name, each its row's provider's, so that family_ref resolves like any reference.

        A manager's rows can only name their own provider (any other row is refused), so their families are theirs.
        """
        if "family_ref" not in self.headers or "provider" not in self.headers:
            return
        index, provider_index = self.headers.index("family_ref"), self.headers.index("provider")
        wanted = {
            (provider_id, ref)
            for _number, cells in records
            if (ref := cells[index].strip())
            and (provider_id := self.ctx.providers.get(cells[provider_index].strip())) is not None
            and self.ctx.in_scope(provider_id)
        }
        valid = sorted(
            key for key in wanted if key not in self.ctx.families and len(key[1]) <= 50 and REF_RE.match(key[1])
        )
        if valid:
            Family.objects.bulk_create(
                [Family(provider_id=provider_id, family_ref=ref) for provider_id, ref in valid], batch_size=1000
            )
            for provider_id in sorted({provider_id for provider_id, _ref in valid}):
                refs = [ref for p, ref in valid if p == provider_id]
                for batch in in_batches(Family, refs):
                    made = Family.objects.filter(provider_id=provider_id, family_ref__in=batch)
                    self.ctx.families.update(
                        ((provider_id, ref), pk) for ref, pk in made.values_list("family_ref", "id")
                    )

    def load(self, rows: list[Row]) -> dict[str, list[StoredClient]]:
        """The stored clients of the rows' refs, with their legal status and residence histories."""
        fields = ("client_ref", "id", "provider_id", *self.compare)
        found: dict[str, list[StoredClient]] = {}
        histories: dict[type[models.Model], Entries]
        for ref, pk, provider_id, *compared in values_where_in(Client, fields, "client_ref", self.stored_refs(rows)):
            if not self.ctx.in_scope(provider_id):
                continue
            histories = {model: {} for *_columns, model in HISTORIES}
            found.setdefault(ref, []).append(StoredClient(pk, provider_id, tuple(compared), histories))
        by_id = {stored.id: stored for candidates in found.values() for stored in candidates}
        for *_columns, model in HISTORIES:
            entries = values_where_in(model, ("id", "client", VALUE_FIELD[model], "since"), "client", list(by_id))
            for pk, client_id, value, since in entries:
                by_id[client_id].entries[model][since] = (pk, value)
        return found

    def check_row(self, row: Row, found: StoredClient | None) -> None:
        """The family is the row's provider's; a status or residence needs the day it began.

        The day of the current legal status is remembered: status_history.csv may not repeat it.
        """
        values, errors = row.values, row.errors
        if "family_id" in values:
            try:
                provider_id = values.get("provider_id")
                values["family_id"] = family_id(self.ctx, provider_id, values["family_id"]) if provider_id else None
            except ValueError as exc:
                errors.setdefault("family_ref", []).append(str(exc))
        stored_start = found.values[self.service_start_position] if found is not None else None
        service_start = values.get("service_start", stored_start)
        for value_column, since_column, attribute, _model in HISTORIES:
            value = values.get(attribute, "")
            given = values.get(attribute + "_since")
            since = given or service_start
            values[attribute + "_effective_since"] = since
            if value and since is None and since_column not in errors and "service_start" not in errors:
                errors.setdefault(since_column, []).append(
                    _("Give this date or service_start: the day the %(what)s began.")
                    % {"what": value_column.replace("_", " ")}
                )
            if given and not value and value_column not in errors:
                errors.setdefault(value_column, []).append(
                    _("A date is given in %(column)s, but no value here.") % {"column": since_column}
                )
        self._check_closing(row, found)
        if values.get("import_legal_status") and values["import_legal_status_effective_since"]:
            ref = values.get("client_ref", self.key(row) if found is not None else "")
            self.ctx.current_status_since[ref] = values["import_legal_status_effective_since"]

    def _check_closing(self, row: Row, found: StoredClient | None) -> None:
        """Version 2: the current episode's end, never before its start, and its closure reason, only with an end.

        A column the file leaves out keeps the stored value. An end without a reason is read (the model allows
        it: cases ended before reasons were recorded, and an export of them comes back).
        """
        values, errors = row.values, row.errors
        stored = dict(zip(self.compare, found.values, strict=True)) if found is not None else {}
        start = values.get("service_start", stored.get("service_start"))
        end = values.get("service_end", stored.get("service_end"))
        reason = values.get("closure_reason", stored.get("closure_reason", ""))
        if end is not None and start is not None and end < start and "service_start" not in errors:
            errors.setdefault("service_end", []).append(_("The case ends before it starts (service_start)."))
        if reason and end is None and "service_end" not in errors:
            errors.setdefault("closure_reason", []).append(
                _("A closure reason is given only with service_end: the day the case was closed.")
            )

    def _history_changes(self, row: Row, found: StoredClient | None) -> Iterator[HistoryChange]:
        """The entries the row adds to the histories, or whose value it changes on the same day."""
        for _value_column, _since_column, attribute, model in HISTORIES:
            value = row.values.get(attribute, "")
            since = row.values[attribute + "_effective_since"]
            if not value or since is None:
                continue
            existing = found.entries[model].get(since) if found is not None else None
            if existing is None:
                yield HistoryChange(model, None, value, since)
            elif existing[1] != value:
                yield HistoryChange(model, existing[0], value, since)

    def change(self, row: Row, found: StoredClient) -> ChangedClient | None:
        after = tuple(row.values.get(name, before) for name, before in zip(self.compare, found.values, strict=True))
        histories = list(self._history_changes(row, found))
        if after == found.values and not histories:
            return None
        return ChangedClient(row, found, after, histories)

    # Writing.

    def write(self, new: list[Row], changed: list[ChangedClient]) -> None:
        now = timezone.now()
        self.insert_clients(new, now)
        self.update_clients(changed, now)
        histories = [(row.id, change) for row in new for change in self._history_changes(row, None)]
        histories += [(c.stored.id, change) for c in changed for change in c.histories]
        for *_columns, model in HISTORIES:
            value_field = VALUE_FIELD[model]
            entries = [(pk, change) for pk, change in histories if change.model is model]
            self.insert(
                model,
                ("client", value_field, "since", "recorded_at"),
                [(pk, c.value, c.since, now) for pk, c in entries if c.entry_id is None],
            )
            updated = [model(id=c.entry_id, **{value_field: c.value}) for _pk, c in entries if c.entry_id is not None]
            bulk_update_rows(model, updated, [value_field])

    def insert_clients(self, rows: list[Row], now: datetime.datetime) -> None:
        """Sets each row's id, by which the histories are written: ids from the sequence, one INSERT of arrays."""
        values = []
        for row in rows:
            loose = name_key(row.values["first_name"], row.values["last_name"])
            values.append(
                (
                    row.values["client_ref"],
                    loose,
                    person_match_hash(loose, row.values.get("birth_date")),
                    now,
                    now,
                    *[row.values.get(name, default) for name, default in self.defaults.items()],
                )
            )
        columns = ("client_ref", "name_key", "match_hash", "created_at", "updated_at", *self.defaults)
        ids = new_ids(Client, len(rows))
        insert_unnest(Client, ("id", *columns), [(pk, *row) for pk, row in zip(ids, values, strict=True)])
        for row, pk in zip(rows, ids, strict=True):
            row.id = pk

    def update_clients(self, rows: list[ChangedClient], now: datetime.datetime) -> None:
        clients = []
        for row in rows:
            values = dict(zip(self.compare, row.values, strict=True))
            client = Client(pk=row.stored.id, updated_at=now, **values)
            client.name_key = name_key(client.first_name, client.last_name)
            client.match_hash = person_match_hash(client.name_key, client.birth_date)
            clients.append(client)
        bulk_update_rows(Client, clients, self.update_fields)

    def after_write(self, new: list[Row], changed: list[ChangedClient]) -> None:
        """Contacts and status_history.csv name the clients of this file."""
        for row in new:
            assert row.id is not None
            self.ctx.clients[row.values["client_ref"]] = (row.id, row.values["provider_id"])
        for c in changed:
            self.ctx.clients[c.row.values["client_ref"]] = (c.stored.id, c.values[self.provider_position])


@dataclass(slots=True)
class StoredStatus:
    id: int
    legal_status: str


class StatusHistoryImport(FastImport):
    """Earlier legal statuses of clients: matched on (client, since), never the client's current one."""

    name = "status_history"
    model = LegalStatusEntry
    memoized = ("client_ref", "legal_status", "since")

    def key(self, row: Row) -> tuple[int, datetime.date] | None:
        client_id, since = row.values.get("client_id"), row.values.get("since")
        return None if client_id is None or since is None else (client_id, since)

    def load(self, rows: list[Row]) -> dict[tuple[int, datetime.date], list[StoredStatus]]:
        client_ids = sorted({key[0] for row in rows if (key := self.key(row)) is not None})
        fields = ("id", "client", "since", "legal_status")
        return {
            (client_id, since): [StoredStatus(pk, status)]
            for pk, client_id, since, status in values_where_in(LegalStatusEntry, fields, "client", client_ids)
        }

    def pick(self, row: Row, candidates: list[StoredStatus]) -> StoredStatus | None:
        """Keyed by the client's id, which the client_ref widget found within the import's scope."""
        return candidates[0] if candidates else None

    def check_row(self, row: Row, found: StoredStatus | None) -> None:
        ref = row.cells[self.ref_index].strip()
        since = row.values.get("since")
        if since and self.ctx.current_status_since.get(ref) == since and "since" not in row.errors:
            row.errors.setdefault("since", []).append(
                _(
                    "Client '%(ref)s' has its current legal status (clients.csv) from this date; "
                    "list only earlier ones here."
                )
                % {"ref": ref}
            )

    def change(self, row: Row, found: StoredStatus) -> tuple[int, str] | None:
        status = row.values.get("legal_status", found.legal_status)
        return None if status == found.legal_status else (found.id, status)

    def write(self, new: list[Row], changed: list[tuple[int, str]]) -> None:
        now = timezone.now()
        self.insert(
            LegalStatusEntry,
            ("client", "legal_status", "since", "recorded_at"),
            [(row.values["client_id"], row.values["legal_status"], row.values["since"], now) for row in new],
        )
        entries = [LegalStatusEntry(id=pk, legal_status=status) for pk, status in changed]
        bulk_update_rows(LegalStatusEntry, entries, ["legal_status"])


def import_clients(sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> FileCounts:
    return ClientImport(sheet, ctx, errors).run()


def import_status_history(sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> FileCounts:
    return StatusHistoryImport(sheet, ctx, errors).run()

"""contacts.csv: about 85 % of a folder's rows (2.4 million at national scale), written with PostgreSQL's COPY.

New contacts take their ids from the table's sequence, so that their clients and topics are COPYed
in the same go without asking the database which ids it gave. The records come from a
StreamedSheet when a folder is read from disk, so memory does not grow with the file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Contact, ContactTopic

from .bulk import bulk_update_rows, delete_rows, field_of, new_ids, values_where_in
from .fast import FastImport, Records, Row
from .formats import ReadError
from .results import FileCounts
from .widgets import ImportContext, family_id


@dataclass(slots=True)
class Stored:
    """A contact in the database, as a row is compared with it."""

    id: int
    provider_id: int
    values: tuple  # the attributes of ContactResource.compare
    client_ids: tuple[int, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(slots=True)
class Changed:
    stored: Stored
    values: tuple | None  # None: the contact's own fields are unchanged
    provider_id: int
    client_ids: tuple[int, ...] | None  # None: unchanged
    topics: tuple[str, ...] | None


class ContactImport(FastImport):
    name = "contacts"
    model = Contact
    memoized = ("date", "staff_ref", "family_ref", "client_refs", "form", "duration_minutes", "topics", "interpreter")
    rebuilt = (Contact, Contact.clients.through, ContactTopic)

    def __init__(self, sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> None:
        super().__init__(sheet, ctx, errors)
        fields = self.resource.fields
        self.staff_attribute = fields["staff_ref"].attribute
        self.clients_attribute = fields["client_refs"].attribute
        self.topics_attribute = fields["topics"].attribute
        self.staff_position = self.compare.index(self.staff_attribute)
        self.served_indexes = [self.headers.index(c) for c in ("family_ref", "client_refs") if c in self.headers]
        self.defaults = {name: field_of(Contact, name).get_default() for name in self.compare}
        # ContactResource.compare names attributes; bulk_update_rows takes field names.
        self.update_fields = [name.removesuffix("_id") for name in self.compare] + ["provider"]

    def load(self, rows: list[Row]) -> dict[str, list[Stored]]:
        """The stored contacts of the rows' refs, with their clients and topics, in three queries."""
        fields = ("contact_ref", "id", "provider_id", *self.compare)
        found: dict[str, list[Stored]] = {}
        for ref, pk, provider_id, *compared in values_where_in(Contact, fields, "contact_ref", self.stored_refs(rows)):
            if self.ctx.in_scope(provider_id):
                found.setdefault(ref, []).append(Stored(pk, provider_id, tuple(compared)))
        by_id = {stored.id: stored for candidates in found.values() for stored in candidates}
        ids = list(by_id)
        clients: dict[int, list[int]] = defaultdict(list)
        topics: dict[int, list[str]] = defaultdict(list)
        for contact_id, client_id in values_where_in(Contact.clients.through, ("contact", "client"), "contact", ids):
            clients[contact_id].append(client_id)
        for contact_id, topic in values_where_in(ContactTopic, ("contact", "topic"), "contact", ids):
            topics[contact_id].append(topic)
        for pk, stored in by_id.items():
            stored.client_ids = tuple(sorted(clients.get(pk, ())))
            stored.topics = tuple(sorted(topics.get(pk, ())))
        return found

    def check_row(self, row: Row, found: Stored | None) -> None:
        """The family is the contact's provider's, and a contact serves a family or clients."""
        if "family_id" in row.values:
            try:
                provider_id = self.provider_of(row)
                ref = row.values["family_id"]
                row.values["family_id"] = family_id(self.ctx, provider_id, ref, served=True) if provider_id else None
            except ValueError as exc:
                row.errors.setdefault("family_ref", []).append(str(exc))
        for index in self.served_indexes:
            if row.cells[index].strip():
                return
        row.errors.setdefault("client_refs", []).append(
            _("Give family_ref, client_refs or both: whom did the contact serve?")
        )

    def change(self, row: Row, found: Stored) -> Changed | None:
        """A column the file leaves out changes nothing. A contact stays with the provider it was delivered
        for, unless the row names another staff member."""
        values = row.values
        after = tuple(values.get(name, before) for name, before in zip(self.compare, found.values, strict=True))
        clients = values.get(self.clients_attribute)
        topics = values.get(self.topics_attribute)
        clients = None if clients == found.client_ids else clients
        topics = None if topics == found.topics else topics
        if after == found.values and clients is None and topics is None:
            return None
        staff_id = after[self.staff_position]
        same_staff = staff_id == found.values[self.staff_position]
        return Changed(
            stored=found,
            values=None if after == found.values else after,
            provider_id=found.provider_id if same_staff else self.ctx.staff_by_id[staff_id].provider_id,
            client_ids=clients,
            topics=topics,
        )

    # Writing.

    def write(self, new: list[Row], changed: list[Changed]) -> None:
        self.create(new)
        self.update(changed)

    def create(self, rows: list[Row]) -> None:
        self.insert_contacts(rows)
        links = [(row.id, client_id) for row in rows for client_id in row.values.get(self.clients_attribute) or ()]
        topics = [(row.id, topic) for row in rows for topic in row.values.get(self.topics_attribute) or ()]
        self.insert(Contact.clients.through, ("contact", "client"), links)
        self.insert(ContactTopic, ("contact", "topic"), topics)

    def written_provider(self, row: Row) -> int:
        """The provider of a row being written (its staff cell is valid, or it would not be)."""
        provider_id = self.provider_of(row)
        assert provider_id is not None
        return provider_id

    def provider_of(self, row: Row) -> int | None:
        """The contact's provider: its staff member's (None while the staff cell has an error)."""
        staff_id = row.values.get(self.staff_attribute)
        return None if staff_id is None else self.ctx.staff_by_id[staff_id].provider_id

    def insert_contacts(self, rows: list[Row]) -> None:
        """Sets each row's id: ids from the sequence, one binary COPY."""
        defaults = list(self.defaults.items())
        for row, pk in zip(rows, new_ids(Contact, len(rows)), strict=True):
            row.id = pk
        now = timezone.now()
        self.insert(
            Contact,
            ["id", "contact_ref", "provider", "created_at", *self.compare],
            [
                (
                    row.id,
                    self.key(row),
                    self.written_provider(row),
                    now,
                    *[row.values.get(name, default) for name, default in defaults],
                )
                for row in rows
            ],
        )

    def update(self, rows: list[Changed]) -> None:
        contacts = [
            Contact(pk=row.stored.id, provider_id=row.provider_id, **dict(zip(self.compare, row.values, strict=True)))
            for row in rows
            if row.values is not None
        ]
        bulk_update_rows(Contact, contacts, self.update_fields)
        relinked = [row for row in rows if row.client_ids is not None]
        retopiced = [row for row in rows if row.topics is not None]
        delete_rows(Contact.clients.through, "contact", [row.stored.id for row in relinked])
        delete_rows(ContactTopic, "contact", [row.stored.id for row in retopiced])
        links = [(row.stored.id, client_id) for row in relinked for client_id in row.client_ids or ()]
        topics = [(row.stored.id, topic) for row in retopiced for topic in row.topics or ()]
        self.insert(Contact.clients.through, ("contact", "client"), links)
        self.insert(ContactTopic, ("contact", "topic"), topics)


def import_contacts(sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> FileCounts:
    return ContactImport(sheet, ctx, errors).run()

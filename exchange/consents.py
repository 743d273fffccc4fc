"""consents.csv of exchange format version 2: what each client agreed to (shared/spec/casework.md "Consent").

A consent has no reference in the format: it is matched on (client, kind, given_on), so that importing twice
changes nothing, and a row that changes `how`, `institution_kinds`, `staff_ref` or `withdrawn_on` updates its
consent. A client's consents that the file does not list are left alone: the file adds and updates, it never
deletes (a consent is withdrawn, not deleted). Where the pages recorded two consents of one kind on one day for
a client, a row means the first recorded. The signed form (a document) is not part of the format: an imported
consent has none, and an updated one keeps its own.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from clients.choices import ConsentKind
from clients.models import Consent

from .bulk import bulk_update_rows, values_where_in
from .casework import CaseworkImport, Changed, Stored
from .fast import Records, Row
from .formats import ReadError
from .results import FileCounts
from .widgets import ImportContext

Key = tuple[int, str, datetime.date]  # (client id, kind, given_on)


def _add(row: Row, column: str, message: str) -> None:
    row.errors.setdefault(column, []).append(message)


class ConsentImport(CaseworkImport):
    """A client's consent; the staff member who recorded it is of the client's provider."""

    name = "consents"
    model = Consent
    memoized = ("client_ref", "kind", "institution_kinds", "given_on", "how", "staff_ref", "withdrawn_on")

    def __init__(self, sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> None:
        super().__init__(sheet, ctx, errors)
        self.stored: dict[Key, list[Stored]] = {}  # of the clients loaded so far
        self.loaded: set[int] = set()
        self.rows_of: dict[Key, int] = {}  # the row of the file that gives each key

    def key(self, row: Row) -> Key | None:
        client_id, kind, given_on = (row.values.get(name) for name in ("client_id", "kind", "given_on"))
        return None if client_id is None or not kind or given_on is None else (client_id, kind, given_on)

    def provider_of(self, row: Row) -> int | None:
        """The client's provider (the client_ref widget found the client within the import's scope)."""
        if row.values.get("client_id") is None:
            return None
        return self.ctx.clients[row.cells[self.ref_index].strip()][1]

    def load(self, rows: list[Row]) -> dict[Key, list[Stored]]:
        providers = {row.values["client_id"]: self.provider_of(row) for row in rows if self.key(row) is not None}
        new_ids = sorted(set(providers) - self.loaded)
        self.loaded.update(new_ids)
        fields = ("id", "client", "kind", "given_on", "institution_kinds", "how", "staff", "withdrawn_on")
        for pk, client_id, kind, given_on, kinds, how, staff_id, withdrawn_on in sorted(
            values_where_in(Consent, fields, "client", new_ids)
        ):
            values = (tuple(sorted(kinds)), how, staff_id, withdrawn_on)
            self.stored.setdefault((client_id, kind, given_on), []).append(
                Stored(pk, providers[client_id] or 0, values)
            )
        return self.stored

    def pick(self, row: Row, candidates: list[Stored]) -> Stored | None:
        """Keyed by the client's id, which the client_ref widget found within the import's scope; the first
        recorded of a key's consents."""
        super().pick(row, [])
        return candidates[0] if candidates else None

    def check_row(self, row: Row, found: Stored | None) -> None:
        values = row.values
        stored = dict(zip(self.compare, found.values, strict=True)) if found is not None else {}
        kind, given_on = values.get("kind"), values.get("given_on")
        kinds = values.get("institution_kinds", stored.get("institution_kinds", ()))
        if kinds and kind and kind != ConsentKind.SHARE_WITH_INSTITUTIONS:
            _add(
                row,
                "institution_kinds",
                _("Kinds of institution are given only for share_with_institutions; leave this empty."),
            )
        withdrawn_on = values.get("withdrawn_on", stored.get("withdrawn_on"))
        if withdrawn_on is not None and given_on is not None and withdrawn_on < given_on:
            _add(row, "withdrawn_on", _("The consent is withdrawn before it was given (given_on)."))
        staff_id = values.get("staff_id")
        provider_id = self.provider_of(row)
        if (
            staff_id is not None
            and provider_id is not None
            and self.ctx.staff_by_id[staff_id].provider_id != provider_id
        ):
            ref = row.cells[self.headers.index("staff_ref")].strip()
            _add(
                row,
                "staff_ref",
                _("Staff member '%(ref)s' is not of the client's provider: who recorded the consent?") % {"ref": ref},
            )
        key = self.key(row)
        if key is not None and not row.errors:
            if key in self.rows_of:
                message = _("The client's consent of this kind given on this day is in row %(row)d already.")
                _add(row, "given_on", message % {"row": self.rows_of[key]})
            else:
                self.rows_of[key] = row.number

    def change(self, row: Row, found: Stored) -> Changed | None:
        return self.changed(row, found)

    def write(self, new: list[Row], changed: list[Changed]) -> None:
        Consent.objects.bulk_create(
            [
                Consent(
                    client_id=row.values["client_id"],
                    kind=row.values["kind"],
                    given_on=row.values["given_on"],
                    how=row.values["how"],
                    institution_kinds=list(row.values.get("institution_kinds", ())),
                    staff_id=row.values.get("staff_id"),
                    withdrawn_on=row.values.get("withdrawn_on"),
                )
                for row in new
            ],
            batch_size=1000,
        )
        consents = []
        for c in changed:
            values = dict(zip(self.compare, c.values, strict=True))
            values["institution_kinds"] = list(values["institution_kinds"])
            consents.append(Consent(id=c.stored.id, **values))
        bulk_update_rows(Consent, consents, ["institution_kinds", "how", "staff", "withdrawn_on"])


def import_consents(sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> FileCounts:
    return ConsentImport(sheet, ctx, errors).run()

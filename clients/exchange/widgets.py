"""Widgets of the exchange resources: they turn a cell into a value or raise ValueError with a clear message."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import widgets

from clients.models import Client, Family, Provider, Staff

REF_RE = re.compile(r"^[A-Za-z0-9_\-./]+$")
CODE_RE = re.compile(r"^[A-Z0-9_-]{1,20}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class StaffInfo:
    id: int
    role: str
    provider_id: int


@dataclass
class ImportContext:
    """What the resources of one import share: lookups of references to ids, and the manager's scope.

    The lookups are loaded once and kept up to date as each file is saved, so a reference costs a
    dict lookup, not a query, whether it points to the database or to a row of the same import.
    """

    scope_provider_id: int | None = None
    providers: dict[str, int] = field(default_factory=dict)
    staff: dict[str, StaffInfo] = field(default_factory=dict)
    staff_by_id: dict[int, StaffInfo] = field(default_factory=dict)
    families: dict[str, int] = field(default_factory=dict)
    clients: dict[str, tuple[int, int]] = field(default_factory=dict)  # ref -> (id, provider id)
    # Clients a manager may name in contacts: their own, and those their provider served before a hand-over.
    served_client_ids: set[int] = field(default_factory=set)
    # References whose rows were refused in this import: rows that depend on them are not reported again.
    refused: dict[str, set[str]] = field(default_factory=dict)
    # The date of each client's current status in clients.csv, which status_history.csv must not repeat.
    current_status_since: dict[str, datetime.date] = field(default_factory=dict)
    # Set by a widget when the row depends on a refused row; the row is then left out silently.
    blocked: bool = False

    @classmethod
    def load(cls, *, scope_provider_id: int | None) -> ImportContext:
        ctx = cls(scope_provider_id=scope_provider_id)
        ctx.providers = dict(Provider.objects.values_list("code", "id"))
        for pk, ref, role, provider_id in Staff.objects.values_list("id", "staff_ref", "role", "provider_id"):
            ctx.remember_staff(ref, StaffInfo(pk, role, provider_id))
        ctx.families = dict(Family.objects.values_list("family_ref", "id"))
        ctx.clients = {
            ref: (pk, prov) for ref, pk, prov in Client.objects.values_list("client_ref", "id", "provider_id")
        }
        if scope_provider_id is not None:
            from plans.models import Contact

            through = Contact.clients.through
            ctx.served_client_ids = set(
                through.objects.filter(contact__provider_id=scope_provider_id).values_list("client_id", flat=True)
            )
        return ctx

    def remember_staff(self, ref: str, info: StaffInfo) -> None:
        self.staff[ref] = info
        self.staff_by_id[info.id] = info

    def in_scope(self, provider_id: int | None) -> bool:
        return self.scope_provider_id is None or provider_id == self.scope_provider_id

    def refuse(self, kind: str, ref: str) -> None:
        self.refused.setdefault(kind, set()).add(ref)

    def is_refused(self, kind: str, ref: str) -> bool:
        return ref in self.refused.get(kind, ())


class CellWidget(widgets.Widget):
    """Base: a text cell, trimmed; `required` cells may not be empty."""

    ctx: ImportContext

    def __init__(self, *, required: bool = False, max_length: int | None = None, strip: bool = True) -> None:
        super().__init__(coerce_to_string=True)
        self.required = required
        self.max_length = max_length
        self.strip = strip

    def text(self, value: Any) -> str:
        text = "" if value is None else str(value)
        if self.strip:
            text = text.strip()
        if self.required and not text:
            raise ValueError(_("This cell is required."))
        if self.max_length and len(text) > self.max_length:
            raise ValueError(_("At most %(max)d characters.") % {"max": self.max_length})
        return text

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        return self.text(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class RefWidget(CellWidget):
    """The row's own reference."""

    def __init__(self, *, max_length: int = 50) -> None:
        super().__init__(required=True, max_length=max_length)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = self.text(value)
        if not REF_RE.match(text):
            raise ValueError(_("A reference may hold only letters A–Z, digits and the signs _ - . /"))
        return text


class ProviderCodeWidget(CellWidget):
    def __init__(self) -> None:
        super().__init__(required=True, max_length=20)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = self.text(value)
        if not CODE_RE.match(text):
            raise ValueError(_("A provider code is 1–20 of the signs A–Z, 0–9, _ and - (e.g. LSK)."))
        return text


class EmailWidget(CellWidget):
    def __init__(self) -> None:
        super().__init__(max_length=254)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = self.text(value)
        if text:
            try:
                validate_email(text)
            except ValidationError:
                raise ValueError(_("'%(value)s' is not an email address.") % {"value": text}) from None
        return text


class ChoiceWidget(CellWidget):
    """One code of a TextChoices; empty is '' unless required."""

    def __init__(self, choices: Any, *, required: bool = False) -> None:
        super().__init__(required=required)
        self.codes = [value for value, _label in choices.choices]

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = self.text(value)
        if text and text not in self.codes:
            raise ValueError(
                _("Unknown value '%(value)s'; use one of: %(codes)s.") % {"value": text, "codes": ", ".join(self.codes)}
            )
        return text


class CodeListWidget(ChoiceWidget):
    """`;`-separated codes, returned as a sorted tuple without repeats."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> tuple[str, ...]:
        parts = {p.strip() for p in self.text(value).split(";") if p.strip()}
        unknown = sorted(parts - set(self.codes))
        if unknown:
            raise ValueError(
                _("Unknown value '%(value)s'; use one of: %(codes)s.")
                % {"value": "', '".join(unknown), "codes": ", ".join(self.codes)}
            )
        return tuple(sorted(parts))


class DateCellWidget(CellWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> datetime.date | None:
        text = self.text(value)
        if not text:
            return None
        if not DATE_RE.match(text):
            raise ValueError(_("Date must be YYYY-MM-DD, e.g. 2022-03-31; got '%(value)s'.") % {"value": text})
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("There is no such date as '%(value)s'.") % {"value": text}) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.isoformat() if value else ""


class CountryWidget(CellWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = self.text(value)
        if text and text not in countries:
            raise ValueError(
                _("Unknown country code '%(value)s'; use ISO 3166-1 alpha-2 codes such as SY or AF.") % {"value": text}
            )
        return text


class NumberWidget(CellWidget):
    def __init__(self, *, minimum: int, maximum: int, message: str) -> None:
        super().__init__()
        self.minimum = minimum
        self.maximum = maximum
        self.message = message

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        text = self.text(value)
        if not text:
            return None
        if not text.isdigit() or not self.minimum <= int(text) <= self.maximum:
            raise ValueError(self.message % {"value": text, "min": self.minimum, "max": self.maximum})
        return int(text)


class ProviderWidget(CellWidget):
    """A provider code → the provider's id."""

    def __init__(self) -> None:
        super().__init__(required=True)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        code = self.text(value)
        if self.ctx.scope_provider_id is not None and self.ctx.providers.get(code) != self.ctx.scope_provider_id:
            raise ValueError(
                _("You may import only your own provider's records; this row is for '%(code)s'.") % {"code": code}
            )
        if self.ctx.is_refused("providers", code):
            self.ctx.blocked = True
            return None
        if code not in self.ctx.providers:
            raise ValueError(_("No provider with code '%(code)s'.") % {"code": code})
        return self.ctx.providers[code]


class StaffWidget(CellWidget):
    """A staff_ref → the staff member's id; `role` when the column asks for one."""

    def __init__(self, *, role: str | None = None, required: bool = False) -> None:
        super().__init__(required=required)
        self.role = role

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        ref = self.text(value)
        if not ref:
            return None
        if self.ctx.is_refused("staff", ref):
            self.ctx.blocked = True
            return None
        info = self.ctx.staff.get(ref)
        if info is None or not self.ctx.in_scope(info.provider_id):
            raise ValueError(_("No staff member with reference '%(ref)s'.") % {"ref": ref})
        if self.role and info.role != self.role:
            if self.role == "mentor":
                message = _("Staff member '%(ref)s' is not a mentor but a social worker.")
            else:
                message = _("Staff member '%(ref)s' is not a social worker but a mentor.")
            raise ValueError(message % {"ref": ref})
        return info.id


class FamilyWidget(CellWidget):
    """A family_ref → the family's id (clients.csv makes the families before its rows are read)."""

    def __init__(self) -> None:
        super().__init__(max_length=50)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        ref = self.text(value)
        if not ref:
            return None
        if not REF_RE.match(ref):
            raise ValueError(_("A reference may hold only letters A–Z, digits and the signs _ - . /"))
        if ref not in self.ctx.families:
            raise ValueError(_("No family with reference '%(ref)s'.") % {"ref": ref})
        return self.ctx.families[ref]


class ClientWidget(CellWidget):
    """A client_ref → the client's id."""

    def __init__(self) -> None:
        super().__init__(required=True)

    def lookup(self, ref: str) -> int | None:
        """The id, None when the client's row was refused; ValueError when unknown (or out of scope)."""
        if self.ctx.is_refused("clients", ref):
            self.ctx.blocked = True
            return None
        found = self.ctx.clients.get(ref)
        if found is None or not self._visible(*found):
            raise ValueError(_("No client with reference '%(ref)s'.") % {"ref": ref})
        return found[0]

    def _visible(self, client_id: int, provider_id: int) -> bool:
        return self.ctx.in_scope(provider_id) or client_id in self.ctx.served_client_ids

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        return self.lookup(self.text(value))


class OwnClientWidget(ClientWidget):
    """A client of the manager's own provider (status history is only written for those)."""

    def _visible(self, client_id: int, provider_id: int) -> bool:
        return self.ctx.in_scope(provider_id)


class ClientListWidget(ClientWidget):
    """`;`-separated client refs → a sorted tuple of ids."""

    def __init__(self) -> None:
        CellWidget.__init__(self)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> tuple[int, ...]:
        ids: set[int] = set()
        unknown: list[str] = []
        for ref in dict.fromkeys(p.strip() for p in self.text(value).split(";")):
            if not ref:
                continue
            try:
                client_id = self.lookup(ref)
            except ValueError:
                unknown.append(ref)
                continue
            if client_id is not None:
                ids.add(client_id)
        if len(unknown) == 1:
            raise ValueError(_("No client with reference '%(ref)s'.") % {"ref": unknown[0]})
        if unknown:
            raise ValueError(_("No clients with references '%(refs)s'.") % {"refs": "', '".join(unknown)})
        return tuple(sorted(ids))

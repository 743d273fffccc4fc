"""Widgets of the exchange resources: they turn a cell into a value or raise ValueError with a clear message."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import widgets

from clients.languages import is_language_code
from clients.models import Client, Family, Provider, Staff
from plans.models import Contact, ContactClient

from .cells import parse_date

REF_RE = re.compile(r"^[A-Za-z0-9_\-./]+$")
CODE_RE = re.compile(r"^[A-Z0-9_-]{1,20}$")


@dataclass
class StaffInfo:
    id: int
    role: str
    provider_id: int


# A reference several providers use, named in an import of several providers' records: which one is meant
# cannot be told (references are unique within a provider only).
AMBIGUOUS = -1


@dataclass
class RefIndex:
    """The records of one kind by their reference, unique within a provider (plans, goals): ref -> {provider: id}.

    A reference the import itself wrote means that record; otherwise the record of the provider the row
    names, or the only one there is. Loaded when a file first names one (exchange/casework.py).
    """

    by_ref: dict[str, dict[int, int]] = field(default_factory=dict)
    # ref -> (id, provider id) of the record this import wrote; None when it wrote that reference for several providers.
    written: dict[str, tuple[int, int] | None] = field(default_factory=dict)

    def add(self, ref: str, pk: int, provider_id: int, *, written: bool = False) -> None:
        self.by_ref.setdefault(ref, {})[provider_id] = pk
        if written:
            before = self.written.get(ref, (pk, provider_id))
            self.written[ref] = (pk, provider_id) if before is not None and before[1] == provider_id else None

    def find(self, ref: str, provider_id: int | None = None) -> tuple[int, int] | None:
        """(id, provider id) of the record `ref` means; None when there is none; AmbiguousRef when it cannot be told."""
        candidates = self.by_ref.get(ref, {})
        if provider_id is not None and provider_id in candidates:
            return candidates[provider_id], provider_id
        if ref in self.written:
            if (found := self.written[ref]) is None:
                raise ambiguous(ref)
            return found
        if len(candidates) > 1:
            raise ambiguous(ref)
        return next(((pk, provider) for provider, pk in candidates.items()), None)


@dataclass
class ImportContext:
    """What the resources of one import share: lookups of references to ids, and the manager's scope.

    The lookups are loaded once and kept up to date as each file is saved, so a reference costs a
    dict lookup, not a query, whether it points to the database or to a row of the same import.

    A manager's import (`scope_provider_id`) loads only their provider's records: every reference it
    resolves (staff, family, client, contract) is their provider's, and nothing it says tells what
    another provider holds. An import of several providers' folders (the command line) loads them all;
    a reference that two providers use is refused as ambiguous unless the import itself defines it.
    """

    scope_provider_id: int | None = None
    providers: dict[str, int] = field(default_factory=dict)
    staff: dict[str, StaffInfo | None] = field(default_factory=dict)  # None: ambiguous
    staff_by_id: dict[int, StaffInfo] = field(default_factory=dict)
    families: dict[tuple[int, str], int] = field(default_factory=dict)  # (provider id, ref) -> id
    clients: dict[str, tuple[int, int]] = field(default_factory=dict)  # ref -> (id, provider id); id AMBIGUOUS
    # References whose rows were refused in this import: rows that depend on them are not reported again.
    refused: dict[str, set[str]] = field(default_factory=dict)
    # The date of each client's current status in clients.csv, which status_history.csv must not repeat.
    current_status_since: dict[str, datetime.date] = field(default_factory=dict)
    # Set by a widget when the row depends on a refused row; the row is then left out silently.
    blocked: bool = False
    # Plans and goals by reference (version 2), loaded when a casework file first names one.
    plans: RefIndex | None = None
    goals: RefIndex | None = None
    _families_by_ref: dict[str, list[int]] = field(default_factory=dict)
    _families_indexed: int = -1

    @classmethod
    def load(cls, *, scope_provider_id: int | None) -> ImportContext:
        ctx = cls(scope_provider_id=scope_provider_id)
        ctx.providers = dict(Provider.objects.values_list("code", "id"))
        staff = Staff.objects.all()
        families = Family.objects.all()
        clients = Client.objects.all()
        if scope_provider_id is not None:
            staff = staff.filter(provider_id=scope_provider_id)
            # Their own families and clients, and those their contacts served before a hand-over.
            named = Contact.objects.filter(provider_id=scope_provider_id, family__isnull=False).values("family_id")
            families = families.filter(Q(provider_id=scope_provider_id) | Q(pk__in=named))
            served = ContactClient.objects.filter(contact__provider_id=scope_provider_id).values("client_id")
            clients = clients.filter(Q(provider_id=scope_provider_id) | Q(pk__in=served))
        for pk, ref, role, provider_id in staff.values_list("id", "staff_ref", "role", "provider_id"):
            info = StaffInfo(pk, role, provider_id)
            ctx.staff_by_id[pk] = info
            ctx.staff[ref] = None if ref in ctx.staff else info
        ctx.families = {
            (provider_id, ref): pk for pk, ref, provider_id in families.values_list("id", "family_ref", "provider_id")
        }
        for ref, pk, provider_id in clients.order_by("client_ref").values_list("client_ref", "id", "provider_id"):
            known = ctx.clients.get(ref)
            if known is None:
                ctx.clients[ref] = (pk, provider_id)
            elif scope_provider_id is None:
                ctx.clients[ref] = (AMBIGUOUS, 0)
            elif provider_id == scope_provider_id:
                ctx.clients[ref] = (pk, provider_id)
        return ctx

    def remember_staff(self, ref: str, info: StaffInfo) -> None:
        """A staff member this import wrote: the import's own rows mean them."""
        self.staff[ref] = info
        self.staff_by_id[info.id] = info

    def families_named(self, ref: str) -> list[int]:
        """The ids of the families of any provider loaded with this reference (an index made when first asked)."""
        if self._families_indexed != len(self.families):
            self._families_by_ref = {}
            for (_provider_id, other), pk in self.families.items():
                self._families_by_ref.setdefault(other, []).append(pk)
            self._families_indexed = len(self.families)
        return self._families_by_ref.get(ref, [])

    def in_scope(self, provider_id: int | None) -> bool:
        return self.scope_provider_id is None or provider_id == self.scope_provider_id

    def refuse(self, kind: str, ref: str) -> None:
        self.refused.setdefault(kind, set()).add(ref)

    def is_refused(self, kind: str, ref: str) -> bool:
        return ref in self.refused.get(kind, ())


class AmbiguousRef(ValueError):
    """A reference several providers use (see `AMBIGUOUS`)."""


def ambiguous(ref: str) -> AmbiguousRef:
    return AmbiguousRef(
        _(
            "Reference '%(ref)s' is used by several providers: import each provider's records as that provider's "
            "manager, or give this folder's rows for it."
        )
        % {"ref": ref}
    )


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

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:  # a code; a tuple of codes in a list
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


def _yes_no(text: str) -> bool:
    if text not in ("", "yes", "no"):
        message = _("Unknown value '%(value)s'; use one of: %(codes)s.")
        raise ValueError(message % {"value": text, "codes": "yes, no"})
    return text == "yes"


class YesNoWidget(CellWidget):
    """`yes` or `no`; empty is no."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        return _yes_no(self.text(value))

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "yes" if value else "no"


class YesNoUnknownWidget(CellWidget):
    """`yes` or `no`; empty is not known (None)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool | None:
        text = self.text(value)
        if not text:
            return None
        return _yes_no(text)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else "yes" if value else "no"


def _language(text: str) -> str:
    """An ISO 639-1 code (clients/languages.py), stored lower-case: `FA` is read as `fa`."""
    code = text.lower()
    if not is_language_code(code):
        raise ValueError(
            _("Unknown language code '%(value)s'; use ISO 639-1 codes such as fa, ar, ru or uk.") % {"value": text}
        )
    return code


class LanguageWidget(CellWidget):
    """One language, an ISO 639-1 code; empty is ''."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = self.text(value)
        return _language(text) if text else ""


class LanguageListWidget(CellWidget):
    """`;`-separated ISO 639-1 codes → a list in the order given, without repeats (the client's `languages`)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[str]:
        parts = [p.strip() for p in self.text(value).split(";") if p.strip()]
        codes, unknown = [], []
        for part in parts:
            try:
                codes.append(_language(part))
            except ValueError:
                unknown.append(part)
        if unknown:
            raise ValueError(
                _("Unknown language code '%(value)s'; use ISO 639-1 codes such as fa, ar, ru or uk.")
                % {"value": "', '".join(unknown)}
            )
        return list(dict.fromkeys(codes))

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return ";".join(value or ())


class DateCellWidget(CellWidget):
    """A date, `YYYY-MM-DD` or `DD.MM.YYYY` (exchange/cells.py); both import paths clean dates here."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> datetime.date | None:
        text = self.text(value)
        if not text:
            return None
        return parse_date(text)

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
    def __init__(self, *, minimum: int, maximum: int, message: str | Promise) -> None:
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
        if ref in self.ctx.staff and self.ctx.staff[ref] is None:
            raise ambiguous(ref)
        info = self.ctx.staff.get(ref)
        if info is None:
            raise ValueError(_("No staff member with reference '%(ref)s'.") % {"ref": ref})
        if self.role and info.role != self.role:
            if self.role == "mentor":
                message = _("Staff member '%(ref)s' is not a mentor but a social worker.")
            else:
                message = _("Staff member '%(ref)s' is not a social worker but a mentor.")
            raise ValueError(message % {"ref": ref})
        return info.id


class NamedRefWidget(CellWidget):
    """A reference to a record of another file, checked; the importer resolves it (a plan_ref or goal_ref of a
    casework file: `RefIndex`)."""

    def __init__(self, *, required: bool = False) -> None:
        super().__init__(required=required, max_length=50)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        ref = self.text(value)
        if ref and not REF_RE.match(ref):
            raise ValueError(_("A reference may hold only letters A–Z, digits and the signs _ - . /"))
        return ref


class FamilyWidget(NamedRefWidget):
    """A family_ref, checked; the importer resolves it within the row's provider (`ImportContext.families`)."""

    def __init__(self) -> None:
        super().__init__()


def family_id(ctx: ImportContext, provider_id: int, ref: str, *, served: bool = False) -> int | None:
    """The id of the provider's family `ref` (None for no ref); ValueError when there is none such.

    `served`: a contact may also name a family its provider served before the family was handed over,
    the only family of that reference the import knows of (a manager's import knows only those).
    """
    if not ref:
        return None
    found = ctx.families.get((provider_id, ref))
    if found is None and served:
        others = ctx.families_named(ref)
        if len(others) > 1:
            raise ambiguous(ref)
        found = others[0] if others else None
    if found is None:
        raise ValueError(_("No family with reference '%(ref)s'.") % {"ref": ref})
    return found


class ClientWidget(CellWidget):
    """A client_ref → the client's id (None for an empty cell that is not `required`)."""

    def __init__(self, *, required: bool = True) -> None:
        super().__init__(required=required)

    def lookup(self, ref: str) -> int | None:
        """The id, None when the client's row was refused; ValueError when unknown (or out of scope)."""
        if self.ctx.is_refused("clients", ref):
            self.ctx.blocked = True
            return None
        found = self.ctx.clients.get(ref)
        if found is not None and found[0] == AMBIGUOUS:
            raise ambiguous(ref)
        if found is None or not self._visible(found[1]):
            raise ValueError(_("No client with reference '%(ref)s'.") % {"ref": ref})
        return found[0]

    def _visible(self, provider_id: int) -> bool:
        """The context holds only what the import may name (a manager's: their clients and those they served)."""
        return True

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:  # an id; a tuple of ids in a list
        ref = self.text(value)
        return self.lookup(ref) if ref else None


class OwnClientWidget(ClientWidget):
    """A client of the manager's own provider (status history is only written for those)."""

    def _visible(self, provider_id: int) -> bool:
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
            except AmbiguousRef:
                raise
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

"""django-import-export resources of the exchange format (shared/spec/exchange-format.md), version 1 and the
casework files of version 2.

Each resource maps one file to its model. The import runs in bulk: references are resolved
through the shared `ImportContext` (dicts, not a query a row), existing rows are loaded a chunk at
a time by `RefInstanceLoader`, and histories are written in bulk once a chunk's rows are saved.
A row whose values equal the stored record counts as unchanged. clients.csv, status_history.csv
and contacts.csv, most of the rows, are imported by clients/exchange/fast.py with these resources'
widgets instead of import_row (`FastImportedResource`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader

from clients.choices import (
    ArrivalRoute,
    ClosureReason,
    ConsentHow,
    ConsentKind,
    Gender,
    LatvianLevel,
    LegalStatus,
    StaffRole,
)
from clients.models import (
    CaseEpisode,
    Client,
    Consent,
    Contract,
    Family,
    LegalStatusEntry,
    Provider,
    ResidenceEntry,
    Staff,
)
from plans.choices import (
    AssessmentKind,
    ContactForm,
    GoalArea,
    GoalStatus,
    InstitutionKind,
    PlanStatus,
    ReferralOutcomeReason,
    ReferralStatus,
    Topic,
)
from plans.models import Assessment, AssessmentScore, Contact, ContactClient, ContactTopic, Goal, Plan, Referral

from .bulk import bulk_update_rows
from .formats import FILE_SPECS
from .widgets import (
    CellWidget,
    ChoiceWidget,
    ClientListWidget,
    ClientWidget,
    CodeListWidget,
    CountryWidget,
    DateCellWidget,
    EmailWidget,
    FamilyWidget,
    ImportContext,
    LanguageListWidget,
    LanguageWidget,
    NamedRefWidget,
    NumberWidget,
    OwnClientWidget,
    ProviderCodeWidget,
    ProviderWidget,
    RefWidget,
    StaffInfo,
    StaffWidget,
    YesNoUnknownWidget,
    YesNoWidget,
)

# Queries with an IN list send its values in chunks: a statement of a few hundred parameters each.
IN_CHUNK = 900


def _chunks(items: list, size: int = IN_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class RefInstanceLoader(BaseInstanceLoader):
    """Loads the existing records of a chunk of rows in a few queries, keyed as `row_key` keys rows."""

    def __init__(self, resource: ExchangeResource, dataset: Any = None) -> None:
        super().__init__(resource, dataset)
        self.instances = resource.load_existing(dataset)

    def get_instance(self, row: dict) -> models.Model | None:
        try:
            key = self.resource.row_key(row)
        except ValueError:
            return None
        return self.resource.pick(row, self.instances.get(key, []))


class ExchangeLookups:
    """Ids to references, for export."""

    def __init__(self) -> None:
        self.providers: dict[int | None, str] = dict(Provider.objects.values_list("id", "code"))
        self.staff: dict[int | None, str] = dict(Staff.objects.values_list("id", "staff_ref"))
        self.families: dict[int | None, str] = dict(Family.objects.values_list("id", "family_ref"))


class ExchangeResource(resources.ModelResource):
    """What every file's resource shares: bulk saving, unchanged rows, errors keyed by column."""

    kind = ""  # the file's name, also the key of its refused references
    ref_column = ""
    compare: tuple[str, ...] = ()  # the model attributes a row sets: compared, and bulk-updated

    class Meta:
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = False
        store_instance = False
        use_transactions = False
        instance_loader_class = RefInstanceLoader
        chunk_size = 2000

    def __init__(self, *, ctx: ImportContext | None = None, lookups: ExchangeLookups | None = None) -> None:
        super().__init__()
        self.ctx = ctx or ImportContext()
        self.lookups = lookups
        for field in self.fields.values():
            field.widget.ctx = self.ctx
        self.saved: list[tuple[models.Model, bool]] = []
        self._import_fields: list[Field] | None = None
        self._table_was_empty: bool | None = None

    @property
    def export_lookups(self) -> ExchangeLookups:
        """The lookups an export is made with (import resources have none)."""
        assert self.lookups is not None, "an export resource is made with lookups"
        return self.lookups

    # Loading existing records.

    def row_key(self, row: dict) -> Any:
        return (row.get(self.ref_column) or "").strip()

    def existing_queryset(self, keys: list) -> models.QuerySet:
        """The stored records of the keys; a manager's import sees only their provider's."""
        found = self._meta.model.objects.filter(**{f"{self.ref_column}__in": keys})
        if self.ctx.scope_provider_id is not None and self.per_provider:
            found = found.filter(provider_id=self.ctx.scope_provider_id)
        return found

    per_provider = True  # references unique within a provider (all but the providers' own codes)

    def pick(self, row: dict, candidates: list[models.Model]) -> models.Model | None:
        """The stored record a row means, of those with its reference: the row's provider's.

        Only in an import of several providers can there be more than one, or one of another provider
        (which the row then moves to its provider, as such an import always did).
        """
        if len(candidates) <= 1 or not self.per_provider:
            return candidates[0] if candidates else None
        provider_id = self.ctx.providers.get((row.get("provider") or "").strip())
        return next((c for c in candidates if getattr(c, "provider_id", None) == provider_id), None)

    def load_existing(self, dataset: Any) -> dict[Any, list[models.Model]]:
        if self._table_was_empty is None:
            # Rows of earlier chunks of the same file never match (refs are unique within a file),
            # so an import into an empty table need not look for existing rows at all.
            self._table_was_empty = not self._meta.model.objects.exists()
        if self._table_was_empty:
            return {}
        keys: set = set()
        for record in dataset.dict:
            try:
                keys.add(self.row_key(record))
            except ValueError:
                continue
        found: dict[Any, list[models.Model]] = defaultdict(list)
        for chunk in _chunks(sorted(keys, key=str)):
            for instance in self.existing_queryset(chunk):
                instance._exchange_original = self.snapshot(instance)
                found[self.instance_key(instance)].append(instance)
        self.after_load([instance for instances in found.values() for instance in instances])
        return found

    def instance_key(self, instance: models.Model) -> Any:
        return getattr(instance, self.ref_column)

    def after_load(self, instances: list[models.Model]) -> None:
        """Loads what `extras_unchanged` compares (histories, related rows)."""

    def snapshot(self, instance: models.Model) -> tuple:
        return tuple(instance.__dict__.get(name) for name in self.compare)

    def extras_unchanged(self, instance: models.Model) -> bool:
        return True

    # Reading a row.

    def before_import_row(self, row: dict, **kwargs: Any) -> None:
        self.ctx.blocked = False

    def get_import_fields(self) -> list[Field]:
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def import_instance(self, instance: models.Model, row: dict, **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue  # an optional column the file leaves out: the stored value stays
            try:
                setattr(instance, field.attribute, field.widget.clean(row[field.column_name], row=row))
            except ValueError as exc:
                errors.setdefault(field.column_name, []).append(str(exc))
        self.check_row(instance, row, errors)
        if errors:
            self.ctx.refuse(self.kind, self.row_ref(row))
            raise ValidationError(errors)

    def row_ref(self, row: dict) -> str:
        return (row.get(self.ref_column) or "").strip()

    def check_row(self, instance: Any, row: dict, errors: dict[str, list[str]]) -> None:
        """Rules across cells; adds messages to `errors` by column."""

    def skip_row(self, instance: models.Model, original: Any, row: dict, import_validation_errors: Any = None) -> bool:
        if import_validation_errors:
            return False
        if self.ctx.blocked:
            return True  # depends on a refused row, which is reported already; nothing will be written
        if instance.pk is None:
            return False
        return getattr(instance, "_exchange_original", None) == self.snapshot(instance) and self.extras_unchanged(
            instance
        )

    # Saving.

    def prepare_save(self, instance: models.Model, is_create: bool) -> None:
        """Sets what bulk_create and bulk_update skip (save() is not called)."""

    def save_instance(self, instance: models.Model, is_create: bool, row: dict, **kwargs: Any) -> None:
        self.prepare_save(instance, is_create)
        super().save_instance(instance, is_create, row, **kwargs)
        self.saved.append((instance, is_create))

    def get_bulk_update_fields(self) -> list[str]:
        return [name.removesuffix("_id") if name.endswith("_id") else name for name in self.compare]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None) -> None:
        if self.create_instances:
            try:
                with transaction.atomic():
                    self._meta.model.objects.bulk_create(self.create_instances, batch_size=batch_size)
            except DatabaseError as exc:
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None) -> None:
        if self.update_instances:
            try:
                with transaction.atomic():
                    bulk_update_rows(self._meta.model, self.update_instances, self.get_bulk_update_fields())
            except DatabaseError as exc:
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.update_instances.clear()

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        saved = [(instance, new) for instance, new in self.saved if instance.pk is not None]
        self.saved.clear()
        if saved:
            with transaction.atomic():
                self.after_save_all(saved)

    def after_save_all(self, saved: list[tuple[Any, bool]]) -> None:
        """Writes what depends on the saved rows' ids, and remembers their references."""


def _add(errors: dict[str, list[str]], column: str, message: str) -> None:
    errors.setdefault(column, []).append(message)


class ProviderResource(ExchangeResource):
    code = Field(attribute="code", column_name="code", widget=ProviderCodeWidget())
    name = Field(attribute="name", column_name="name", widget=CellWidget(required=True, max_length=200))

    kind = "providers"
    ref_column = "code"
    compare = ("name",)
    per_provider = False

    class Meta:
        model = Provider
        fields = FILE_SPECS["providers"].columns
        import_id_fields = ("code",)

    def check_row(self, instance: Provider, row: dict, errors: dict[str, list[str]]) -> None:
        scope = self.ctx.scope_provider_id
        if scope is not None and "code" not in errors and self.ctx.providers.get(instance.code) != scope:
            _add(
                errors,
                "code",
                _("You may import only your own provider; this row is for '%(code)s'.") % {"code": instance.code},
            )

    def after_save_all(self, saved: list[tuple[Any, bool]]) -> None:
        for instance, _new in saved:
            self.ctx.providers[instance.code] = instance.pk

    def dehydrate_code(self, obj: Provider) -> str:
        return obj.code


class ContractResource(ExchangeResource):
    provider = Field(attribute="provider_id", column_name="provider", widget=ProviderWidget())
    number = Field(attribute="number", column_name="number", widget=CellWidget(required=True, max_length=50))
    start = Field(attribute="start", column_name="start", widget=DateCellWidget(required=True))
    end = Field(attribute="end", column_name="end", widget=DateCellWidget(required=True))
    planned_persons_per_month = Field(
        attribute="planned_persons_per_month",
        column_name="planned_persons_per_month",
        widget=NumberWidget(
            minimum=0, maximum=1_000_000, message=gettext_lazy("A whole number of persons, e.g. 80; got '%(value)s'.")
        ),
    )

    kind = "contracts"
    ref_column = "number"
    compare = ("provider_id", "start", "end", "planned_persons_per_month")

    class Meta:
        model = Contract
        fields = FILE_SPECS["contracts"].columns
        import_id_fields = ("number",)

    def check_row(self, instance: Contract, row: dict, errors: dict[str, list[str]]) -> None:
        if instance.start and instance.end and instance.end < instance.start:
            _add(errors, "end", _("The contract ends before it starts."))

    def dehydrate_provider(self, obj: Contract) -> str:
        return self.export_lookups.providers[obj.provider_id]


class StaffResource(ExchangeResource):
    staff_ref = Field(attribute="staff_ref", column_name="staff_ref", widget=RefWidget())
    first_name = Field(
        attribute="first_name", column_name="first_name", widget=CellWidget(required=True, max_length=100)
    )
    last_name = Field(attribute="last_name", column_name="last_name", widget=CellWidget(required=True, max_length=100))
    role = Field(attribute="role", column_name="role", widget=ChoiceWidget(StaffRole, required=True))
    provider = Field(attribute="provider_id", column_name="provider", widget=ProviderWidget())
    email = Field(attribute="email", column_name="email", widget=EmailWidget())

    kind = "staff"
    ref_column = "staff_ref"
    compare = ("first_name", "last_name", "role", "provider_id", "email")

    class Meta:
        model = Staff
        fields = FILE_SPECS["staff"].columns
        import_id_fields = ("staff_ref",)

    def after_save_all(self, saved: list[tuple[Any, bool]]) -> None:
        for instance, _new in saved:
            self.ctx.remember_staff(instance.staff_ref, StaffInfo(instance.pk, instance.role, instance.provider_id))

    def dehydrate_provider(self, obj: Staff) -> str:
        return self.export_lookups.providers[obj.provider_id]


class FastImportedResource(ExchangeResource):
    """A large file's columns, their widgets and `compare`: exchange.fast imports the file with them.

    Those files are most of a folder's rows, and import-export's per-row machinery was too slow for them.
    """

    def import_data(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{self.kind}.csv is imported by exchange.fast, with this resource's widgets")


class ClientResource(FastImportedResource):
    client_ref = Field(attribute="client_ref", column_name="client_ref", widget=RefWidget())
    first_name = Field(
        attribute="first_name", column_name="first_name", widget=CellWidget(required=True, max_length=100)
    )
    last_name = Field(attribute="last_name", column_name="last_name", widget=CellWidget(required=True, max_length=100))
    gender = Field(attribute="gender", column_name="gender", widget=ChoiceWidget(Gender))
    birth_date = Field(attribute="birth_date", column_name="birth_date", widget=DateCellWidget())
    country = Field(attribute="country", column_name="country", widget=CountryWidget())
    family_ref = Field(attribute="family_id", column_name="family_ref", widget=FamilyWidget())
    arrival_route = Field(attribute="arrival_route", column_name="arrival_route", widget=ChoiceWidget(ArrivalRoute))
    # Not fields of Client: the current entries of its histories, written once the client is saved.
    legal_status = Field(attribute="import_legal_status", column_name="legal_status", widget=ChoiceWidget(LegalStatus))
    legal_status_since = Field(
        attribute="import_legal_status_since", column_name="legal_status_since", widget=DateCellWidget()
    )
    residence = Field(attribute="import_residence", column_name="residence", widget=CellWidget(max_length=100))
    residence_since = Field(attribute="import_residence_since", column_name="residence_since", widget=DateCellWidget())
    provider = Field(attribute="provider_id", column_name="provider", widget=ProviderWidget())
    service_start = Field(attribute="service_start", column_name="service_start", widget=DateCellWidget())
    social_worker = Field(
        attribute="social_worker_id", column_name="social_worker", widget=StaffWidget(role=StaffRole.SOCIAL_WORKER)
    )
    mentor = Field(attribute="mentor_id", column_name="mentor", widget=StaffWidget(role=StaffRole.MENTOR))
    # Version 2: language and interpretation; empty is not known.
    languages = Field(attribute="languages", column_name="languages", widget=LanguageListWidget())
    latvian_level = Field(attribute="latvian_level", column_name="latvian_level", widget=ChoiceWidget(LatvianLevel))
    interpreter_needed = Field(
        attribute="interpreter_needed", column_name="interpreter_needed", widget=YesNoUnknownWidget()
    )
    interpreter_language = Field(
        attribute="interpreter_language", column_name="interpreter_language", widget=LanguageWidget()
    )
    # Version 2: the current episode's closing, given together (exchange/client_files.py checks them).
    service_end = Field(attribute="service_end", column_name="service_end", widget=DateCellWidget())
    closure_reason = Field(attribute="closure_reason", column_name="closure_reason", widget=ChoiceWidget(ClosureReason))

    kind = "clients"
    ref_column = "client_ref"
    compare = (
        "first_name",
        "last_name",
        "gender",
        "birth_date",
        "country",
        "family_id",
        "arrival_route",
        "provider_id",
        "service_start",
        "social_worker_id",
        "mentor_id",
        "languages",
        "latvian_level",
        "interpreter_needed",
        "interpreter_language",
        "service_end",
        "closure_reason",
    )

    class Meta:
        model = Client
        fields = FILE_SPECS["clients"].columns
        import_id_fields = ("client_ref",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Export: client id -> [(since, value)] in date order.
        self.status_history: dict[int, list[tuple[datetime.date, str]]] = {}
        self.residence_history: dict[int, list[tuple[datetime.date, str]]] = {}

    # Export.

    def before_export(self, queryset: Any, **kwargs: Any) -> None:
        self.status_history = _history(LegalStatusEntry, "legal_status", queryset)
        self.residence_history = _history(ResidenceEntry, "residence", queryset)

    def _latest(self, history: dict, obj: Client) -> tuple[str, str]:
        entries = history.get(obj.pk)
        return (entries[-1][1], entries[-1][0].isoformat()) if entries else ("", "")

    def dehydrate_country(self, obj: Client) -> str:
        return obj.__dict__.get("country") or ""

    def dehydrate_family_ref(self, obj: Client) -> str:
        return self.export_lookups.families.get(obj.family_id, "")

    def dehydrate_legal_status(self, obj: Client) -> str:
        return self._latest(self.status_history, obj)[0]

    def dehydrate_legal_status_since(self, obj: Client) -> str:
        return self._latest(self.status_history, obj)[1]

    def dehydrate_residence(self, obj: Client) -> str:
        return self._latest(self.residence_history, obj)[0]

    def dehydrate_residence_since(self, obj: Client) -> str:
        return self._latest(self.residence_history, obj)[1]

    def dehydrate_provider(self, obj: Client) -> str:
        return self.export_lookups.providers[obj.provider_id]

    def dehydrate_social_worker(self, obj: Client) -> str:
        return self.export_lookups.staff.get(obj.social_worker_id, "")

    def dehydrate_mentor(self, obj: Client) -> str:
        return self.export_lookups.staff.get(obj.mentor_id, "")


def _history(model: type[models.Model], value_field: str, clients: Any) -> dict[int, list[tuple[datetime.date, str]]]:
    history: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    rows = model._default_manager.filter(client__in=clients.values("pk")).order_by("client_id", "since")
    for client_id, since, value in rows.values_list("client_id", "since", value_field).iterator(chunk_size=5000):
        history[client_id].append((since, value))
    return history


class StatusHistoryResource(FastImportedResource):
    """Earlier legal statuses; the current one is in clients.csv."""

    client_ref = Field(attribute="client_id", column_name="client_ref", widget=OwnClientWidget())
    legal_status = Field(
        attribute="legal_status", column_name="legal_status", widget=ChoiceWidget(LegalStatus, required=True)
    )
    since = Field(attribute="since", column_name="since", widget=DateCellWidget(required=True))

    kind = "status_history"
    ref_column = "client_ref"
    compare = ("legal_status",)

    class Meta:
        model = LegalStatusEntry
        fields = FILE_SPECS["status_history"].columns
        import_id_fields = ("client_ref", "since")

    def dehydrate_client_ref(self, obj: LegalStatusEntry) -> str:
        return obj.client.client_ref


class ContactResource(FastImportedResource):
    contact_ref = Field(attribute="contact_ref", column_name="contact_ref", widget=RefWidget())
    date = Field(attribute="date", column_name="date", widget=DateCellWidget(required=True))
    staff_ref = Field(attribute="staff_id", column_name="staff_ref", widget=StaffWidget(required=True))
    family_ref = Field(attribute="family_id", column_name="family_ref", widget=FamilyWidget())
    client_refs = Field(attribute="import_client_ids", column_name="client_refs", widget=ClientListWidget())
    form = Field(attribute="form", column_name="form", widget=ChoiceWidget(ContactForm, required=True))
    duration_minutes = Field(
        attribute="duration_minutes",
        column_name="duration_minutes",
        widget=NumberWidget(
            minimum=1,
            maximum=1440,
            message=gettext_lazy("Duration must be whole minutes from 1 to 1440; got '%(value)s'."),
        ),
    )
    topics = Field(attribute="import_topics", column_name="topics", widget=CodeListWidget(Topic))
    note = Field(attribute="note", column_name="note", widget=CellWidget(strip=False))
    # Version 2.
    interpreter = Field(attribute="interpreter", column_name="interpreter", widget=YesNoWidget())
    place = Field(attribute="place", column_name="place", widget=CellWidget(max_length=200))

    kind = "contacts"
    ref_column = "contact_ref"
    compare = ("date", "staff_id", "family_id", "form", "duration_minutes", "note", "interpreter", "place")

    class Meta:
        model = Contact
        fields = FILE_SPECS["contacts"].columns
        import_id_fields = ("contact_ref",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.refs_of_contact: dict[int, list[str]] = {}
        self.topic_codes: dict[int, tuple[str, ...]] = {}

    # Export: contacts are read a chunk at a time with their clients and topics.

    def iter_queryset(self, queryset: Any) -> Iterable[Contact]:
        last = 0
        while True:
            chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:5000])
            if not chunk:
                return
            ids = [c.pk for c in chunk]
            self.refs_of_contact = defaultdict(list)
            self.topic_codes = {}
            topics: dict[int, list[str]] = defaultdict(list)
            for part in _chunks(ids):
                rows = ContactClient.objects.filter(contact_id__in=part).order_by("client__client_ref")
                for contact_id, ref in rows.values_list("contact_id", "client__client_ref"):
                    self.refs_of_contact[contact_id].append(ref)
                for contact_id, topic in ContactTopic.objects.filter(contact_id__in=part).values_list(
                    "contact_id", "topic"
                ):
                    topics[contact_id].append(topic)
            self.topic_codes = {pk: tuple(sorted(codes)) for pk, codes in topics.items()}
            yield from chunk
            last = chunk[-1].pk

    def dehydrate_staff_ref(self, obj: Contact) -> str:
        return self.export_lookups.staff[obj.staff_id]

    def dehydrate_family_ref(self, obj: Contact) -> str:
        return self.export_lookups.families.get(obj.family_id, "")

    def dehydrate_client_refs(self, obj: Contact) -> str:
        return ";".join(self.refs_of_contact.get(obj.pk, ()))

    def dehydrate_topics(self, obj: Contact) -> str:
        return ";".join(self.topic_codes.get(obj.pk, ()))


# Version 2: the casework files, imported by exchange/casework.py with these widgets.


class EpisodeResource(FastImportedResource):
    """An earlier episode of a client's case; the current one is in clients.csv."""

    client_ref = Field(attribute="client_id", column_name="client_ref", widget=OwnClientWidget())
    provider = Field(attribute="provider_id", column_name="provider", widget=ProviderWidget())
    service_start = Field(attribute="service_start", column_name="service_start", widget=DateCellWidget(required=True))
    service_end = Field(attribute="service_end", column_name="service_end", widget=DateCellWidget(required=True))
    closure_reason = Field(
        attribute="closure_reason", column_name="closure_reason", widget=ChoiceWidget(ClosureReason, required=True)
    )

    kind = "episodes"
    ref_column = "client_ref"
    compare = ("provider_id", "service_end", "closure_reason")

    class Meta:
        model = CaseEpisode
        fields = FILE_SPECS["episodes"].columns
        import_id_fields = ("client_ref", "service_start")

    def dehydrate_client_ref(self, obj: CaseEpisode) -> str:
        return obj.client.client_ref

    def dehydrate_provider(self, obj: CaseEpisode) -> str:
        return self.export_lookups.providers[obj.provider_id]


class PlanResource(FastImportedResource):
    plan_ref = Field(attribute="plan_ref", column_name="plan_ref", widget=RefWidget())
    client_ref = Field(attribute="client_id", column_name="client_ref", widget=OwnClientWidget(required=False))
    family_ref = Field(attribute="family_id", column_name="family_ref", widget=FamilyWidget())
    staff_ref = Field(
        attribute="social_worker_id", column_name="staff_ref", widget=StaffWidget(role=StaffRole.SOCIAL_WORKER)
    )
    status = Field(attribute="status", column_name="status", widget=ChoiceWidget(PlanStatus, required=True))
    start = Field(attribute="start_date", column_name="start", widget=DateCellWidget(required=True))
    review_date = Field(attribute="review_date", column_name="review_date", widget=DateCellWidget())

    kind = "plans"
    ref_column = "plan_ref"
    compare = ("client_id", "family_id", "social_worker_id", "status", "start_date", "review_date")

    class Meta:
        model = Plan
        fields = FILE_SPECS["plans"].columns
        import_id_fields = ("plan_ref",)

    def dehydrate_client_ref(self, obj: Plan) -> str:
        return obj.client.client_ref if obj.client is not None else ""

    def dehydrate_family_ref(self, obj: Plan) -> str:
        return self.export_lookups.families.get(obj.family_id, "")

    def dehydrate_staff_ref(self, obj: Plan) -> str:
        return self.export_lookups.staff.get(obj.social_worker_id, "")


class GoalResource(FastImportedResource):
    goal_ref = Field(attribute="goal_ref", column_name="goal_ref", widget=RefWidget())
    plan_ref = Field(attribute="plan_id", column_name="plan_ref", widget=NamedRefWidget(required=True))
    area = Field(attribute="area", column_name="area", widget=ChoiceWidget(GoalArea, required=True))
    title = Field(attribute="description", column_name="title", widget=CellWidget(required=True))
    # Goal.created_at is a moment: the import stores the day at noon, local time (exchange/casework.py).
    created_on = Field(attribute="created_on", column_name="created_on", widget=DateCellWidget(required=True))
    status = Field(attribute="status", column_name="status", widget=ChoiceWidget(GoalStatus, required=True))
    status_date = Field(attribute="status_date", column_name="status_date", widget=DateCellWidget())

    kind = "goals"
    ref_column = "goal_ref"
    compare = ("plan_id", "area", "description", "created_on", "status", "status_date")

    class Meta:
        model = Goal
        fields = FILE_SPECS["goals"].columns
        import_id_fields = ("goal_ref",)

    def dehydrate_plan_ref(self, obj: Goal) -> str:
        return obj.plan.plan_ref

    def dehydrate_created_on(self, obj: Goal) -> str:
        return timezone.localtime(obj.created_at).date().isoformat()


class ReferralResource(FastImportedResource):
    referral_ref = Field(attribute="referral_ref", column_name="referral_ref", widget=RefWidget())
    date = Field(attribute="date", column_name="date", widget=DateCellWidget(required=True))
    staff_ref = Field(attribute="staff_id", column_name="staff_ref", widget=StaffWidget(required=True))
    client_ref = Field(attribute="client_id", column_name="client_ref", widget=ClientWidget())
    institution_kind = Field(
        attribute="institution_kind",
        column_name="institution_kind",
        widget=ChoiceWidget(InstitutionKind, required=True),
    )
    # A name of the provider's catalogue, made there when new (exchange/casework.py).
    institution = Field(attribute="institution_name", column_name="institution", widget=CellWidget(max_length=200))
    goal_ref = Field(attribute="goal_id", column_name="goal_ref", widget=NamedRefWidget())
    accompanied = Field(attribute="accompanied", column_name="accompanied", widget=YesNoWidget())
    status = Field(attribute="status", column_name="status", widget=ChoiceWidget(ReferralStatus, required=True))
    outcome_date = Field(attribute="outcome_date", column_name="outcome_date", widget=DateCellWidget())
    outcome_reason = Field(
        attribute="outcome_reason", column_name="outcome_reason", widget=ChoiceWidget(ReferralOutcomeReason)
    )

    kind = "referrals"
    ref_column = "referral_ref"
    compare = (
        "date",
        "staff_id",
        "client_id",
        "institution_kind",
        "institution_name",
        "goal_id",
        "accompanied",
        "status",
        "outcome_date",
        "outcome_reason",
    )

    class Meta:
        model = Referral
        fields = FILE_SPECS["referrals"].columns
        import_id_fields = ("referral_ref",)

    def dehydrate_staff_ref(self, obj: Referral) -> str:
        return self.export_lookups.staff[obj.staff_id]

    def dehydrate_client_ref(self, obj: Referral) -> str:
        return obj.client.client_ref

    def dehydrate_institution(self, obj: Referral) -> str:
        return obj.institution.name if obj.institution is not None else ""

    def dehydrate_goal_ref(self, obj: Referral) -> str:
        return obj.goal.goal_ref if obj.goal is not None else ""


def _score_field(area: str) -> Field:
    """An area's score column of assessments.csv: 1–5, empty where the area is not scored."""
    return Field(
        attribute=f"score_{area}",
        column_name=area,
        widget=NumberWidget(
            minimum=1, maximum=5, message=gettext_lazy("A score is a whole number from 1 to 5; got '%(value)s'.")
        ),
        dehydrate_method=lambda obj: obj.exported_scores.get(area, ""),
    )


class AssessmentResource(FastImportedResource):
    """A self-sufficiency assessment; each non-empty area column is one AssessmentScore."""

    assessment_ref = Field(attribute="assessment_ref", column_name="assessment_ref", widget=RefWidget())
    date = Field(attribute="date", column_name="date", widget=DateCellWidget(required=True))
    staff_ref = Field(attribute="staff_id", column_name="staff_ref", widget=StaffWidget(required=True))
    client_ref = Field(attribute="client_id", column_name="client_ref", widget=ClientWidget())
    # Named kind_: `kind` is the resource's file name (ExchangeResource.kind).
    kind_ = Field(attribute="kind", column_name="kind", widget=ChoiceWidget(AssessmentKind, required=True))
    documents = _score_field("documents")
    housing = _score_field("housing")
    health = _score_field("health")
    employment = _score_field("employment")
    education = _score_field("education")
    language = _score_field("language")
    benefits = _score_field("benefits")
    social_services = _score_field("social_services")
    children = _score_field("children")
    daily_life = _score_field("daily_life")

    kind = "assessments"
    ref_column = "assessment_ref"
    compare = ("date", "staff_id", "client_id", "kind")

    class Meta:
        model = Assessment
        fields = tuple("kind_" if c == "kind" else c for c in FILE_SPECS["assessments"].columns)
        import_id_fields = ("assessment_ref",)

    def iter_queryset(self, queryset: Any) -> Iterable[Assessment]:
        """A chunk of assessments at a time, each with its scores (`exported_scores`: area -> score text)."""
        last = 0
        while True:
            chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:5000])
            if not chunk:
                return
            scores: dict[int, dict[str, str]] = defaultdict(dict)
            for part in _chunks([a.pk for a in chunk]):
                rows = AssessmentScore.objects.filter(assessment_id__in=part, score__isnull=False)
                for assessment_id, area, score in rows.values_list("assessment_id", "area", "score"):
                    scores[assessment_id][area] = str(score)
            for assessment in chunk:
                assessment.exported_scores = scores.get(assessment.pk, {})
            yield from chunk
            last = chunk[-1].pk

    def dehydrate_staff_ref(self, obj: Assessment) -> str:
        return self.export_lookups.staff[obj.staff_id]

    def dehydrate_client_ref(self, obj: Assessment) -> str:
        return obj.client.client_ref


class ConsentResource(FastImportedResource):
    """A client's consent (exchange/consents.py): matched on (client, kind, given_on), it has no reference."""

    client_ref = Field(attribute="client_id", column_name="client_ref", widget=OwnClientWidget())
    # Named kind_: `kind` is the resource's file name (ExchangeResource.kind).
    kind_ = Field(attribute="kind", column_name="kind", widget=ChoiceWidget(ConsentKind, required=True))
    institution_kinds = Field(
        attribute="institution_kinds", column_name="institution_kinds", widget=CodeListWidget(InstitutionKind)
    )
    given_on = Field(attribute="given_on", column_name="given_on", widget=DateCellWidget(required=True))
    how = Field(attribute="how", column_name="how", widget=ChoiceWidget(ConsentHow, required=True))
    staff_ref = Field(attribute="staff_id", column_name="staff_ref", widget=StaffWidget())
    withdrawn_on = Field(attribute="withdrawn_on", column_name="withdrawn_on", widget=DateCellWidget())

    kind = "consents"
    ref_column = "client_ref"
    compare = ("institution_kinds", "how", "staff_id", "withdrawn_on")

    class Meta:
        model = Consent
        fields = tuple("kind_" if c == "kind" else c for c in FILE_SPECS["consents"].columns)
        import_id_fields = ("client_ref", "kind_", "given_on")

    def dehydrate_client_ref(self, obj: Consent) -> str:
        return obj.client.client_ref

    def dehydrate_institution_kinds(self, obj: Consent) -> str:
        return ";".join(sorted(obj.institution_kinds))

    def dehydrate_staff_ref(self, obj: Consent) -> str:
        return self.export_lookups.staff.get(obj.staff_id, "")


RESOURCES: dict[str, type[ExchangeResource]] = {
    "providers": ProviderResource,
    "contracts": ContractResource,
    "staff": StaffResource,
    "clients": ClientResource,
    "status_history": StatusHistoryResource,
    "contacts": ContactResource,
    "episodes": EpisodeResource,
    "plans": PlanResource,
    "goals": GoalResource,
    "referrals": ReferralResource,
    "assessments": AssessmentResource,
    "consents": ConsentResource,
}

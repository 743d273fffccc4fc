"""Providers, contracts, staff, families, clients and each client's histories."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
import uuid
from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.files.storage import storages
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from audit.querysets import AuditedQuerySet
from common.names import person_name

from .choices import (
    RECEPTION_CENTRE,
    ArrivalRoute,
    ClosureReason,
    ConsentHow,
    ConsentKind,
    DocumentKind,
    Gender,
    InstitutionKind,
    LatvianLevel,
    LegalStatus,
    StaffRole,
)
from .querysets import ClientQuerySet, FamilyQuerySet, StaffQuerySet

ref_validator = RegexValidator(r"^[A-Za-z0-9_\-./]+$", _("Use only letters A–Z, digits and the signs _ - . /"))

# Common transliterations of the same sound in names from Arabic, Persian, Russian and Latvian
# spellings, applied after diacritics are removed: "Mohammad", "Muhammed", "Mukhammad" meet.
_TRANSLITERATIONS = (
    ("kh", "h"),
    ("sh", "s"),
    ("ch", "c"),
    ("zh", "z"),
    ("ph", "f"),
    ("dj", "j"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ie", "i"),
    ("y", "i"),
    ("w", "v"),
    ("q", "k"),
    ("x", "ks"),
    ("o", "u"),
    ("e", "i"),
)


def name_key(*parts: str) -> str:
    """A loose key for spotting the same person written differently (see `_TRANSLITERATIONS`)."""
    text = " ".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = "".join(ch if ch.isalpha() else " " for ch in text)
    words = []
    for word in text.split():
        for old, new in _TRANSLITERATIONS:
            word = word.replace(old, new)
        # Doubled letters ("Hassan"/"Hasan") are one sound.
        squeezed = [c for i, c in enumerate(word) if i == 0 or c != word[i - 1]]
        words.append("".join(squeezed))
    return " ".join(sorted(words))


def person_match_hash(loose_name: str, birth_date: date | None) -> str | None:
    """The keyed hash that finds one person's records at several providers, or None without a birth date.

    HMAC-SHA256, under the fund's secret `FUND_MATCH_KEY`, of the loose name (`name_key`) and the birth date: two
    providers' records of "Muhammad Ali" and "Mohammad Aly" born the same day meet, and without the key nobody
    can tell from the hash whose it is or test a guessed name against it. A name alone matches too many people:
    a record without a birth date is never matched. The hash never leaves the server (no export, JSON or page).
    """
    if birth_date is None or not loose_name:
        return None
    message = f"{loose_name}|{birth_date}".encode()  # a date reads as YYYY-MM-DD
    return hmac.new(settings.FUND_MATCH_KEY.encode(), message, hashlib.sha256).hexdigest()


def refresh_match_hashes(client_model: type[models.Model], *, batch_size: int = 2000) -> int:
    """Sets every record's `match_hash` from its stored loose name and birth date, in batches; returns how many
    changed. For the migration that adds the column (with its historical model) and for a new FUND_MATCH_KEY."""
    changed = 0
    rows = client_model._default_manager.order_by("pk").values_list("pk", "name_key", "birth_date", "match_hash")
    batch: list[models.Model] = []
    for pk, loose, birth_date, stored in rows.iterator(chunk_size=batch_size):
        wanted = person_match_hash(loose, birth_date)
        if wanted != stored:
            batch.append(client_model(pk=pk, match_hash=wanted))
        if len(batch) >= batch_size:
            client_model._default_manager.bulk_update(batch, ["match_hash"])
            changed, batch = changed + len(batch), []
    if batch:
        client_model._default_manager.bulk_update(batch, ["match_hash"])
        changed += len(batch)
    return changed


class LatvianSortKey(models.Func):
    """A name's key in Latvian alphabetical order (Č after C, Š after S; migration 0007's SQL function)."""

    function = "latvian_sort_key"
    output_field = models.BinaryField()


def by_name(prefix: str = "") -> tuple[models.Func | str, ...]:
    """The order of persons by name: last name, then first name, in Latvian alphabetical order."""
    return (
        LatvianSortKey(f"{prefix}last_name"),
        LatvianSortKey(f"{prefix}first_name"),
        f"{prefix}last_name",
        f"{prefix}first_name",
    )


class Provider(models.Model):
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9_-]{1,20}$", _("Use 1–20 of the signs A–Z, 0–9, _ and -."))],
    )
    name = models.CharField(_("name"), max_length=200)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="contracts"
    )
    # Unique within the provider (`contract_number_per_provider`), like every reference an import resolves.
    number = models.CharField(_("contract number"), max_length=50, db_index=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    planned_persons_per_month = models.PositiveIntegerField(_("planned persons a month"), null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["provider", "start"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=["provider", "number"], name="contract_number_per_provider"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="contract_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.number


class Staff(models.Model):
    # Unique within the provider (`staff_ref_per_provider`): each provider numbers its own staff.
    staff_ref = models.CharField(_("staff reference"), max_length=50, db_index=True, validators=[ref_validator])
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="staff")
    email = models.EmailField(_("email"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = StaffQuerySet.as_manager()

    class Meta:
        ordering = [*by_name()]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "staff_ref"],
                name="staff_ref_per_provider",
                violation_error_message=_("Your provider already has a staff member with this reference."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in lists and choices (`person_name`), in the order they are sorted by (`by_name`)."""
        return person_name(self.first_name, self.last_name)


class Family(models.Model):
    """Clients who form one family. A family belongs to one provider, as its members do."""

    # Each provider gives its own family references (`family_ref_per_provider`).
    family_ref = models.CharField(_("family reference"), max_length=50, db_index=True, validators=[ref_validator])
    name = models.CharField(_("family name"), max_length=200, blank=True)
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="families"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        ordering = ["family_ref"]
        verbose_name = _("family")
        verbose_name_plural = _("families")
        constraints = [
            # Also the index of a provider's families by reference (the family filter, imports).
            models.UniqueConstraint(
                fields=["provider", "family_ref"],
                name="family_ref_per_provider",
                violation_error_message=_("Your provider already has a family with this reference."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.family_ref

    def get_absolute_url(self) -> str:
        return reverse("clients:family_detail", args=[self.pk])


class Client(models.Model):
    # Unique within the provider (`client_ref_per_provider`): each provider numbers its own clients, and
    # nothing tells one provider which references another uses.
    client_ref = models.CharField(_("client reference"), max_length=50, db_index=True, validators=[ref_validator])
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # Kept by save(): the loose form of the name that intake compares for duplicates. Its words are the
    # list's search vocabulary (`NameWord`); on PostgreSQL a GIN index of its words (migration 0004).
    name_key = models.CharField(max_length=250, editable=False, db_index=True)
    # Kept by save() (and by every bulk writer): `person_match_hash` of the loose name and the birth date, by
    # which the fund's figures count a person served by two providers once. Never shown, exported or logged.
    match_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    country = CountryField(_("country of origin"), blank=True)
    family = models.ForeignKey(
        Family,
        verbose_name=_("family"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    arrival_route = models.CharField(_("arrival route"), max_length=30, choices=ArrivalRoute.choices, blank=True)
    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="clients")
    service_start = models.DateField(_("service start"), null=True, blank=True)
    service_end = models.DateField(_("service end"), null=True, blank=True)
    # The current episode's closing (shared/spec/casework.md "Closing and reopening a case"): the reason is given
    # with `service_end` (constraint `client_closure_reason_with_end`); earlier episodes are `CaseEpisode` rows.
    closure_reason = models.CharField(
        _("reason for closing"), max_length=30, choices=ClosureReason.choices, blank=True, default="", db_default=""
    )
    # Why the closure assessment was skipped, or any other word on the closing.
    closure_note = models.TextField(_("note on closing"), blank=True, default="", db_default="")
    # Language and interpretation (shared/spec/casework.md): ISO 639-1 codes of the languages spoken, the level of
    # Latvian, and whether (and in which language) an interpreter is needed; empty or None: not known.
    languages = ArrayField(
        models.CharField(max_length=3), verbose_name=_("languages"), default=list, blank=True, db_default=[]
    )
    latvian_level = models.CharField(
        _("level of Latvian"), max_length=4, choices=LatvianLevel.choices, blank=True, default="", db_default=""
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), null=True, blank=True)
    interpreter_language = models.CharField(
        _("interpreter's language"), max_length=3, blank=True, default="", db_default=""
    )
    # The social worker's follow-up after closing: on their home page from a week before; cleared when done.
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    social_worker = models.ForeignKey(
        Staff,
        verbose_name=_("social worker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="social_work_clients",
        limit_choices_to={"role": StaffRole.SOCIAL_WORKER},
    )
    mentor = models.ForeignKey(
        Staff,
        verbose_name=_("mentor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentored_clients",
        limit_choices_to={"role": StaffRole.MENTOR},
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the retention period ran out and the identifying data was removed (privacy/services.py).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = [*by_name(), "client_ref"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            # The client list of a provider, sorted by name (`by_name`, in Latvian alphabetical order).
            models.Index(
                models.F("provider"),
                LatvianSortKey("last_name"),
                LatvianSortKey("first_name"),
                name="client_provider_lv_name_idx",
            ),
            # The client list filtered on active or closed cases (`service_end` empty or not).
            models.Index(fields=["provider", "service_end"], name="client_provider_end_idx"),
            # The client list's language filter: clients speaking a language (`languages @> ARRAY[code]`).
            GinIndex(fields=["languages"], name="client_languages_gin"),
            # Intake's duplicate search: the provider's clients born on the same day.
            models.Index(fields=["provider", "birth_date"], name="client_provider_birth_idx"),
            # Intake's duplicate search and the list's country filter: the provider's clients from a country.
            models.Index(fields=["provider", "country"], name="client_provider_country_idx"),
            # The fund's unique persons (records sharing a hash: reporting/figures/matching.py, an index-only
            # scan, hence the id) and the client page's "may be served by another provider"
            # (`client_served_elsewhere`).
            models.Index(
                fields=["match_hash"],
                include=["id"],
                condition=Q(match_hash__isnull=False),
                name="client_match_hash_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "client_ref"],
                name="client_ref_per_provider",
                violation_error_message=_("Your provider already has a client with this reference."),
            ),
            models.CheckConstraint(
                condition=Q(service_end__isnull=True)
                | Q(service_start__isnull=True)
                | Q(service_end__gte=models.F("service_start")),
                name="client_service_end_after_start",
            ),
            # A closed case says why; an open one has no reason (imports may leave an old end without one).
            models.CheckConstraint(
                condition=Q(closure_reason="") | Q(service_end__isnull=False),
                name="client_closure_reason_with_end",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs) -> None:
        self.name_key = name_key(self.first_name, self.last_name)
        self.match_hash = person_match_hash(self.name_key, self.birth_date)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name", "birth_date"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key", "match_hash"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("clients:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        """The name as every screen shows it (`person_name`)."""
        return person_name(self.first_name, self.last_name)

    @property
    def is_active(self) -> bool:
        return self.service_end is None

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())


class NameWord(models.Model):
    """A word of some client's `name_key`: the vocabulary the client list's search compares searched words with.

    Kept by the database (triggers of migration 0004), so that bulk inserts, COPY and queryset updates
    add their words too. Words are never removed: a word no name has any more matches nobody.
    """

    word = models.CharField(max_length=250, primary_key=True)

    def __str__(self) -> str:
        return self.word


class CaseEpisode(models.Model):
    """An earlier episode of a client's case: opened, closed and why. The current one is on the client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="episodes")
    # Whose episode it was: the provider serving the client then (a hand-over is not a closure).
    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="+")
    service_start = models.DateField(_("service start"))
    service_end = models.DateField(_("service end"))
    closure_reason = models.CharField(_("reason for closing"), max_length=30, choices=ClosureReason.choices)
    closure_note = models.TextField(_("note on closing"), blank=True, default="")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["client", "service_start"]
        verbose_name = _("case episode")
        verbose_name_plural = _("case episodes")
        indexes = [models.Index(fields=["client", "service_start"], name="caseepisode_client_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_end__gte=models.F("service_start")), name="caseepisode_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_start:%Y-%m-%d}–{self.service_end:%Y-%m-%d}"


class LegalStatusEntry(models.Model):
    """One legal status from the day it took effect; a change adds an entry."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="legal_statuses")
    legal_status = models.CharField(_("legal status"), max_length=20, choices=LegalStatus.choices)
    since = models.DateField(_("since"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-since"]
        verbose_name = _("legal status")
        verbose_name_plural = _("legal status history")
        # The unique index (client, since) also serves the client list's "current legal status"
        # subquery: the latest `since` of one client.
        constraints = [models.UniqueConstraint(fields=["client", "since"], name="legal_status_one_per_day")]

    def __str__(self) -> str:
        return f"{self.get_legal_status_display()} ({self.since:%Y-%m-%d})"


class ResidenceEntry(models.Model):
    """Where the client lives from a day on: the reception centre or a municipality."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="residences")
    residence = models.CharField(_("residence"), max_length=100)
    since = models.DateField(_("since"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-since"]
        verbose_name = _("residence")
        verbose_name_plural = _("residence history")
        # Also serves the client list's "current residence" subquery (the latest `since` of one client).
        constraints = [models.UniqueConstraint(fields=["client", "since"], name="residence_one_per_day")]

    def __str__(self) -> str:
        return f"{self.residence} ({self.since:%Y-%m-%d})"

    @property
    def in_reception_centre(self) -> bool:
        return self.residence == RECEPTION_CENTRE


class ProviderHandover(models.Model):
    """A client handed from one provider to another; the client's history goes along."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="handovers")
    from_provider = models.ForeignKey(
        Provider, verbose_name=_("from provider"), on_delete=models.PROTECT, related_name="+"
    )
    to_provider = models.ForeignKey(Provider, verbose_name=_("to provider"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-date"]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")

    def __str__(self) -> str:
        return f"{self.from_provider} → {self.to_provider} ({self.date:%Y-%m-%d})"


def documents_storage():
    """The private storage of clients' documents (settings.STORAGES["documents"]): never served directly."""
    return storages["documents"]


def document_path(instance: Document, filename: str) -> str:
    """A random name that says nothing about the person: "<year>/<uuid4 hex>" (the type is kept on the row)."""
    return f"{timezone.now():%Y}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A scan or photo kept with a client (shared/spec/casework.md "Documents")."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="documents")
    # The client's provider when it was uploaded.
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+", editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    file = models.FileField(_("file"), storage=documents_storage, upload_to=document_path, max_length=100)
    # Judged from the bytes on upload (never from the name): application/pdf, image/jpeg, image/png, image/heic.
    content_type = models.CharField(_("type"), max_length=50, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            # The client page's documents.
            models.Index(fields=["client", "kind"], name="document_client_kind_idx"),
            # Documents expiring soon (home page, reminders): by provider and validity.
            models.Index(fields=["provider", "valid_until"], name="document_provider_valid_idx"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Consent(models.Model):
    """What the person agreed to (shared/spec/casework.md "Consent"); a withdrawn consent is kept."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent to"), max_length=30, choices=ConsentKind.choices)
    # For `share_with_institutions`: the kinds of institution it covers; empty: all kinds.
    institution_kinds = ArrayField(
        models.CharField(max_length=20, choices=InstitutionKind.choices),
        verbose_name=_("kinds of institution"),
        default=list,
        blank=True,
    )
    given_on = models.DateField(_("given on"))
    how = models.CharField(_("how"), max_length=30, choices=ConsentHow.choices)
    # Who recorded it (consents.csv `staff_ref`).
    staff = models.ForeignKey(
        Staff, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    # The signed form, a document of kind `consent_form`.
    document = models.ForeignKey(
        Document,
        verbose_name=_("signed form"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-given_on", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["client", "kind"], name="consent_client_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
            models.CheckConstraint(
                condition=Q(kind=ConsentKind.SHARE_WITH_INSTITUTIONS) | Q(institution_kinds=[]),
                name="consent_institution_kinds_only_for_sharing",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def valid_on(self, day: date) -> bool:
        """Given by `day` and not withdrawn by then (a withdrawal stops it from that day)."""
        return self.given_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)

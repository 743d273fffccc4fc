"""Report jobs (the archive of generated files) and the providers' narrative for a period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from .querysets import ReportJobQuerySet, ReportNarrativeQuerySet


class ReportKind(models.TextChoices):
    MONTH = "month", _("Month")
    TWO_MONTHS = "two_months", _("Two months")
    INTERIM = "interim", _("Six-month interim report")
    FINAL = "final", _("Final evaluation report")
    CUSTOM = "custom", _("Any period")


# How many calendar months a report of each kind covers, from its first month (a final one: its contract's period).
MONTHS_OF_KIND = {ReportKind.MONTH: 1, ReportKind.TWO_MONTHS: 2, ReportKind.INTERIM: 6}


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FailureReason(models.TextChoices):
    """Why a job failed, as the user reads it: stored as a code, shown translated."""

    RENDER_FAILED = "render_failed", _("The report could not be drawn. The team has been told; please try again later.")
    DATABASE_UNAVAILABLE = (
        "database_unavailable",
        _("The database could not be reached after several tries. Please ask for the report again later."),
    )
    TOO_MANY_ATTEMPTS = (
        "too_many_attempts",
        _("Making the report stopped the worker several times. Try a shorter period or ask the team for help."),
    )
    NO_CONTRACT = "no_contract", _("The provider has no contract for this period.")
    TIMED_OUT = (
        "timed_out",
        _("The report was not made within an hour (the queue or the worker was down). Please ask for it again."),
    )


LANGUAGE_CHOICES = [("lv", _("Latvian")), ("en", _("English"))]

# The text sections a provider writes for a report, in the PDF's order.
NARRATIVE_SECTIONS = {"thematic": _("Thematic information"), "challenges": _("Challenges and difficulties")}


def missing_narrative_sections(*, thematic: str, challenges: str) -> list[str]:
    """The sections (NARRATIVE_SECTIONS' codes) left unwritten: a provider's PDF made without one is a draft.

    The one home of the rule; `ReportJobQuerySet.with_draft` says the same in SQL (the texts are stored stripped).
    """
    texts = {"thematic": thematic, "challenges": challenges}
    return [code for code in NARRATIVE_SECTIONS if not texts[code].strip()]


class ReportNarrative(models.Model):
    """The text sections a provider's manager writes for a period before the PDF is made."""

    provider = models.ForeignKey(
        "clients.Provider", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="report_narratives"
    )
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))
    thematic = models.TextField(_("thematic information"), blank=True)
    challenges = models.TextField(_("challenges and difficulties"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReportNarrativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        constraints = [
            models.UniqueConstraint(fields=["provider", "start", "end"], name="report_narrative_one_per_period"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="report_narrative_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


def report_upload_to(job: ReportJob, filename: str) -> str:
    return f"reports/{filename}"


class ReportJob(models.Model):
    """One request for a report file: its state, and once done, the archived file and its checksum."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        # Null for the reports Celery beat makes on the first of each month.
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    # Null: the report of all providers.
    provider = models.ForeignKey(
        "clients.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES, default="lv")
    suppressed = models.BooleanField(_("publication-safe"), default=False)
    format = models.CharField(_("format"), max_length=5, choices=ReportFormat.choices, default=ReportFormat.PDF)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    error_reason = models.CharField(_("reason"), max_length=30, choices=FailureReason.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The narrative as it was when the job was asked for: the archived report keeps its own text.
    narrative_thematic = models.TextField(_("thematic information"), blank=True)
    narrative_challenges = models.TextField(_("challenges and difficulties"), blank=True)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=report_upload_to, max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size, bytes"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()
    # Not stored: True when report_job_create returned this job, in flight, for the same request again.
    reused: bool = False
    # Not stored: the figures the job's file was made from, as JSON text (set by `services._render`).
    archived_figures: str | None = None

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        indexes = [
            # The archive listing of one provider, newest first.
            models.Index(fields=["provider", "-created_at"], name="report_job_provider_idx"),
            # The archive listing of all providers (coordinators), newest first.
            models.Index(fields=["-created_at"], name="report_job_created_idx"),
            # The beat task's "is this month's report already there?" and the sweep of queued jobs.
            models.Index(fields=["provider", "kind", "start", "end"], name="report_job_period_idx"),
            models.Index(fields=["state", "created_at"], name="report_job_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="report_job_end_after_start"),
            # Celery beat makes each provider's monthly report once, even if two beats overlap.
            models.UniqueConstraint(
                fields=["provider", "kind", "start", "end", "format", "language"],
                condition=Q(requested_by__isnull=True),
                name="report_job_scheduled_once",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def is_draft(self) -> bool:
        """A provider's PDF asked for while a narrative section was unwritten (the report of all providers has none)."""
        if self.provider_id is None or self.format != ReportFormat.PDF:
            return False
        return bool(missing_narrative_sections(thematic=self.narrative_thematic, challenges=self.narrative_challenges))


class FiguresChange(models.Model):
    """A write to the records report figures are made from, noted by a database trigger in the writer's transaction.

    `affects_from`: the earliest day whose figures it may change (None: any day); `provider_id`: the only
    provider whose figures it may change (None: any). Triggers, not signals, so that bulk writes, COPY and
    queryset updates are noted too (migration 0002).
    """

    xid = models.BigIntegerField(null=True)  # the writer's transaction id (pg_current_xact_id)
    affects_from = models.DateField(null=True)
    provider_id = models.BigIntegerField(null=True)
    at = models.DateTimeField(db_default=Now())

    class Meta:
        indexes = [
            # The validity check: the changes a cached entry's snapshot did not see.
            models.Index(fields=["xid"], name="figures_change_xid_idx"),
            models.Index(fields=["at"], name="figures_change_at_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} from {self.affects_from or 'any day'}"


class CachedFigures(models.Model):
    """The figures of one report as last computed, with the database snapshot they were computed in."""

    key = models.CharField(max_length=40, unique=True)  # provider or "all", start, end
    # JSON as text: PostgreSQL's jsonb would reorder the keys, and a report lists its categories in order.
    figures = models.TextField()
    # The snapshot (pg_snapshot text) taken before computing, and its xmin for the index.
    snapshot = models.TextField(blank=True)
    snapshot_xmin = models.BigIntegerField(null=True)
    # The last change id visible before computing: the computing transaction's own later changes are unseen.
    last_change_id = models.BigIntegerField(null=True)
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key


# The rollups: what each calendar month of each provider's contacts adds up to, kept by database triggers
# (migration 0004) in the writer's transaction, so that a report of whole months reads a few rows a month
# instead of every contact. `month` is the month's first day; the counts are exact, never estimates.

# The provider of the rollup rows that count every provider's contacts together (`PersonsMonth` only: a
# person served by two providers in a month is one person of the month, not two).
ALL_PROVIDERS = 0


class PersonsMonth(models.Model):
    """A person served in a month by a provider's contacts, and how many ways: the contact links naming them
    plus the contacts naming their family. The row goes when the count falls to 0."""

    provider_id = models.BigIntegerField()  # ALL_PROVIDERS: by any provider
    month = models.DateField()
    client_id = models.BigIntegerField()
    refs = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider_id", "month", "client_id"], name="persons_month_key"),
        ]
        indexes = [
            # Whether a person was served before a period (new persons).
            models.Index(fields=["provider_id", "client_id", "month"], name="persons_month_client_idx"),
            # The triggers' clean-up of rows whose count fell to 0.
            models.Index(fields=["refs"], condition=Q(refs__lte=0), name="persons_month_spent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.month:%Y-%m}: client {self.client_id}"


class FamiliesMonth(models.Model):
    """A family named by a provider's contacts in a month, and by how many: a person who joins or leaves
    the family gains or loses those contacts (`PersonsMonth`)."""

    provider_id = models.BigIntegerField()
    month = models.DateField()
    family_id = models.BigIntegerField()
    contacts = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider_id", "month", "family_id"], name="families_month_key"),
        ]
        indexes = [
            models.Index(fields=["family_id"], name="families_month_family_idx"),
            models.Index(fields=["contacts"], condition=Q(contacts__lte=0), name="families_month_spent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.month:%Y-%m}: family {self.family_id}"


class ContactsMonth(models.Model):
    """A provider's contacts of a month in one form: how many, and their minutes."""

    provider_id = models.BigIntegerField()
    month = models.DateField()
    form = models.CharField(max_length=20)
    contacts = models.IntegerField()
    minutes = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider_id", "month", "form"], name="contacts_month_key")]
        indexes = [models.Index(fields=["contacts"], condition=Q(contacts__lte=0), name="contacts_month_spent_idx")]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.month:%Y-%m}: {self.form}"


class StaffMonth(models.Model):
    """A staff member who delivered a provider's contacts in a month, and how many."""

    provider_id = models.BigIntegerField()
    month = models.DateField()
    staff_id = models.BigIntegerField()
    contacts = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider_id", "month", "staff_id"], name="staff_month_key")]
        indexes = [models.Index(fields=["contacts"], condition=Q(contacts__lte=0), name="staff_month_spent_idx")]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.month:%Y-%m}: staff {self.staff_id}"


class TopicsMonth(models.Model):
    """A topic of a provider's contacts in a month, and on how many contacts."""

    provider_id = models.BigIntegerField()
    month = models.DateField()
    topic = models.CharField(max_length=20)
    contacts = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider_id", "month", "topic"], name="topics_month_key")]
        indexes = [models.Index(fields=["contacts"], condition=Q(contacts__lte=0), name="topics_month_spent_idx")]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.month:%Y-%m}: {self.topic}"


class Restatement(models.Model):
    """An archived report's figures as they were made, and the figures that differ when it is made again now.

    Kept for every report made since this model (and for the older JSON reports, whose file is their figures).
    `snapshot`, `snapshot_xmin` and `last_change_id`: what the database showed before the figures were last
    computed (`figures_cache.figures_mark`), so that a `FiguresChange` it did not see and that touches the
    report's provider and period calls for another check (`restatements.touched_jobs`). Figures only: the
    differences name no person, client or record.
    """

    job = models.OneToOneField(ReportJob, on_delete=models.CASCADE, related_name="restatement")
    # The report's figures as archived (its JSON, publication-safe when the report is), as text in its order.
    archived = models.TextField()
    snapshot = models.TextField(blank=True)
    snapshot_xmin = models.BigIntegerField(null=True)
    last_change_id = models.BigIntegerField(null=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # [{"figure": "contacts.by_topic.health", "old": 300, "new": 301}, ...] in the report's order.
    changes = models.JSONField(default=list, blank=True)
    # When the figures were first found to differ (None while they are the same as archived).
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The restatement list: the reports that differ now.
            models.Index(fields=["changed_at"], condition=Q(changed_at__isnull=False), name="restatement_changed_idx"),
        ]

    def __str__(self) -> str:
        return f"restatement of job #{self.job_id}"

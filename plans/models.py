"""The contact log and the individual socio-economic inclusion plans: goals, tasks, notes, history."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedQuerySet
from clients.models import Client, Family, Provider, Staff, ref_validator
from common.refs import web_ref

from .choices import (
    OPEN_TASK_STATUSES,
    REFERRAL_STATUSES_WITH_REASON,
    AssessmentKind,
    ContactForm,
    GoalArea,
    GoalStatus,
    GroupSessionKind,
    InstitutionKind,
    PlanEventKind,
    PlanStatus,
    ReferralOutcomeReason,
    ReferralStatus,
    SelfSufficiency,
    TaskStatus,
    Topic,
)
from .querysets import (
    ContactQuerySet,
    GroupSessionQuerySet,
    InstitutionQuerySet,
    PlanQuerySet,
    ReferralQuerySet,
    TaskQuerySet,
)


class Contact(models.Model):
    """One service contact: a visit, an accompaniment, a call, a message."""

    # Unique within the provider (`contact_ref_per_provider`): imports keep each provider's own references.
    contact_ref = models.CharField(_("contact reference"), max_length=50, db_index=True)
    date = models.DateField(_("date"))
    # No index of its own: contact_staff_date_idx (staff, date) serves every lookup by staff.
    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="contacts", db_index=False
    )
    # The provider of the staff member who delivered the contact, kept so that a provider's
    # reports keep their contacts when staff or clients move on.
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contacts", editable=False)
    # No index of its own: contact_family_date_idx (family, date) serves every lookup by family.
    family = models.ForeignKey(
        Family,
        verbose_name=_("family"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        db_index=False,
    )
    clients = models.ManyToManyField(
        Client, verbose_name=_("clients"), blank=True, related_name="contacts", through="ContactClient"
    )
    form = models.CharField(_("form"), max_length=20, choices=ContactForm.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration, minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
    )
    place = models.CharField(_("institution or place"), max_length=200, blank=True)
    # Whether an interpreter took part (contacts.csv `interpreter`; empty: no).
    interpreter = models.BooleanField(_("interpreter took part"), default=False, db_default=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            # Report figures: the contacts of one provider in a period.
            models.Index(fields=["provider", "date"], name="contact_provider_date_idx"),
            # Report figures of all providers: the contacts in a period.
            models.Index(fields=["date"], name="contact_date_idx"),
            # The manager's month at a glance: each staff member's contacts of the month
            # (plans/selectors.py `month_at_a_glance`).
            models.Index(fields=["staff", "date"], name="contact_staff_date_idx"),
            # A family's latest contact (plans/selectors.py `_last_contact_date`, the home pages) and
            # the report's contacts of a family in a period (reporting/figures.py).
            models.Index(fields=["family", "date"], name="contact_family_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["provider", "contact_ref"], name="contact_ref_per_provider"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__isnull=True)
                | models.Q(duration_minutes__gte=1, duration_minutes__lte=1440),
                name="contact_duration_1_to_1440",
            ),
        ]

    def __str__(self) -> str:
        return self.contact_ref

    def save(self, *args, **kwargs) -> None:
        if self.staff_id and not self.provider_id:
            self.provider_id = self.staff.provider_id
        super().save(*args, **kwargs)


class ContactClient(models.Model):
    """A client a contact served: named on it, or (`via_family`) a family member who has since left.

    A member handed over to another provider without their family leaves it, and the family's earlier
    contacts keep serving them through links marked `via_family`: the old provider's reports do not
    change, and the new provider is not shown the family's contacts (`ContactQuerySet.serving`).
    The table is the one Django made for the plain many-to-many (the rollup triggers read it).
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE)
    client = models.ForeignKey(Client, on_delete=models.CASCADE)
    via_family = models.BooleanField(default=False, db_default=False)

    class Meta:
        db_table = "plans_contact_clients"
        constraints = [models.UniqueConstraint(fields=["contact", "client"], name="contact_client_once")]

    def __str__(self) -> str:
        return f"{self.contact_id} → {self.client_id}"


class ContactTopic(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [models.UniqueConstraint(fields=["contact", "topic"], name="contact_topic_once")]

    def __str__(self) -> str:
        return self.get_topic_display()


class PlanCloseReason(models.TextChoices):
    """Why a plan was closed: asked on closing, kept on the plan."""

    GOALS_ACHIEVED = "goals_achieved", _("The goals were achieved")
    SERVICE_ENDED = "service_ended", _("The service ended")
    CLIENT_DECLINED = "client_declined", _("The client declined further support")
    MOVED_AWAY = "moved_away", _("The client moved away or cannot be reached")
    HANDED_OVER = "handed_over", _("Handed over to another provider")
    REPLACED = "replaced", _("Replaced by a new plan")
    OTHER = "other", _("Other")


class Plan(models.Model):
    """An individual socio-economic inclusion plan of one client or of a whole family."""

    # The exchange format's `plan_ref` (unique within the provider); a plan made on a page gets a "W" reference.
    plan_ref = models.CharField(
        _("plan reference"), max_length=50, default=web_ref, validators=[ref_validator], editable=False
    )
    # The provider whose plan it is: the client's or family's when the plan was drafted (as on Contact).
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="plans", editable=False)
    # The social worker responsible for the plan (plans.csv `staff_ref`).
    social_worker = models.ForeignKey(
        Staff,
        verbose_name=_("social worker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    start_date = models.DateField(_("start date"))
    review_date = models.DateField(_("review date"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic concurrency: every save goes through `UPDATE ... WHERE version = <the version the
    # editor saw>` (plans.services), so that of two people saving at once the second is told.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    # Written once, by `plans.services.plan_close`; a closed plan is read-only (`PlanClosedError`).
    closed_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=PlanCloseReason.choices, blank=True, editable=False
    )
    closed_note = models.TextField(_("note on closing"), blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("inclusion plan")
        verbose_name_plural = _("inclusion plans")
        indexes = [
            # Reviews due on the social worker's and manager's home pages (plans.selectors.reviews_due): the active
            # plans in review-date order, read until the page's twenty are found.
            models.Index(
                fields=["review_date", "id"],
                condition=models.Q(status=PlanStatus.ACTIVE),
                name="plan_active_review_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client__isnull=False, family__isnull=True)
                | models.Q(client__isnull=True, family__isnull=False),
                name="plan_of_client_or_family",
            ),
            models.CheckConstraint(
                condition=models.Q(review_date__isnull=True) | models.Q(review_date__gte=models.F("start_date")),
                name="plan_review_after_start",
            ),
            models.UniqueConstraint(fields=["provider", "plan_ref"], name="plan_ref_per_provider"),
            # Only a closed plan has a closing (plans closed before the reason was asked have none).
            models.CheckConstraint(
                condition=models.Q(status=PlanStatus.CLOSED) | models.Q(closed_at__isnull=True, closed_reason=""),
                name="plan_closing_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Plan of %(whom)s from %(date)s")) % {
            "whom": self.subject,
            "date": formats.date_format(self.start_date, "SHORT_DATE_FORMAT"),
        }

    def save(self, *args, **kwargs) -> None:
        if not self.provider_id:
            subject = self.subject
            if subject is not None:
                self.provider_id = subject.provider_id
        super().save(*args, **kwargs)

    @property
    def subject(self) -> Client | Family | None:
        """Whom the plan is for: the client, or the family."""
        return self.client if self.client_id else self.family

    @property
    def is_closed(self) -> bool:
        return self.status == PlanStatus.CLOSED


class Goal(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="goals")
    # The exchange format's `goal_ref`, unique within the plan's provider (kept here for the constraint).
    goal_ref = models.CharField(
        _("goal reference"), max_length=50, default=web_ref, validators=[ref_validator], editable=False
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+", editable=False)
    area = models.CharField(_("area"), max_length=20, choices=GoalArea.choices)
    description = models.TextField(_("goal"))
    # The goal's outcome and the day it took it (none while open): `plans.services.goal_status_set`,
    # a plan review (`plan_review_record`) or the plan's closing set them.
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.OPEN, db_default=GoalStatus.OPEN
    )
    status_date = models.DateField(_("status date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=GoalStatus.OPEN, status_date__isnull=True)
                | (~models.Q(status=GoalStatus.OPEN) & models.Q(status_date__isnull=False)),
                name="goal_status_date_unless_open",
            ),
            models.UniqueConstraint(fields=["provider", "goal_ref"], name="goal_ref_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.description[:60]}"

    def save(self, *args, **kwargs) -> None:
        if not self.provider_id and self.plan_id:
            self.provider_id = self.plan.provider_id
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status == GoalStatus.OPEN


class PlanReview(models.Model):
    """A review of a plan: its date, who reviewed, a note, each goal's new status (`GoalReview`) and the next review."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField(_("review date"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    next_review_date = models.DateField(_("next review date"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        indexes = [
            # The plan page's reviews and the timeline's reviews of a client's plans, newest first.
            models.Index(fields=["plan", "-date"], name="planreview_plan_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review_date__gt=models.F("date")), name="planreview_next_after_date"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Review of %(date)s")) % {"date": formats.date_format(self.date, "SHORT_DATE_FORMAT")}


class GoalReview(models.Model):
    """One goal at a review: its status after the review and the note on it."""

    review = models.ForeignKey(
        PlanReview, verbose_name=_("plan review"), on_delete=models.CASCADE, related_name="goal_reviews"
    )
    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(_("status after the review"), max_length=20, choices=GoalStatus.choices)
    note = models.TextField(_("note"), blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["review", "goal_id"]
        verbose_name = _("goal at a review")
        verbose_name_plural = _("goals at a review")
        constraints = [models.UniqueConstraint(fields=["review", "goal"], name="goalreview_goal_once")]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.status}"


class Task(models.Model):
    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    responsible = models.ForeignKey(
        Staff, verbose_name=_("responsible"), on_delete=models.PROTECT, related_name="plan_tasks"
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    # See Plan.version.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["goal", "due_date", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            # "My tasks" and the home pages: a staff member's open tasks, soonest due (overdue) first.
            models.Index(fields=["responsible", "status", "due_date"], name="task_resp_status_due_idx"),
            # The social worker's home page: open tasks due this week.
            models.Index(fields=["status", "due_date"], name="task_status_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()


class TaskNote(models.Model):
    """A dated progress note on a task; notes are history and are never edited."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    text = models.TextField(_("note"))

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["task", "created_at", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        indexes = [
            # A task's notes in order, and the timeline's notes of a client's plans.
            models.Index(fields=["task", "created_at"], name="tasknote_task_created_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A progress note is history: it is never edited.")
        super().save(*args, **kwargs)


class PlanEvent(models.Model):
    """One change of a plan, its goals or its tasks: who, when and what, for the timeline."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    kind = models.CharField(_("change"), max_length=20, choices=PlanEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    # {field name: [old value, new value]}, values as stored (codes, ISO dates, names).
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        indexes = [
            # The timeline: a client's plan changes, newest first.
            models.Index(fields=["plan", "-at"], name="planevent_plan_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"

    def described_changes(self) -> list[dict]:
        """The changes as translated labels and display values, for templates."""
        goal_kinds = (PlanEventKind.GOAL_ADDED, PlanEventKind.GOAL_STATUS)
        model = Task if self.task_id else Goal if self.kind in goal_kinds else Plan
        rows = []
        for name, (old, new) in self.changes.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # renamed since the event was written
                field = None
            if not isinstance(field, models.Field):
                rows.append({"label": name, "old": old, "new": new})
                continue
            rows.append({"label": field.verbose_name, "old": _display(field, old), "new": _display(field, new)})
        return rows


def _display(field: models.Field, value: object) -> object:
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.DateField) and isinstance(value, str):
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return value


class Institution(models.Model):
    """A named institution of the provider's catalogue (kept by its managers), that referrals name."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="institutions", editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "name"],
                name="institution_name_per_provider",
                violation_error_message=_("The catalogue already has an institution of this name."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})" if self.municipality else self.name


class Referral(models.Model):
    """A client sent to an institution by a staff member (shared/spec/casework.md "Referrals"), and what came of it."""

    # The exchange format's `referral_ref`, unique within the provider.
    referral_ref = models.CharField(
        _("referral reference"), max_length=50, default=web_ref, validators=[ref_validator], editable=False
    )
    date = models.DateField(_("date"))
    staff = models.ForeignKey(Staff, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="referrals")
    # The provider of the staff member who made it (as on Contact): the provider's referrals stay its own
    # when staff or clients move on.
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="referrals", editable=False)
    # No index of its own: referral_client_date_idx (client, date) serves every lookup by client.
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="referrals", db_index=False
    )
    institution_kind = models.CharField(_("kind of institution"), max_length=20, choices=InstitutionKind.choices)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    goal = models.ForeignKey(
        Goal, verbose_name=_("plan goal"), on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    accompanied = models.BooleanField(_("accompanied"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.MADE)
    outcome_date = models.DateField(_("outcome date"), null=True, blank=True)
    outcome_reason = models.CharField(_("reason"), max_length=20, choices=ReferralOutcomeReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # The provider's lists and report figures: its referrals by status in a period.
            models.Index(fields=["provider", "status", "date"], name="referral_prov_status_date_idx"),
            # The client page's referrals and the timeline's, newest first.
            models.Index(fields=["client", "date"], name="referral_client_date_idx"),
            # The maker's home page: their referrals still `made` after 14 days (plans/selectors.py
            # `waiting_referrals`).
            models.Index(fields=["staff", "status", "date"], name="referral_staff_status_date_idx"),
        ]
        constraints = [
            # An outcome has its day, never before the referral; a referral waiting for one has none.
            models.CheckConstraint(
                condition=models.Q(status=ReferralStatus.MADE, outcome_date__isnull=True, outcome_reason="")
                | (
                    ~models.Q(status=ReferralStatus.MADE)
                    & models.Q(outcome_date__isnull=False, outcome_date__gte=models.F("date"))
                ),
                name="referral_outcome_date_unless_made",
            ),
            # Only not_successful and refused say why.
            models.CheckConstraint(
                condition=models.Q(outcome_reason="") | models.Q(status__in=REFERRAL_STATUSES_WITH_REASON),
                name="referral_reason_only_when_failed",
            ),
            models.UniqueConstraint(fields=["provider", "referral_ref"], name="referral_ref_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.get_institution_kind_display()} ({formats.date_format(self.date, 'SHORT_DATE_FORMAT')})"

    def save(self, *args, **kwargs) -> None:
        if self.staff_id and not self.provider_id:
            self.provider_id = self.staff.provider_id
        super().save(*args, **kwargs)

    @property
    def is_waiting(self) -> bool:
        return self.status == ReferralStatus.MADE

    @property
    def institution_label(self) -> str:
        """The named institution, or the kind when none is named."""
        return str(self.institution) if self.institution_id else str(self.get_institution_kind_display())


# The areas of `Assessment.area_scores`, in its order: GoalArea's, fixed here so that a new area is appended.
SCORED_AREAS: tuple[str, ...] = (
    "documents",
    "housing",
    "health",
    "employment",
    "education",
    "language",
    "benefits",
    "social_services",
    "children",
    "daily_life",
)
UNSCORED: list[int | None] = [None] * len(SCORED_AREAS)


def no_area_scores() -> list[int | None]:
    return list(UNSCORED)


class Assessment(models.Model):
    """A self-sufficiency assessment of one client (shared/spec/casework.md): ten areas scored 1–5 or not."""

    # The exchange format's `assessment_ref`, unique within the provider.
    assessment_ref = models.CharField(
        _("assessment reference"), max_length=50, default=web_ref, validators=[ref_validator], editable=False
    )
    date = models.DateField(_("date"))
    staff = models.ForeignKey(Staff, verbose_name=_("assessed by"), on_delete=models.PROTECT, related_name="+")
    # The provider of the staff member who assessed (as on Contact and Referral).
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+", editable=False)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="assessments", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AssessmentKind.choices)
    # The plan review it was made at, when it was (a family plan's review assesses each member).
    review = models.ForeignKey(
        PlanReview,
        verbose_name=_("plan review"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The scores of its AssessmentScore rows, one an area in `SCORED_AREAS` order (None: no row, or not scored),
    # so that the report's self-sufficiency reads the assessments only (reporting/figures/results.py
    # `_self_sufficiency`): a copy, never written by the application; the database keeps it equal to the rows
    # on every write of them (plans/migrations/sql/0011_assessment_area_scores.sql, held to it by
    # tests/plans/test_area_scores.py).
    area_scores = ArrayField(
        models.PositiveSmallIntegerField(null=True),
        size=10,
        default=no_area_scores,
        db_default=UNSCORED,
        editable=False,
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("self-sufficiency assessment")
        verbose_name_plural = _("self-sufficiency assessments")
        indexes = [
            # The client page's chart and the timeline: a client's assessments by date.
            models.Index(fields=["client", "date"], name="assessment_client_date_idx"),
            # Report figures: the provider's assessments in a period.
            models.Index(fields=["provider", "date"], name="assessment_provider_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["provider", "assessment_ref"], name="assessment_ref_per_provider"),
            models.CheckConstraint(condition=models.Q(area_scores__len=10), name="assessment_area_scores_10"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({formats.date_format(self.date, 'SHORT_DATE_FORMAT')})"

    def save(self, *args, **kwargs) -> None:
        if self.staff_id and not self.provider_id:
            self.provider_id = self.staff.provider_id
        super().save(*args, **kwargs)

    @property
    def scored(self) -> list[AssessmentScore]:
        """Its areas with a score (an area can have a note only), from its prefetched scores."""
        return [row for row in self.scores.all() if row.score is not None]


class AssessmentScore(models.Model):
    """One area of an assessment: its score (none: not scored, the area does not apply) and a note."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    area = models.CharField(_("area"), max_length=20, choices=GoalArea.choices)
    score = models.PositiveSmallIntegerField(_("score"), choices=SelfSufficiency.choices, null=True, blank=True)
    note = models.TextField(_("note"), blank=True, default="")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "area"]
        verbose_name = _("area score")
        verbose_name_plural = _("area scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="assessmentscore_area_once"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="assessmentscore_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.score if self.score is not None else '–'}"


class GroupSession(models.Model):
    """A group session (shared/spec/casework.md "Group sessions"): a contact of form `group` and its attendance.

    The contact (staff, date, topics, duration, place) serves the clients present; the attendance list keeps
    the absent too.
    """

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="group_session")
    kind = models.CharField(_("kind of session"), max_length=20, choices=GroupSessionKind.choices)

    objects = GroupSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class GroupAttendance(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField(_("present"))

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["session", "client_id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "client"], name="groupattendance_client_once")]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.present}"

"""Codes of the contact log (shared/spec/exchange-format.md) and of plans; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The kinds of institution are the clients' app's (a consent names them); referrals use them from there.
from clients.choices import InstitutionKind


class ContactForm(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")
    PHONE = "phone", _("Phone")
    ELECTRONIC = "electronic", _("Electronic")
    # A group session (shared/spec/casework.md "Group sessions"): serves the clients present.
    GROUP = "group", _("Group session")


class GroupSessionKind(models.TextChoices):
    LANGUAGE_LESSON = "language_lesson", _("Latvian lesson")
    INFORMATION_SESSION = "information_session", _("Information session")
    SUPPORT_GROUP = "support_group", _("Support group")
    CULTURAL_ACTIVITY = "cultural_activity", _("Cultural activity")
    OTHER = "other", _("Other")


class Topic(models.TextChoices):
    DOCUMENTS = "documents", _("Documents")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    EMPLOYMENT = "employment", _("Employment")
    EDUCATION = "education", _("Education")
    LANGUAGE = "language", _("Language")
    BENEFITS = "benefits", _("Benefits")
    SOCIAL_SERVICES = "social_services", _("Social services")
    CHILDREN = "children", _("Children")
    CRISIS = "crisis", _("Crisis")
    DAILY_LIFE = "daily_life", _("Daily life")
    OTHER = "other", _("Other")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class GoalArea(models.TextChoices):
    DOCUMENTS = "documents", _("Documents")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    EMPLOYMENT = "employment", _("Employment")
    EDUCATION = "education", _("Education")
    LANGUAGE = "language", _("Language")
    BENEFITS = "benefits", _("Benefits")
    SOCIAL_SERVICES = "social_services", _("Social services")
    CHILDREN = "children", _("Children")
    DAILY_LIFE = "daily_life", _("Daily life")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class GoalStatus(models.TextChoices):
    """A goal's outcome (shared/spec/casework.md "Goals, reviews and outcomes"): codes fixed, labels translated."""

    OPEN = "open", _("Open")
    ACHIEVED = "achieved", _("Achieved")
    PARTLY_ACHIEVED = "partly_achieved", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    DROPPED = "dropped", _("Dropped")


# The statuses of a task still to be done: the "my tasks" page and the home pages show these.
OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class PlanEventKind(models.TextChoices):
    CREATED = "created", _("Plan drafted")
    EDITED = "edited", _("Plan changed")
    ACTIVATED = "activated", _("Plan activated")
    CLOSED = "closed", _("Plan closed")
    GOAL_ADDED = "goal_added", _("Goal added")
    TASK_ADDED = "task_added", _("Task added")
    TASK_CHANGED = "task_changed", _("Task changed")
    GOAL_STATUS = "goal_status", _("Goal status changed")


# Referrals (shared/spec/casework.md "Referrals") -------------------------------------------------


class ReferralStatus(models.TextChoices):
    MADE = "made", _("Made, waiting for an outcome")
    COMPLETED = "completed", _("Completed")
    NOT_SUCCESSFUL = "not_successful", _("Not successful")
    REFUSED = "refused", _("Refused by the institution")
    CANCELLED = "cancelled", _("Cancelled")


class ReferralOutcomeReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NO_CAPACITY = "no_capacity", _("No capacity")
    CLIENT_DECLINED = "client_declined", _("The client declined")
    CLIENT_ABSENT = "client_absent", _("The client did not come")
    DOCUMENTS_MISSING = "documents_missing", _("Documents missing")
    LANGUAGE_BARRIER = "language_barrier", _("Language barrier")
    OTHER = "other", _("Other")


# The outcomes that say why (`outcome_reason`): the others have none.
REFERRAL_STATUSES_WITH_REASON = (ReferralStatus.NOT_SUCCESSFUL, ReferralStatus.REFUSED)

# The kind of institution a referral from a plan goal goes to, where the goal's area names one.
INSTITUTION_KIND_OF_AREA = {
    GoalArea.DOCUMENTS: InstitutionKind.MIGRATION,
    GoalArea.HOUSING: InstitutionKind.HOUSING,
    GoalArea.HEALTH: InstitutionKind.HEALTH,
    GoalArea.EMPLOYMENT: InstitutionKind.EMPLOYMENT,
    GoalArea.EDUCATION: InstitutionKind.EDUCATION,
    GoalArea.LANGUAGE: InstitutionKind.LANGUAGE_COURSE,
    GoalArea.BENEFITS: InstitutionKind.MUNICIPAL_SOCIAL,
    GoalArea.SOCIAL_SERVICES: InstitutionKind.MUNICIPAL_SOCIAL,
}


# Self-sufficiency (shared/spec/casework.md "Self-sufficiency assessment") --------------------------


class AssessmentKind(models.TextChoices):
    INTAKE = "intake", _("At intake")
    REVIEW = "review", _("At a review")
    CLOSURE = "closure", _("At closure")


class SelfSufficiency(models.IntegerChoices):
    """The 1–5 scale of every area; an area that does not apply is left unscored."""

    IN_CRISIS = 1, _("in crisis")
    VULNERABLE = 2, _("vulnerable")
    COPING_WITH_SUPPORT = 3, _("coping with support")
    STABLE = 4, _("stable")
    SELF_SUFFICIENT = 5, _("self-sufficient")

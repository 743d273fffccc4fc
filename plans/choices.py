"""Codes of the contact log (shared/spec/exchange-format.md) and of plans; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactForm(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")
    PHONE = "phone", _("Phone")
    ELECTRONIC = "electronic", _("Electronic")


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

"""Codes of the contact log (shared/spec/exchange-format.md); labels are translated."""

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

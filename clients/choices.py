"""The codes of the exchange format (shared/spec/exchange-format.md); labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    MENTOR = "mentor", _("Social mentor")


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other")


class ArrivalRoute(models.TextChoices):
    RELOCATION = "relocation", _("EU relocation programme")
    RESETTLEMENT = "resettlement", _("Resettlement")
    INDEPENDENT = "independent", _("Arrived on their own")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")


class LegalStatus(models.TextChoices):
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    REFUGEE = "refugee", _("Refugee status")
    ALTERNATIVE = "alternative", _("Alternative status")
    REJECTED = "rejected", _("Rejected")
    OTHER = "other", _("Other")


# Residence is `reception_centre` or the name of a municipality.
RECEPTION_CENTRE = "reception_centre"

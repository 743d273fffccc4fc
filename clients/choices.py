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


class ClosureReason(models.TextChoices):
    """Why a case was closed (casework.md "Closing and reopening a case"): codes fixed, labels translated."""

    GOALS_ACHIEVED = "goals_achieved", _("The goals were achieved")
    MOVED_WITHIN_LATVIA = "moved_within_latvia", _("Moved elsewhere in Latvia")
    LEFT_LATVIA = "left_latvia", _("Left Latvia")
    TRANSFERRED_TO_MUNICIPALITY = "transferred_to_municipality", _("Transferred to the municipality's social service")
    NO_LONGER_ELIGIBLE = "no_longer_eligible", _("No longer eligible")
    DECLINED_SERVICE = "declined_service", _("Declined the service")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


# Casework (shared/spec/casework.md): referrals, documents, consent, language --------------------------


class InstitutionKind(models.TextChoices):
    MIGRATION = "migration", _("Office of Citizenship and Migration Affairs")
    EMPLOYMENT = "employment", _("State Employment Agency")
    MUNICIPAL_SOCIAL = "municipal_social", _("Municipal social service")
    HEALTH = "health", _("Health care")
    EDUCATION = "education", _("School, kindergarten or course")
    LANGUAGE_COURSE = "language_course", _("Language course")
    HOUSING = "housing", _("Housing")
    BANK = "bank", _("Bank")
    LEGAL_AID = "legal_aid", _("Legal aid")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Identity document")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    ASYLUM_DECISION = "asylum_decision", _("Asylum decision")
    CONSENT_FORM = "consent_form", _("Signed consent form")
    MEDICAL = "medical", _("Medical document")
    EDUCATION = "education", _("Education document")
    EMPLOYMENT = "employment", _("Employment document")
    OTHER = "other", _("Other")


class ConsentKind(models.TextChoices):
    DATA_PROCESSING = "data_processing", _("Processing of personal data")
    SHARE_WITH_INSTITUTIONS = "share_with_institutions", _("Sharing data with institutions")
    PHOTOS = "photos", _("Photos")


class ConsentHow(models.TextChoices):
    SIGNED = "signed", _("Signed")
    ORAL_WITH_INTERPRETER = "oral_with_interpreter", _("Orally, with an interpreter")
    ORAL = "oral", _("Orally")


class LatvianLevel(models.TextChoices):
    NONE = "none", _("None")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"

"""The user account: one of the four roles, tied to a provider (a coordinator to the fund)."""

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedQuerySet
from common.names import person_name


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    MENTOR = "mentor", _("Social mentor")
    MANAGER = "manager", _("Provider manager")
    COORDINATOR = "coordinator", _("Fund coordinator")


class AuditedUserManager(UserManager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    """Django's user manager whose `update()` and `bulk_create()` are audited like every other write."""

    use_in_migrations = True


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    # Null for a fund coordinator (the fund) and for a superuser without a role.
    provider = models.ForeignKey(
        "clients.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # The language of what is sent to the account holder (the morning reminders); the language switch saves it.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    objects: ClassVar[AuditedUserManager] = AuditedUserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        """The account holder's name as every screen writes a person's name: "Surname First"."""
        return person_name(self.first_name, self.last_name)

    def clean(self) -> None:
        super().clean()
        if self.role == Role.COORDINATOR and self.provider_id:
            raise ValidationError({"provider": _("A fund coordinator works for the fund, not a provider.")})
        if self.role and self.role != Role.COORDINATOR and not self.provider_id:
            raise ValidationError({"provider": _("This role needs a provider.")})

    @property
    def is_social_worker(self) -> bool:
        return self.role == Role.SOCIAL_WORKER

    @property
    def is_mentor(self) -> bool:
        return self.role == Role.MENTOR

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def works_with_clients(self) -> bool:
        """Social workers, mentors and managers see clients; coordinators never do."""
        return self.role in (Role.SOCIAL_WORKER, Role.MENTOR, Role.MANAGER) and self.provider_id is not None


class FormSubmission(models.Model):
    """A create form's one-time token, spent by its first successful submission (accounts/formtokens.py).

    Written when the first submission succeeded; a second submission of the same form (which waited for the first
    on the token's lock) finds it, so a double click or a resent form creates one row; `redirect_to` is where the
    first went (a path, ids only).
    Rows live a day (accounts.tasks).
    """

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    redirect_to = models.CharField(max_length=500, blank=True)
    # Indexed for the hourly clean-up: WHERE created_at < %s (accounts.formtokens.spent_form_tokens_clear).
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.token

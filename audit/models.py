"""The audit entry. Rows are only ever added: the database refuses updates and deletes."""

import pgtrigger
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("Viewed")
    DOWNLOAD = "download", _("Downloaded")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    IMPORT = "import", _("Imported")
    EXPORT = "export", _("Exported")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    SIGN_OUT = "sign_out", _("Signed out")
    DENIED = "denied", _("Denied")
    TWO_FACTOR_SETUP = "two_factor_setup", _("Set up the second factor")
    TWO_FACTOR_RESET = "two_factor_reset", _("Reset the second factor")
    RECOVERY_CODE = "recovery_code", _("Used a recovery code")
    UNLOCK = "unlock", _("Unlocked sign-in")


class AuditEntry(models.Model):
    # Plain ids, not foreign keys: an entry outlives the rows it names and is never updated.
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    provider_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=60, blank=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        triggers = [
            # The database itself refuses to change or remove an entry, whoever asks (TRUNCATE, which only the
            # test runner's flush uses, is not a row operation).
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]
        indexes = [
            # A manager's audit page: their provider's entries, newest first.
            models.Index(fields=["provider_id", "-at"], name="audit_provider_at_idx"),
            # The history of one record.
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type} {self.object_id}"

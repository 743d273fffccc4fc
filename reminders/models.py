"""A staff member's private calendar address: only a hash of its key is kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """The calendar a staff member subscribes to (`/calendar/<key>.ics`): one address per person.

    The key itself is shown once, when it is made; the database keeps its SHA-256 (`reminders.services`), so
    neither a copy of the database nor another user can rebuild an address. Revoking deletes the row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    # Looked up by the feed's every request.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"calendar {self.user_id}"


class MorningMessage(models.Model):
    """A morning message sent: the daily job sends each person one a day, even when it runs twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="morning_message_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"

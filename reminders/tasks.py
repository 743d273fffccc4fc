"""The morning job: each staff member's message of what needs them (CELERY_BEAT_SCHEDULE, 07:00 Europe/Riga)."""

import smtplib

from celery import shared_task
from django.utils import timezone

from .services import morning_messages_send


# Longer than the reports' default limits: every staff member of every provider, one message each. Stopped
# half-way, the job sent again (acks_late) sends only to those not yet reminded today (`MorningMessage`).
# The mail server unreachable: tried again after 1, 2, 4, ... minutes, six times (the last about an hour on).
@shared_task(
    acks_late=True,
    soft_time_limit=1800,
    time_limit=1860,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=60,
    max_retries=6,
)
def morning_reminders_task() -> int:
    return morning_messages_send(today=timezone.localdate())

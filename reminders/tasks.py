"""The morning job: each staff member's message of what needs them (CELERY_BEAT_SCHEDULE, 07:00 Europe/Riga)."""

from celery import shared_task
from django.utils import timezone

from .services import morning_messages_send


@shared_task(acks_late=True)
def morning_reminders_task() -> int:
    return morning_messages_send(today=timezone.localdate())

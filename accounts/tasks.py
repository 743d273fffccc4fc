"""Hourly clean-up of short-lived rows: expired sessions (and the work kept in them), spent form tokens."""

from celery import shared_task

from .formtokens import spent_form_tokens_clear
from .session_timeout import expired_sessions_clear


@shared_task(acks_late=True)
def short_lived_rows_clear_task() -> None:
    expired_sessions_clear()
    spent_form_tokens_clear()

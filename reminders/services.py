"""The morning messages and the calendar addresses: what reminders write and send."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import smtplib

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import ngettext

from accounts.models import User

from . import selectors
from .models import CalendarFeed, MorningMessage

logger = logging.getLogger(__name__)

# Morning messages are remembered this many days (one a person a day), then forgotten.
SENT_KEPT_DAYS = 7
# Bytes of randomness in a calendar address's key (urlsafe base64: 43 characters).
CALENDAR_TOKEN_BYTES = 32


def morning_message(*, user: User, due: selectors.Due, today: datetime.date) -> EmailMultiAlternatives:
    """The message of what needs the user, in their language (`User.language`): text and HTML.

    Clients appear by their reference, with a link into the application; no name, birth date or note, and a task
    by its goal's area and due date (its title is free text, which may name a person).
    """
    with translation.override(user.language):
        context = {"due": due, "today": today, "site_url": settings.SITE_URL}
        subject = ngettext(
            "Reminders for %(date)s: %(count)d item needs you",
            "Reminders for %(date)s: %(count)d items need you",
            due.count,
        ) % {"date": today.strftime("%d.%m.%Y"), "count": due.count}
        text = render_to_string("reminders/morning_message.txt", context)
        html = render_to_string("reminders/morning_message.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[selectors.recipient_address(user)]
    )
    message.attach_alternative(html, "text/html")
    return message


def morning_messages_send(*, today: datetime.date) -> int:
    """Send each staff member with an address their message of what needs them; nothing to whom nothing is due.

    One SMTP connection for the whole run. An address the server refuses, or a message that cannot be made, is
    logged (the account's id only) and the others still go; an unreachable server ends the run, to be tried again.
    Each person gets one message a day (`MorningMessage`), however often the job runs.
    Returns how many were sent.
    """
    MorningMessage.objects.filter(day__lt=today - datetime.timedelta(days=SENT_KEPT_DAYS)).delete()
    sent = 0
    with get_connection() as connection:
        for user in selectors.recipients(today=today):
            due = selectors.due_for(user=user, today=today)
            if due.empty:
                continue
            try:
                with transaction.atomic():
                    # Claimed before sending: a second run at the same time skips this person.
                    MorningMessage.objects.create(user=user, day=today, items=due.count)
                    message = morning_message(user=user, due=due, today=today)
                    message.connection = connection
                    message.send()
            except IntegrityError:
                continue
            except smtplib.SMTPRecipientsRefused:
                # This address only: the others still go.
                logger.exception("morning message to user %s refused by the mail server", user.pk)
                continue
            except (OSError, SoftTimeLimitExceeded):
                # The mail server or the network (smtplib's errors are OSErrors): the job is tried again later
                # (`morning_reminders_task`), for those not yet sent today.
                raise
            except Exception:
                logger.exception("morning message to user %s not sent", user.pk)
                continue
            sent += 1
    return sent


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_token_hash(token: str) -> str:
    """What is stored of a calendar address's key, and looked up by the feed: its SHA-256 (the key is random)."""
    return _token_hash(token)


@transaction.atomic
def calendar_address_make(*, user: User) -> str:
    """A new private calendar address for the user, replacing any earlier one; returns its key (shown once)."""
    token = secrets.token_urlsafe(CALENDAR_TOKEN_BYTES)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _token_hash(token)})
    return token


def calendar_address_revoke(*, user: User) -> bool:
    """The user's calendar address stops working at once. Whether there was one."""
    return CalendarFeed.objects.filter(user=user).delete()[0] > 0

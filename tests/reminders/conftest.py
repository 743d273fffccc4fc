"""Fixtures of the reminders tests: a real SMTP server, and a mentor with something due of every kind."""

from __future__ import annotations

import datetime
import email
import socket
import time
from dataclasses import dataclass
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from clients.models import Document
from plans.models import Referral
from tests.factories import ClientFactory, ContactFactory, GoalFactory, PlanFactory, TaskFactory, TaskNoteFactory
from tests.reliability.conftest import (  # noqa: F401 (the reliability suite's Celery worker, for test_worker)
    broker_app,
    postgres,
    redis_url,
    start_worker,
    worker_media,
)

# The persons' data the messages and the calendar must never carry.
NAME = "Zuhra"
SURNAME = "Karimova"
BIRTH_DATE = datetime.date(1987, 11, 23)
TASK_TITLE = "Call Zuhra's landlord Mr Petrovs"
NOTE = "Confidential: pregnant, afraid of her brother"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd's handler: every message received, as bytes with its envelope."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        # Addresses the server answers "no such user".
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def messages(self) -> list[Message]:
        return [email.message_from_bytes(raw) for _sender, _to, raw in self.received]

    def wait(self, count: int, timeout: float = 30) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free port; Django's SMTP backend pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "atgadinajumi@example.lv"
    settings.SITE_URL = "https://lietas.example.lv"
    inbox.port = port  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The feed's request limits are counted in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def documents_root(settings, tmp_path):
    root = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


@dataclass
class MentorWorld:
    client: object
    task: object
    document: object
    referral: object


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def mentor_world(provider, mentor, social_worker, documents_root, today) -> MentorWorld:
    """The mentor's client with a task due today, a residence permit expiring in 12 days, a referral made by the
    mentor 20 days ago still waiting and no contact for 40 days; named, born and noted so that a leak would show."""
    mentor.email = "mentor@example.lv"
    mentor.save(update_fields=["email"])
    client = ClientFactory(
        provider=provider,
        client_ref="LSK-0042",
        first_name=NAME,
        last_name=SURNAME,
        birth_date=BIRTH_DATE,
        mentor=mentor.staff,
        social_worker=social_worker.staff,
        service_start=today - datetime.timedelta(days=60),
    )
    # The last contact, 40 days ago: the client is also one "without a contact for 30 days".
    contact = ContactFactory(date=today - datetime.timedelta(days=40), staff=mentor.staff, note=NOTE)
    contact.clients.add(client)
    plan = PlanFactory(client=client, start_date=today - datetime.timedelta(days=5), summary=NOTE)
    goal = GoalFactory(plan=plan, area="housing", description=f"A flat for {NAME} {SURNAME}")
    task = TaskFactory(goal=goal, title=TASK_TITLE, responsible=mentor.staff, due_date=today)
    TaskNoteFactory(task=task, text=NOTE)
    document = Document.objects.create(
        client=client,
        provider=provider,
        kind="residence_permit",
        valid_until=today + datetime.timedelta(days=12),
        file=ContentFile(b"%PDF-1.7 permit", name="permit.pdf"),
        content_type="application/pdf",
        size=15,
    )
    referral = Referral.objects.create(
        date=today - datetime.timedelta(days=20), staff=mentor.staff, client=client, institution_kind="bank"
    )
    return MentorWorld(client=client, task=task, document=document, referral=referral)

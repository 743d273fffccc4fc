"""The morning message: received over real SMTP, each thing due found by the client's reference, no name anywhere."""

from __future__ import annotations

import datetime
from email.message import Message

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from clients.choices import StaffRole
from clients.models import Document
from reminders import selectors, services
from reminders.models import MorningMessage
from reminders.tasks import morning_reminders_task
from tests.factories import (
    ClientFactory,
    ContactFactory,
    GoalFactory,
    PlanFactory,
    StaffFactory,
    TaskFactory,
    UserFactory,
)

from .conftest import BIRTH_DATE, NAME, NOTE, SURNAME, TASK_TITLE, free_port

pytestmark = pytest.mark.django_db


def whole_message(message: Message) -> str:
    """Every header and every part, decoded: where a name could hide."""
    parts = [f"{key}: {value}" for key, value in message.items()]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if payload is not None:
            parts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return "\n".join(parts)


def part(message: Message, content_type: str) -> str:
    for p in message.walk():
        if p.get_content_type() == content_type:
            return p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
    raise AssertionError(f"no {content_type} part")


def assert_nothing_personal(text: str) -> None:
    for secret in (NAME, SURNAME, TASK_TITLE, NOTE, "Petrovs", "1987", "23.11", BIRTH_DATE.isoformat()):
        assert secret not in text, secret


def test_the_mentor_receives_one_message_over_smtp_with_each_thing_due_by_reference_and_no_name(
    smtp_server, mentor, mentor_world, today
):
    mentor.language = "en"
    mentor.save(update_fields=["language"])

    sent = morning_reminders_task()

    assert sent == 1
    [message] = smtp_server.wait(1)
    [(_sender, recipients, _raw)] = smtp_server.received
    assert recipients == ["mentor@example.lv"]
    text, html = part(message, "text/plain"), part(message, "text/html")
    ref = mentor_world.client.client_ref
    site = "https://lietas.example.lv"
    for body in (text, html):
        # The task by its goal's area and due date, the permit by kind and expiry, the referral by institution kind.
        assert f"Housing, due {today:%d.%m.%Y}: " in body
        assert "Residence permit" in body
        assert "Bank" in body
        assert ref in body
        assert f"{site}/clients/{mentor_world.client.pk}/" in body
        assert f"{site}/plans/referrals/{mentor_world.referral.pk}/outcome/" in body
        assert "40 days" in body
    # Each item names the client by reference: the task's, the permit's, the referral's and the contact gap's lines.
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(lines) == 4
    assert all(ref in line for line in lines)
    assert any(line.startswith("- Housing, due ") for line in lines)
    assert any(line.startswith("- Residence permit, valid until ") for line in lines)
    assert any(line.startswith("- Bank, ") for line in lines)
    assert "4 items need you" in message["Subject"]
    assert_nothing_personal(whole_message(message))


def test_the_message_is_in_the_staff_members_language(smtp_server, mentor, mentor_world):
    assert mentor.language == "lv"  # the default

    morning_reminders_task()

    [message] = smtp_server.wait(1)
    text = part(message, "text/plain")
    # The goal's area and the words already in the catalogue (the lead compiles the new ones).
    assert "- Mājoklis, termiņš " in text
    assert "Housing" not in text
    assert mentor_world.client.client_ref in text
    assert_nothing_personal(whole_message(message))


def test_nothing_is_sent_to_whom_nothing_is_due(smtp_server, provider, social_worker, mentor, today):
    mentor.email = "mentor@example.lv"
    mentor.save(update_fields=["email"])
    # A task due next week, a contact yesterday: nothing due today.
    client = ClientFactory(provider=provider, mentor=mentor.staff, service_start=today - datetime.timedelta(days=3))
    TaskFactory(
        goal=GoalFactory(plan=PlanFactory(client=client)),
        responsible=mentor.staff,
        due_date=today + datetime.timedelta(days=7),
    )
    ContactFactory(date=today - datetime.timedelta(days=1), staff=mentor.staff).clients.add(client)

    assert morning_reminders_task() == 0
    assert smtp_server.received == []
    assert not MorningMessage.objects.exists()


def test_no_message_without_an_address_and_one_a_day_however_often_the_job_runs(smtp_server, mentor, mentor_world):
    assert morning_reminders_task() == 1
    assert morning_reminders_task() == 0
    assert len(smtp_server.wait(1)) == 1

    MorningMessage.objects.all().delete()
    mentor.email = ""
    mentor.save(update_fields=["email"])
    assert morning_reminders_task() == 0
    # The staff record's address serves when the account has none.
    mentor.staff.email = "mentor.staff@example.lv"
    mentor.staff.save(update_fields=["email"])
    assert morning_reminders_task() == 1
    assert smtp_server.wait(2)[-1]["To"] == "mentor.staff@example.lv"


def test_a_coordinator_and_an_inactive_account_receive_nothing(smtp_server, coordinator, mentor, mentor_world):
    coordinator.email = "coordinator@example.lv"
    coordinator.save(update_fields=["email"])
    mentor.is_active = False
    mentor.save(update_fields=["is_active"])

    assert morning_reminders_task() == 0
    assert smtp_server.received == []


def _mentor_with_due_things(provider, n: int, today):
    user = UserFactory(username=f"m{n}", role=Role.MENTOR, provider=provider, email=f"m{n}@example.lv")
    staff = StaffFactory(role=StaffRole.MENTOR, provider=provider, user=user)
    for _ in range(2):
        client = ClientFactory(provider=provider, mentor=staff, service_start=today - datetime.timedelta(days=60))
        ContactFactory(date=today - datetime.timedelta(days=45), staff=staff).clients.add(client)
        TaskFactory(goal=GoalFactory(plan=PlanFactory(client=client)), responsible=staff, due_date=today)
    return user


def test_what_is_due_takes_the_same_queries_for_each_staff_member_whatever_their_caseload(provider, today):
    small = _mentor_with_due_things(provider, 1, today)
    big = _mentor_with_due_things(provider, 2, today)
    for _ in range(3):
        client = ClientFactory(provider=provider, mentor=big.staff, service_start=today - datetime.timedelta(days=60))
        TaskFactory(goal=GoalFactory(plan=PlanFactory(client=client)), responsible=big.staff, due_date=today)

    counts = []
    for user in (small, big):
        with CaptureQueriesContext(connection) as queries:
            due = selectors.due_for(user=user, today=today)
            services.morning_message(user=user, due=due, today=today).message()
        counts.append(len(queries))
    assert selectors.due_for(user=big, today=today).count > selectors.due_for(user=small, today=today).count
    assert counts[0] == counts[1]


def test_the_social_worker_is_reminded_of_a_plan_review_due_by_the_clients_reference(
    settings, provider, social_worker, mentor, today
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    social_worker.email = "sw@example.lv"
    social_worker.language = "en"
    social_worker.save(update_fields=["email", "language"])
    client = ClientFactory(provider=provider, social_worker=social_worker.staff, first_name=NAME, client_ref="LSK-0077")
    ContactFactory(date=today, staff=social_worker.staff).clients.add(client)
    PlanFactory(
        client=client,
        status="active",
        start_date=today - datetime.timedelta(days=90),
        review_date=today - datetime.timedelta(days=2),
        summary=NOTE,
    )

    assert morning_reminders_task() == 1

    [message] = mail.outbox
    assert message.to == ["sw@example.lv"]
    assert f"Plan reviews due\n- {today - datetime.timedelta(days=2):%d.%m.%Y}: LSK-0077 " in message.body
    assert NAME not in message.body and NOTE not in message.body
    assert NAME not in message.alternatives[0][0]


def test_when_the_mail_server_is_down_the_job_fails_to_be_tried_again_and_then_sends(settings, mentor, mentor_world):
    # Nothing listens on this port: the SMTP server is down.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with pytest.raises(OSError):
        morning_reminders_task()
    assert not MorningMessage.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert morning_reminders_task() == 1
    assert len(mail.outbox) == 1


def test_an_address_the_server_refuses_is_skipped_and_the_others_still_go(
    smtp_server, provider, mentor, mentor_world, social_worker, today, caplog
):
    social_worker.email = "sw@example.lv"
    social_worker.save(update_fields=["email"])
    started = today - datetime.timedelta(days=60)
    ClientFactory(provider=provider, social_worker=social_worker.staff, service_start=started)
    smtp_server.refused.add("mentor@example.lv")

    assert morning_reminders_task() == 1

    [(_sender, recipients, _raw)] = smtp_server.received
    assert recipients == ["sw@example.lv"]
    assert f"user {mentor.pk} refused" in caplog.text


def test_documents_listed_are_the_staff_members_own_clients_expiring_within_30_days(
    provider, other_provider, mentor, mentor_world, documents_root, today
):
    # The home pages' rule (clients.selectors.documents_expiring): the user's own clients' documents valid 30 days
    # more at most (an expired one still needs them), only the latest of each kind (a renewed permit is done).
    def permit(client, days: int, kind: str = "residence_permit") -> Document:
        return Document.objects.create(
            client=client,
            provider=client.provider,
            kind=kind,
            valid_until=today + datetime.timedelta(days=days),
            file=ContentFile(b"%PDF-1.7", name="p.pdf"),
            content_type="application/pdf",
            size=8,
        )

    def hers():
        return ClientFactory(provider=provider, mentor=mentor.staff, service_start=today - datetime.timedelta(days=9))

    in_30, today_too, expired = permit(hers(), 30), permit(hers(), 0), permit(hers(), -1)
    permit(hers(), 31)  # later
    renewed = hers()
    permit(renewed, 3)
    permit(renewed, 400)  # renewed: the old permit no longer reminds
    permit(ClientFactory(provider=provider), 5)  # the provider's, not hers
    permit(ClientFactory(provider=other_provider, mentor=StaffFactory(provider=other_provider)), 5)  # foreign

    listed = selectors.due_for(user=mentor, today=today).documents

    assert [d.pk for d in listed] == [expired.pk, today_too.pk, mentor_world.document.pk, in_30.pk]

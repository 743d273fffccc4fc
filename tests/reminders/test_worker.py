"""The morning job run as deployed: sent through Redis to a real Celery worker, received over real SMTP."""

from __future__ import annotations

import pytest

from reminders.models import MorningMessage
from reminders.tasks import morning_reminders_task
from tests.reliability.conftest import wait_for, worker_log

from .test_morning_message import assert_nothing_personal, whole_message

pytestmark = pytest.mark.services


def test_a_real_worker_sends_the_mentor_their_morning_message(start_worker, smtp_server, mentor_world):
    worker = start_worker(
        "plain",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
        DEFAULT_FROM_EMAIL="atgadinajumi@example.lv",
        SITE_URL="https://lietas.example.lv",
    )

    morning_reminders_task.delay()

    wait_for(lambda: smtp_server.received, 90, 0.2, what=lambda: worker_log(worker))
    [(_sender, recipients, _raw)] = smtp_server.received
    assert recipients == ["mentor@example.lv"]
    assert MorningMessage.objects.filter(items=4).exists()
    text = whole_message(smtp_server.messages()[0])
    assert f"https://lietas.example.lv/clients/{mentor_world.client.pk}/" in text
    assert mentor_world.client.client_ref in text
    assert_nothing_personal(text)

"""No name, birth date, note or password goes through the broker or into the logs.

Real Redis and a real Celery worker, nothing mocked: everything sent to the application's Redis database is
read with `MONITOR` (Celery's message bodies base64-decoded), the worker's log file is read as written,
and the web side's log records are captured at DEBUG for every logger but `django.db.backends`, whose SQL
parameters carry names by right.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import logging
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients.models import Client
from exchange.services import dataset_import
from plans.models import ContactTopic
from reporting.models import JobState, ReportJob
from tests.conftest import need_service
from tests.exchange.exchange_helpers import client_row, contact_row, small_folder
from tests.factories import ClientFactory, ContactFactory, GoalFactory, PlanFactory, TaskFactory, TaskNoteFactory
from tests.reliability.conftest import (  # noqa: F401  (fixtures)
    broker_app,
    postgres,
    redis_url,
    start_worker,
    wait_for,
    worker_log,
    worker_media,
)
from tests.reporting.report_world import MARCH, build_world

pytestmark = pytest.mark.services

FIRST_NAME = "Zxqwerty"
LAST_NAME = "Vbnmqwyx"
BIRTH_DATE = datetime.date(1987, 3, 14)
CONTACT_NOTE = "NOTE-SECRET-xyz"
TASK_NOTE = "TASKNOTE-SECRET-xyz"
PLAN_SUMMARY = "SUMMARY-SECRET-xyz"
WRONG_PASSWORD = "Wrong-SECRET-pass-41"

# The birth date as a log line or a serialiser could write it.
BIRTH_DATE_FORMS = [
    BIRTH_DATE.isoformat(),  # 1987-03-14
    BIRTH_DATE.strftime("%d.%m.%Y"),  # 14.03.1987, the Latvian form
    BIRTH_DATE.strftime("%d.%m.%y"),
    BIRTH_DATE.strftime("%d/%m/%Y"),
    BIRTH_DATE.strftime("%m/%d/%Y"),
    BIRTH_DATE.strftime("%Y%m%d"),
    BIRTH_DATE.strftime("%Y.%m.%d"),
    "1987, 3, 14",  # repr(datetime.date)
]
SECRETS = [FIRST_NAME, LAST_NAME, CONTACT_NOTE, TASK_NOTE, PLAN_SUMMARY, WRONG_PASSWORD, *BIRTH_DATE_FORMS]

# A run of base64 long enough to be a message body, not a word.
BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")


def assert_no_secret(where: str, text: str) -> None:
    found = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert not found, f"{where} carries {found}"


def _readable(text: str) -> str:
    """The traffic, and beside it every base64 run decoded: Celery sends its message bodies so."""
    decoded = []
    for run in BASE64_RUN.findall(text):
        try:
            decoded.append(base64.b64decode(run, validate=True).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            continue
    return "\n".join([text, *decoded])


@pytest.fixture
def broker_traffic(redis_url, tmp_path):  # noqa: F811
    """A function returning what was sent to the application's Redis database so far, decoded."""
    if shutil.which("redis-cli") is None:
        need_service("redis-cli is not installed")
    db = urlparse(redis_url).path.strip("/") or "0"
    path = tmp_path / "redis-monitor.log"
    with open(path, "wb") as stream:
        monitor = subprocess.Popen(["redis-cli", "-u", redis_url, "MONITOR"], stdout=stream, stderr=subprocess.STDOUT)
    wait_for(lambda: path.read_bytes().startswith(b"OK"), 10, what="redis-cli MONITOR to start")

    def traffic() -> str:
        time.sleep(0.3)  # what was sent last reaches the file
        # MONITOR shows every database of the server; other test runs use other databases.
        lines = [line for line in path.read_text(errors="replace").splitlines() if f" [{db} " in line]
        return _readable("\n".join(lines))

    yield traffic
    monitor.terminate()
    monitor.wait(timeout=10)


@pytest.fixture
def web_logs(caplog):
    """A function returning the web side's log records so far, but the SQL of `django.db.backends`."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def text() -> str:
        kept = [r for r in caplog.records if not r.name.startswith("django.db.backends")]
        return "\n".join(formatter.format(r) for r in kept)

    return text


def _the_distinctive_person(provider, social_worker, mentor) -> Client:
    """A person of the March report, with a contact note, a plan and a progress note of their own."""
    person = ClientFactory(
        provider=provider,
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        birth_date=BIRTH_DATE,
        social_worker=social_worker.staff,
        mentor=mentor.staff,
    )
    contact = ContactFactory(staff=social_worker.staff, date=datetime.date(2026, 3, 12), note=CONTACT_NOTE)
    contact.clients.add(person)
    ContactTopic.objects.create(contact=contact, topic="health")
    plan = PlanFactory(client=person, summary=PLAN_SUMMARY)
    TaskNoteFactory(task=TaskFactory(goal=GoalFactory(plan=plan), responsible=mentor.staff), text=TASK_NOTE)
    return person


def test_a_report_job_sends_and_logs_no_name_birth_date_or_note(
    start_worker,  # noqa: F811
    broker_traffic,
    web_logs,
    client,
    provider,
    other_provider,
    social_worker,
    mentor,
    manager,
):
    build_world(provider, other_provider, social_worker, mentor)
    _the_distinctive_person(provider, social_worker, mentor)
    worker = start_worker()
    client.force_login(manager)
    client.cookies["django_language"] = "en"

    assert client.post(reverse("reporting:job_create"), {**MARCH, "draft": "1"}).status_code == 302  # a draft
    job = ReportJob.objects.get()
    wait_for(lambda: _state(job) in (JobState.DONE, JobState.FAILED), 120, 0.2, what=lambda: worker_log(worker))
    assert job.state == JobState.DONE, worker_log(worker)

    traffic = broker_traffic()
    # The job's message was seen, and read: its body names the task's one argument, the job's id.
    assert "report_render_task" in traffic
    assert f"[[{job.pk}], {{}}" in traffic
    assert_no_secret("the broker traffic", traffic)
    log = Path(worker.log_path).read_text(errors="replace")
    assert "report_render_task" in log and "succeeded" in log
    assert_no_secret("the worker's log", log)
    assert_no_secret("the web side's log", web_logs())


def _state(job: ReportJob) -> str:
    job.refresh_from_db()
    return job.state


def _distinctive_folder(tmp_path: Path, *, country: str = "AF") -> Path:
    return small_folder(
        tmp_path,
        clients=[
            client_row(
                "C1",
                family_ref="F1",
                first_name=FIRST_NAME,
                last_name=LAST_NAME,
                birth_date=BIRTH_DATE.isoformat(),
                country=country,
            ),
            client_row("C2", family_ref="F1"),
        ],
        contacts=[contact_row("K1", note=CONTACT_NOTE)],
    )


def test_an_import_of_a_folder_sends_and_logs_no_name_birth_date_or_note(
    db, broker_traffic, web_logs, provider, tmp_path
):
    refused = dataset_import(path=_distinctive_folder(tmp_path / "bad", country="XX"))
    result = dataset_import(path=_distinctive_folder(tmp_path / "good"))

    assert not refused.ok and result.ok, result.errors
    assert Client.objects.get(client_ref="C1").first_name == FIRST_NAME
    assert_no_secret("the broker traffic", broker_traffic())
    assert_no_secret("the log", web_logs())


def _uploads(folder: Path) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv") for p in sorted(folder.glob("*.csv"))]


def test_an_import_in_the_browser_sends_and_logs_no_name_birth_date_or_note(
    db, broker_traffic, web_logs, client, manager, provider, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(manager)

    refused = client.post(
        reverse("exchange:import"), {"files": _uploads(_distinctive_folder(tmp_path / "bad", country="XX"))}
    )
    previewed = client.post(reverse("exchange:import"), {"files": _uploads(_distinctive_folder(tmp_path / "good"))})
    confirmed = client.post(reverse("exchange:import_confirm"))

    assert (refused.status_code, previewed.status_code, confirmed.status_code) == (200, 200, 302)
    assert Client.objects.get(client_ref="C1").last_name == LAST_NAME
    assert_no_secret("the broker traffic", broker_traffic())
    assert_no_secret("the log", web_logs())


def test_a_failed_sign_in_logs_no_password(db, broker_traffic, web_logs, plain_client, social_worker):
    response = plain_client.post(
        reverse("accounts:login"), {"username": social_worker.username, "password": WRONG_PASSWORD}
    )

    assert response.status_code == 200  # the form again, with the error
    logged = web_logs()
    assert "login failed" in logged.lower() or "login failure" in logged.lower(), logged
    assert_no_secret("the broker traffic", broker_traffic())
    assert_no_secret("the log", logged)

"""End to end with a real Celery worker on Redis: "make the PDF" in the browser, the job done, the file downloaded."""

import os
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from caseapp.celery import app
from reporting import tasks  # noqa: F401  (registers the tasks with the app)
from reporting.models import JobState, ReportJob
from tests.conftest import need_service

from .report_world import MARCH, build_world

pytestmark = pytest.mark.services


@pytest.fixture
def broker_url():
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis"):
        need_service("CELERY_BROKER_URL does not point at Redis")

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        need_service(f"Redis not reachable at {url}: {exc}")
    return url


@pytest.fixture
def real_worker(broker_url, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=broker_url)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        app.conf.update(**saved)


def test_a_real_worker_makes_the_pdf_asked_for_in_the_browser(
    transactional_db, real_worker, client, provider, other_provider, social_worker, mentor, manager
):
    build_world(provider, other_provider, social_worker, mentor)
    client.force_login(manager)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("reporting:job_create"), {**MARCH, "draft": "1"})  # no narrative: a draft
    assert response.status_code == 302
    job = ReportJob.objects.get()

    status = {}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(reverse("reporting:job_status", args=[job.pk])).json()
        if status["finished"]:
            break
        time.sleep(0.5)
    assert status.get("state") == JobState.DONE, status

    download = client.get(status["download_url"])
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    job.refresh_from_db()
    assert job.attempts == 1
    assert job.size == len(content)
    assert download["Content-Disposition"].startswith("attachment;")

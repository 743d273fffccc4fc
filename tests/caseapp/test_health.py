"""/healthz tells monitoring whether the database, the broker and the workers answer."""

import os

import pytest
from django.urls import reverse

from tests.conftest import need_service

pytestmark = pytest.mark.django_db


def test_health_is_ok_with_the_database_and_in_process_jobs(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process", "workers": None}


def test_health_reports_an_unreachable_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


def test_health_with_the_real_broker_answers_and_counts_workers(client, settings):
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        need_service("CELERY_BROKER_URL is not set")
    settings.CELERY_BROKER_URL = url
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"
    assert isinstance(response.json()["workers"], int)


def test_health_shows_nothing_else_and_takes_no_post(client):
    assert client.post(reverse("healthz")).status_code == 405
    body = client.get(reverse("healthz")).content.decode()
    assert "postgres" not in body and "redis://" not in body

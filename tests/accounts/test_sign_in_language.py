"""The language a person saved follows them to a new browser at sign-in; a choice made on the browser stays."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _sign_in(client):
    return client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"})


def test_a_new_browser_speaks_the_saved_language_after_sign_in(client, social_worker):
    social_worker.language = "en"
    social_worker.save(update_fields=["language"])
    response = _sign_in(client)
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en"' in client.get(reverse("home"), follow=True).content.decode()


def test_a_language_chosen_on_this_browser_stays(client, social_worker):
    social_worker.language = "en"
    social_worker.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lv"
    response = _sign_in(client)
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="lv"' in client.get(reverse("home"), follow=True).content.decode()


def test_a_failed_sign_in_sets_no_language(client, social_worker):
    social_worker.language = "en"
    social_worker.save(update_fields=["language"])
    response = client.post(LOGIN, {"username": "sw", "password": "wrong"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies

"""Sign-in lockout, session limits and the security headers of every signed-in page."""

import re
import time

import pytest
from django.urls import reverse

from accounts.middleware import SIGNED_IN_AT

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def fail_sign_in(client, username: str, times: int):
    response = None
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "not-the-password"})
    return response


def test_six_failed_sign_ins_lock_the_account_even_with_the_right_password(client, social_worker):
    fail_sign_in(client, "sw", 6)
    response = client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_five_failed_sign_ins_still_let_the_right_password_in(client, social_worker):
    fail_sign_in(client, "sw", 5)
    response = client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(social_worker.pk)


def page_without_token(response, username: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return page.replace(f'value="{username}"', "")


def test_an_unknown_user_name_gets_the_same_answers_as_a_known_one(client, social_worker):
    known = [fail_sign_in(client, "sw", 1)]
    unknown = [fail_sign_in(client, "nobody-here", 1)]
    known.append(fail_sign_in(client, "sw", 5))
    unknown.append(fail_sign_in(client, "nobody-here", 5))
    for answer_known, answer_unknown in zip(known, unknown, strict=True):
        assert answer_known.status_code == answer_unknown.status_code
        assert page_without_token(answer_known, "sw") == page_without_token(answer_unknown, "nobody-here")


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, social_worker):
    client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"})
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 12 * 3600 - 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_sessions_expire_after_thirty_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_pages_carry_a_content_security_policy_that_allows_no_third_party(client, social_worker):
    client.force_login(social_worker)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "http" not in policy


def test_short_passwords_are_refused_by_the_validators(social_worker):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("short-pass1", social_worker)
    validate_password("a-much-longer-passphrase", social_worker)


def test_an_over_long_user_name_is_refused_beside_the_field(client):
    response = client.post(LOGIN, {"username": "x" * 300, "password": "whatever-it-is"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]

"""Sign-in lockout, session limits and the security headers of every signed-in page."""

import re
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
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
    # Renewed by a request at most a minute after the last save (tests/accounts/test_session_timeout.py).
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_RENEW_AFTER_SECONDS == 60


def test_pages_carry_a_content_security_policy_that_allows_no_third_party(client, social_worker):
    client.force_login(social_worker)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "http" not in policy


def test_short_passwords_are_refused_by_the_validators(social_worker):
    with pytest.raises(ValidationError):
        validate_password("short-pass1", social_worker)
    validate_password("a-much-longer-passphrase", social_worker)


def test_an_over_long_user_name_is_refused_beside_the_field(client):
    response = client.post(LOGIN, {"username": "x" * 300, "password": "whatever-it-is"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_failures_for_a_name_from_another_address_do_not_lock_its_owner_out_here(client, social_worker):
    for _ in range(6):
        client.post(LOGIN, {"username": "sw", "password": "not-the-password"}, REMOTE_ADDR="203.0.113.9")
    assert client.post(LOGIN, {"username": "sw", "password": "x"}, REMOTE_ADDR="203.0.113.9").status_code == 429
    response = client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(social_worker.pk)


def test_an_address_that_fails_over_many_names_is_locked_for_every_name(client, social_worker):
    for number in range(10):
        fail_sign_in(client, f"guess{number}", 3)
    response = client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    elsewhere = client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"}, REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302


def test_the_sign_in_page_says_how_many_attempts_are_left(client, social_worker):
    response = fail_sign_in(client, "sw", 1)
    assert response.context["form"].attempts_left == 5
    response = fail_sign_in(client, "sw", 4)
    assert [error.code for error in response.context["form"].non_field_errors().as_data()] == ["invalid_login"]
    assert response.context["form"].attempts_left == 1


def test_a_success_resets_the_count_of_its_own_name_only(client, social_worker):
    fail_sign_in(client, "sw", 5)
    for number in range(5):
        fail_sign_in(client, f"guess{number}", 5)
    client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"})
    client.logout()
    # The address has 25 failures left on record: five more over any names lock it.
    fail_sign_in(client, "another-guess", 5)
    assert client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"}).status_code == 429


def test_wrong_current_passwords_on_the_password_change_count_towards_the_lockout(client, social_worker):
    client.force_login(social_worker)
    form = {
        "old_password": "not-it",
        "new_password1": "a-new-long-passphrase",
        "new_password2": "a-new-long-passphrase",
    }
    for _ in range(5):
        assert client.post(reverse("accounts:password_change"), form).status_code == 200
    locked = client.post(reverse("accounts:password_change"), form)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"}).status_code == 429


def test_the_password_change_still_works_with_the_right_current_password(client, social_worker):
    client.force_login(social_worker)
    form = {
        "old_password": "correct-horse-battery",
        "new_password1": "a-new-long-passphrase",
        "new_password2": "a-new-long-passphrase",
    }
    response = client.post(reverse("accounts:password_change"), form)
    assert response.status_code == 302
    social_worker.refresh_from_db()
    assert social_worker.check_password("a-new-long-passphrase")
    assert client.get(reverse("home")).status_code == 200


def test_behind_a_trusted_proxy_the_lockout_counts_the_address_the_proxy_saw(client, social_worker, settings):
    settings.ACCOUNTS_TRUSTED_PROXY_COUNT = 1
    for _ in range(6):
        client.post(
            LOGIN,
            {"username": "sw", "password": "not-the-password"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
        )
    # A forged first entry changes nothing: the proxy's own entry is the one counted.
    locked = client.post(
        LOGIN, {"username": "sw", "password": "x"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="5.6.7.8, 203.0.113.9"
    )
    assert locked.status_code == 429
    response = client.post(
        LOGIN,
        {"username": "sw", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302

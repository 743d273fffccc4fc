"""The sign-in page warns before the lockout: how many attempts are left and how long the lock lasts (issue 17)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.forms import SignInForm

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def fail(client, username: str, times: int = 1, **extra):
    response = None
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "not-the-password"}, **extra)
    return response


def warning(response) -> str:
    found = re.search(
        r'<div id="attempts-left" class="alert alert-warning" role="status">(.*?)</div>',
        response.content.decode(),
        re.S,
    )
    return found.group(1).strip() if found else ""


def test_the_first_visit_warns_of_nothing(client):
    assert warning(client.get(LOGIN)) == ""


def test_after_two_failures_four_attempts_are_left_before_a_thirty_minute_lock(client, social_worker, settings):
    settings.LANGUAGE_CODE = "en"
    response = fail(client, "sw", 2)
    assert warning(response) == "4 attempts left. After that, sign-in is locked for 30 minutes."
    # The error comes first, then the warning, then the fields.
    page = response.content.decode()
    assert page.index('role="alert"') < page.index('id="attempts-left"') < page.index('id="id_username"')


def test_the_last_attempt_is_named_in_the_singular(client, social_worker, settings):
    settings.LANGUAGE_CODE = "en"
    assert warning(fail(client, "sw", 5)) == "1 attempt left. After that, sign-in is locked for 30 minutes."


def test_the_warning_speaks_latvian_with_its_plural_forms(client, social_worker):
    assert warning(fail(client, "sw", 2)) == (
        "Atlikuši 4 mēģinājumi. Pēc tam pierakstīšanās tiks bloķēta uz 30 minūtēm."
    )
    assert warning(fail(client, "sw", 3)) == (
        "Atlicis 1 mēģinājums. Pēc tam pierakstīšanās tiks bloķēta uz 30 minūtēm."
    )


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1, "Atlicis 1 mēģinājums."),
        (2, "Atlikuši 2 mēģinājumi."),
        (11, "Atlikuši 11 mēģinājumi."),
        (21, "Atlicis 21 mēģinājums."),
        (0, "Vairs nav atlicis neviens mēģinājums."),
    ],
)
def test_latvian_counts_take_their_three_plural_forms(rf, count, text):
    form = SignInForm(rf.post(LOGIN))
    form.attempts_left = count
    with translation.override("lv"):
        assert form.attempts_left_warning.startswith(text)


def test_the_lock_is_named_as_long_as_it_is_configured(client, social_worker, settings):
    settings.LANGUAGE_CODE = "en"
    settings.AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
    assert warning(fail(client, "sw")).endswith("sign-in is locked for 60 minutes.")
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)
    assert warning(fail(client, "sw")).endswith("sign-in is locked for 1 minute.")


def test_an_unknown_user_name_gets_the_same_warning(client, social_worker):
    known = warning(fail(client, "sw", 2))
    unknown = warning(fail(client, "nobody-here", 2))
    assert known
    assert known == unknown


def test_an_address_failing_over_many_names_counts_down_its_own_limit(client, social_worker, settings):
    settings.LANGUAGE_CODE = "en"
    settings.ACCOUNTS_ADDRESS_FAILURE_LIMIT = 8
    for number in range(3):
        fail(client, f"guess{number}", 2)
    assert warning(fail(client, "sw")).startswith("1 attempt left.")


def test_a_successful_sign_in_shows_no_warning(client, social_worker):
    fail(client, "sw", 2)
    response = client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert warning(client.get(LOGIN)) == ""


def test_the_latvian_error_names_the_user_name_in_the_right_case(client, social_worker):
    page = fail(client, "sw").content.decode()
    assert "Nepareizs lietotājvārds vai parole." in page
    assert "pareizu lietotājvārds" not in page


def test_a_too_long_value_is_refused_with_the_right_latvian_plural(client):
    form = SignInForm(None, data={"username": "x" * 200, "password": "whatever-it-is"})
    with translation.override("lv"):
        assert form.errors["username"] == ["Vērtībā jābūt ne vairāk kā 150 zīmēm (tajā ir 200)."]


def test_the_locked_out_page_names_the_lock_the_settings_set(client, social_worker, settings):
    settings.LANGUAGE_CODE = "en"
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=45)
    response = fail(client, "sw", 6)
    assert response.status_code == 429
    locked = re.search(r'data-testid="locked-out">(.*?)</div>', response.content.decode(), re.S).group(1)
    assert " ".join(locked.split()) == (
        "Too many failed sign-ins. Sign-in is locked for 45 minutes; try again later or ask your manager to unlock it."
    )

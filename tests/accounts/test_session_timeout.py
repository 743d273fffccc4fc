"""Session timeout: warned before, and a form sent after it is kept for its user and given back after signing in."""

import datetime
import re
import time
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import session_timeout
from accounts.middleware import SAVED_AT, SIGNED_IN_AT
from accounts.tasks import short_lived_rows_clear_task
from plans.models import Contact

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NOTE = "Amina asked about the language course; she brings her papers on Monday."


@pytest.fixture(autouse=True)
def _in_english(client, plain_client):
    for each in (client, plain_client):
        each.cookies["django_language"] = "en"


def _contact_url(person) -> str:
    return reverse("plans:contact_create", args=[person.pk])


def _contact(person, **extra):
    data = {
        "date": datetime.date.today().isoformat(),
        "members": [person.pk],
        "form": "phone",
        "duration_minutes": "15",
        "note": NOTE,
        "csrfmiddlewaretoken": "ignored-by-the-test-client",
        "form_token": "a" * 32,
    }
    return {**data, **extra}


def _idle_past_the_limit(client) -> None:
    # As the store sees a session idle past the limit: its row expired, its copy gone from the cache in front.
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    caches[settings.SESSION_CACHE_ALIAS].delete(import_module(settings.SESSION_ENGINE).SessionStore(key).cache_key)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _time_out_while_typing(client, user, person):
    client.force_login(user)
    client.get(_contact_url(person))  # the form is open: the browser now knows who works here
    _idle_past_the_limit(client)
    return client.post(_contact_url(person), _contact(person))


def test_a_form_sent_after_the_idle_limit_goes_to_sign_in_saying_the_work_is_kept(
    client, social_worker, assigned_client
):
    response = _time_out_while_typing(client, social_worker, assigned_client)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={_contact_url(assigned_client)}"
    assert NOTE not in response["Location"]
    assert any("What you typed was kept" in m for m in _messages(response))
    assert not Contact.objects.exists()


def test_the_sign_in_page_shows_that_the_session_ended(client, social_worker, assigned_client):
    client.cookies["django_language"] = "en"
    response = _time_out_while_typing(client, social_worker, assigned_client)
    page = client.get(response["Location"]).content.decode()
    assert "Your session ended" in page
    assert NOTE not in page


def test_a_page_opened_after_the_idle_limit_says_the_session_ended(client, social_worker, assigned_client):
    client.force_login(social_worker)
    client.get(reverse("home"))
    _idle_past_the_limit(client)
    response = client.get(_contact_url(assigned_client), follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('accounts:login')}?next={_contact_url(assigned_client)}"
    assert "Your session ended after a while without activity. Sign in again to go on." in response.content.decode()


def test_the_same_user_signing_in_again_finds_the_form_filled_in_and_saves_it(client, social_worker, assigned_client):
    _time_out_while_typing(client, social_worker, assigned_client)
    client.force_login(social_worker)
    page = client.get(_contact_url(assigned_client))
    assert page.context["form"].data["note"] == NOTE
    assert NOTE in page.content.decode()
    assert any("Check it and save it" in m for m in _messages(page))
    # Kept once: the next visit of the form is empty again.
    assert NOTE not in client.get(_contact_url(assigned_client)).content.decode()
    client.post(_contact_url(assigned_client), _contact(assigned_client, form_token="b" * 32))
    assert Contact.objects.get().note == NOTE


def test_the_kept_fields_leave_out_the_tokens(client, social_worker, assigned_client):
    _time_out_while_typing(client, social_worker, assigned_client)
    kept = client.session[session_timeout.SESSION_KEY]
    names = {name for name, _values in kept["fields"]}
    assert "note" in names
    assert not names & {"csrfmiddlewaretoken", "form_token"}


def test_another_user_signing_in_on_that_browser_gets_nothing(client, social_worker, mentor, assigned_client):
    _time_out_while_typing(client, social_worker, assigned_client)
    client.force_login(mentor)
    page = client.get(_contact_url(assigned_client)).content.decode()
    assert NOTE not in page
    assert session_timeout.SESSION_KEY not in client.session
    # Nor does the first user, signing in after them.
    client.force_login(social_worker)
    assert NOTE not in client.get(_contact_url(assigned_client)).content.decode()


def test_another_users_first_page_drops_what_was_kept(client, social_worker, mentor, assigned_client):
    _time_out_while_typing(client, social_worker, assigned_client)
    client.force_login(mentor)
    client.get(reverse("home"))
    assert session_timeout.SESSION_KEY not in client.session


def test_the_work_is_kept_half_an_hour_at_most(client, social_worker, assigned_client):
    _time_out_while_typing(client, social_worker, assigned_client)
    session = client.session
    session[session_timeout.SESSION_KEY]["at"] = int(time.time()) - session_timeout.KEEP_SECONDS - 1
    session.save()
    client.force_login(social_worker)
    assert NOTE not in client.get(_contact_url(assigned_client)).content.decode()


def test_the_kept_work_leaves_the_database_with_its_expired_session(client, social_worker, assigned_client):
    _time_out_while_typing(client, social_worker, assigned_client)
    _idle_past_the_limit(client)
    short_lived_rows_clear_task()
    assert not Session.objects.filter(session_data__isnull=False).exists()


def test_a_scripts_request_after_the_limit_keeps_nothing_its_page_still_has_it(client, social_worker, assigned_client):
    client.force_login(social_worker)
    client.get(_contact_url(assigned_client))
    _idle_past_the_limit(client)
    response = client.post(
        _contact_url(assigned_client), _contact(assigned_client), headers={"accept": "application/json"}
    )
    assert response.status_code == 302
    assert session_timeout.SESSION_KEY not in client.session


def test_a_form_sent_without_a_signed_in_user_on_that_browser_is_not_kept(plain_client, assigned_client):
    response = plain_client.post(_contact_url(assigned_client), _contact(assigned_client))
    assert response.status_code == 302
    assert session_timeout.SESSION_KEY not in plain_client.session


def test_signing_out_on_purpose_forgets_who_worked_on_this_browser(client, social_worker, assigned_client):
    client.force_login(social_worker)
    client.get(_contact_url(assigned_client))
    response = client.post(reverse("accounts:logout"))
    assert response.cookies[session_timeout.OWNER_COOKIE].value == ""
    client.post(_contact_url(assigned_client), _contact(assigned_client))
    assert session_timeout.SESSION_KEY not in client.session


def test_the_twelve_hour_limit_keeps_the_form_too(client, social_worker, assigned_client):
    client.force_login(social_worker)
    client.get(_contact_url(assigned_client))
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 13 * 60 * 60
    session.save()
    response = client.post(_contact_url(assigned_client), _contact(assigned_client))
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(social_worker)
    assert NOTE in client.get(_contact_url(assigned_client)).content.decode()


def test_the_whole_way_back_through_the_password_and_the_second_factor(plain_client, social_worker, assigned_client):
    device = TOTPDevice.objects.create(user=social_worker, name="phone", confirmed=True)

    def code() -> str:
        device.refresh_from_db()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        return f"{totp.token():06d}"

    login = reverse("accounts:login")
    plain_client.post(login, {"username": "sw", "password": PASSWORD})
    plain_client.post(reverse("accounts:two_factor_verify"), {"token": code()})
    plain_client.get(_contact_url(assigned_client))
    _idle_past_the_limit(plain_client)
    to_sign_in = plain_client.post(_contact_url(assigned_client), _contact(assigned_client))["Location"]

    after_password = plain_client.post(to_sign_in, {"username": "sw", "password": PASSWORD})
    assert after_password["Location"] == _contact_url(assigned_client)
    to_verify = plain_client.get(after_password["Location"])["Location"]
    assert to_verify.startswith(reverse("accounts:two_factor_verify"))
    verify_page = plain_client.get(to_verify).content.decode()
    assert f'value="{_contact_url(assigned_client)}"' in verify_page
    # The code of this half-minute was spent at the first sign-in; the test does not wait for the next one.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    back = plain_client.post(to_verify, {"token": code(), "next": _contact_url(assigned_client)})
    assert back["Location"] == _contact_url(assigned_client)
    assert NOTE in plain_client.get(back["Location"]).content.decode()


def test_stay_signed_in_renews_the_session_and_says_how_long_it_has(client, settings, social_worker):
    settings.SESSION_COOKIE_AGE = 600
    client.force_login(social_worker)
    response = client.post(reverse("accounts:session_keepalive"))
    assert response.status_code == 200
    assert response.json() == {"seconds_left": 600}
    expires = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expires > timezone.now() + datetime.timedelta(seconds=590)


def test_stay_signed_in_cannot_pass_the_twelve_hour_limit(client, social_worker):
    client.force_login(social_worker)
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 12 * 60 * 60 + 100
    session.save()
    assert client.post(reverse("accounts:session_keepalive")).json()["seconds_left"] <= 100


def test_stay_signed_in_after_the_end_is_sent_to_sign_in_and_takes_get_only_never(client, social_worker):
    client.force_login(social_worker)
    assert client.get(reverse("accounts:session_keepalive")).status_code == 405
    _idle_past_the_limit(client)
    response = client.post(reverse("accounts:session_keepalive"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_signed_in_pages_carry_the_warning_with_the_idle_limit(client, settings, social_worker):
    settings.SESSION_COOKIE_AGE = 1200
    client.force_login(social_worker)
    page = client.get(reverse("home")).content.decode()
    assert 'id="session-timer"' in page
    # From the sign-in's save: the moment since then is off it.
    assert 1190 < int(re.search(r'data-seconds-left="(\d+)"', page).group(1)) <= 1200
    assert 'data-warn-seconds="300"' in page
    assert "/static/js/session.js" in page


def test_the_sign_in_page_has_no_warning(plain_client):
    assert 'id="session-timer"' not in plain_client.get(reverse("accounts:login")).content.decode()


def test_a_page_within_a_minute_of_the_last_save_writes_no_session(client, social_worker):
    client.force_login(social_worker)
    client.get(reverse("home"))  # saves the session with its renewal time
    expires = Session.objects.get(session_key=client.session.session_key).expire_date
    response = client.get(reverse("home"))
    assert "sessionid" not in response.cookies
    assert Session.objects.get(session_key=client.session.session_key).expire_date == expires


def test_a_page_a_minute_after_the_last_save_renews_the_idle_limit(client, settings, social_worker):
    settings.SESSION_COOKIE_AGE = 600
    client.force_login(social_worker)
    client.get(reverse("home"))
    session = client.session
    session[SAVED_AT] = time.time() - 61
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now())
    client.get(reverse("home"))
    expires = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expires > timezone.now() + datetime.timedelta(seconds=590)


def test_the_warning_counts_from_the_last_save_not_from_this_page(client, settings, social_worker):
    settings.SESSION_COOKIE_AGE = 1200
    client.force_login(social_worker)
    session = client.session
    session[SAVED_AT] = time.time() - 30  # saved half a minute ago: this page does not save it again
    session.save()
    page = client.get(reverse("home")).content.decode()
    seconds_left = int(re.search(r'data-seconds-left="(\d+)"', page).group(1))
    assert 1150 < seconds_left <= 1170  # the request itself takes a moment


def test_a_session_survives_the_cache_being_emptied(client, social_worker):
    client.force_login(social_worker)
    assert client.get(reverse("home")).status_code == 200
    caches[settings.SESSION_CACHE_ALIAS].clear()  # Redis restarted
    assert client.get(reverse("home")).status_code == 200


def test_a_short_idle_limit_is_renewed_within_a_tenth_of_it(client, settings, social_worker):
    settings.SESSION_COOKIE_AGE = 100
    client.force_login(social_worker)
    client.get(reverse("home"))
    session = client.session
    session[SAVED_AT] = time.time() - 11  # past a tenth of the limit, well within the minute
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now())
    client.get(reverse("home"))
    expires = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expires > timezone.now() + datetime.timedelta(seconds=90)

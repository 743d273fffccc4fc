"""Two-factor sign-in: required of everyone (field staff after a grace period), recovered with codes or a reset."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.recovery import recovery_code_key
from audit.models import Action, AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in(client, username: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


@pytest.mark.parametrize("role", ["manager", "coordinator"])
def test_a_role_that_requires_it_must_set_up_a_second_factor_first(plain_client, request, role):
    user = request.getfixturevalue(role)
    sign_in(plain_client, user.username)
    response = plain_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")


def test_setting_up_the_second_factor_asks_for_the_password_and_a_code(plain_client, manager):
    sign_in(plain_client, "manager")
    plain_client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    refused = plain_client.post(
        reverse("accounts:two_factor_setup"), {"password": "wrong-password", "token": current_code(device)}
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["password"]
    accepted = plain_client.post(
        reverse("accounts:two_factor_setup"), {"password": PASSWORD, "token": current_code(device)}
    )
    assert accepted.status_code == 302
    assert plain_client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_beside_the_field(plain_client, manager):
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    sign_in(plain_client, "manager")
    assert plain_client.get(reverse("home"))["Location"] == reverse("accounts:two_factor_verify")
    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = plain_client.post(reverse("accounts:two_factor_verify"), {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert plain_client.get(reverse("home")).status_code == 302


def test_the_right_code_opens_the_pages(plain_client, coordinator):
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    sign_in(plain_client, "coordinator")
    response = plain_client.post(reverse("accounts:two_factor_verify"), {"token": current_code(device)})
    assert response.status_code == 302
    assert plain_client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("role", ["social_worker", "mentor"])
def test_field_staff_may_work_without_a_second_factor_during_the_grace_period(plain_client, request, role):
    user = request.getfixturevalue(role)
    sign_in(plain_client, user.username)
    assert plain_client.get(reverse("home")).status_code == 200
    assert plain_client.get(reverse("accounts:two_factor_setup")).status_code == 200


def test_the_admin_requires_a_second_factor_too(plain_client, db):
    UserFactory(username="root", role="", provider=None, is_superuser=True, is_staff=True)
    sign_in(plain_client, "root")
    response = plain_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")


def test_changing_the_password_asks_for_the_current_one(client, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    social_worker.refresh_from_db()
    assert social_worker.check_password(PASSWORD)


def joined_days_ago(user, days: int):
    user.date_joined = timezone.now() - timedelta(days=days)
    user.save(update_fields=["date_joined"])
    return user


def a_wrong_code(device: TOTPDevice) -> str:
    return "000000" if current_code(device) != "000000" else "111111"


def set_up_in_session(client, user) -> list[str]:
    """Scan the page's secret and confirm it with the password; returns the recovery codes shown after."""
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"password": PASSWORD, "token": current_code(device)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    return client.get(reverse("accounts:recovery_codes")).context["codes"]


@pytest.mark.parametrize("role", ["manager", "coordinator", "social_worker", "mentor"])
def test_a_password_alone_cannot_replace_an_existing_authenticator(plain_client, request, role):
    user = request.getfixturevalue(role)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in(plain_client, user.username)
    page = plain_client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:two_factor_verify"))
    # Even with a secret of their own making, the setup refuses the unconfirmed session.
    attacker_device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    response = plain_client.post(
        reverse("accounts:two_factor_setup"), {"password": PASSWORD, "token": current_code(attacker_device)}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    attacker_device.refresh_from_db()
    assert not attacker_device.confirmed
    assert plain_client.get(reverse("home"))["Location"] == reverse("accounts:two_factor_verify")


@pytest.mark.parametrize("role", ["social_worker", "mentor"])
def test_field_staff_with_an_authenticator_must_confirm_it_even_in_the_grace_period(plain_client, request, role):
    user = request.getfixturevalue(role)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in(plain_client, user.username)
    response = plain_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_verify")


def test_a_session_confirmed_with_the_old_authenticator_may_replace_it(plain_client, manager):
    old = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    sign_in(plain_client, "manager")
    plain_client.post(reverse("accounts:two_factor_verify"), {"token": current_code(old)})
    codes = set_up_in_session(plain_client, manager)
    assert len(codes) == 10
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).count() == 1
    assert plain_client.get(reverse("home")).status_code == 200
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_SETUP, object_id=str(manager.pk)).exists()


def test_ten_recovery_codes_are_shown_once_right_after_setup(plain_client, social_worker):
    sign_in(plain_client, "sw")
    codes = set_up_in_session(plain_client, social_worker)
    assert len(set(codes)) == 10
    # Kept as keyed hashes, never as the codes.
    stored = set(StaticToken.objects.filter(device__user=social_worker).values_list("token", flat=True))
    assert stored == {recovery_code_key(code) for code in codes}
    assert not stored & set(codes)
    again = plain_client.get(reverse("accounts:recovery_codes"))
    assert again.context["codes"] is None
    assert again.context["codes_left"] == 10
    assert codes[0] not in again.content.decode()


def test_a_recovery_code_opens_the_pages_once_and_its_use_is_audited(plain_client, client, coordinator):
    client.force_login(coordinator)  # makes the authenticator
    client.logout()
    device = StaticDevice.objects.create(user=coordinator, name="recovery codes", confirmed=True)
    device.token_set.create(token=recovery_code_key("abcd2345"))
    sign_in(plain_client, "coordinator")
    response = plain_client.post(reverse("accounts:two_factor_verify"), {"token": "ABCD-2345"})
    assert response.status_code == 302
    assert plain_client.get(reverse("home")).status_code == 200
    assert not device.token_set.exists()
    entry = AuditEntry.objects.get(action=Action.RECOVERY_CODE)
    assert entry.object_id == str(coordinator.pk)
    plain_client.post(reverse("accounts:logout"))
    sign_in(plain_client, "coordinator")
    reused = plain_client.post(reverse("accounts:two_factor_verify"), {"token": "abcd2345"})
    assert reused.status_code == 200
    assert reused.context["form"].errors["token"]


def test_recovery_codes_are_made_anew_only_from_a_confirmed_session(plain_client, social_worker):
    sign_in(plain_client, "sw")
    old_codes = set_up_in_session(plain_client, social_worker)
    response = plain_client.post(reverse("accounts:recovery_codes"))
    assert response.status_code == 302
    new_codes = plain_client.get(reverse("accounts:recovery_codes")).context["codes"]
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert StaticToken.objects.filter(device__user=social_worker).count() == 10
    # A session with the password only is sent to confirm the second factor first.
    other = type(plain_client)()
    sign_in(other, "sw")
    refused = other.post(reverse("accounts:recovery_codes"))
    assert refused["Location"] == reverse("accounts:two_factor_verify")
    stored = set(StaticToken.objects.filter(device__user=social_worker).values_list("token", flat=True))
    assert stored == {recovery_code_key(code) for code in new_codes}


def test_a_code_as_stored_in_the_database_does_not_sign_in(plain_client, client, coordinator):
    client.force_login(coordinator)  # makes the authenticator
    client.logout()
    device = StaticDevice.objects.create(user=coordinator, name="recovery codes", confirmed=True)
    stored = device.token_set.create(token=recovery_code_key("abcd2345")).token
    sign_in(plain_client, "coordinator")

    refused = plain_client.post(reverse("accounts:two_factor_verify"), {"token": stored})

    assert refused.status_code == 200
    assert refused.context["form"].errors["token"]
    assert device.token_set.count() == 1


def test_the_migration_hashes_the_codes_stored_before_it(coordinator):
    migration = importlib.import_module("accounts.migrations.0005_recovery_codes_hashed")
    device = StaticDevice.objects.create(user=coordinator, name="recovery codes", confirmed=True)
    device.token_set.create(token="abcd2345")
    hashed = device.token_set.create(token=recovery_code_key("efgh6789"))

    migration.hash_stored_codes(django_apps, None)

    assert set(device.token_set.values_list("token", flat=True)) == {
        recovery_code_key("abcd2345"),
        hashed.token,
    }


def test_recovery_codes_page_refuses_the_wrong_method(client, social_worker):
    client.force_login(social_worker)
    assert client.put(reverse("accounts:recovery_codes")).status_code == 405


@pytest.mark.parametrize("role", ["social_worker", "mentor"])
def test_during_the_grace_period_a_banner_says_how_many_days_are_left(plain_client, request, role):
    user = joined_days_ago(request.getfixturevalue(role), 2)
    sign_in(plain_client, user.username)
    page = plain_client.get(reverse("home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="two-factor-banner"' in html
    assert " 5 " in html.split('data-testid="two-factor-banner"')[1].split("</div>")[0]
    assert reverse("accounts:two_factor_setup") in html


def test_a_page_in_the_grace_period_reads_the_second_factors_devices_once(plain_client, social_worker):
    # The middleware and the page's reminder both ask whether the person has a device (issue 22).
    user = joined_days_ago(social_worker, 2)
    sign_in(plain_client, user.username)
    with CaptureQueriesContext(connection) as queries:
        page = plain_client.get(reverse("home"))
    assert 'data-testid="two-factor-banner"' in page.content.decode()
    assert sum('FROM "otp_totp_totpdevice"' in q["sql"] for q in queries.captured_queries) == 1


@pytest.mark.parametrize("role", ["social_worker", "mentor"])
def test_after_the_grace_period_field_staff_must_set_up_the_second_factor(plain_client, request, role):
    user = joined_days_ago(request.getfixturevalue(role), 8)
    sign_in(plain_client, user.username)
    response = plain_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")
    assert plain_client.get(reverse("accounts:two_factor_setup")).status_code == 200
    set_up_in_session(plain_client, user)
    page = plain_client.get(reverse("home"))
    assert page.status_code == 200
    assert 'data-testid="two-factor-banner"' not in page.content.decode()


def test_accounts_older_than_the_rollout_get_their_grace_days_from_the_rollout(plain_client, mentor, settings):
    joined_days_ago(mentor, 300)
    settings.TWO_FACTOR_GRACE_FROM = timezone.now() - timedelta(days=2)
    sign_in(plain_client, mentor.username)

    page = plain_client.get(reverse("home"))

    assert page.status_code == 200
    assert 'data-testid="two-factor-banner"' in page.content.decode()
    assert page.context["days_left"] == 5


def test_the_setup_page_says_when_it_is_required_and_shows_no_banner(plain_client, social_worker):
    joined_days_ago(social_worker, 6)
    sign_in(plain_client, "sw")
    page = plain_client.get(reverse("accounts:two_factor_setup"))
    assert page.context["days_left"] == 1
    assert 'data-testid="two-factor-banner"' not in page.content.decode()


def test_managers_have_no_grace_period(plain_client, manager):
    sign_in(plain_client, "manager")
    assert plain_client.get(reverse("home"))["Location"] == reverse("accounts:two_factor_setup")


def test_a_wrong_password_on_the_setup_page_counts_towards_the_lockout(plain_client, social_worker):
    sign_in(plain_client, "sw")
    plain_client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=social_worker, confirmed=False)
    for _ in range(5):
        response = plain_client.post(
            reverse("accounts:two_factor_setup"), {"password": "not-the-password", "token": current_code(device)}
        )
        assert response.status_code == 200
    locked = plain_client.post(
        reverse("accounts:two_factor_setup"), {"password": "not-the-password", "token": current_code(device)}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in plain_client.session
    again = sign_in(plain_client, "sw")
    assert again.status_code == 429


def test_wrong_codes_on_the_verify_page_count_towards_the_lockout(plain_client, manager):
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    sign_in(plain_client, "manager")
    for _ in range(5):
        response = plain_client.post(reverse("accounts:two_factor_verify"), {"token": a_wrong_code(device)})
        assert response.status_code == 200
    locked = plain_client.post(reverse("accounts:two_factor_verify"), {"token": a_wrong_code(device)})
    assert locked.status_code == 429
    assert "_auth_user_id" not in plain_client.session
    assert AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED, actor_username="manager").count() == 6

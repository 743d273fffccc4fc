"""Two-factor sign-in: required for managers, coordinators and the admin, offered to everyone."""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

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
def test_field_staff_may_work_without_a_second_factor_but_are_offered_one(plain_client, request, role):
    user = request.getfixturevalue(role)
    sign_in(plain_client, user.username)
    assert plain_client.get(reverse("home")).status_code == 200
    assert plain_client.get(reverse("accounts:two_factor_setup")).status_code == 200


def test_the_admin_requires_a_second_factor_too(plain_client, db):
    from tests.factories import UserFactory

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

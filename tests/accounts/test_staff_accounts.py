"""The staff accounts page: a manager resets a lost second factor and unlocks a locked sign-in, for their own staff."""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin import UserAdmin
from accounts.models import User
from audit.models import Action, AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STAFF = reverse("accounts:staff")
RESET = reverse("accounts:staff_two_factor_reset")
UNLOCK = reverse("accounts:staff_unlock")
LOGIN = reverse("accounts:login")


def with_second_factor(user):
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True).token_set.create(token="abcd2345")
    return user


def lock_out(client, username: str) -> None:
    for _ in range(6):
        client.post(LOGIN, {"username": username, "password": "not-the-password"})


def test_the_manager_sees_the_accounts_of_their_own_provider_only(client, manager, social_worker, mentor, outsider):
    coordinator = UserFactory(username="coordinator", role="coordinator", provider=None)
    with_second_factor(social_worker)
    client.force_login(manager)
    response = client.get(STAFF)
    assert response.status_code == 200
    shown = {row.account.username for row in response.context["rows"]}
    assert shown == {"manager", "sw", "mentor"}
    assert outsider.username not in shown and coordinator.username not in shown
    rows = {row.account.username: row for row in response.context["rows"]}
    assert rows["sw"].has_authenticator
    assert not rows["mentor"].has_authenticator
    assert rows["mentor"].set_up_by == mentor.date_joined + timedelta(days=7)


@pytest.mark.parametrize("role", ["social_worker", "mentor", "coordinator", "outsider"])
def test_other_roles_do_not_find_the_staff_accounts_page(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(STAFF).status_code == 404


def test_the_staff_accounts_page_refuses_the_wrong_method(client, manager):
    client.force_login(manager)
    assert client.post(STAFF).status_code == 405
    assert client.get(RESET).status_code == 405
    assert client.get(UNLOCK).status_code == 405


def test_the_manager_resets_the_second_factor_of_their_staff(client, plain_client, manager, social_worker):
    with_second_factor(social_worker)
    client.force_login(manager)
    response = client.post(RESET, {"user": social_worker.pk})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=social_worker).exists()
    assert not StaticDevice.objects.filter(user=social_worker).exists()
    entry = AuditEntry.objects.get(action=Action.TWO_FACTOR_RESET)
    assert (entry.actor_username, entry.object_id, entry.provider_id) == (
        "manager",
        str(social_worker.pk),
        social_worker.provider_id,
    )
    # Past the grace period, the password leads straight to setting up a new authenticator.
    User.objects.filter(pk=social_worker.pk).update(date_joined=timezone.now() - timedelta(days=30))
    plain_client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"})
    assert plain_client.get(reverse("home"))["Location"] == reverse("accounts:two_factor_setup")
    assert plain_client.get(reverse("accounts:two_factor_setup")).status_code == 200


def test_the_manager_cannot_reset_another_providers_user_or_a_coordinator(client, manager, outsider, coordinator):
    with_second_factor(outsider)
    with_second_factor(coordinator)
    client.force_login(manager)
    assert client.post(RESET, {"user": outsider.pk}).status_code == 404
    assert client.post(RESET, {"user": coordinator.pk}).status_code == 404
    assert client.post(RESET, {"user": 999999}).status_code == 404
    assert client.post(RESET, {}).status_code == 400
    assert TOTPDevice.objects.filter(user=outsider).exists()
    assert TOTPDevice.objects.filter(user=coordinator).exists()
    assert not AuditEntry.objects.filter(action=Action.TWO_FACTOR_RESET).exists()


@pytest.mark.parametrize("role", ["social_worker", "mentor", "coordinator", "outsider"])
def test_other_roles_cannot_reset_or_unlock(client, request, role, manager):
    with_second_factor(manager)
    client.force_login(request.getfixturevalue(role))
    assert client.post(RESET, {"user": manager.pk}).status_code == 404
    assert client.post(UNLOCK, {"user": manager.pk}).status_code == 404
    assert TOTPDevice.objects.filter(user=manager, name="phone").exists()


def test_the_admin_resets_anyone(client, outsider, coordinator):
    root = UserFactory(username="root", role="", provider=None, is_superuser=True, is_staff=True)
    with_second_factor(outsider)
    with_second_factor(coordinator)
    client.force_login(root)
    assert client.get(STAFF).status_code == 200
    assert client.post(RESET, {"user": outsider.pk}).status_code == 302
    assert client.post(RESET, {"user": coordinator.pk}).status_code == 302
    assert not TOTPDevice.objects.filter(user__in=[outsider, coordinator]).exists()
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_RESET).count() == 2


def test_the_admin_action_resets_the_second_factor_with_an_audit_entry(outsider):
    root = UserFactory(username="root", role="", provider=None, is_superuser=True, is_staff=True)
    with_second_factor(outsider)
    request = RequestFactory().post("/")
    request.user = root
    request._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
    UserAdmin(User, site).reset_second_factor(request, User.objects.filter(pk=outsider.pk))
    assert not TOTPDevice.objects.filter(user=outsider).exists()
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_RESET, object_id=str(outsider.pk)).exists()


def test_the_manager_sees_who_is_locked_out_and_unlocks_them(client, plain_client, manager, social_worker, mentor):
    lock_out(plain_client, "sw")
    assert plain_client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"}).status_code == 429
    client.force_login(manager)
    rows = {row.account.username: row for row in client.get(STAFF).context["rows"]}
    assert rows["sw"].locked
    assert not rows["mentor"].locked
    assert client.post(UNLOCK, {"user": social_worker.pk}).status_code == 302
    entry = AuditEntry.objects.get(action=Action.UNLOCK)
    assert (entry.actor_username, entry.object_id) == ("manager", str(social_worker.pk))
    response = plain_client.post(LOGIN, {"username": "sw", "password": "correct-horse-battery"})
    assert response.status_code == 302


def test_the_manager_cannot_unlock_another_providers_user(client, plain_client, manager, outsider):
    lock_out(plain_client, "outsider")
    client.force_login(manager)
    assert client.post(UNLOCK, {"user": outsider.pk}).status_code == 404
    assert plain_client.post(LOGIN, {"username": "outsider", "password": "correct-horse-battery"}).status_code == 429
    assert not AuditEntry.objects.filter(action=Action.UNLOCK).exists()


def test_the_manager_finds_the_staff_accounts_page_in_the_menu(client, manager, social_worker):
    client.force_login(manager)
    assert STAFF in client.get(reverse("home")).content.decode()
    client.force_login(social_worker)
    assert STAFF not in client.get(reverse("home")).content.decode()

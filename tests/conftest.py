"""Fixtures shared by the suite: two providers and a user of every role, plus an outsider."""

import os

import pytest
from django.core.files.storage import FileSystemStorage
from django.test import Client as DjangoClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.grace import two_factor_required
from accounts.models import Role
from clients.choices import StaffRole
from clients.models import Document

from .factories import ClientFactory, ProviderFactory, StaffFactory, UserFactory

IN_CI = os.environ.get("CI") == "true"


def need_service(reason: str) -> None:
    """Under CI a test that cannot reach its service fails; elsewhere it is skipped."""
    if IN_CI:
        pytest.fail(f"service not reachable in CI: {reason}")
    pytest.skip(reason)


class SignedInClient(DjangoClient):
    """A test client whose sign-ins include the second factor, which every role needs (some after a grace period).

    The two-factor flow itself is tested in tests/accounts/test_two_factor.py with a plain client.
    """

    def _confirm_second_factor(self, user) -> None:
        if not two_factor_required(user):
            return
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        self._confirm_second_factor(user)


@pytest.fixture
def client():
    return SignedInClient()


@pytest.fixture
def plain_client():
    """A client that signs in like a person: the second factor is not confirmed for it."""
    return DjangoClient()


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # The suite talks plain http to the test client; production redirects to https.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is deliberately slow; the suite makes hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def provider(db):
    return ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")


@pytest.fixture
def other_provider(db):
    return ProviderFactory(code="CARITAS", name="Caritas Latvija")


@pytest.fixture
def social_worker(provider):
    user = UserFactory(username="sw", role=Role.SOCIAL_WORKER, provider=provider)
    StaffFactory(staff_ref="LSK-SW1", role=StaffRole.SOCIAL_WORKER, provider=provider, user=user)
    return user


@pytest.fixture
def mentor(provider):
    user = UserFactory(username="mentor", role=Role.MENTOR, provider=provider)
    StaffFactory(staff_ref="LSK-M1", role=StaffRole.MENTOR, provider=provider, user=user)
    return user


@pytest.fixture
def manager(provider):
    return UserFactory(username="manager", role=Role.MANAGER, provider=provider)


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coordinator", role=Role.COORDINATOR, provider=None)


@pytest.fixture
def outsider(other_provider):
    """A social worker of another provider."""
    user = UserFactory(username="outsider", role=Role.SOCIAL_WORKER, provider=other_provider)
    StaffFactory(staff_ref="CAR-SW1", role=StaffRole.SOCIAL_WORKER, provider=other_provider, user=user)
    return user


@pytest.fixture
def assigned_client(provider, mentor, social_worker):
    """A client of the provider, assigned to the mentor and the social worker."""
    return ClientFactory(provider=provider, mentor=mentor.staff, social_worker=social_worker.staff, first_name="Amina")


@pytest.fixture
def unassigned_client(provider):
    """A client of the same provider, assigned to nobody."""
    return ClientFactory(provider=provider, first_name="Omar")


@pytest.fixture
def foreign_client(other_provider):
    """Another provider's client."""
    return ClientFactory(provider=other_provider, first_name="Leyla")


@pytest.fixture
def documents_root(tmp_path, settings, monkeypatch):
    """A test's own DOCUMENTS_ROOT (clients' documents), empty, so what is stored there can be checked.

    The document field's storage is resolved when the model is defined, so the field is given one at the new root.
    """
    root = tmp_path / "documents"
    root.mkdir()
    settings.DOCUMENTS_ROOT = root
    storage = FileSystemStorage(location=str(root), base_url=None, directory_permissions_mode=0o700)
    monkeypatch.setattr(Document._meta.get_field("file"), "storage", storage)
    return root

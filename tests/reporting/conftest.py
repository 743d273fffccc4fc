"""Fixtures shared by the report tests: a provider and its social worker."""

import pytest

from tests.factories import ProviderFactory, StaffFactory


@pytest.fixture
def lsk(db):
    return ProviderFactory(code="LSK")


@pytest.fixture
def worker(lsk):
    return StaffFactory(provider=lsk, role="social_worker")

"""Fixtures of the home pages' tests."""

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _english(settings):
    # These tests read the English messages; Latvian (the default) is the translators' to change.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def today():
    return timezone.localdate()

"""Fixtures of the plans tests: a family, a plan with a goal and a task for the mentor."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import ClientFactory, FamilyFactory, GoalFactory, PlanFactory, TaskFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every test makes five accounts; the production hasher would spend seconds on them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english(settings):
    # These tests read the English messages; Latvian (the default) is the translators' to change.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def family(assigned_client, provider, mentor, social_worker):
    """The assigned client's family: a child also assigned to the mentor, and an adult who is not."""
    family = FamilyFactory(family_ref="FAM-1", name="Ahmadi", provider=assigned_client.provider)
    assigned_client.family = family
    assigned_client.save(update_fields=["family"])
    ClientFactory(
        provider=provider,
        family=family,
        first_name="Sara",
        birth_date=datetime.date(2019, 4, 2),
        mentor=mentor.staff,
        social_worker=social_worker.staff,
    )
    ClientFactory(provider=provider, family=family, first_name="Yusuf")
    return family


@pytest.fixture
def plan(assigned_client, social_worker, today):
    return PlanFactory(client=assigned_client, drafted_by=social_worker, start_date=today - datetime.timedelta(days=10))


@pytest.fixture
def goal(plan):
    return GoalFactory(plan=plan, area="housing", description="A flat in Rīga")


@pytest.fixture
def task(goal, mentor, today):
    return TaskFactory(goal=goal, title="Visit the housing office", responsible=mentor.staff, due_date=today)

"""The capabilities (`accounts.capabilities`): each one for each kind of user, and nobody else asking a role."""

from __future__ import annotations

import datetime
import inspect
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template, TemplateSyntaxError

from accounts import capabilities
from accounts.models import Role
from plans.group_sessions import group_session_record
from tests.factories import ClientFactory, FamilyFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = (
    "social_worker",
    "mentor",
    "manager",
    "coordinator",
    "outsider",  # a social worker of another provider
    "superuser",  # the admin, without a role
    "inactive_manager",
    "anonymous",
)

# Who may, for every capability about the user alone. The manager of the fixtures has no staff
# record, so logs no contact (the page says only a social worker or a mentor can).
USER_TABLE: dict[str, set[str]] = {
    "works_with_clients": {"social_worker", "mentor", "manager", "outsider"},
    "can_read_provider_clients": {"social_worker", "manager", "outsider"},
    "sees_assigned_clients_only": {"mentor"},
    "can_write_clients": {"social_worker", "manager", "outsider"},
    "can_set_client_ref": {"manager"},
    "can_manage_privacy": {"manager"},
    "can_import": {"manager"},
    "can_export": {"manager"},
    "can_edit_plans": {"social_worker", "manager", "outsider"},
    "can_review_plans": {"social_worker", "manager", "outsider"},
    "can_log_contact": {"social_worker", "mentor", "outsider"},
    # A referral is made by a staff member: the manager of these tests has no staff record, and names which of
    # their staff made it (issue 19).
    "can_refer": {"social_worker", "mentor", "manager", "outsider"},
    "refers_naming_staff": {"manager"},
    "can_manage_institutions": {"manager"},
    "can_read_reports": {"social_worker", "manager", "coordinator", "outsider"},
    "can_report_on_all_providers": {"coordinator"},
    # The providers side by side (issue 21): only who reads every provider's reports.
    "can_compare_providers": {"coordinator"},
    "can_make_reports": {"manager", "coordinator"},
    "can_write_narrative": {"manager"},
    "can_read_audit": {"manager"},
    "can_manage_staff_accounts": {"manager", "superuser"},
    "can_read_staff_caseloads": {"manager"},
    # Group sessions (issue 20): recorded as contacts are (the manager of these tests has no staff record); read by
    # those who work with clients, never a coordinator (an attendance list names persons).
    "can_record_group_sessions": {"social_worker", "mentor", "outsider"},
    "can_read_group_sessions": {"social_worker", "mentor", "manager", "outsider"},
    # Consents (issue 20): the manager of these tests has no staff record, and names who recorded one.
    "records_naming_staff": {"manager"},
}

# Who may, for every capability about a record: of the provider ("own") and of the other provider ("other").
OBJECT_TABLE: dict[str, dict[str, set[str]]] = {
    "can_write_client": {"own": {"social_worker", "manager"}, "other": {"outsider"}},
    "can_write_family": {"own": {"social_worker", "manager"}, "other": {"outsider"}},
    "can_hand_over": {"own": {"manager"}, "other": set()},
    "can_merge": {"own": {"manager"}, "other": set()},
    # A referral's outcome (read through the record's provider_id): its provider's referrers (issue 19).
    "can_record_referral_outcome": {"own": {"social_worker", "mentor", "manager"}, "other": {"outsider"}},
    # Self-sufficiency assessments (issue 19): recorded by the client's provider's social workers and managers.
    "can_assess": {"own": {"social_worker", "manager"}, "other": {"outsider"}},
    # Closing and reopening a case (issue 19): the client's provider's social workers and managers.
    "can_close_case": {"own": {"social_worker", "manager"}, "other": {"outsider"}},
    # Documents (issue 20): the provider's social workers and managers, and the client's own mentor (the "own"
    # client is assigned to the mentor); removed by social workers and managers; never a coordinator.
    "can_read_documents": {"own": {"social_worker", "mentor", "manager"}, "other": {"outsider"}},
    "can_upload_documents": {"own": {"social_worker", "mentor", "manager"}, "other": {"outsider"}},
    "can_delete_documents": {"own": {"social_worker", "manager"}, "other": {"outsider"}},
    # Consents (issue 20): recorded and withdrawn by the provider's social workers and managers; mentors read them.
    "can_manage_consents": {"own": {"social_worker", "manager"}, "other": {"outsider"}},
}

# can_report_on(user, provider_id): the provider's, the other provider's, all providers together (None).
REPORT_ON_TABLE: dict[str, set[str]] = {
    "own": {"social_worker", "manager", "coordinator"},
    "other": {"outsider", "coordinator"},
    "all": {"coordinator"},
}


@pytest.fixture
def people(social_worker, mentor, manager, coordinator, outsider, provider):
    return {
        "social_worker": social_worker,
        "mentor": mentor,
        "manager": manager,
        "coordinator": coordinator,
        "outsider": outsider,
        "superuser": UserFactory(username="admin", role="", provider=None, is_superuser=True, is_staff=True),
        "inactive_manager": UserFactory(username="gone", role=Role.MANAGER, provider=provider, is_active=False),
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def records(provider, other_provider, mentor, social_worker):
    own_family = FamilyFactory(provider=provider)
    other_family = FamilyFactory(provider=other_provider)
    return {
        "own": {
            "client": ClientFactory(
                provider=provider, mentor=mentor.staff, social_worker=social_worker.staff, family=own_family
            ),
            "family": own_family,
        },
        "other": {"client": ClientFactory(provider=other_provider, family=other_family), "family": other_family},
    }


def _predicates() -> set[str]:
    return {
        name
        for name, value in vars(capabilities).items()
        if inspect.isfunction(value) and not name.startswith("_") and value.__module__ == capabilities.__name__
    }


def test_every_capability_is_in_a_table():
    assert _predicates() == set(USER_TABLE) | set(OBJECT_TABLE) | {
        "can_report_on",
        "can_write_records_of",
        # Of a staff member and a client, and of a session: tested below.
        "may_list_in_group_session",
        "can_correct_group_session",
    }


def test_a_mentor_lists_only_their_assigned_clients_in_a_group_session(provider, other_provider, mentor, social_worker):
    assigned = ClientFactory(provider=provider, mentor=mentor.staff)
    unassigned = ClientFactory(provider=provider)
    foreign = ClientFactory(provider=other_provider)
    may = capabilities.may_list_in_group_session
    assert (may(mentor.staff, assigned), may(mentor.staff, unassigned), may(mentor.staff, foreign)) == (
        True,
        False,
        False,
    )
    assert (may(social_worker.staff, unassigned), may(social_worker.staff, foreign)) == (True, False)


def test_a_sessions_attendance_is_corrected_by_who_ran_it_and_the_providers_writers(people, provider, mentor):
    session = group_session_record(
        staff=mentor.staff,
        date=datetime.date(2026, 1, 7),
        kind="language_lesson",
        attendance={ClientFactory(provider=provider, mentor=mentor.staff): True},
        actor=mentor,
    )
    got = {who for who, user in people.items() if capabilities.can_correct_group_session(user, session)}
    assert got == {"mentor", "social_worker", "manager"}


@pytest.mark.parametrize("name", sorted(USER_TABLE))
def test_each_person_has_the_capability_their_role_gives(name, people):
    capability = getattr(capabilities, name)
    got = {who for who, user in people.items() if capability(user)}
    assert got == USER_TABLE[name]


@pytest.mark.parametrize("name", sorted(OBJECT_TABLE))
@pytest.mark.parametrize("whose", ["own", "other"])
def test_each_person_has_the_capability_on_a_record_of_their_provider_only(name, whose, people, records):
    capability = getattr(capabilities, name)
    record = records[whose]["family" if name.endswith("family") else "client"]
    got = {who for who, user in people.items() if capability(user, record)}
    assert got == OBJECT_TABLE[name][whose]


@pytest.mark.parametrize("whose", ["own", "other", "all"])
def test_reports_are_read_of_the_own_provider_and_by_the_coordinator_of_all(whose, people, provider, other_provider):
    provider_id = {"own": provider.pk, "other": other_provider.pk, "all": None}[whose]
    got = {who for who, user in people.items() if capabilities.can_report_on(user, provider_id)}
    assert got == REPORT_ON_TABLE[whose]


def test_a_mentor_reads_the_documents_of_their_assigned_clients_only(people, provider, mentor):
    unassigned = ClientFactory(provider=provider)
    assert {who for who, user in people.items() if capabilities.can_read_documents(user, unassigned)} == {
        "social_worker",
        "manager",
    }
    assert not capabilities.can_upload_documents(mentor, unassigned)
    # A mentor whose staff record is no longer active reads none.
    assigned = ClientFactory(provider=provider, mentor=mentor.staff)
    assert capabilities.can_read_documents(mentor, assigned)
    mentor.staff.is_active = False
    assert not capabilities.can_read_documents(mentor, assigned)


def test_the_provider_records_are_written_by_its_social_workers_and_manager(people, provider):
    got = {who for who, user in people.items() if capabilities.can_write_records_of(user, provider.pk)}
    assert got == {"social_worker", "manager"}
    assert not any(capabilities.can_write_records_of(user, None) for user in people.values())


def test_a_mentor_assigned_to_a_client_still_does_not_write_the_record(mentor, records):
    client = records["own"]["client"]
    assert client.mentor.user_id == mentor.pk
    assert not capabilities.can_write_client(mentor, client)


def test_a_deactivated_staff_record_logs_no_contact(mentor):
    mentor.staff.is_active = False
    mentor.staff.save(update_fields=["is_active"])
    mentor.refresh_from_db()
    assert not capabilities.can_log_contact(mentor)


def test_a_role_without_a_provider_works_with_no_client(provider):
    user = UserFactory(username="lost", role=Role.SOCIAL_WORKER, provider=None)
    assert not capabilities.works_with_clients(user)
    assert not capabilities.can_write_clients(user)
    assert not capabilities.can_read_reports(user)


def test_the_template_names_are_the_capabilities():
    for name, capability in capabilities.USER_CAPABILITIES.items():
        assert capability.__name__ in (f"can_{name}", name, "sees_assigned_clients_only")
        assert capability.__name__ in USER_TABLE
    for name, capability in capabilities.OBJECT_CAPABILITIES.items():
        assert capability.__name__ == f"can_{name}"


def test_a_template_asks_for_a_capability_of_the_user(people):
    template = Template('{% load capabilities %}{% if user|can:"import" %}yes{% else %}no{% endif %}')
    assert template.render(Context({"user": people["manager"]})) == "yes"
    assert template.render(Context({"user": people["social_worker"]})) == "no"
    assert template.render(Context({"user": people["anonymous"]})) == "no"


def test_a_template_asks_for_a_capability_on_a_record(people, records):
    template = Template('{% load capabilities %}{% can user "hand_over" client as may %}{{ may }}')
    assert template.render(Context({"user": people["manager"], "client": records["own"]["client"]})) == "True"
    assert template.render(Context({"user": people["manager"], "client": records["other"]["client"]})) == "False"
    assert template.render(Context({"user": people["mentor"], "client": records["own"]["client"]})) == "False"


def test_a_template_asking_for_an_unknown_capability_fails_loudly(people):
    with pytest.raises(TemplateSyntaxError):
        Template('{% load capabilities %}{% if user|can:"imprt" %}{% endif %}').render(
            Context({"user": people["manager"]})
        )
    with pytest.raises(TemplateSyntaxError):
        Template('{% load capabilities %}{% can user "handover" client as may %}').render(
            Context({"user": people["manager"], "client": None})
        )


# Nobody but the capabilities (and the querysets' row filters, and the model's own properties) asks a role.

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "audit", "clients", "plans", "reporting")
ROLE_IN_TEMPLATE = re.compile(
    r"\buser\.role\b|\bis_(social_worker|mentor|manager|coordinator)\b"
    r"|(==|!=|\bin)\s*[\"'](social_worker|mentor|manager|coordinator)[\"']"
)
# A staff record's role (`staff.role`, whom a client may be assigned to) is data, not access: not matched.
ROLE_IN_CODE = re.compile(
    r"\.is_(social_worker|mentor|manager|coordinator)\b"
    r"|\b(user|by|actor|requested_by|account)\.role\s*(==|!=|\bin\b|\bnot\s+in\b)"
    r"|[\"']is_(social_worker|mentor|manager|coordinator)[\"']"
)


def _templates() -> list[Path]:
    found = list((ROOT / "templates").rglob("*.html"))
    for app in APPS:
        found += (ROOT / app / "templates").rglob("*.html")
    return found


def _asking_modules() -> list[Path]:
    """Views, services, forms and template tags: the code that asks what a user may do."""
    found: list[Path] = []
    for app in APPS:
        base = ROOT / app
        found += [base / "views.py", base / "services.py", base / "forms.py"]
        found += (base / "views").glob("*.py")
        found += (base / "templatetags").glob("*.py")
    return [path for path in found if path.exists()]


def _offending_lines(paths: list[Path], pattern: re.Pattern[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]


def test_no_template_compares_a_role():
    assert _offending_lines(_templates(), ROLE_IN_TEMPLATE) == []


def test_no_view_service_form_or_tag_tests_a_role():
    assert _offending_lines(_asking_modules(), ROLE_IN_CODE) == []


def test_the_scans_see_the_files_they_mean_to():
    names = {str(path.relative_to(ROOT)) for path in _asking_modules()}
    assert {"clients/views/records.py", "plans/views.py", "clients/services.py", "reporting/views.py"} <= names
    assert "templates/includes/nav.html" in {str(path.relative_to(ROOT)) for path in _templates()}

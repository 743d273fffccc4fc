"""Group sessions (casework.md "Group sessions"): the service, the pages, who sees what, constant queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.capabilities import can_correct_group_session, can_read_group_sessions, can_record_group_sessions
from clients.choices import StaffRole
from plans.choices import ContactForm, GroupSessionKind
from plans.group_sessions import group_session_record, group_session_update
from plans.models import Contact, ContactClient, ContactTopic, GroupAttendance, GroupSession
from tests.factories import ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db

LESSON = GroupSessionKind.LANGUAGE_LESSON


@pytest.fixture
def six(provider, mentor):
    """Six clients assigned to the mentor."""
    return [
        ClientFactory(provider=provider, mentor=mentor.staff, first_name=name, last_name="Karimi")
        for name in ("Amir", "Bashir", "Dana", "Farid", "Hana", "Jamal")
    ]


def _record(staff, attendance, actor, **extra):
    fields = {
        "staff": staff,
        "date": datetime.date(2026, 3, 2),
        "kind": LESSON,
        "topics": ["language"],
        "duration_minutes": 90,
        "place": "Mucenieki",
        "note": "",
        "attendance": attendance,
        "actor": actor,
    }
    return group_session_record(**{**fields, **extra})


def _lesson(mentor, six):
    return _record(mentor.staff, {c: c is not six[-1] for c in six}, mentor)


# The service ---------------------------------------------------------------------------------------


def test_a_session_is_a_group_contact_serving_the_clients_present(mentor, six):
    session = _lesson(mentor, six)
    contact = session.contact
    assert contact.form == ContactForm.GROUP
    assert contact.staff == mentor.staff
    assert contact.family_id is None
    assert set(contact.clients.all()) == set(six[:5])
    assert not ContactClient.objects.filter(contact=contact, via_family=True).exists()
    assert list(ContactTopic.objects.filter(contact=contact).values_list("topic", flat=True)) == ["language"]
    assert (contact.duration_minutes, contact.place) == (90, "Mucenieki")
    assert session.kind == LESSON


def test_the_attendance_keeps_the_absent_too(mentor, six):
    session = _lesson(mentor, six)
    rows = dict(GroupAttendance.objects.filter(session=session).values_list("client_id", "present"))
    assert rows == {c.pk: c is not six[-1] for c in six}


def test_the_absent_client_is_not_served(mentor, six):
    _lesson(mentor, six)
    assert not Contact.objects.serving(six[-1]).exists()
    assert Contact.objects.serving(six[0]).count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"date": datetime.date(2999, 1, 1)}, "date"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 1441}, "duration_minutes"),
        ({"kind": "picnic"}, "kind"),
    ],
)
def test_a_session_is_refused_for_its_fields_and_nothing_is_written(mentor, six, extra, field):
    with pytest.raises(ValidationError) as refused:
        _record(mentor.staff, {c: True for c in six}, mentor, **extra)
    assert field in refused.value.error_dict
    assert not Contact.objects.exists()
    assert not GroupSession.objects.exists()
    assert not GroupAttendance.objects.exists()


def test_a_session_with_nobody_present_is_refused(mentor, six):
    with pytest.raises(ValidationError) as refused:
        _record(mentor.staff, {c: False for c in six}, mentor)
    assert "attendance" in refused.value.error_dict
    assert not Contact.objects.exists()


def test_a_session_with_nobody_listed_is_refused(mentor):
    with pytest.raises(ValidationError):
        _record(mentor.staff, {}, mentor)
    assert not Contact.objects.exists()


def test_a_mentor_cannot_list_a_client_not_assigned_to_them(mentor, six, unassigned_client):
    with pytest.raises(ValidationError) as refused:
        _record(mentor.staff, {six[0]: True, unassigned_client: True}, mentor)
    assert "attendance" in refused.value.error_dict
    assert not Contact.objects.exists()
    assert not GroupAttendance.objects.exists()


def test_a_social_worker_lists_any_client_of_their_provider(social_worker, six, unassigned_client):
    session = _record(social_worker.staff, {six[0]: True, unassigned_client: False}, social_worker)
    assert list(session.contact.clients.all()) == [six[0]]


def test_nobody_lists_another_providers_client(social_worker, six, foreign_client):
    with pytest.raises(ValidationError):
        _record(social_worker.staff, {six[0]: True, foreign_client: True}, social_worker)
    assert not Contact.objects.exists()


def test_a_session_is_not_before_a_client_was_born(social_worker, provider):
    baby = ClientFactory(provider=provider, birth_date=datetime.date(2026, 3, 1))
    with pytest.raises(ValidationError):
        _record(social_worker.staff, {baby: True}, social_worker, date=datetime.date(2026, 2, 1))
    assert not Contact.objects.exists()


def test_correcting_the_attendance_changes_whom_the_contact_served(mentor, six):
    session = _lesson(mentor, six)
    # The last one came after all, the first did not, and the fifth was never expected.
    attendance = {c: True for c in six[1:4]} | {six[0]: False, six[5]: True}
    group_session_update(session=session, attendance=attendance, actor=mentor)
    assert set(session.contact.clients.all()) == {*six[1:4], six[5]}
    rows = dict(GroupAttendance.objects.filter(session=session).values_list("client_id", "present"))
    assert rows == {c.pk: came for c, came in attendance.items()}


def test_a_correction_with_nobody_present_changes_nothing(mentor, six):
    session = _lesson(mentor, six)
    with pytest.raises(ValidationError):
        group_session_update(session=session, attendance={c: False for c in six}, actor=mentor)
    assert set(session.contact.clients.all()) == set(six[:5])
    assert GroupAttendance.objects.filter(session=session).count() == 6


# Capabilities ----------------------------------------------------------------------------------------


def test_who_records_and_reads_sessions(social_worker, mentor, manager, coordinator, outsider, six):
    assert can_record_group_sessions(social_worker) and can_record_group_sessions(mentor)
    # A contact needs a staff member: a manager without a staff record does not run one.
    assert not can_record_group_sessions(manager)
    assert not can_record_group_sessions(coordinator)
    assert can_read_group_sessions(manager) and can_read_group_sessions(mentor)
    assert not can_read_group_sessions(coordinator)
    session = _lesson(mentor, six)
    assert can_correct_group_session(mentor, session)
    assert can_correct_group_session(social_worker, session)
    assert can_correct_group_session(manager, session)
    assert not can_correct_group_session(outsider, session)
    assert not can_correct_group_session(coordinator, session)


def test_another_mentor_does_not_correct_a_session_they_did_not_run(provider, mentor, six):
    other = StaffFactory(role=StaffRole.MENTOR, provider=provider)
    other_user = type(mentor).objects.create(username="m2", role="mentor", provider=provider)
    other.user = other_user
    other.save(update_fields=["user"])
    session = _lesson(mentor, six)
    assert not can_correct_group_session(other_user, session)

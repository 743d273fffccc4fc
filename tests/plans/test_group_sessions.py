"""Group sessions (casework.md "Group sessions"): the service, the pages, who sees what, constant queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.capabilities import can_correct_group_session, can_read_group_sessions, can_record_group_sessions
from clients.choices import StaffRole
from clients.models import Client
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


# The pages ------------------------------------------------------------------------------------------


def _post(six, *, absent=(), **extra):
    data = {
        "date": "2026-03-02",
        "kind": LESSON,
        "topics": ["language"],
        "duration_minutes": "90",
        "place": "Mucenieki",
        "note": "",
        "clients": [str(c.pk) for c in six],
        "action": "save",
    }
    for c in absent:
        data[f"attendance_{c.pk}"] = "absent"
    return {**data, **extra}


def test_a_mentor_records_a_session_on_the_form(client, mentor, six):
    client.force_login(mentor)
    response = client.post(reverse("plans:group_session_create"), _post(six, absent=[six[-1]]))
    session = GroupSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:group_session_detail", args=[session.pk])
    assert set(session.contact.clients.all()) == set(six[:5])
    assert GroupAttendance.objects.filter(session=session, present=False).get().client == six[-1]


def test_the_form_is_sent_once(client, mentor, six):
    client.force_login(mentor)
    url = reverse("plans:group_session_create")
    token = client.get(url).content.decode().split('name="form_token" value="')[1].split('"')[0]
    data = {**_post(six), "form_token": token}
    first, second = client.post(url, data), client.post(url, data)
    assert GroupSession.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_search_button_keeps_what_was_typed_and_ticked(client, mentor, six):
    client.force_login(mentor)
    data = _post(six[:1], action="search", q="karimi", place="Rīgas bibliotēka")
    response = client.post(reverse("plans:group_session_create"), data)
    assert response.status_code == 200
    assert not GroupSession.objects.exists()
    assert [c for c, _came in response.context["listed"]] == [six[0]]
    assert set(response.context["results"]) == set(six[1:])
    html = response.content.decode()
    assert "Rīgas bibliotēka" in html
    assert "is-invalid" not in html


def test_ticked_results_join_as_present_when_the_form_is_sent(client, mentor, six):
    client.force_login(mentor)
    # Six ticked: one listed earlier (marked absent), five ticked among the results (no choice sent: present).
    client.post(reverse("plans:group_session_create"), _post(six, absent=[six[0]]))
    session = GroupSession.objects.get()
    assert set(session.contact.clients.all()) == set(six[1:])


def test_a_search_finds_names_loosely_and_only_the_users_clients(client, mentor, six, provider):
    ClientFactory(provider=provider, first_name="Farid", last_name="Karimi")  # not the mentor's
    client.force_login(mentor)
    response = client.get(reverse("plans:group_session_create"), {"q": "fareed"})
    assert list(response.context["results"]) == [six[3]]
    assert six[3].display_name in response.content.decode()


def test_a_search_leaves_out_closed_cases(client, mentor, six, today):
    six[3].service_end = today
    six[3].closure_reason = "left_latvia"
    six[3].save()
    client.force_login(mentor)
    response = client.get(reverse("plans:group_session_create"), {"q": "fareed"})
    assert list(response.context["results"]) == []


def test_a_mentor_posting_a_client_not_assigned_to_them_is_refused(client, mentor, six, unassigned_client):
    client.force_login(mentor)
    response = client.post(reverse("plans:group_session_create"), _post([*six, unassigned_client]))
    assert response.status_code == 200
    assert response.context["form"].errors["clients"]
    assert not Contact.objects.exists()


def test_a_session_with_nobody_present_is_refused_beside_the_list(client, mentor, six):
    client.force_login(mentor)
    response = client.post(reverse("plans:group_session_create"), _post(six[:2], absent=six[:2]))
    assert response.status_code == 200
    assert "Mark at least one client present." in response.content.decode()
    assert not Contact.objects.exists()


def test_a_future_session_is_refused(client, mentor, six):
    client.force_login(mentor)
    response = client.post(reverse("plans:group_session_create"), _post(six, date="2999-01-01"))
    assert response.context["form"].errors["date"]
    assert not Contact.objects.exists()


def test_a_manager_without_a_staff_record_does_not_record_one(client, manager):
    client.force_login(manager)
    assert client.get(reverse("plans:group_session_create")).status_code == 403


def test_a_coordinator_has_no_group_session_pages(client, coordinator, mentor, six):
    session = _lesson(mentor, six)
    client.force_login(coordinator)
    assert client.get(reverse("plans:group_session_create")).status_code == 404
    assert client.get(reverse("plans:group_session_list")).status_code == 404
    assert client.get(reverse("plans:group_session_detail", args=[session.pk])).status_code == 404


def test_the_list_shows_present_and_absent_counts_newest_first(client, mentor, six):
    older = _record(mentor.staff, {c: True for c in six[:2]}, mentor, date=datetime.date(2026, 2, 1))
    newer = _lesson(mentor, six)
    client.force_login(mentor)
    response = client.get(reverse("plans:group_session_list"))
    rows = list(response.context["page"])
    assert rows == [newer, older]
    assert (rows[0].present_count, rows[0].absent_count) == (5, 1)
    assert (rows[1].present_count, rows[1].absent_count) == (2, 0)


def test_the_list_is_filtered_by_kind_staff_and_date(client, social_worker, mentor, six):
    lesson = _lesson(mentor, six)
    group = _record(
        social_worker.staff,
        {six[0]: True},
        social_worker,
        kind=GroupSessionKind.SUPPORT_GROUP,
        date=datetime.date(2026, 1, 5),
    )
    client.force_login(social_worker)
    url = reverse("plans:group_session_list")
    assert list(client.get(url, {"kind": GroupSessionKind.SUPPORT_GROUP}).context["page"]) == [group]
    assert list(client.get(url, {"staff": mentor.staff.pk}).context["page"]) == [lesson]
    assert list(client.get(url, {"date_from": "2026-02-01"}).context["page"]) == [lesson]
    assert list(client.get(url, {"date_to": "2026-02-01"}).context["page"]) == [group]


def test_a_mentor_lists_their_sessions_and_those_of_their_clients_only(
    client, provider, social_worker, mentor, six, unassigned_client
):
    mine = _lesson(mentor, six)
    with_my_client = _record(social_worker.staff, {six[0]: True, unassigned_client: True}, social_worker)
    _record(social_worker.staff, {unassigned_client: True}, social_worker)
    client.force_login(mentor)
    assert set(client.get(reverse("plans:group_session_list")).context["page"]) == {mine, with_my_client}


def test_another_providers_session_is_not_found(client, outsider, mentor, six):
    session = _lesson(mentor, six)
    client.force_login(outsider)
    assert client.get(reverse("plans:group_session_detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("plans:group_session_edit", args=[session.pk])).status_code == 404
    assert list(client.get(reverse("plans:group_session_list")).context["page"]) == []


def test_the_detail_names_only_the_clients_the_user_may_see(client, social_worker, mentor, six, unassigned_client):
    session = _record(social_worker.staff, {six[0]: True, six[1]: False, unassigned_client: True}, social_worker)
    client.force_login(mentor)
    response = client.get(reverse("plans:group_session_detail", args=[session.pk]))
    attendance = response.context["attendance"]
    assert (attendance.present, attendance.absent) == ([six[0]], [six[1]])
    assert (attendance.others_present, attendance.others_absent) == (1, 0)
    assert unassigned_client.first_name not in response.content.decode()
    client.force_login(social_worker)
    attendance = client.get(reverse("plans:group_session_detail", args=[session.pk])).context["attendance"]
    assert set(attendance.present) == {six[0], unassigned_client}
    assert attendance.others_present == 0


def test_the_attendance_is_corrected_on_its_page(client, mentor, six):
    session = _lesson(mentor, six)
    client.force_login(mentor)
    url = reverse("plans:group_session_edit", args=[session.pk])
    assert len(client.get(url).context["listed"]) == 6
    data = {"clients": [str(c.pk) for c in six], f"attendance_{six[0].pk}": "absent", "action": "save"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert set(session.contact.clients.all()) == set(six[1:])


def test_only_who_ran_a_session_or_a_social_worker_corrects_it(client, social_worker, mentor, six, unassigned_client):
    session = _record(social_worker.staff, {six[0]: True, unassigned_client: True}, social_worker)
    # The mentor sees the session (their client is listed) but did not run it.
    client.force_login(mentor)
    assert client.get(reverse("plans:group_session_edit", args=[session.pk])).status_code == 403
    client.force_login(social_worker)
    data = {"clients": [str(six[0].pk)], "action": "save"}
    assert client.post(reverse("plans:group_session_edit", args=[session.pk]), data).status_code == 302
    # The social worker sees both: the one left off the list is off it, and no longer served.
    assert list(session.contact.clients.all()) == [six[0]]
    assert GroupAttendance.objects.filter(session=session).count() == 1


def test_a_correction_by_a_user_who_sees_part_of_the_list_keeps_the_rest(mentor, social_worker, six, unassigned_client):
    session = _record(social_worker.staff, {six[0]: True, unassigned_client: True}, social_worker)
    group_session_update(
        session=session, attendance={six[0]: False}, actor=mentor, visible=Client.objects.for_user(mentor)
    )
    assert list(session.contact.clients.all()) == [unassigned_client]
    assert GroupAttendance.objects.filter(session=session).count() == 2


# The clients' timelines -------------------------------------------------------------------------------


def test_a_present_clients_page_shows_the_group_contact_with_its_kind(client, mentor, six):
    _lesson(mentor, six)
    client.force_login(mentor)
    response = client.get(reverse("clients:detail", args=[six[0].pk]))
    html = response.content.decode()
    assert len(response.context["contacts"]) == 1
    assert 'data-testid="group-session-kind"' in html
    assert "Latvian lesson" in html
    assert "5 persons present" in html


def test_an_absent_clients_page_shows_the_absence_not_a_contact(client, mentor, six):
    _lesson(mentor, six)
    client.force_login(mentor)
    response = client.get(reverse("clients:detail", args=[six[-1].pk]))
    assert response.context["contacts"] == []
    # Besides the opening of the case (issue 19's episodes), only the absence.
    assert [e.kind for e in response.context["entries"] if e.kind != "case_opened"] == ["group_absence"]
    assert "Absent from a group session: Latvian lesson" in response.content.decode()


# Constant queries ------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_reads_a_constant_number_of_queries(client, mentor, six):
    client.force_login(mentor)
    _lesson(mentor, six)
    few = _queries(client, reverse("plans:group_session_list"))
    for _ in range(5):
        _lesson(mentor, six)
    assert _queries(client, reverse("plans:group_session_list")) == few


def test_the_detail_and_a_clients_timeline_read_a_constant_number_of_queries(client, mentor, six, provider):
    client.force_login(mentor)
    small = _record(mentor.staff, {six[0]: True, six[1]: False}, mentor)
    few = _queries(client, reverse("plans:group_session_detail", args=[small.pk]))
    timeline_few = _queries(client, reverse("plans:timeline", args=[six[1].pk]))
    more = [ClientFactory(provider=provider, mentor=mentor.staff) for _ in range(8)]
    big = _record(mentor.staff, {c: c is not six[1] for c in [*six, *more]}, mentor)
    _record(mentor.staff, {six[0]: True, six[1]: False}, mentor)
    assert _queries(client, reverse("plans:group_session_detail", args=[big.pk])) == few
    assert _queries(client, reverse("plans:timeline", args=[six[1].pk])) == timeline_few

"""Group sessions (casework.md "Group sessions"): a Latvian lesson, an information session, a support group, a visit.

A session is one contact of form `group`, run by one staff member, that serves the clients present (its named
clients, never a family: each person attends for themselves), with a `GroupSession` (its kind) and a
`GroupAttendance` row for every client listed, present or absent. Whom a staff member may list is
`accounts.capabilities.may_list_in_group_session`: their provider's clients, a mentor only their assigned ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.capabilities import may_list_in_group_session
from accounts.models import User
from clients.choices import StaffRole
from clients.models import Client, Staff

from .choices import ContactForm, GroupSessionKind
from .models import ContactClient, GroupAttendance, GroupSession
from .services import contact_log


def _attendance_errors(*, staff: Staff, day: datetime.date | None, attendance: Mapping[Client, bool]) -> list[str]:
    errors = []
    if not attendance:
        errors.append(_("List the clients who came, and those who were expected but did not."))
    elif not any(attendance.values()):
        errors.append(_("Mark at least one client present."))
    refused = [client for client in attendance if not may_list_in_group_session(staff, client)]
    if refused:
        if staff.role == StaffRole.MENTOR:
            errors.append(_("A mentor lists only the clients assigned to them."))
        else:
            errors.append(_("Only your provider's clients can be listed."))
    if day is not None:
        for client in attendance:
            if client.birth_date and day < client.birth_date:
                errors.append(
                    _("The session cannot be before %(name)s was born (%(date)s).")
                    % {"name": client, "date": formats.date_format(client.birth_date, "SHORT_DATE_FORMAT")}
                )
    return errors


def group_session_errors(
    *,
    staff: Staff,
    date: datetime.date,
    kind: str,
    duration_minutes: int | None,
    attendance: Mapping[Client, bool],
) -> dict[str, list[str]]:
    """What a session's record would be refused for, by field (`attendance` for the list); empty when none."""
    errors: dict[str, list[str]] = {}
    if date > timezone.localdate():
        errors["date"] = [_("A contact cannot be dated in the future.")]
    if kind not in GroupSessionKind.values:
        errors["kind"] = [_("Choose the kind of session.")]
    if duration_minutes is not None and not 1 <= duration_minutes <= 1440:
        errors["duration_minutes"] = [_("Enter a duration between 1 and 1440 minutes (24 hours).")]
    if not staff.is_active:
        errors.setdefault("__all__", []).append(_("Only an active staff member runs a session."))
    listed = _attendance_errors(staff=staff, day=date, attendance=attendance)
    if listed:
        errors["attendance"] = listed
    return errors


@transaction.atomic
def group_session_record(
    *,
    staff: Staff,
    date: datetime.date,
    kind: str,
    topics: Iterable[str] = (),
    duration_minutes: int | None = None,
    place: str = "",
    note: str = "",
    attendance: Mapping[Client, bool],
    actor: User,
) -> GroupSession:
    """One session, all or nothing: the contact of form `group` serving the clients present, its kind, and the
    attendance of every client listed. Raises ValidationError by field (nothing written)."""
    errors = group_session_errors(
        staff=staff, date=date, kind=kind, duration_minutes=duration_minutes, attendance=attendance
    )
    if errors:
        raise ValidationError(errors)
    present = sorted((client for client, came in attendance.items() if came), key=lambda c: c.pk)
    contact = contact_log(
        staff=staff,
        actor=actor,
        date=date,
        form=ContactForm.GROUP,
        duration_minutes=duration_minutes,
        topics=topics,
        place=place,
        note=note,
        clients=present,
    )
    session = GroupSession.objects.create(contact=contact, kind=kind)
    GroupAttendance.objects.bulk_create(
        [
            GroupAttendance(session=session, client=client, present=came)
            for client, came in sorted(attendance.items(), key=lambda item: item[0].pk)
        ]
    )
    return session


@transaction.atomic
def group_session_update(*, session: GroupSession, attendance: Mapping[Client, bool], actor: User) -> GroupSession:
    """Correct the attendance list: who was listed and who came. The contact then serves exactly the clients
    present, in the same transaction; the session's other details stay. Raises ValidationError (nothing changed).

    `actor` is the user correcting it (the audit entries of the rows written name them).
    """
    locked = GroupSession.objects.select_for_update(of=("self",)).select_related("contact__staff").get(pk=session.pk)
    contact = locked.contact
    listed = _attendance_errors(staff=contact.staff, day=contact.date, attendance=attendance)
    if listed:
        raise ValidationError({"attendance": listed})
    present = {client.pk for client, came in attendance.items() if came}
    GroupAttendance.objects.filter(session=locked).delete()
    GroupAttendance.objects.bulk_create(
        [
            GroupAttendance(session=locked, client=client, present=came)
            for client, came in sorted(attendance.items(), key=lambda item: item[0].pk)
        ]
    )
    served = set(ContactClient.objects.filter(contact=contact).values_list("client_id", flat=True))
    if served - present:
        contact.clients.remove(*sorted(served - present))
    if present - served:
        contact.clients.add(*sorted(present - served))
    return locked

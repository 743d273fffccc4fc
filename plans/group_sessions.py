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
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.capabilities import may_list_in_group_session
from accounts.models import User
from clients.choices import StaffRole
from clients.models import Client, Staff

from .choices import ContactForm, GroupSessionKind
from .models import ContactClient, GroupAttendance, GroupSession
from .services import contact_log


def _attendance_errors(
    *,
    staff: Staff,
    day: datetime.date | None,
    attendance: Mapping[Client, bool],
    already: frozenset[int] = frozenset(),
    others: Mapping[int, bool] | None = None,
) -> list[str]:
    """Why the list is refused; `already`: the clients on it before a correction, who stay listable (a mentor's
    client reassigned since, for one); `others`: the rows a correction keeps as they are ({client id: present})."""
    errors = []
    others = others or {}
    if not attendance and not others:
        errors.append(_("List the clients who came, and those who were expected but did not."))
    elif not any(attendance.values()) and not any(others.values()):
        errors.append(_("Mark at least one client present."))
    refused = [c for c in attendance if c.pk not in already and not may_list_in_group_session(staff, c)]
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
def group_session_update(
    *,
    session: GroupSession,
    attendance: Mapping[Client, bool],
    actor: User,
    visible: QuerySet[Client] | None = None,
) -> GroupSession:
    """Correct the attendance list: who was listed and who came. The contact then serves exactly the clients
    present, in the same transaction; the session's other details stay. Raises ValidationError (nothing changed).

    With `visible` (the clients the correcting user may see), the rows of the other clients listed stay as they
    are: a mentor corrects their own clients' attendance and leaves the rest. `actor` is the user correcting it
    (the audit entries of the rows written name them).
    """
    locked = GroupSession.objects.select_for_update(of=("self",)).select_related("contact__staff").get(pk=session.pk)
    contact = locked.contact
    rows = dict(GroupAttendance.objects.filter(session=locked).values_list("client_id", "present"))
    seen = set(rows) if visible is None else set(visible.filter(pk__in=list(rows)).values_list("pk", flat=True))
    kept = {pk: came for pk, came in rows.items() if pk not in seen}
    errors = _attendance_errors(
        staff=contact.staff,
        day=contact.date,
        attendance=attendance,
        already=frozenset(rows),
        others=kept,
    )
    if errors:
        raise ValidationError({"attendance": errors})
    wanted = {client.pk: came for client, came in attendance.items()} | kept
    GroupAttendance.objects.filter(session=locked).delete()
    GroupAttendance.objects.bulk_create(
        [GroupAttendance(session=locked, client_id=pk, present=came) for pk, came in sorted(wanted.items())]
    )
    present = {pk for pk, came in wanted.items() if came}
    served = set(ContactClient.objects.filter(contact=contact).values_list("client_id", flat=True))
    if served - present:
        contact.clients.remove(*sorted(served - present))
    if present - served:
        contact.clients.add(*sorted(present - served))
    return locked

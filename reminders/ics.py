"""A staff member's calendar (iCalendar, RFC 5545): their tasks' due dates, plan reviews, follow-ups and group
sessions, each a whole-day event that names the client by reference only, with a link into the application."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.models import User
from plans.models import Plan, Task

from .selectors import CalendarItems

PRODID = "-//Klientu lietas//reminders//LV"


def _link(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, args=[pk])


def _subject(plan: Plan) -> tuple[str, str]:
    """A plan's subject by reference, and its page: the client's, or the family's for a family plan."""
    if plan.client is not None:
        return plan.client.client_ref, _link("clients:detail", plan.client.pk)
    assert plan.family is not None  # a plan is of a client or of a family (plan_of_client_or_family)
    return plan.family.family_ref, _link("clients:family_detail", plan.family.pk)


def _event(uid: str, day: datetime.date, summary: str, url: str, stamp: datetime.datetime) -> Event:
    event = Event()
    # Stable: the same record is the same event in the subscriber's calendar from one fetch to the next.
    event.add("uid", f"{uid}@{settings.SITE_URL.split('://', 1)[-1]}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    if url:
        event.add("url", url)
    # The client's page needs the same sign-in as always; the calendar shows no more than the reference.
    event.add("class", "PRIVATE")
    event.add("transp", "TRANSPARENT")
    return event


def _task_summary(task: Task, ref: str) -> str:
    # A task's title is free text and may name a person: its goal's area stands for it.
    return _("Task due (%(area)s): %(ref)s") % {"area": task.goal.get_area_display(), "ref": ref}


def calendar_ics(*, user: User, items: CalendarItems) -> bytes:
    """The calendar as iCalendar bytes, in the user's language."""
    stamp = timezone.now().replace(microsecond=0)
    with translation.override(user.language):
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", _("Casework reminders"))
        for task in items.tasks:
            ref, url = _subject(task.goal.plan)
            assert task.due_date is not None
            cal.add_component(_event(f"task-{task.pk}", task.due_date, _task_summary(task, ref), url, stamp))
        for plan in items.reviews:
            ref, _url = _subject(plan)
            assert plan.review_date is not None
            summary = _("Plan review: %(ref)s") % {"ref": ref}
            cal.add_component(
                _event(f"review-{plan.pk}", plan.review_date, summary, _link("plans:plan_detail", plan.pk), stamp)
            )
        for client in items.follow_ups:
            assert client.follow_up_date is not None
            summary = _("Follow-up after the case closing: %(ref)s") % {"ref": client.client_ref}
            url = _link("clients:detail", client.pk)
            cal.add_component(_event(f"follow-up-{client.pk}", client.follow_up_date, summary, url, stamp))
        for contact in items.group_sessions:
            session = getattr(contact, "group_session", None)
            kind = session.get_kind_display() if session is not None else _("Group session")
            summary = _("Group session: %(kind)s") % {"kind": kind}
            cal.add_component(_event(f"group-{contact.pk}", contact.date, summary, "", stamp))
    return cal.to_ical()

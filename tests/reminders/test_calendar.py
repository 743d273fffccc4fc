"""The calendar: a private, revocable address per staff member, events by reference, no names."""

from __future__ import annotations

import datetime
import hashlib
import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from audit.models import Action, AuditEntry
from plans.choices import ContactForm
from plans.models import GroupSession
from reminders.models import CalendarFeed
from reminders.services import calendar_address_make
from reminders.views import FEED_REQUESTS_PER_WINDOW
from tests.factories import ClientFactory, ContactFactory, GoalFactory, PlanFactory, TaskFactory

from .conftest import BIRTH_DATE, NAME, NOTE, SURNAME, TASK_TITLE

pytestmark = pytest.mark.django_db


def feed_url(token: str) -> str:
    return reverse("reminders:calendar_feed", args=[token])


def make_address(client, user) -> str:
    """The address as the person gets it: made on their reminders page, shown once."""
    client.force_login(user)
    client.post(reverse("reminders:calendar_address"), {"action": "make"})
    page = client.get(reverse("reminders:settings"))
    url = page.context["new_calendar_url"]
    assert url is not None
    client.logout()
    return url.split("/calendar/", 1)[1].removesuffix(".ics")


@pytest.fixture
def calendar_world(mentor_world, mentor, social_worker, provider, today):
    client = mentor_world.client
    # The social worker's plan review in ten days; the mentor's group session last week; a closed case's follow-up.
    plan = mentor_world.task.goal.plan
    plan.status = "active"
    plan.review_date = today + datetime.timedelta(days=10)
    plan.save()
    session = ContactFactory(
        date=today - datetime.timedelta(days=6),
        staff=mentor.staff,
        form=ContactForm.GROUP,
        note=NOTE,
        place=f"{NAME}'s flat",
    )
    session.clients.add(client)
    GroupSession.objects.create(contact=session, kind="language_lesson")
    closed = PlanFactory(client__provider=provider, client__mentor=mentor.staff).client
    closed.service_end = today - datetime.timedelta(days=3)
    closed.follow_up_date = today + datetime.timedelta(days=27)
    closed.first_name = NAME
    closed.save()
    return {"plan": plan, "session": session, "closed": closed}


def events(content: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(content)
    return {str(event["UID"]).split("@")[0]: event for event in cal.walk("VEVENT")}


def test_the_mentors_calendar_has_their_task_group_session_and_follow_up_by_reference_only(
    client, mentor, mentor_world, calendar_world, today
):
    token = make_address(client, mentor)

    response = client.get(feed_url(token))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, no-store"
    found = events(response.content)
    task, session, closed = mentor_world.task, calendar_world["session"], calendar_world["closed"]
    assert set(found) == {f"task-{task.pk}", f"group-{session.pk}", f"follow-up-{closed.pk}"}
    assert found[f"task-{task.pk}"]["DTSTART"].dt == today
    assert mentor_world.client.client_ref in str(found[f"task-{task.pk}"]["SUMMARY"])
    assert str(found[f"task-{task.pk}"]["URL"]).endswith(f"/clients/{mentor_world.client.pk}/")
    assert closed.client_ref in str(found[f"follow-up-{closed.pk}"]["SUMMARY"])
    assert found[f"follow-up-{closed.pk}"]["DTSTART"].dt == closed.follow_up_date
    assert found[f"group-{session.pk}"]["DTSTART"].dt == session.date
    text = response.content.decode()
    for secret in (NAME, SURNAME, TASK_TITLE, NOTE, "1987", BIRTH_DATE.isoformat(), "Petrovs"):
        assert secret not in text, secret
    # The same records are the same events at the next fetch.
    assert set(events(client.get(feed_url(token)).content)) == set(found)


def test_the_social_workers_calendar_has_the_plan_review(client, social_worker, calendar_world):
    token = make_address(client, social_worker)

    found = events(client.get(feed_url(token)).content)

    plan = calendar_world["plan"]
    assert found[f"review-{plan.pk}"]["DTSTART"].dt == plan.review_date
    assert plan.client.client_ref in str(found[f"review-{plan.pk}"]["SUMMARY"])
    assert f"group-{calendar_world['session'].pk}" not in found  # the mentor's session, not theirs


def test_a_revoked_or_replaced_address_is_not_found(client, mentor, mentor_world):
    token = make_address(client, mentor)
    newer = make_address(client, mentor)

    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(newer)).status_code == 200

    client.force_login(mentor)
    client.post(reverse("reminders:calendar_address"), {"action": "revoke"})
    client.logout()
    assert client.get(feed_url(newer)).status_code == 404
    assert not CalendarFeed.objects.filter(user=mentor).exists()


def test_only_a_hash_of_the_key_is_stored_so_no_address_can_be_rebuilt_from_the_database(client, mentor, social_worker):
    token = make_address(client, mentor)
    other = make_address(client, social_worker)

    stored = list(CalendarFeed.objects.values_list("token_hash", flat=True))
    assert token not in str(stored) and other not in str(stored)
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert len(token) >= 43  # 32 random bytes
    # The hash itself is no address, nor is another user's key with one character changed.
    for guess in (*stored, token[:-1] + ("A" if token[-1] != "A" else "B")):
        assert client.get(feed_url(guess)).status_code == 404


def test_the_address_is_shown_once_and_never_again(client, mentor):
    make_address(client, mentor)
    client.force_login(mentor)

    page = client.get(reverse("reminders:settings"))

    assert page.context["new_calendar_url"] is None
    assert page.context["has_calendar"] is True


def test_an_address_is_limited_in_requests(client, mentor, mentor_world):
    token = make_address(client, mentor)
    statuses = [client.get(feed_url(token)).status_code for _ in range(FEED_REQUESTS_PER_WINDOW + 1)]
    assert statuses[:-1] == [200] * FEED_REQUESTS_PER_WINDOW
    assert statuses[-1] == 429


def test_guessing_addresses_is_refused_after_a_few_misses(client, mentor, mentor_world):
    token = make_address(client, mentor)
    for n in range(20):
        assert client.get(feed_url(f"guess-{n}")).status_code == 404
    assert client.get(feed_url("guess-more")).status_code == 429
    # The same network is refused even a good address for the rest of the window.
    assert client.get(feed_url(token)).status_code == 429


def test_a_staff_member_who_left_has_no_calendar(client, mentor, mentor_world):
    token = make_address(client, mentor)
    mentor.is_active = False
    mentor.save(update_fields=["is_active"])
    assert client.get(feed_url(token)).status_code == 404


def test_another_users_address_is_theirs_only_making_one_does_not_touch_it(client, mentor, social_worker):
    mine = make_address(client, mentor)
    theirs = make_address(client, social_worker)
    client.force_login(mentor)
    client.post(reverse("reminders:calendar_address"), {"action": "revoke"})
    client.logout()
    assert client.get(feed_url(mine)).status_code == 404
    assert client.get(feed_url(theirs)).status_code == 200


def test_the_service_makes_urlsafe_random_keys(mentor):
    keys = {calendar_address_make(user=mentor) for _ in range(5)}
    assert len(keys) == 5
    assert all(set(key) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for key in keys)
    assert CalendarFeed.objects.filter(user=mentor).count() == 1


def test_making_and_revoking_an_address_is_audited_with_who_did_it(client, mentor):
    token = make_address(client, mentor)
    client.force_login(mentor)
    client.post(reverse("reminders:calendar_address"), {"action": "revoke"})

    entries = AuditEntry.objects.filter(object_type="reminders.calendarfeed").order_by("id")
    assert [e.action for e in entries] == [Action.CREATE, Action.DELETE]
    assert {e.actor_id for e in entries} == {mentor.pk}
    assert token not in str([e.changes for e in entries])


def test_a_double_click_makes_one_address_and_shows_it(client, mentor):
    client.force_login(mentor)
    page = client.get(reverse("reminders:settings")).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f]{32})"', page).group(1)

    first = client.post(reverse("reminders:calendar_address"), {"action": "make", "form_token": token})
    second = client.post(reverse("reminders:calendar_address"), {"action": "make", "form_token": token})

    assert first.status_code == second.status_code == 302
    assert AuditEntry.objects.filter(object_type="reminders.calendarfeed").count() == 1
    shown = client.get(reverse("reminders:settings")).context["new_calendar_url"]
    client.logout()
    assert client.get(urlsplit(shown).path).status_code == 200


def test_the_feed_takes_the_same_queries_whatever_the_number_of_events(client, mentor, provider, today):
    token = make_address(client, mentor)

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(feed_url(token)).status_code == 200
        return len(captured)

    def events_of_each_kind(n: int) -> None:
        c = ClientFactory(provider=provider, mentor=mentor.staff)
        plan = PlanFactory(client=c, status="active", review_date=today + datetime.timedelta(days=n + 1))
        TaskFactory(goal=GoalFactory(plan=plan), responsible=mentor.staff, due_date=today + datetime.timedelta(days=n))
        session = ContactFactory(date=today - datetime.timedelta(days=n), staff=mentor.staff, form=ContactForm.GROUP)
        GroupSession.objects.create(contact=session, kind="support_group")
        # The follow-up of another client, whose case is closed (a closed case's tasks leave the calendar).
        ClientFactory(
            provider=provider,
            mentor=mentor.staff,
            service_end=today,
            closure_reason="left_latvia",
            follow_up_date=today + datetime.timedelta(days=30 + n),
        )

    events_of_each_kind(0)
    few = queries()
    for n in range(1, 5):
        events_of_each_kind(n)
    many = queries()
    assert len(events(client.get(feed_url(token)).content)) == 15  # tasks, sessions, follow-ups; a mentor: no reviews
    assert many == few

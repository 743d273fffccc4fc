"""The reminders page: the person's own language and calendar address; the language switch keeps the choice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reminders.models import CalendarFeed

pytestmark = pytest.mark.django_db


def test_the_language_of_reminders_is_saved_on_the_page(client, mentor):
    client.force_login(mentor)

    response = client.post(reverse("reminders:settings"), {"language": "en"})

    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.language == "en"


def test_an_unknown_language_is_refused_beside_the_field(client, mentor):
    client.force_login(mentor)

    response = client.post(reverse("reminders:settings"), {"language": "xx"})

    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    mentor.refresh_from_db()
    assert mentor.language == "lv"


def test_the_language_switch_saves_the_signed_in_persons_language(client, plain_client, mentor):
    client.force_login(mentor)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    mentor.refresh_from_db()
    assert mentor.language == "en"
    # Anonymous: the cookie only, as before.
    assert plain_client.post(reverse("set_language"), {"language": "lv", "next": "/"}).status_code == 302


def test_the_page_shows_where_the_message_goes_and_never_anothers_address(client, mentor, social_worker):
    social_worker.email = "sw@example.lv"
    social_worker.save(update_fields=["email"])
    mentor.email = "mentor@example.lv"
    mentor.save(update_fields=["email"])
    client.force_login(mentor)

    page = client.get(reverse("reminders:settings")).content.decode()

    assert "mentor@example.lv" in page
    assert "sw@example.lv" not in page


def test_a_coordinator_has_no_reminders_page(client, coordinator):
    # Coordinators never see clients: nothing of theirs is due, and no calendar lists clients for them.
    client.force_login(coordinator)
    assert client.get(reverse("reminders:settings")).status_code == 404
    assert client.post(reverse("reminders:calendar_address"), {"action": "make"}).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_revoking_touches_only_ones_own_address(client, mentor, social_worker):
    client.force_login(social_worker)
    client.post(reverse("reminders:calendar_address"), {"action": "make"})
    client.force_login(mentor)
    client.post(reverse("reminders:calendar_address"), {"action": "make"})

    # Nothing in the request names whose address: it is always the signed-in person's.
    client.post(reverse("reminders:calendar_address"), {"action": "revoke", "user": social_worker.pk})

    assert list(CalendarFeed.objects.values_list("user", flat=True)) == [social_worker.pk]


def test_the_menu_links_to_the_page_for_staff_only(client, mentor, coordinator):
    client.force_login(mentor)
    assert reverse("reminders:settings") in client.get(reverse("home")).content.decode()
    client.force_login(coordinator)
    assert reverse("reminders:settings") not in client.get(reverse("home")).content.decode()

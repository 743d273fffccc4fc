"""The person's export holds every episode of their case and its closing; anonymisation clears the closing notes."""

import datetime

import pytest
from django.utils import timezone

from clients.models import CaseEpisode, Client
from plans.closure import case_close, case_reopen
from privacy.services import client_anonymise, client_data_export

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _closed_twice(client, actor):
    case_close(
        client=client,
        actor=actor,
        date=TODAY - 20 * DAY,
        reason="lost_contact",
        note="Phone switched off for weeks",
        skip_assessment_reason="Could not be reached",
    )
    case_reopen(client=client, actor=actor, start_date=TODAY - 10 * DAY)
    return case_close(
        client=client,
        actor=actor,
        date=TODAY - 2 * DAY,
        reason="left_latvia",
        note="Went to Germany",
        follow_up_date=TODAY + 30 * DAY,
        skip_assessment_reason="Left the country",
    )


def test_the_export_holds_the_closing_and_every_earlier_episode(assigned_client, social_worker):
    _closed_twice(assigned_client, social_worker)

    data = client_data_export(client=assigned_client)

    person = data["person"]
    assert (person["service_start"], person["service_end"]) == (TODAY - 10 * DAY, TODAY - 2 * DAY)
    assert person["closure_reason"] == "left_latvia"
    assert person["closure_reason_label"] == "Left Latvia"
    assert "Went to Germany" in person["closure_note"]
    assert person["follow_up_date"] == TODAY + 30 * DAY
    [episode] = data["case_episodes"]
    assert (episode["service_start"], episode["service_end"]) == (datetime.date(2026, 1, 10), TODAY - 20 * DAY)
    assert episode["closure_reason"] == "lost_contact"
    assert "Phone switched off for weeks" in episode["closure_note"]
    assert episode["provider"] == assigned_client.provider.name


def test_anonymisation_clears_the_closing_notes_of_every_episode(assigned_client, social_worker, manager, settings):
    _closed_twice(assigned_client, social_worker)
    settings.RETENTION_DAYS = 1

    client_anonymise(client=assigned_client, by=manager)

    stored = Client.objects.get(pk=assigned_client.pk)
    assert stored.closure_note == ""
    assert stored.closure_reason == "left_latvia"  # a choice the figures may count, not free text
    episode = CaseEpisode.objects.get(client=assigned_client)
    assert (episode.closure_note, episode.closure_reason) == ("", "lost_contact")

"""The person's self-sufficiency assessments in their data export, and their notes removed on anonymisation."""

import datetime
import json
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from plans.assessments import assessment_record, assessments_disagreeing_with_their_scores
from plans.models import AssessmentScore
from privacy.services import client_anonymise, client_data_export

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=3000)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _assess(person, social_worker, day, scores, kind="intake"):
    return assessment_record(
        client=person, staff=social_worker.staff, date=day, kind=kind, scores=scores, actor=social_worker
    )


def test_the_export_holds_the_assessments_with_scores_and_notes(client, manager, assigned_client, social_worker):
    earlier = TODAY - datetime.timedelta(days=40)
    _assess(assigned_client, social_worker, earlier, {"housing": (1, "Sleeps at a friend's")})
    _assess(assigned_client, social_worker, TODAY, {"housing": (4, ""), "health": (None, "Not asked")}, kind="review")

    data = client_data_export(client=assigned_client)

    first, second = data["assessments"]
    assert (first["kind"], first["kind_label"], first["staff"]) == ("intake", "At intake", str(social_worker.staff))
    assert first["scores"] == [
        {
            "area": "housing",
            "area_label": "Housing",
            "score": 1,
            "score_label": "in crisis",
            "note": "Sleeps at a friend's",
        }
    ]
    assert [(row["area"], row["score"], row["note"]) for row in second["scores"]] == [
        ("health", None, "Not asked"),
        ("housing", 4, ""),
    ]
    client.force_login(manager)
    exported = client.get(reverse("privacy:export_json", args=[assigned_client.pk])).content.decode()
    assert "Sleeps at a friend" in exported
    if shutil.which("pdftotext") is not None:
        pdf = client.get(reverse("privacy:export_pdf", args=[assigned_client.pk])).content
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert "Sleeps at a friend" in text


def test_the_export_reads_as_many_queries_for_many_assessments_as_for_one(assigned_client, social_worker):
    _assess(assigned_client, social_worker, TODAY, {"housing": (2, "")})
    with CaptureQueriesContext(connection) as one:
        client_data_export(client=assigned_client)
    for days in (10, 20, 30):
        _assess(assigned_client, social_worker, TODAY - datetime.timedelta(days=days), {"health": (3, "n")})
    with CaptureQueriesContext(connection) as many:
        data = client_data_export(client=assigned_client)
    assert len(data["assessments"]) == 4
    assert len(many) == len(one)


def test_anonymisation_clears_the_notes_and_keeps_the_scores(assigned_client, social_worker, manager):
    assessment = _assess(assigned_client, social_worker, TODAY, {"housing": (2, "Amina sleeps at a friend's")})
    Client.objects.filter(pk=assigned_client.pk).update(
        service_start=LONG_AGO - datetime.timedelta(days=30), service_end=LONG_AGO
    )
    assigned_client.refresh_from_db()

    client_anonymise(client=assigned_client, by=manager)

    assert list(AssessmentScore.objects.filter(assessment=assessment).values_list("area", "score", "note")) == [
        ("housing", 2, "")
    ]
    assert assessments_disagreeing_with_their_scores() == []  # the report's copy of the scores kept too
    assert "Amina" not in json.dumps(client_data_export(client=assigned_client)["assessments"], default=str)

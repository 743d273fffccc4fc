"""Report pages for every role: the figures page and downloads, PDF jobs, their status, the archive, the narrative."""

import datetime
import hashlib
import json

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from clients.choices import InstitutionKind
from clients.models import Client
from plans.models import Referral
from reporting import services
from reporting.figures import figures_for
from reporting.models import FailureReason, JobState, ReportJob, ReportNarrative
from reporting.presentation import results_tables
from reporting.selectors import report_job_list

from .report_world import MARCH, build_world

ROLES = ["social_worker", "mentor", "manager", "coordinator", "outsider"]
MARCH_DATES = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(provider, other_provider, social_worker, mentor, manager, coordinator, outsider):
    return build_world(provider, other_provider, social_worker, mentor)


@pytest.fixture
def done_job(world, manager, provider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_job_create(
            requested_by=manager,
            provider=provider,
            start=MARCH_DATES[0],
            end=MARCH_DATES[1],
            kind="month",
            format="json",
        )
    job.refresh_from_db()
    assert job.state == JobState.DONE
    return job


def sign_in(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return user


def test_anonymous_visitors_are_sent_to_sign_in_from_every_report_page(client, done_job):
    urls = [
        reverse("reporting:index"),
        reverse("reporting:figures_xlsx") + "?kind=month&month=2026-03&language=en",
        reverse("reporting:figures_json") + "?kind=month&month=2026-03&language=en",
        reverse("reporting:archive"),
        reverse("reporting:narrative") + "?kind=month&month=2026-03&language=en",
        reverse("reporting:job_detail", args=[done_job.pk]),
        reverse("reporting:job_status", args=[done_job.pk]),
        reverse("reporting:job_download", args=[done_job.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(reverse("reporting:job_create"), MARCH)
    assert response.status_code == 302
    assert not ReportJob.objects.exclude(pk=done_job.pk).exists()


@pytest.mark.parametrize(("role", "status"), [(r, 404 if r == "mentor" else 200) for r in ROLES])
def test_the_report_page_opens_for_report_readers_and_not_for_mentors(client, request, world, role, status):
    sign_in(client, request, role)
    assert client.get(reverse("reporting:index")).status_code == status
    assert client.get(reverse("reporting:index"), MARCH).status_code == status


def test_mentors_find_nothing_anywhere_in_reporting(client, request, done_job):
    sign_in(client, request, "mentor")
    for url in [
        reverse("reporting:archive"),
        reverse("reporting:figures_xlsx") + "?kind=month&month=2026-03&language=en",
        reverse("reporting:figures_json") + "?kind=month&month=2026-03&language=en",
        reverse("reporting:narrative") + "?kind=month&month=2026-03&language=en",
        reverse("reporting:job_detail", args=[done_job.pk]),
        reverse("reporting:job_status", args=[done_job.pk]),
        reverse("reporting:job_download", args=[done_job.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("reporting:job_create"), MARCH).status_code == 404


def test_the_manager_sees_the_numbers_of_their_provider_at_once(client, request, world):
    sign_in(client, request, "manager")
    response = client.get(reverse("reporting:index"), MARCH)
    body = response.content.decode()
    assert response.context["report"].unique_persons == 4
    assert response.context["report"].provider_code == "LSK"
    assert "Latvijas Sarkanais Krusts" in body
    assert "S-SIF-2026-7" in body
    assert "Make the PDF" in body
    assert "Write the narrative" in body


def test_a_manager_cannot_open_another_providers_numbers_by_naming_it(client, request, world, other_provider):
    sign_in(client, request, "manager")
    response = client.get(reverse("reporting:index"), {**MARCH, "provider": other_provider.pk})
    assert response.context["report"].provider_code == "LSK"
    assert "Caritas" not in response.content.decode().split('id="figures-heading"')[1].split("</h2>")[0]


def test_the_social_worker_reads_the_numbers_but_cannot_ask_for_a_pdf(client, request, world):
    sign_in(client, request, "social_worker")
    response = client.get(reverse("reporting:index"), MARCH)
    assert response.context["report"].unique_persons == 4
    assert "Make the PDF" not in response.content.decode()
    response = client.post(reverse("reporting:job_create"), MARCH)
    assert response.status_code == 403
    assert not ReportJob.objects.exists()


def test_the_outsider_sees_only_their_own_providers_numbers(client, request, world):
    sign_in(client, request, "outsider")
    response = client.get(reverse("reporting:index"), MARCH)
    assert response.context["report"].provider_code == "CARITAS"
    assert response.context["report"].unique_persons == 1


@pytest.mark.parametrize("provider_choice", ["one", "all"])
def test_the_coordinator_sees_numbers_of_any_provider_or_all_and_never_a_person(
    client, request, world, provider, provider_choice
):
    sign_in(client, request, "coordinator")
    chosen = provider.pk if provider_choice == "one" else ""
    response = client.get(reverse("reporting:index"), {**MARCH, "provider": chosen})
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].unique_persons == (4 if provider_choice == "one" else 5)
    for name in world["names"]:
        assert name not in body
    assert "Make the PDF" in body


def test_an_invalid_choice_shows_the_form_with_an_error(client, request, world):
    sign_in(client, request, "manager")
    response = client.get(reverse("reporting:index"), {"kind": "custom", "start": "2026-03-10", "language": "en"})
    assert response.status_code == 200
    assert "report" not in response.context
    assert "Give the first and the last day." in response.content.decode()


def test_the_final_evaluation_covers_the_contracts_period(client, request, world, provider):
    sign_in(client, request, "coordinator")
    response = client.get(reverse("reporting:index"), {"kind": "final", "provider": provider.pk, "language": "en"})
    report = response.context["report"]
    assert (report.start, report.end) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert report.unique_persons == 4


def test_the_publication_safe_page_shows_small_numbers_as_less_than_five(client, request, world):
    sign_in(client, request, "manager")
    response = client.get(reverse("reporting:index"), {**MARCH, "suppressed": "on"})
    assert response.context["report"].suppressed is True
    assert "&lt;5" in response.content.decode()


@pytest.mark.parametrize("role", ["social_worker", "manager", "coordinator"])
def test_report_readers_download_the_numbers_as_xlsx_and_json(client, request, world, role):
    sign_in(client, request, role)
    response = client.get(reverse("reporting:figures_json"), MARCH)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    response = client.get(reverse("reporting:figures_xlsx"), MARCH)
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert "no-store" in response["Cache-Control"]


def test_xlsx_and_json_downloads_refuse_other_methods_and_a_missing_choice(client, request, world):
    sign_in(client, request, "manager")
    assert client.post(reverse("reporting:figures_json"), MARCH).status_code == 405
    assert client.post(reverse("reporting:figures_xlsx"), MARCH).status_code == 405
    assert client.get(reverse("reporting:figures_json")).status_code == 404
    assert client.post(reverse("reporting:index"), MARCH).status_code == 405


def test_make_the_pdf_queues_a_job_and_the_job_page_follows_it(
    client, request, world, provider, django_capture_on_commit_callbacks
):
    user = sign_in(client, request, "manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:job_create"), {**MARCH, "draft": "1"})  # no narrative: a draft
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:job_detail", args=[job.pk])
    assert (job.requested_by, job.provider, job.start, job.end, job.kind, job.format, job.language) == (
        user,
        provider,
        *MARCH_DATES,
        "month",
        "pdf",
        "en",
    )
    page = client.get(response["Location"]).content.decode()
    status_url = reverse("reporting:job_status", args=[job.pk])
    assert f'data-status-url="{status_url}"' in page
    assert "/static/js/job.js" in page
    assert "<script>" not in page  # no inline script

    status = client.get(reverse("reporting:job_status", args=[job.pk])).json()
    assert status["state"] == "done"
    assert status["download_url"] == reverse("reporting:job_download", args=[job.pk])

    first = client.get(status["download_url"])
    second = client.get(status["download_url"])
    first_bytes, second_bytes = b"".join(first.streaming_content), b"".join(second.streaming_content)
    assert first_bytes.startswith(b"%PDF")
    assert first_bytes == second_bytes
    job.refresh_from_db()
    assert hashlib.sha256(first_bytes).hexdigest() == job.sha256
    assert first["Content-Disposition"].startswith("attachment;")
    assert "report-LSK-2026-03-01-2026-03-31-en-draft.pdf" in first["Content-Disposition"]
    assert "no-store" in first["Cache-Control"]


def test_the_coordinator_asks_for_the_pdf_of_all_providers(client, request, world, django_capture_on_commit_callbacks):
    sign_in(client, request, "coordinator")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("reporting:job_create"), {**MARCH, "provider": ""})
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.provider is None
    assert job.state == JobState.QUEUED


def test_asking_for_a_pdf_with_a_bad_choice_is_refused(client, request, world):
    sign_in(client, request, "manager")
    response = client.post(reverse("reporting:job_create"), {"kind": "month", "language": "en"})
    assert response.status_code == 400
    assert not ReportJob.objects.exists()
    assert client.get(reverse("reporting:job_create")).status_code == 405


@pytest.mark.parametrize(
    ("role", "status"),
    [("social_worker", 200), ("manager", 200), ("coordinator", 200), ("outsider", 404), ("mentor", 404)],
)
def test_a_job_and_its_file_are_seen_by_its_providers_readers_and_coordinators_only(
    client, request, done_job, role, status
):
    sign_in(client, request, role)
    for name in ("job_detail", "job_status", "job_download"):
        assert client.get(reverse(f"reporting:{name}", args=[done_job.pk])).status_code == status, name


def test_job_pages_refuse_other_methods(client, request, done_job):
    sign_in(client, request, "manager")
    for name in ("job_detail", "job_status", "job_download"):
        assert client.post(reverse(f"reporting:{name}", args=[done_job.pk])).status_code == 405, name
    assert client.post(reverse("reporting:archive")).status_code == 405


def test_an_unknown_job_is_not_found(client, request, world):
    sign_in(client, request, "coordinator")
    assert client.get(reverse("reporting:job_detail", args=[999999])).status_code == 404


def test_a_failed_job_shows_its_reason(client, request, world, manager, provider):
    job = ReportJob.objects.create(
        requested_by=manager,
        provider=provider,
        start=MARCH_DATES[0],
        end=MARCH_DATES[1],
        kind="month",
        state=JobState.FAILED,
        error_reason=FailureReason.RENDER_FAILED,
    )
    sign_in(client, request, "manager")
    page = client.get(reverse("reporting:job_detail", args=[job.pk])).content.decode()
    assert "The report could not be drawn" in page
    status = client.get(reverse("reporting:job_status", args=[job.pk])).json()
    with translation.override("en"):
        reason = str(FailureReason.RENDER_FAILED.label)
    assert status == {
        "state": "failed",
        "label": "Failed",
        "finished": True,
        "reason": reason,
        "download_url": "",
        "sha256": "",
        "size": None,
    }
    assert client.get(reverse("reporting:job_download", args=[job.pk])).status_code == 404


def test_a_queued_job_reports_its_state_and_offers_no_download_yet(client, request, world, manager, provider):
    job = services.report_job_create(
        requested_by=manager, provider=provider, start=MARCH_DATES[0], end=MARCH_DATES[1], kind="month"
    )
    sign_in(client, request, "social_worker")
    status = client.get(reverse("reporting:job_status", args=[job.pk]))
    assert "no-store" in status["Cache-Control"]
    assert status.json()["state"] == "queued"
    assert status.json()["finished"] is False
    assert client.get(reverse("reporting:job_download", args=[job.pk])).status_code == 404


def test_the_archive_lists_who_asked_when_the_period_and_the_checksum(client, request, done_job):
    sign_in(client, request, "manager")
    body = client.get(reverse("reporting:archive")).content.decode()
    assert done_job.sha256[:16] in body
    assert "Bērziņa Anna" in body  # the manager who asked
    assert "Latvijas Sarkanais Krusts" in body
    assert reverse("reporting:job_download", args=[done_job.pk]) in body


def test_the_outsider_does_not_see_another_providers_reports_in_the_archive(client, request, done_job):
    sign_in(client, request, "outsider")
    body = client.get(reverse("reporting:archive")).content.decode()
    assert done_job.sha256[:16] not in body
    assert "No reports have been generated yet." in body


def test_the_coordinator_archive_and_home_list_every_providers_reports(client, request, done_job):
    sign_in(client, request, "coordinator")
    assert done_job.sha256[:16] in client.get(reverse("reporting:archive")).content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "Providers&#x27; reports" in home or "Providers' reports" in home
    assert reverse("reporting:job_download", args=[done_job.pk]) in home


def test_a_redownload_from_the_archive_gives_the_same_file(client, request, done_job):
    sign_in(client, request, "coordinator")
    url = reverse("reporting:job_download", args=[done_job.pk])
    first = b"".join(client.get(url).streaming_content)
    second = b"".join(client.get(url).streaming_content)
    assert first == second
    assert hashlib.sha256(first).hexdigest() == done_job.sha256


def test_the_manager_writes_the_narrative_before_making_the_pdf(
    client, request, world, provider, django_capture_on_commit_callbacks, monkeypatch
):
    sign_in(client, request, "manager")
    url = reverse("reporting:narrative") + "?kind=month&month=2026-03&language=en"
    assert client.get(url).status_code == 200
    response = client.post(url, {"thematic": "Darbs PMC “Mucenieki”.", "challenges": "Mājokļu trūkums."})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reporting:index") + "?")
    narrative = ReportNarrative.objects.get()
    assert (narrative.provider, narrative.start, narrative.end) == (provider, *MARCH_DATES)
    assert "written" in client.get(reverse("reporting:index"), MARCH).content.decode()

    monkeypatch.setattr(services, "_render", lambda job: b"%PDF-1.7 test")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:job_create"), MARCH)
    assert ReportJob.objects.get().narrative_thematic == "Darbs PMC “Mucenieki”."


@pytest.mark.parametrize("role", ["social_worker", "coordinator", "outsider", "mentor"])
def test_only_the_providers_manager_writes_the_narrative(client, request, world, role):
    sign_in(client, request, role)
    url = reverse("reporting:narrative") + "?kind=month&month=2026-03&language=en"
    assert client.get(url).status_code == 404
    assert client.post(url, {"thematic": "x", "challenges": "y"}).status_code == 404
    assert not ReportNarrative.objects.exists()


def test_the_narrative_page_refuses_other_methods(client, request, world):
    sign_in(client, request, "manager")
    url = reverse("reporting:narrative") + "?kind=month&month=2026-03&language=en"
    assert client.put(url).status_code == 405


@pytest.mark.parametrize(("role", "shown"), [(r, r != "mentor") for r in ROLES])
def test_the_navigation_offers_reports_to_report_readers(client, request, world, role, shown):
    sign_in(client, request, role)
    body = client.get(reverse("home")).content.decode()
    assert (reverse("reporting:index") in body) is shown


def test_the_archive_takes_one_query_for_one_job_or_many(done_job, manager, coordinator, provider):
    def archive_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            render_to_string("reporting/includes/job_table.html", {"jobs": report_job_list(user=coordinator)})
        return len(queries)

    one = archive_queries()
    for _ in range(5):
        ReportJob.objects.create(
            requested_by=manager, provider=provider, start=MARCH_DATES[0], end=MARCH_DATES[1], kind="month"
        )
    assert archive_queries() == one == 1


def test_asking_again_for_a_pdf_being_made_shows_that_job(client, request, world, django_capture_on_commit_callbacks):
    sign_in(client, request, "manager")
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(reverse("reporting:job_create"), {**MARCH, "draft": "1"})
        second = client.post(reverse("reporting:job_create"), {**MARCH, "draft": "1"}, follow=True)
    job = ReportJob.objects.get()
    assert first["Location"] == reverse("reporting:job_detail", args=[job.pk])
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "This report is already being made; here it is." in second.content.decode()


def test_a_fourth_pdf_in_flight_is_refused_with_a_message_on_the_report_page(
    client, request, world, django_capture_on_commit_callbacks
):
    sign_in(client, request, "manager")
    with django_capture_on_commit_callbacks(execute=False):
        for month in ("2026-01", "2026-02", "2026-03"):
            draft = {**MARCH, "month": month, "draft": "1"}
            assert client.post(reverse("reporting:job_create"), draft).status_code == 302
        draft = {**MARCH, "month": "2026-04", "draft": "1"}
        response = client.post(reverse("reporting:job_create"), draft, follow=True)
    assert ReportJob.objects.count() == 3
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("reporting:index") + "?")
    assert "month=2026-04" in response.redirect_chain[-1][0]
    assert "You already have 3 reports being made." in response.content.decode()


def test_the_page_shows_the_results_of_the_work_in_both_languages(client, request, world, social_worker):
    staff = social_worker.staff
    amina = Client.objects.get(first_name="Amina")
    Referral.objects.create(
        staff=staff,
        client=amina,
        date=datetime.date(2026, 3, 3),
        institution_kind="bank",
        status="completed",
        outcome_date=datetime.date(2026, 3, 4),
    )
    sign_in(client, request, "manager")

    response = client.get(reverse("reporting:index"), MARCH)

    body = response.content.decode()
    tables = {table.key: table for table in response.context["report"].results}
    assert [row.value for row in tables["results_referrals"].rows] == [1, 1, 0, 100]
    assert "Results of the work" in body and 'id="table-results_goals"' in body
    assert "Bank" in body.split('id="table-results_referrals_by_kind"')[1]
    with translation.override("lv"):  # the page's tables in the user's language (the PDF's and XLSX's too)
        latvian = results_tables(figures_for(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31)))
        assert latvian[0].title == "Nosūtījumi"
        assert str(InstitutionKind.BANK.label) == "Banka" in [row.label for row in latvian[1].rows]

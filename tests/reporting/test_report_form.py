"""The report form: only the chosen kind's fields count, the month's help shows, a PDF without narrative is a draft."""

import datetime
import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from reporting.forms import FIELDS_OF_KIND, ReportForm
from reporting.models import ReportJob, ReportNarrative

from .report_world import MARCH, build_world

MARCH_END = datetime.date(2026, 3, 31)


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def world(provider, other_provider, social_worker, mentor, manager, coordinator, outsider):
    return build_world(provider, other_provider, social_worker, mentor)


def sign_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def _form(manager, **data):
    return ReportForm(QueryDict(mutable=True) | {"language": "en", **data}, user=manager)


def test_a_month_report_ignores_a_broken_day_left_in_the_any_period_fields(manager):
    form = _form(manager, kind="month", month="2026-03", start="not a day", end="10/99/2026")
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["start"], form.cleaned_data["end"]) == (datetime.date(2026, 3, 1), MARCH_END)


def test_any_period_ignores_a_broken_month_and_validates_its_days(manager):
    form = _form(manager, kind="custom", month="March", start="2026-03-05", end="2026-03-20")
    assert form.is_valid(), form.errors
    days = (form.cleaned_data["start"], form.cleaned_data["end"])
    assert days == (datetime.date(2026, 3, 5), datetime.date(2026, 3, 20))
    form = _form(manager, kind="custom", month="2026-03", start="2026-03-20", end="2026-03-05")
    assert not form.is_valid()
    assert list(form.errors) == ["end"]


def test_a_month_report_still_checks_its_own_month(manager):
    form = _form(manager, kind="interim", month="March", start="2026-03-05", end="2026-03-20")
    assert not form.is_valid()
    assert list(form.errors) == ["month"]


def test_every_kind_names_its_fields_and_the_form_has_them():
    assert set(FIELDS_OF_KIND) == {"month", "two_months", "interim", "final", "custom"}
    fields = set(ReportForm.base_fields)
    assert all(set(names) <= fields for names in FIELDS_OF_KIND.values())


def test_the_page_marks_each_fields_kinds_and_shows_every_field_without_a_script(client, world, manager):
    sign_in(client, manager)
    body = client.get(reverse("reporting:index")).content.decode()
    month = re.search(r'<div class="report-field[^"]*" data-report-kinds="([^"]+)">\s*<label[^>]*for="id_month"', body)
    assert month and set(month.group(1).split()) == {"month", "two_months", "interim", "final"}
    start = re.search(r'data-report-kinds="([^"]+)">\s*<label[^>]*for="id_start"', body)
    assert start and start.group(1) == "custom"
    assert re.search(r'<div class="report-field[^"]*">\s*<label[^>]*for="id_kind"', body)  # every kind: no marker
    assert re.search(r'<div class="report-field[^"]*">\s*<label[^>]*for="id_language"', body)
    assert " hidden" not in body.split("data-report-form", 1)[1].split("</form>", 1)[0]  # hidden only by the script
    assert "/static/js/report_form.js" in body
    assert "<script>" not in body


def test_the_months_help_is_shown_and_described_to_screen_readers(client, world, manager):
    sign_in(client, manager)
    body = client.get(reverse("reporting:index")).content.decode()
    month_input = re.search(r"<input[^>]*name=\"month\"[^>]*>", body).group(0)
    assert 'aria-describedby="id_month_helptext"' in month_input
    assert 'id="id_month_helptext"' in body
    assert "The report starts at this month." in body
    wrong = client.get(reverse("reporting:index"), {"kind": "month", "month": "2026-13", "language": "en"})
    month_input = re.search(r"<input[^>]*name=\"month\"[^>]*>", wrong.content.decode()).group(0)
    assert 'aria-describedby="id_month_helptext id_month_error"' in month_input
    assert "report-field col-md-6 col-lg-4" in body.split('for="id_month"')[0].rsplit("<div", 1)[1]  # a wide column


def test_a_manager_without_narrative_is_told_what_is_unwritten_and_asked_to_confirm(client, world, manager):
    sign_in(client, manager)
    body = client.get(reverse("reporting:index"), MARCH).content.decode()
    draft_form = body.split('id="make-draft"', 1)[1].split("</form>", 1)[0]
    assert "Thematic information" in draft_form and "Challenges and difficulties" in draft_form
    assert 'name="draft" value="1"' in draft_form and "required" in draft_form
    assert "Make the draft PDF" in draft_form


def test_a_pdf_asked_for_without_narrative_and_without_confirming_is_not_made(client, world, manager):
    sign_in(client, manager)
    response = client.post(reverse("reporting:job_create"), MARCH, follow=True)
    assert not ReportJob.objects.exists()
    assert response.redirect_chain[-1][0].startswith(reverse("reporting:index") + "?")
    assert "draft=" not in response.redirect_chain[-1][0]
    body = response.content.decode()
    assert "Not yet written: Thematic information, Challenges and difficulties." in body


def test_a_confirmed_draft_is_made_and_named_a_draft(
    client, world, manager, provider, django_capture_on_commit_callbacks
):
    sign_in(client, manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:job_create"), {**MARCH, "draft": "1"})
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reporting:job_detail", args=[job.pk])
    assert job.is_draft
    download = client.get(reverse("reporting:job_download", args=[job.pk]))
    assert "report-LSK-2026-03-01-2026-03-31-en-draft.pdf" in download["Content-Disposition"]


def test_with_the_narrative_written_the_pdf_is_made_at_once_and_is_no_draft(
    client, world, manager, provider, django_capture_on_commit_callbacks
):
    ReportNarrative.objects.create(
        provider=provider, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31), thematic="T", challenges="C"
    )
    sign_in(client, manager)
    body = client.get(reverse("reporting:index"), MARCH).content.decode()
    assert 'id="make-draft"' not in body
    assert "Make the PDF" in body
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("reporting:job_create"), MARCH)
    assert response.status_code == 302
    assert not ReportJob.objects.get().is_draft


def test_the_pdf_of_all_providers_needs_no_narrative(client, world, coordinator, django_capture_on_commit_callbacks):
    sign_in(client, coordinator)
    assert 'id="make-draft"' not in client.get(reverse("reporting:index"), {**MARCH, "provider": ""}).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("reporting:job_create"), {**MARCH, "provider": ""})
    assert response.status_code == 302
    assert ReportJob.objects.get().provider is None

"""Every value the report views take from a URL or a form, hostile ones too: a form error or a 400, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.models import ReportJob

pytestmark = pytest.mark.django_db

GOOD = {"kind": "month", "month": "2026-03", "language": "en", "suppressed": ""}
HOSTILE = [
    {"month": "9999-12"},
    {"month": "10000-01"},
    {"month": "0001-01"},
    {"month": "1999-12"},
    {"month": "2026-13"},
    {"month": "2026-00"},
    {"month": "-2026-01"},
    {"month": "2026-1-1-1"},
    {"month": "\x00"},
    {"month": "2" * 5000},
    {"kind": "two_months", "month": "9999-12"},
    {"kind": "interim", "month": "9999-08"},
    {"kind": "final", "month": "9999-12"},
    {"kind": "final", "month": "0001-01"},
    {"kind": "custom", "start": "9999-12-31", "end": "9999-12-31"},
    {"kind": "custom", "start": "0001-01-01", "end": "0001-12-31"},
    {"kind": "custom", "start": "2026-02-30", "end": "2026-03-31"},
    {"kind": "custom", "start": "2026-03-31", "end": "2026-03-01"},
    {"kind": "custom", "start": "2000-01-01", "end": "2100-12-31"},
    {"kind": "custom", "start": "2026-03-01", "end": ""},
    {"kind": "custom", "start": "2026-03-01", "end": "99999-01-01"},
    {"kind": "bogus"},
    {"kind": ""},
    {"language": "xx"},
    {"language": ""},
    {"provider": "abc"},
    {"provider": "99999999999999999999"},
    {"provider": "9223372036854775808"},
    {"provider": "-1"},
    {"provider": "1.5"},
    {"provider": "0"},
    {"provider": "\x00"},
]
IDS = [" ".join(f"{k}={v[:12]!r}" for k, v in h.items()) for h in HOSTILE]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def coordinator_client(client, coordinator, provider):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("hostile", HOSTILE, ids=IDS)
@pytest.mark.parametrize("role", ["coordinator", "manager"])
def test_a_hostile_choice_on_the_report_page_is_a_form_error(client, request, role, hostile):
    client.force_login(request.getfixturevalue(role))
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reporting:index"), {**GOOD, **hostile})
    if role == "manager" and set(hostile) == {"provider"}:
        assert response.status_code == 200  # a manager's provider is their own: the field is not there
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "invalid-feedback" in page or "alert-danger" in page


@pytest.mark.parametrize("hostile", HOSTILE, ids=IDS)
@pytest.mark.parametrize("view", ["reporting:figures_json", "reporting:figures_xlsx"])
def test_a_hostile_choice_for_a_download_is_a_400_with_a_short_message(coordinator_client, view, hostile):
    response = coordinator_client.get(reverse(view), {**GOOD, **hostile})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert 0 < len(response.content) < 500


def test_a_year_out_of_range_is_named_in_the_message(coordinator_client):
    response = coordinator_client.get(reverse("reporting:figures_json"), {**GOOD, "month": "9999-12"})
    assert response.content.decode() == "Give a date between 2000 and 2100."


@pytest.mark.parametrize("hostile", HOSTILE, ids=IDS)
def test_a_hostile_choice_asking_for_a_pdf_is_refused_and_makes_no_job(coordinator_client, hostile):
    response = coordinator_client.post(reverse("reporting:job_create"), {**GOOD, **hostile})
    assert response.status_code == 400
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize(
    "hostile",
    [h for h in HOSTILE if "provider" not in h],
    ids=[i for i, h in zip(IDS, HOSTILE, strict=True) if "provider" not in h],
)
def test_a_hostile_choice_for_the_narrative_is_a_400(manager_client, hostile):
    response = manager_client.get(reverse("reporting:narrative"), {**GOOD, **hostile})
    assert response.status_code == 400


def test_the_first_and_last_allowed_years_are_reports(coordinator_client):
    for month in ("2000-01", "2100-12"):
        assert coordinator_client.get(reverse("reporting:figures_json"), {**GOOD, "month": month}).status_code == 200


FIELDS = ["kind", "month", "start", "end", "provider", "language", "suppressed"]
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["month", "two_months", "interim", "final", "custom", "lv", "en", "on"]),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: f"{d:%Y-%m}"),
    st.integers().map(str),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, VALUES)))
def test_any_query_string_on_any_report_view_is_never_a_server_error(coordinator_client, query):
    query = {k: v.replace("\x00", "") for k, v in query.items()}  # the test client refuses NUL in a URL
    query.setdefault("kind", "month")
    for view in ("reporting:index", "reporting:figures_json", "reporting:figures_xlsx"):
        assert coordinator_client.get(reverse(view), query).status_code in (200, 400)

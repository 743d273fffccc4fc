"""The providers compared (issue 21): only the coordinator; each column is that provider's own report, the total
the report of all providers; publication-safe as the reports are; the XLSX holds the page's numbers; a fixed number
of queries a provider."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from clients.models import Client
from plans.models import Referral
from reporting.comparison import comparison_sections
from reporting.figures import figures_for
from reporting.models import CachedFigures
from reporting.presentation import NONE, build_report, results_tables
from reporting.selectors import providers_comparison
from reporting.suppression import SMALL, shown_figures
from tests.factories import ClientFactory, ProviderFactory, StaffFactory

from .report_world import MARCH, build_world, contact

ROLES = ["social_worker", "mentor", "manager", "coordinator", "outsider"]
MARCH_START, MARCH_END = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)


@pytest.fixture
def world(provider, other_provider, social_worker, mentor, manager, coordinator, outsider):
    made = build_world(provider, other_provider, social_worker, mentor)
    amina = Client.objects.get(first_name="Amina")
    # The other provider's social worker also serves Amina: all providers together count her once.
    contact(outsider.staff, datetime.date(2026, 3, 20), amina, minutes=45)
    Referral.objects.create(
        staff=social_worker.staff,
        client=amina,
        date=datetime.date(2026, 3, 3),
        institution_kind="bank",
        status="completed",
        outcome_date=datetime.date(2026, 3, 4),
    )
    return made


def sign_in(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return user


def rows_of(sections):
    """{label: (cells, total)} of every row of the comparison's sections."""
    return {row.label: (row.cells, row.total) for section in sections for row in section.rows}


@pytest.mark.parametrize("role", ["social_worker", "mentor", "manager", "outsider"])
def test_nobody_but_the_coordinator_finds_the_comparison(client, request, world, role):
    sign_in(client, request, role)
    assert client.get(reverse("reporting:compare")).status_code == 404
    assert client.get(reverse("reporting:compare"), MARCH).status_code == 404
    assert client.get(reverse("reporting:compare_xlsx"), MARCH).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in (reverse("reporting:compare"), reverse("reporting:compare_xlsx") + "?kind=month&month=2026-03"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_comparison_answers_only_get(client, request, world):
    sign_in(client, request, "coordinator")
    for name in ("reporting:compare", "reporting:compare_xlsx"):
        for method in ("post", "put", "delete"):
            assert getattr(client, method)(reverse(name) + "?kind=month&month=2026-03").status_code == 405


def test_the_coordinator_sees_every_provider_side_by_side_and_never_a_person(
    client, request, world, provider, other_provider
):
    sign_in(client, request, "coordinator")
    response = client.get(reverse("reporting:compare"), MARCH)
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [column.provider for column in comparison.columns] == [other_provider, provider]  # by name
    body = response.content.decode()
    assert "Caritas Latvija" in body and "Latvijas Sarkanais Krusts" in body
    assert "Download XLSX" in body
    for name in world["names"]:
        assert name not in body


def test_without_a_period_the_page_shows_only_the_chooser(client, request, world):
    sign_in(client, request, "coordinator")
    response = client.get(reverse("reporting:compare"))
    assert response.status_code == 200
    assert "comparison" not in response.context
    assert 'name="provider"' not in response.content.decode()


def test_the_final_evaluation_and_a_broken_period_are_refused(client, request, world):
    sign_in(client, request, "coordinator")
    response = client.get(reverse("reporting:compare"), {"kind": "final", "language": "en"})
    assert response.status_code == 200
    assert "comparison" not in response.context
    bad = {"kind": "custom", "start": "2026-03-10", "end": "2026-03-01", "language": "en"}
    response = client.get(reverse("reporting:compare"), bad)
    assert "The last day comes before the first." in response.content.decode()
    assert client.get(reverse("reporting:compare_xlsx"), bad).status_code == 400
    assert client.get(reverse("reporting:compare_xlsx")).status_code == 404


def test_each_column_is_that_providers_own_report_and_the_total_the_report_of_all(
    client, request, world, provider, other_provider
):
    sign_in(client, request, "coordinator")
    rows = rows_of(client.get(reverse("reporting:compare"), MARCH).context["sections"])
    order = [other_provider, provider]
    with translation.override("en"):
        for index, chosen in enumerate([*order, None]):
            # The report page of that provider (or of all) as the coordinator opens it.
            report = client.get(reverse("reporting:index"), {**MARCH, "provider": chosen.pk if chosen else ""})
            shown = report.context["report"]
            expected = {row.label: row.value for row in shown.headline}
            for table in shown.work + shown.results:
                expected.update({row.label: row.value for row in table.rows if not row.cells})
            for label, (cells, total) in rows.items():
                if label in expected:
                    assert (cells + (total,))[index] == expected[label], (chosen, label)
    persons = rows["Unique persons served"]
    assert persons == ((2, 4), 5)  # Amina, served by both, counts once in all: not 2 + 4
    assert rows["Referrals in all"] == ((0, 1), 1)
    assert rows["Success rate, %"] == ((NONE, 100), 100)
    assert rows["Contacts in all"] == ((2, 2), 4)  # contacts are each one provider's: these add up
    assert rows["March 2026"] == ((2, 4), 5)


def test_the_columns_hold_the_figures_as_computed_for_each_provider(world, coordinator, provider, other_provider):
    comparison = providers_comparison(user=coordinator, start=MARCH_START, end=MARCH_END, suppressed=False)
    for column in comparison.columns:
        assert column.figures == figures_for(start=MARCH_START, end=MARCH_END, provider=column.provider)
    assert comparison.total == figures_for(start=MARCH_START, end=MARCH_END)


def test_the_publication_safe_comparison_hides_small_counts_as_each_report_does(client, request, world, provider):
    sign_in(client, request, "coordinator")
    response = client.get(reverse("reporting:compare"), {**MARCH, "suppressed": "on"})
    comparison = response.context["comparison"]
    assert comparison.suppressed
    for column in comparison.columns:
        computed = figures_for(start=MARCH_START, end=MARCH_END, provider=column.provider)
        assert column.figures == shown_figures(computed, suppressed=True)
    rows = rows_of(response.context["sections"])
    assert rows["Unique persons served"] == ((2, 4), 5)  # totals are shown
    assert rows["New persons"][0] == (SMALL, SMALL)
    assert rows["Persons referred"][0][1] == SMALL
    assert rows["Referrals in all"] == ((0, 1), 1)  # referrals are not persons
    assert "&lt;5" in response.content.decode()
    assert "Publication-safe version" in response.content.decode()


def test_the_xlsx_holds_the_pages_numbers(client, request, world):
    sign_in(client, request, "coordinator")
    page = client.get(reverse("reporting:compare"), {**MARCH, "suppressed": "on"})
    response = client.get(reverse("reporting:compare_xlsx"), {**MARCH, "suppressed": "on"})
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="providers-2026-03-01-2026-03-31-en-publication.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    headers = [row[1:4] for row in values if row[1] == "Caritas Latvija"]
    assert headers == [("Caritas Latvija", "Latvijas Sarkanais Krusts", "All providers")] * 3  # a section each
    in_sheet = {row[0]: row[1:4] for row in values if row[0]}
    for label, (cells, total) in rows_of(page.context["sections"]).items():
        assert in_sheet[label] == tuple(str(v) if not isinstance(v, int | float) else v for v in (*cells, total))


def test_the_xlsx_headings_follow_the_chosen_language(client, request, world):
    sign_in(client, request, "coordinator")
    response = client.get(reverse("reporting:compare_xlsx"), {**MARCH, "language": "lv"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    with translation.override("lv"):
        period = translation.gettext("Period")
    assert sheet["A3"].value == period


def cold_queries(coordinator):
    CachedFigures.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        providers_comparison(user=coordinator, start=MARCH_START, end=MARCH_END, suppressed=True)
    return len(queries)


def warm_queries(coordinator):
    with CaptureQueriesContext(connection) as queries:
        providers_comparison(user=coordinator, start=MARCH_START, end=MARCH_END, suppressed=True)
    return len(queries)


def another_provider_with_work(number):
    provider = ProviderFactory(code=f"P{number}", name=f"Provider {number}")
    staff = StaffFactory(provider=provider, role="social_worker")
    person = ClientFactory(provider=provider, country="SY")
    contact(staff, datetime.date(2026, 3, 12), person, topics=("housing",))
    return provider


def test_the_queries_grow_by_a_fixed_number_a_provider_cold_and_cached(world, coordinator):
    two = cold_queries(coordinator), warm_queries(coordinator)
    another_provider_with_work(3)
    three = cold_queries(coordinator), warm_queries(coordinator)
    another_provider_with_work(4)
    another_provider_with_work(5)
    five = cold_queries(coordinator), warm_queries(coordinator)
    for cold_or_warm in (0, 1):
        per_provider = three[cold_or_warm] - two[cold_or_warm]
        assert five[cold_or_warm] - three[cold_or_warm] == 2 * per_provider
    # Cached and unchanged, a provider's figures are read back, not computed again.
    assert five[1] - three[1] < five[0] - three[0]


def test_the_coordinators_home_and_the_reports_page_lead_to_the_comparison(client, request, world):
    sign_in(client, request, "coordinator")
    assert reverse("reporting:compare") in client.get(reverse("home")).content.decode()
    assert reverse("reporting:compare") in client.get(reverse("reporting:index")).content.decode()


def test_a_managers_reports_page_has_no_comparison(client, request, world):
    sign_in(client, request, "manager")
    assert reverse("reporting:compare") not in client.get(reverse("reporting:index")).content.decode()


def test_the_sections_are_the_reports_own_labels(world, coordinator):
    comparison = providers_comparison(user=coordinator, start=MARCH_START, end=MARCH_END, suppressed=False)
    with translation.override("en"):
        labels = set(rows_of(comparison_sections(comparison)))
        report = build_report(comparison.total)
        results = {row.label for table in results_tables(comparison.total) for row in table.rows}
    assert {row.label for row in report.headline} <= labels
    assert {"Referrals in all", "Persons referred", "Closures in all", "Cases reopened"} <= labels & results

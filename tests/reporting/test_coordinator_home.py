"""The coordinator's home: every provider's reports due (made, waiting, late), the latest month's figures side by side,
a fixed number of queries, and no person anywhere; the archive shows state and download, not a checksum."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reporting.due import DueState, contract_periods
from reporting.figures import figures_for
from reporting.figures.by_provider import month_figures_by_provider
from reporting.models import ALL_PROVIDERS, JobState, ReportJob
from reporting.periods import add_months, month_before
from reporting.selectors import providers_overview
from tests.factories import ClientFactory, ContactFactory, ContractFactory, ProviderFactory, StaffFactory

from .report_world import build_world

APRIL_20 = datetime.date(2026, 4, 20)  # March is the latest whole month; its monthly report was due on 15 April
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def world(provider, other_provider, social_worker, mentor, coordinator):
    return build_world(provider, other_provider, social_worker, mentor)


def done_job(provider, start, end, *, kind="month", narrative=True):
    text = "Written." if narrative else ""
    return ReportJob.objects.create(
        provider=provider,
        start=start,
        end=end,
        kind=kind,
        state=JobState.DONE,
        sha256="ab" * 32,
        file=f"reports/job-{start:%Y%m%d}.pdf",
        narrative_thematic=text,
        narrative_challenges=text,
    )


def row_of(overview, provider):
    return next(row for row in overview.providers if row.provider == provider)


def sign_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_a_contract_calls_for_a_monthly_report_each_month_interims_each_six_months_and_a_final():
    periods = contract_periods(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    kinds = [kind for kind, _start, _end in periods]
    assert kinds.count("month") == 12
    assert [(s, e) for k, s, e in periods if k == "interim"] == [
        (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    ]
    assert [(s, e) for k, s, e in periods if k == "final"] == [(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))]
    three_years = contract_periods(datetime.date(2024, 2, 15), datetime.date(2027, 2, 14))
    assert sum(1 for kind, *_ in three_years if kind == "interim") == 5
    assert ("month", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)) in three_years  # the whole first month
    assert ("interim", datetime.date(2026, 2, 1), datetime.date(2026, 7, 31)) in three_years  # months 25 to 30
    assert (
        sum(
            1
            for kind, *_ in contract_periods(datetime.date(2026, 1, 1), datetime.date(2026, 7, 15))
            if kind == "interim"
        )
        == 1
    )
    assert not [
        kind
        for kind, *_ in contract_periods(datetime.date(2026, 1, 1), datetime.date(2026, 5, 31))
        if kind == "interim"
    ]


def test_last_months_report_not_made_after_its_due_date_is_late_and_earlier_ones_are_counted(
    world, coordinator, provider
):
    monthly, interim, final = row_of(providers_overview(user=coordinator, today=APRIL_20), provider).due
    assert (monthly.report.start, monthly.report.end) == MARCH
    assert monthly.report.due == datetime.date(2026, 4, 15)
    assert monthly.report.state == DueState.LATE
    assert monthly.late_before == 2  # January and February
    assert (interim.report.start, interim.report.end, interim.report.state) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 6, 30),
        DueState.WAITING,
    )
    assert (final.report.end, final.report.due, final.report.state) == (
        datetime.date(2026, 12, 31),
        datetime.date(2027, 1, 30),
        DueState.WAITING,
    )


def test_a_report_before_its_due_date_is_waiting(world, coordinator, provider):
    monthly = row_of(providers_overview(user=coordinator, today=datetime.date(2026, 4, 10)), provider).due[0]
    assert (monthly.report.start, monthly.report.state) == (MARCH[0], DueState.WAITING)


def test_a_report_the_archive_holds_is_made_and_a_draft_is_made_as_a_draft(
    world, coordinator, provider, other_provider
):
    job = done_job(provider, *MARCH)
    draft = done_job(other_provider, *MARCH, narrative=False)
    ReportJob.objects.create(
        provider=provider, start=datetime.date(2026, 2, 1), end=datetime.date(2026, 2, 28), kind="month"
    )
    overview = providers_overview(user=coordinator, today=APRIL_20)
    ours = row_of(overview, provider).due[0]
    assert (ours.report.state, ours.report.made.job_id, ours.report.made.draft) == (DueState.MADE, job.pk, False)
    assert ours.late_before == 2  # February's job is only queued: not made
    theirs = row_of(overview, other_provider).due[0]
    assert (theirs.report.state, theirs.report.made.job_id, theirs.report.made.draft) == (DueState.MADE, draft.pk, True)


def test_the_final_evaluation_is_late_a_month_after_the_contract_ends(db, coordinator):
    ended = ContractFactory(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 6, 30))
    final = row_of(providers_overview(user=coordinator, today=datetime.date(2025, 8, 1)), ended.provider).due[2]
    assert (final.report.due, final.report.state) == (datetime.date(2025, 7, 30), DueState.LATE)
    done_job(ended.provider, ended.start, ended.end, kind="final")
    final = row_of(providers_overview(user=coordinator, today=datetime.date(2025, 8, 1)), ended.provider).due[2]
    assert final.report.state == DueState.MADE


def test_the_months_figures_of_every_provider_are_those_of_its_report(world, coordinator, provider, other_provider):
    rolled = month_figures_by_provider(MARCH[0], [provider.pk, other_provider.pk])
    for who in (provider, other_provider, None):
        figures = figures_for(start=MARCH[0], end=MARCH[1], provider=who)
        month = rolled[who.pk if who else ALL_PROVIDERS]
        assert month.persons == figures.persons_by_month["2026-03"] == figures.unique_persons
        assert month.contacts == figures.contacts.total
        assert month.hours == figures.contacts.hours
        assert (month.social_workers, month.mentors) == (figures.staff.social_workers, figures.staff.mentors)
    assert rolled[provider.pk].persons == 4
    assert rolled[other_provider.pk].persons == 1


def test_the_overview_sets_figures_and_the_target_beside_each_provider(world, coordinator, provider, other_provider):
    overview = providers_overview(user=coordinator, today=APRIL_20)
    assert (overview.month.start, overview.month.end) == MARCH
    ours = row_of(overview, provider)
    assert (ours.figures.persons, ours.planned, ours.of_target) == (4, 80, 5)
    assert row_of(overview, other_provider).figures.persons == 1
    assert overview.total.persons == 5


def _grow(count: int) -> None:
    """`count` more providers, each with a contract, staff, clients served last month and archived reports."""
    last_month = month_before(timezone.localdate())
    for _ in range(count):
        provider = ProviderFactory()
        ContractFactory(provider=provider, start=add_months(last_month.start, -7), end=add_months(last_month.start, 6))
        staff = StaffFactory(provider=provider, role="mentor")
        contact = ContactFactory(staff=staff, date=last_month.start)
        contact.clients.add(ClientFactory(provider=provider), ClientFactory(provider=provider))
        done_job(provider, *(last_month.start, last_month.end))


def test_the_overview_takes_the_same_queries_for_two_providers_or_seven(world, coordinator):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            overview = providers_overview(user=coordinator, today=timezone.localdate())
            for row in overview.providers:
                _ = [cell.report for cell in row.due], row.figures, row.of_target
        return len(captured)

    _grow(1)
    few = queries()
    _grow(5)
    assert queries() == few <= 6


def test_the_coordinators_home_shows_states_and_figures_and_no_person(client, world, coordinator, provider):
    last_month = month_before(timezone.localdate())
    ContractFactory(
        provider=provider, number="S-NOW", start=add_months(last_month.start, -2), end=add_months(last_month.start, 9)
    )
    done_job(provider, last_month.start, last_month.end)
    sign_in(client, coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    for name in world["names"]:
        assert name not in body
    due = body.split('id="due-heading"', 1)[1].split("</table>", 1)[0]
    assert "Latvijas Sarkanais Krusts" in due and "Caritas" in due
    assert 'data-due-state="made"' in due
    assert "Contracts give no due dates" in body
    assert "Figures of" in body
    assert response.context["overview"].providers


@pytest.mark.parametrize("role", ["social_worker", "manager"])
def test_other_roles_get_no_overview_of_every_provider(world, request, role):
    overview = providers_overview(user=request.getfixturevalue(role), today=APRIL_20)
    assert overview.providers == []


def test_the_archive_shows_state_and_download_and_keeps_the_checksum_out_of_the_table(
    client, world, coordinator, provider
):
    job = done_job(provider, *MARCH, narrative=False)
    sign_in(client, coordinator)
    body = client.get(reverse("reporting:archive")).content.decode()
    table = body.split("<table", 1)[1].split("</table>", 1)[0]
    assert "SHA-256" not in visible_text(table)
    assert job.sha256[:16] not in visible_text(table)
    assert f'title="SHA-256 checksum: {job.sha256}"' in table  # kept in the download's details
    assert reverse("reporting:job_download", args=[job.pk]) in table
    assert "Done" in visible_text(table) and "Draft" in visible_text(table)
    page = client.get(reverse("reporting:job_detail", args=[job.pk])).content.decode()
    assert job.sha256 in page  # the file's own page gives the whole checksum

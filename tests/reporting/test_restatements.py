"""Corrections after a report (issue 21): a back-dated record changes the figures of an archived report, and the
archive lists that report with each changed figure, old and new, and nothing about any person."""

import datetime
import json
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reporting import restatements, tasks
from reporting.models import FiguresChange, JobState, ReportJob, ReportKind, Restatement
from reporting.restatements import figure_changes
from reporting.services import report_job_create, report_job_run
from tests.factories import ClientFactory, StaffFactory, UserFactory

from .report_world import build_world, contact
from .test_celery_worker import broker_url, real_worker  # noqa: F401  (the real worker's fixtures)

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
JANUARY = (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
LATE_NAME = "Zainab"
LATE_LAST_NAME = "Qasemi"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def archived(user, provider, period, *, fmt="json", suppressed=False) -> ReportJob:
    """A report made and archived now (the job's own path, as the worker runs it)."""
    job = report_job_create(
        requested_by=user,
        provider=provider,
        start=period[0],
        end=period[1],
        kind=ReportKind.MONTH if period != MARCH else ReportKind.CUSTOM,
        format=fmt,
        suppressed=suppressed,
    )
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    return job


def back_dated_contact(provider, social_worker, day=datetime.date(2026, 3, 20)):
    """A contact entered today for a day of March, already reported: a new person, on health."""
    late = ClientFactory(provider=provider, first_name=LATE_NAME, last_name=LATE_LAST_NAME, gender="F", country="UA")
    return contact(social_worker.staff, day, late, topics=("health",))


def changes_of(job) -> dict[str, tuple]:
    return {c["figure"]: (c["old"], c["new"]) for c in Restatement.objects.get(job=job).changes}


# The comparison, generic over the report's JSON.


def test_nested_figures_are_compared_key_by_key_in_the_reports_order():
    old = {"schema": "s/1", "unique_persons": 200, "contacts": {"by_topic": {"health": 300, "work": 4}}, "x": [1, 2]}
    new = {"schema": "s/1", "unique_persons": 201, "contacts": {"by_topic": {"health": 301, "work": 4}}, "x": [1, 3]}
    assert figure_changes(old, new) == [
        {"figure": "unique_persons", "old": 200, "new": 201},
        {"figure": "contacts.by_topic.health", "old": 300, "new": 301},
        {"figure": "x[1]", "old": 2, "new": 3},
    ]


def test_a_suppressed_cell_that_grows_past_the_threshold_shows_its_mark_and_its_value():
    assert figure_changes({"gender": {"F": "<5"}}, {"gender": {"F": 6}}) == [
        {"figure": "gender.F", "old": "<5", "new": 6}
    ]
    assert figure_changes({"gender": {"F": "<5"}}, {"gender": {"F": "<5"}}) == []


def test_a_figure_added_in_the_same_schema_counts_but_a_new_schemas_figures_do_not():
    assert figure_changes({"schema": "a", "t": {"x": 1}}, {"schema": "a", "t": {"x": 1, "y": 2}}) == [
        {"figure": "t.y", "old": None, "new": 2}
    ]
    assert figure_changes({"schema": "a", "t": {"x": 1}}, {"schema": "b", "t": {"x": 1, "y": 2}, "z": 3}) == []
    assert figure_changes({"schema": "a", "t": {"x": 1}}, {"schema": "b", "t": {"x": 2}}) == [
        {"figure": "t.x", "old": 1, "new": 2}
    ]


# Archived reports, a back-dated contact, the periodic check.


@pytest.fixture
def world(provider, other_provider, social_worker, mentor):
    return build_world(provider, other_provider, social_worker, mentor)


def test_a_back_dated_contact_restates_the_archived_report_of_its_period_and_only_that(
    world, provider, other_provider, manager, coordinator, social_worker
):
    march = archived(manager, provider, MARCH)
    january = archived(manager, provider, JANUARY)
    others = archived(coordinator, other_provider, MARCH)
    kept = json.loads(Restatement.objects.get(job=march).archived)
    assert kept == json.loads(march.file.open("rb").read())  # the JSON file's figures are the ones kept

    tasks.restatements_check_task()
    assert Restatement.objects.filter(changed_at__isnull=False).count() == 0  # nothing changed yet

    back_dated_contact(provider, social_worker)
    assert set(restatements.touched().values_list("job_id", flat=True)) == {march.pk}

    tasks.restatements_check_task()

    found = changes_of(march)
    assert found["unique_persons"] == (kept["unique_persons"], kept["unique_persons"] + 1)
    assert found["contacts.total"] == (kept["contacts"]["total"], kept["contacts"]["total"] + 1)
    assert found["contacts.by_topic.health"] == (None, 1)  # a topic the report did not have
    assert found["countries.by_country.UA"] == (None, 1)  # a country the report did not have
    assert Restatement.objects.get(job=march).changed_at is not None
    # January ends before the contact's day; the other provider's March is another provider's.
    for untouched in (january, others):
        restatement = Restatement.objects.get(job=untouched)
        assert (restatement.checked_at, restatement.changes, restatement.changed_at) == (None, [], None)
    assert list(restatements.touched()) == []  # checked: nothing left to check until the next change


def test_the_restatement_list_shows_the_changed_figures_and_no_person(
    world, client, provider, other_provider, manager, coordinator, social_worker, mentor
):
    march = archived(manager, provider, MARCH)
    january = archived(manager, provider, JANUARY)
    back_dated_contact(provider, social_worker)
    tasks.restatements_check_task()
    kept = json.loads(Restatement.objects.get(job=march).archived)

    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("reporting:restatements")).content.decode()
    assert f'id="job-{march.pk}"' in page
    assert f'id="job-{january.pk}"' not in page
    assert "contacts.by_topic.health" in page
    assert "<code>unique_persons</code>" in page
    assert f'class="text-end">{kept["unique_persons"]}</td>' in page
    assert f"<strong>{kept['unique_persons'] + 1}</strong>" in page
    for name in [*world["names"], LATE_NAME, LATE_LAST_NAME]:
        assert name not in page
    # The archive marks the report, and only it.
    archive = client.get(reverse("reporting:archive")).content.decode()
    assert archive.count("Figures changed since the report was made") == 1
    assert f"{reverse('reporting:restatements')}#job-{march.pk}" in archive

    # The provider's social worker reads it as they read the archive; another provider's manager does not.
    client.force_login(social_worker)
    assert f'id="job-{march.pk}"' in client.get(reverse("reporting:restatements")).content.decode()
    foreign = UserFactory(username="foreign-manager", role=Role.MANAGER, provider=other_provider)
    client.force_login(foreign)
    assert f'id="job-{march.pk}"' not in client.get(reverse("reporting:restatements")).content.decode()
    client.force_login(mentor)
    assert client.get(reverse("reporting:restatements")).status_code == 404


def test_the_publication_safe_report_compares_what_it_shows(world, provider, manager, social_worker):
    march = archived(manager, provider, MARCH, suppressed=True)
    kept = json.loads(Restatement.objects.get(job=march).archived)
    assert kept["suppressed"] is True
    assert kept["gender"]["female"] == "<5"  # Amina and Mariam

    back_dated_contact(provider, social_worker)  # a third woman: still "<5", so not a changed figure
    tasks.restatements_check_task()

    found = changes_of(march)
    assert "gender.female" not in found
    assert found["unique_persons"] == (kept["unique_persons"], kept["unique_persons"] + 1)  # a total: shown
    assert found["countries.by_country.UA"] == (None, "<5")  # one person of a new country: a mark, not 1


def test_check_again_compares_now_for_a_report_maker_of_the_provider_only(
    world, client, provider, other_provider, manager, coordinator, social_worker
):
    march = archived(manager, provider, MARCH)
    back_dated_contact(provider, social_worker)
    url = reverse("reporting:job_recheck", args=[march.pk])

    client.force_login(social_worker)  # reads reports, does not make them
    assert client.post(url).status_code == 403
    client.force_login(UserFactory(username="foreign-manager", role=Role.MANAGER, provider=other_provider))
    assert client.post(url).status_code == 404
    assert Restatement.objects.get(job=march).checked_at is None

    client.force_login(manager)
    client.cookies["django_language"] = "en"
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reporting:job_detail", args=[march.pk])
    page = response.content.decode()
    assert "Checked again: some figures differ from the archived report." in page
    assert "contacts.by_topic.health" in page
    assert changes_of(march)["contacts.by_topic.health"] == (None, 1)


def test_a_json_report_archived_before_figures_were_kept_is_compared_by_its_file(
    world, provider, manager, social_worker
):
    march = archived(manager, provider, MARCH)
    Restatement.objects.filter(job=march).delete()  # as it was before this feature
    pdf = ReportJob.objects.create(provider=provider, start=MARCH[0], end=MARCH[1], kind="month", state=JobState.DONE)
    back_dated_contact(provider, social_worker)

    tasks.restatements_check_task()

    assert changes_of(march)["contacts.by_topic.health"] == (None, 1)
    assert not Restatement.objects.filter(job=pdf).exists()  # a PDF's figures cannot be read back


def wait_for(condition, seconds=120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.5)


@pytest.mark.services
@pytest.mark.usefixtures("real_worker")
def test_a_real_worker_finds_the_restatement_after_a_back_dated_contact(
    transactional_db, provider, other_provider, social_worker, mentor, manager
):
    build_world(provider, other_provider, social_worker, mentor)
    # Made by the worker: report_job_create sends each job to the queue on commit.
    march, january = (
        report_job_create(requested_by=manager, provider=provider, start=a, end=b, kind="custom", format="json")
        for a, b in (MARCH, JANUARY)
    )
    wait_for(lambda: Restatement.objects.filter(job__in=[march, january]).count() == 2)
    kept = json.loads(Restatement.objects.get(job=march).archived)
    back_dated_contact(provider, social_worker)

    tasks.restatements_check_task.delay()

    wait_for(lambda: Restatement.objects.filter(job=march, checked_at__isnull=False).exists())
    found = changes_of(march)
    assert found["unique_persons"] == (kept["unique_persons"], kept["unique_persons"] + 1)
    assert found["contacts.by_topic.health"] == (None, 1)
    assert Restatement.objects.get(job=january).checked_at is None


def test_a_touched_report_stays_to_be_checked_when_the_changes_are_forgotten(world, provider, manager, social_worker):
    march = archived(manager, provider, MARCH)
    back_dated_contact(provider, social_worker)
    FiguresChange.objects.update(at=timezone.now() - datetime.timedelta(days=40))

    tasks.report_jobs_sweep_task()  # forgets the changes older than 30 days

    assert not FiguresChange.objects.exists()
    assert list(restatements.touched()) == [Restatement.objects.get(job=march)]
    tasks.restatements_check_task()
    assert changes_of(march)["contacts.by_topic.health"] == (None, 1)


def test_the_restatement_list_takes_the_same_queries_for_one_report_or_many(
    world, client, provider, manager, coordinator, social_worker
):
    client.force_login(coordinator)
    url = reverse("reporting:restatements")
    archived(manager, provider, MARCH)
    back_dated_contact(provider, social_worker)
    tasks.restatements_check_task()
    client.get(url)  # the session's first queries
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    archived(manager, provider, MARCH, suppressed=True)
    archived(manager, provider, (MARCH[0], datetime.date(2026, 3, 25)))
    back_dated_contact(provider, social_worker, day=datetime.date(2026, 3, 21))
    tasks.restatements_check_task()
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert page.count('<section class="card mb-3" id="job-') == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_an_untouched_reports_mark_moves_on_and_a_later_change_still_restates_it(
    world, provider, other_provider, manager, coordinator, social_worker
):
    january = archived(manager, provider, JANUARY)
    before = Restatement.objects.get(job=january)
    other_staff = StaffFactory(provider=other_provider, role="social_worker")
    late = ClientFactory(provider=other_provider)
    contact(other_staff, datetime.date(2026, 1, 12), late)  # another provider's January
    FiguresChange.objects.update(at=timezone.now() - datetime.timedelta(days=2))

    tasks.restatements_check_task()

    moved = Restatement.objects.get(job=january)
    assert moved.last_change_id > before.last_change_id  # weighed, and its mark moved past those changes
    assert (moved.checked_at, moved.changes) == (None, [])
    back_dated_contact(provider, social_worker, day=datetime.date(2026, 1, 15))
    tasks.restatements_check_task()
    assert changes_of(january)["contacts.by_topic.health"] == (None, 1)


def test_a_report_that_cannot_be_made_again_does_not_stop_the_others(
    world, provider, manager, social_worker, monkeypatch
):
    march = archived(manager, provider, MARCH)
    broken = archived(manager, provider, MARCH, suppressed=True)
    back_dated_contact(provider, social_worker)
    real_check = restatements.restatement_check

    def check(*, job_id):
        if job_id == broken.pk:
            raise ValueError("no renderer")
        return real_check(job_id=job_id)

    monkeypatch.setattr(restatements, "restatement_check", check)
    assert restatements.restatements_check_touched() == 1
    assert changes_of(march)["contacts.by_topic.health"] == (None, 1)
    assert Restatement.objects.get(job=broken).checked_at is None  # still to be checked next time

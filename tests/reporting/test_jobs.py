"""Report jobs: the lifecycle, idempotency on the job's id, failures with a reason, retries, the monthly beat."""

import datetime
import hashlib
import threading
from pathlib import Path

import pytest
from django.db import OperationalError, connections
from django.utils import timezone, translation

from reporting import services, tasks
from reporting.models import FailureReason, JobState, ReportJob, ReportKind
from reporting.services import report_job_create, report_job_run
from tests.factories import ProviderFactory

from .report_world import build_world

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # The fixtures' users need no slow password hashing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(provider, other_provider, social_worker, mentor):
    return build_world(provider, other_provider, social_worker, mentor)


def make_job(user, provider, *, fmt="json", **extra):
    return report_job_create(
        requested_by=user, provider=provider, start=MARCH[0], end=MARCH[1], kind=ReportKind.MONTH, format=fmt, **extra
    )


def report_files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "reports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_new_job_waits_in_the_queue_until_the_transaction_commits(world, manager, provider):
    job = make_job(manager, provider)
    assert job.state == JobState.QUEUED
    assert job.attempts == 0


def test_a_job_is_made_on_commit_and_its_file_kept_with_a_checksum(
    world, manager, provider, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = make_job(manager, provider)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.attempts == 1
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    content = Path(job.file.path).read_bytes()
    assert job.sha256 == hashlib.sha256(content).hexdigest()
    assert job.size == len(content)
    assert b'"unique_persons": 4' in content
    assert job.file.name == f"reports/job-{job.pk}.json"


def test_running_the_task_twice_on_a_done_job_makes_one_file(
    world, manager, provider, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = make_job(manager, provider)
    job.refresh_from_db()
    first = (job.sha256, job.finished_at)

    tasks.report_render_task.delay(job.pk)
    report_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.sha256, job.finished_at) == first
    assert job.attempts == 1
    assert [p.name for p in report_files(settings)] == [f"job-{job.pk}.json"]


def test_a_job_run_again_after_its_worker_died_replaces_its_one_file(world, manager, provider, settings):
    job = make_job(manager, provider)
    # The worker was killed while running: the job stayed "running" and the message comes back.
    ReportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=1)
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.attempts == 2
    assert len(report_files(settings)) == 1


def test_no_partial_file_is_left_when_rendering_fails(world, manager, provider, settings, monkeypatch):
    def broken(job):
        raise ValueError("boom")

    monkeypatch.setattr(services, "_render", broken)
    job = make_job(manager, provider)
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error_reason == FailureReason.RENDER_FAILED
    with translation.override("en"):
        assert "could not be drawn" in str(job.get_error_reason_display())
    assert "boom" not in str(job.get_error_reason_display())
    assert not job.file
    assert report_files(settings) == []


def test_a_failed_job_is_not_run_again(world, manager, provider, monkeypatch):
    job = make_job(manager, provider)
    ReportJob.objects.filter(pk=job.pk).update(state=JobState.FAILED, error_reason=FailureReason.RENDER_FAILED)
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.attempts == 0


def test_a_passing_database_failure_is_left_to_the_task_to_retry(world, manager, provider, monkeypatch):
    def away(job):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "_render", away)
    job = make_job(manager, provider)
    with pytest.raises(OperationalError):
        report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING


def test_the_render_task_retries_on_a_database_failure_then_fails_the_job_with_a_reason(
    world, manager, provider, monkeypatch
):
    calls = []

    def away(job):
        calls.append(job.pk)
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(services, "_render", away)
    monkeypatch.setattr(services, "MAX_ATTEMPTS", 10)
    # Eager retries run inline only when errors are not propagated at once.
    monkeypatch.setitem(tasks.report_render_task.app.conf, "task_eager_propagates", False)
    job = make_job(manager, provider)
    result = tasks.report_render_task.apply(args=[job.pk], throw=False)
    assert isinstance(result.result, OperationalError)
    job.refresh_from_db()
    assert len(calls) == 4  # the first run and three retries
    assert job.state == JobState.FAILED
    assert job.error_reason == FailureReason.DATABASE_UNAVAILABLE


def test_a_job_that_stopped_its_worker_three_times_is_failed(world, manager, provider):
    job = make_job(manager, provider)
    ReportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=3)
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error_reason == FailureReason.TOO_MANY_ATTEMPTS


def test_the_render_task_is_acknowledged_late_and_retried_on_database_failures():
    task = tasks.report_render_task
    assert task.acks_late is True
    assert task.max_retries == 3
    assert OperationalError in task.autoretry_for
    assert task.retry_backoff


def test_the_job_keeps_the_narrative_as_it_was_when_asked_for(world, manager, provider):
    services.report_narrative_save(
        provider=provider,
        start=MARCH[0],
        end=MARCH[1],
        thematic="Mucenieki un Rīga.",
        challenges="Mājokļi.",
        user=manager,
    )
    job = make_job(manager, provider, fmt="pdf")
    services.report_narrative_save(
        provider=provider, start=MARCH[0], end=MARCH[1], thematic="Changed later.", challenges="", user=manager
    )
    job.refresh_from_db()
    assert job.narrative_thematic == "Mucenieki un Rīga."
    assert job.narrative_challenges == "Mājokļi."


def test_the_monthly_beat_makes_last_months_report_of_each_provider_with_a_contract_once(
    world, provider, other_provider, django_capture_on_commit_callbacks, monkeypatch
):
    rendered = []
    monkeypatch.setattr(services, "_render", lambda job: rendered.append(job.pk) or b"%PDF-1.7 test")

    ProviderFactory(code="NOCONTRACT", name="Without a contract")
    today = datetime.date(2026, 4, 1)

    with django_capture_on_commit_callbacks(execute=True):
        services.report_jobs_monthly_create(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_jobs_monthly_create(today=today)

    jobs = ReportJob.objects.order_by("provider__code")
    assert [(j.provider.code, j.start, j.end, j.kind, j.format, j.language) for j in jobs] == [
        ("CARITAS", *MARCH, "month", "pdf", "lv"),
        ("LSK", *MARCH, "month", "pdf", "lv"),
    ]
    assert all(j.requested_by is None and j.state == JobState.DONE for j in jobs)
    assert len(rendered) == 2


def test_the_monthly_beat_task_is_scheduled_on_the_first_of_each_month(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-reports"]
    assert entry["task"] == "reporting.tasks.monthly_reports_task"
    assert entry["schedule"].day_of_month == {1}
    assert entry["schedule"].hour == {2}
    assert entry["schedule"].minute == {0}


def test_the_beat_task_runs_the_monthly_service(world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "_render", lambda job: b"%PDF-1.7 test")
    monkeypatch.setattr(services.timezone, "localdate", lambda: datetime.date(2026, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.monthly_reports_task.delay()
    assert ReportJob.objects.filter(start=MARCH[0], end=MARCH[1], kind="month").count() == 2


def test_the_sweep_sends_again_a_job_left_queued_while_the_broker_was_down(world, manager, provider):
    job = make_job(manager, provider)  # on_commit never ran: as if the broker had refused it
    ReportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - datetime.timedelta(minutes=20))
    assert services.report_jobs_resend() == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert services.report_jobs_resend() == 0


# --- at most a few jobs of one person in flight ---------------------------------------------------------------


def _month(n: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(2025, n, 1)
    return start, (start + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)


def _ask(user, provider, n: int, **extra):
    start, end = _month(n)
    return report_job_create(
        requested_by=user, provider=provider, start=start, end=end, kind=ReportKind.MONTH, format="pdf", **extra
    )


def test_the_same_request_while_its_job_is_queued_returns_that_job(manager, provider):
    first = _ask(manager, provider, 1)
    again = _ask(manager, provider, 1)
    assert again.pk == first.pk
    assert again.reused and not first.reused
    assert ReportJob.objects.count() == 1


def test_the_same_request_while_its_job_is_being_made_returns_that_job(manager, provider):
    first = _ask(manager, provider, 1)
    ReportJob.objects.filter(pk=first.pk).update(state=JobState.RUNNING)
    assert _ask(manager, provider, 1).pk == first.pk


@pytest.mark.parametrize(
    "change", [{"language": "en"}, {"suppressed": True}, {"format": "xlsx"}, {"kind": ReportKind.CUSTOM}]
)
def test_a_request_that_differs_in_any_choice_is_a_job_of_its_own(manager, provider, change):
    first = _ask(manager, provider, 1)
    start, end = _month(1)
    values = {"provider": provider, "start": start, "end": end, "kind": ReportKind.MONTH, "format": "pdf", **change}
    assert report_job_create(requested_by=manager, **values).pk != first.pk


def test_a_request_after_the_job_is_done_or_failed_makes_a_new_job(manager, provider):
    first = _ask(manager, provider, 1)
    ReportJob.objects.filter(pk=first.pk).update(state=JobState.DONE)
    second = _ask(manager, provider, 1)
    ReportJob.objects.filter(pk=second.pk).update(state=JobState.FAILED)
    third = _ask(manager, provider, 1)
    assert len({first.pk, second.pk, third.pk}) == 3


def test_a_person_has_at_most_three_jobs_in_flight(manager, coordinator, provider):
    for n in (1, 2, 3):
        _ask(manager, provider, n)
    with pytest.raises(services.ReportJobLimitReached):
        _ask(manager, provider, 4)
    assert ReportJob.objects.count() == 3
    _ask(coordinator, provider, 4)  # another person's jobs are theirs
    ReportJob.objects.filter(start=_month(1)[0]).update(state=JobState.DONE)
    _ask(manager, provider, 4)  # one finished: room for another
    assert _ask(manager, provider, 2).reused  # at the limit, the same request still finds its job


def test_jobs_stuck_for_an_hour_are_given_up_and_free_their_places(world, manager, provider):
    stuck = [_ask(manager, provider, n) for n in (1, 2, 3)]  # on_commit never ran: the broker refused them
    hours_ago = timezone.now() - datetime.timedelta(seconds=services.JOB_GIVE_UP_SECONDS + 60)
    ReportJob.objects.filter(pk__in=[job.pk for job in stuck[:2]]).update(created_at=hours_ago)
    with pytest.raises(services.ReportJobLimitReached):
        _ask(manager, provider, 4)

    services.report_jobs_resend()

    given_up = ReportJob.objects.filter(pk__in=[job.pk for job in stuck[:2]])
    assert set(given_up.values_list("state", "error_reason")) == {(JobState.FAILED, FailureReason.TIMED_OUT)}
    assert ReportJob.objects.get(pk=stuck[2].pk).state != JobState.FAILED  # recent: sent again, not given up
    _ask(manager, provider, 4)  # a place is free again
    _ask(manager, provider, 5)


def test_the_monthly_beat_is_not_limited(world, manager, provider):
    for n in (1, 2, 3):
        _ask(manager, provider, n)
    assert services.report_jobs_monthly_create(today=datetime.date(2026, 4, 2))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same", [True, False], ids=["the same request", "different requests"])
def test_fifty_requests_at_once_make_at_most_three_jobs_and_no_error(manager, provider, monkeypatch, same):
    """Fifty requests of one person at the same moment (PostgreSQL): one job for one request, three for many."""

    monkeypatch.setattr(services, "_enqueue", lambda job_id: True)
    barrier = threading.Barrier(50)
    outcomes: list[object] = []

    def ask(n: int) -> None:
        try:
            barrier.wait()
            outcomes.append(_ask(manager, provider, 1 if same else n % 12 + 1).pk)
        except Exception as exc:  # noqa: BLE001 - collected: the test asserts what they are
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(outcomes) == 50
    if same:
        assert errors == []
        assert len(set(outcomes)) == 1
        assert ReportJob.objects.count() == 1
    else:
        assert all(isinstance(e, services.ReportJobLimitReached) for e in errors), errors[:3]
        assert ReportJob.objects.count() == 3


def test_a_pdf_job_is_drawn_with_its_kind_and_the_previous_period_to_compare_with(
    world, manager, provider, monkeypatch
):
    calls = []

    def render_report(figures, **options):
        calls.append((figures.period, options["kind"], options["previous"]))
        return b"%PDF-1.7 test"

    monkeypatch.setattr(services, "render_report", render_report)
    job = report_job_create(
        requested_by=manager, provider=provider, start=MARCH[0], end=MARCH[1], kind=ReportKind.MONTH, format="pdf"
    )
    report_job_run(job_id=job.pk)

    [(period, kind, previous)] = calls
    assert (period.start, kind) == (MARCH[0], ReportKind.MONTH)
    assert (previous.period.start, previous.period.end) == (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert (previous.provider, previous.unique_persons) == (provider.code, 1)


def test_a_json_job_computes_no_previous_period(world, manager, provider, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "render_report", lambda figures, **options: calls.append(options) or b"{}")
    report_job_run(job_id=make_job(manager, provider).pk)
    assert calls[0]["previous"] is None

"""Closing and reopening a case (plans/closure.py): the rules, the plans closed with it, the episodes kept."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clients.models import CaseEpisode, Client
from clients.services import client_update
from plans import closure
from plans.assessments import AssessmentsRefused
from plans.choices import GoalStatus, PlanStatus, TaskStatus
from plans.models import Assessment, PlanCloseReason, PlanEventKind
from plans.services import plan_activate
from tests.factories import ClientFactory, GoalFactory, PlanFactory, TaskFactory

DAY = datetime.timedelta(days=1)


def _close(client, actor, day, **kwargs):
    kwargs.setdefault("reason", "left_latvia")
    kwargs.setdefault("skip_assessment_reason", "The client left the country.")
    return closure.case_close(client=client, actor=actor, date=day, **kwargs)


def test_closing_sets_the_end_the_reason_the_note_and_the_follow_up(assigned_client, social_worker, today):
    closed = _close(
        assigned_client,
        social_worker,
        today - 2 * DAY,
        reason="moved_within_latvia",
        note="Moved to Liepāja.",
        follow_up_date=today + 30 * DAY,
    )
    stored = Client.objects.get(pk=assigned_client.pk)
    assert closed.pk == stored.pk
    assert stored.service_end == today - 2 * DAY
    assert stored.closure_reason == "moved_within_latvia"
    assert stored.follow_up_date == today + 30 * DAY
    assert "Moved to Liepāja." in stored.closure_note
    assert "The client left the country." in stored.closure_note
    assert not stored.is_active


def test_closing_in_the_future_is_refused(assigned_client, social_worker, today):
    with pytest.raises(ValidationError) as exc:
        _close(assigned_client, social_worker, today + DAY)
    assert "date" in exc.value.error_dict
    assert Client.objects.get(pk=assigned_client.pk).service_end is None


def test_closing_before_the_service_started_is_refused(assigned_client, social_worker):
    with pytest.raises(ValidationError) as exc:
        _close(assigned_client, social_worker, assigned_client.service_start - DAY)
    assert "date" in exc.value.error_dict


def test_a_closed_case_cannot_be_closed_again(assigned_client, social_worker, today):
    _close(assigned_client, social_worker, today - 5 * DAY)
    with pytest.raises(ValidationError) as exc:
        _close(assigned_client, social_worker, today)
    assert exc.value.code == "closed"
    assert Client.objects.get(pk=assigned_client.pk).service_end == today - 5 * DAY


def test_the_follow_up_comes_after_the_closing_date(assigned_client, social_worker, today):
    with pytest.raises(ValidationError) as exc:
        _close(assigned_client, social_worker, today, follow_up_date=today)
    assert "follow_up_date" in exc.value.error_dict


def test_an_unknown_reason_is_refused(assigned_client, social_worker, today):
    with pytest.raises(ValidationError) as exc:
        _close(assigned_client, social_worker, today, reason="bored")
    assert "reason" in exc.value.error_dict


def test_the_closure_assessment_is_required_unless_skipped_with_a_reason(assigned_client, social_worker, today):
    with pytest.raises(ValidationError) as exc:
        _close(assigned_client, social_worker, today, skip_assessment_reason="  ")
    assert "skip_assessment_reason" in exc.value.error_dict
    assert Client.objects.get(pk=assigned_client.pk).service_end is None


def test_mentors_coordinators_and_other_providers_cannot_close(assigned_client, mentor, coordinator, outsider, today):
    for user in (mentor, coordinator, outsider):
        with pytest.raises(PermissionDenied):
            _close(assigned_client, user, today)
    assert Client.objects.get(pk=assigned_client.pk).service_end is None


def test_a_manager_closes_a_case_of_their_provider(assigned_client, manager, today):
    _close(assigned_client, manager, today)
    assert Client.objects.get(pk=assigned_client.pk).service_end == today


def test_closing_closes_the_active_plan_leaving_its_open_goals_open(assigned_client, social_worker, today):
    plan = PlanFactory(client=assigned_client, start_date=today - 20 * DAY)
    plan_activate(plan=plan, actor=social_worker, version=plan.version)
    goal = GoalFactory(plan=plan)
    achieved = GoalFactory(plan=plan, status=GoalStatus.ACHIEVED, status_date=today - DAY)
    task = TaskFactory(goal=goal, due_date=today)
    _close(assigned_client, social_worker, today, reason="lost_contact")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    assert plan.closed_reason == PlanCloseReason.SERVICE_ENDED
    assert plan.events.filter(kind=PlanEventKind.CLOSED).count() == 1
    goal.refresh_from_db()
    achieved.refresh_from_db()
    task.refresh_from_db()
    assert goal.status == GoalStatus.OPEN
    assert achieved.status == GoalStatus.ACHIEVED
    assert task.status == TaskStatus.OPEN  # kept, but off the task lists with its closed plan


def test_goals_achieved_closes_the_plan_as_achieved_and_a_draft_too(assigned_client, social_worker, today):
    draft = PlanFactory(client=assigned_client, start_date=today - 3 * DAY)
    _close(assigned_client, social_worker, today, reason="goals_achieved")
    draft.refresh_from_db()
    assert draft.status == PlanStatus.CLOSED
    assert draft.closed_reason == PlanCloseReason.GOALS_ACHIEVED


def test_another_clients_plan_is_left_alone(assigned_client, unassigned_client, social_worker, today):
    theirs = PlanFactory(client=unassigned_client, start_date=today - 3 * DAY)
    _close(assigned_client, social_worker, today)
    theirs.refresh_from_db()
    assert theirs.status == PlanStatus.DRAFT


def test_a_family_plan_closes_only_with_the_last_open_member(assigned_client, family, social_worker, today):
    family_plan = PlanFactory(client=None, family=family, start_date=today - 10 * DAY)
    plan_activate(plan=family_plan, actor=social_worker, version=family_plan.version)
    members = list(Client.objects.filter(family=family).order_by("pk"))
    assert len(members) == 3
    for member in members[:-1]:
        _close(member, social_worker, today)
        family_plan.refresh_from_db()
        assert family_plan.status == PlanStatus.ACTIVE
    _close(members[-1], social_worker, today)
    family_plan.refresh_from_db()
    assert family_plan.status == PlanStatus.CLOSED


def test_reopening_keeps_the_closed_episode_and_opens_a_new_one(assigned_client, social_worker, today):
    start = assigned_client.service_start
    _close(assigned_client, social_worker, today - 10 * DAY, reason="lost_contact", follow_up_date=today)
    reopened = closure.case_reopen(client=assigned_client, actor=social_worker, start_date=today - 2 * DAY)
    assert reopened.is_active
    stored = Client.objects.get(pk=assigned_client.pk)
    assert (stored.service_start, stored.service_end) == (today - 2 * DAY, None)
    assert (stored.closure_reason, stored.closure_note, stored.follow_up_date) == ("", "", None)
    episode = CaseEpisode.objects.get(client=assigned_client)
    assert (episode.service_start, episode.service_end) == (start, today - 10 * DAY)
    assert episode.closure_reason == "lost_contact"
    assert "The client left the country." in episode.closure_note
    assert episode.provider_id == assigned_client.provider_id


def test_every_episode_is_kept_through_several_reopenings(assigned_client, social_worker, today):
    _close(assigned_client, social_worker, today - 20 * DAY)
    closure.case_reopen(client=assigned_client, actor=social_worker, start_date=today - 15 * DAY)
    _close(assigned_client, social_worker, today - 10 * DAY, reason="declined_service")
    closure.case_reopen(client=assigned_client, actor=social_worker, start_date=today - 5 * DAY)
    episodes = list(CaseEpisode.objects.filter(client=assigned_client).order_by("service_start"))
    assert [(e.service_end, e.closure_reason) for e in episodes] == [
        (today - 20 * DAY, "left_latvia"),
        (today - 10 * DAY, "declined_service"),
    ]


def test_only_a_closed_case_is_reopened(assigned_client, social_worker, today):
    with pytest.raises(ValidationError) as exc:
        closure.case_reopen(client=assigned_client, actor=social_worker, start_date=today)
    assert exc.value.code == "open"
    assert not CaseEpisode.objects.exists()


def test_a_reopening_that_overlaps_the_closed_episode_is_refused(assigned_client, social_worker, today):
    _close(assigned_client, social_worker, today - 5 * DAY)
    for start in (today - 5 * DAY, today - 6 * DAY):
        with pytest.raises(ValidationError) as exc:
            closure.case_reopen(client=assigned_client, actor=social_worker, start_date=start)
        assert "start_date" in exc.value.error_dict
    with pytest.raises(ValidationError):
        closure.case_reopen(client=assigned_client, actor=social_worker, start_date=today + DAY)
    assert not CaseEpisode.objects.exists()
    assert Client.objects.get(pk=assigned_client.pk).service_end == today - 5 * DAY


def test_a_mentor_cannot_reopen(assigned_client, social_worker, mentor, today):
    _close(assigned_client, social_worker, today - 5 * DAY)
    with pytest.raises(PermissionDenied):
        closure.case_reopen(client=assigned_client, actor=mentor, start_date=today)


def test_the_edit_form_cannot_move_the_start_into_an_earlier_episode(assigned_client, social_worker, today):
    _close(assigned_client, social_worker, today - 10 * DAY)
    closure.case_reopen(client=assigned_client, actor=social_worker, start_date=today - 2 * DAY)
    with pytest.raises(ValidationError) as exc:
        client_update(client=assigned_client, by=social_worker, data={"service_start": today - 12 * DAY})
    assert "service_start" in exc.value.error_dict
    client_update(client=assigned_client, by=social_worker, data={"service_start": today - 9 * DAY})
    assert Client.objects.get(pk=assigned_client.pk).service_start == today - 9 * DAY


def test_the_edit_no_longer_changes_the_service_end(assigned_client, social_worker, today):
    client_update(client=assigned_client, by=social_worker, data={"service_end": today})
    assert Client.objects.get(pk=assigned_client.pk).service_end is None


def test_a_follow_up_done_is_cleared(assigned_client, social_worker, today):
    _close(assigned_client, social_worker, today - 5 * DAY, follow_up_date=today)
    closure.follow_up_done(client=assigned_client, actor=social_worker)
    assert Client.objects.get(pk=assigned_client.pk).follow_up_date is None


def test_an_imported_end_without_a_reason_reopens_as_other(provider, social_worker, today):
    imported = ClientFactory(provider=provider, service_start=None, service_end=today - 30 * DAY)
    closure.case_reopen(client=imported, actor=social_worker, start_date=today)
    episode = CaseEpisode.objects.get(client=imported)
    assert (episode.service_start, episode.service_end, episode.closure_reason) == (
        today - 30 * DAY,
        today - 30 * DAY,
        "other",
    )


# The closure assessment ------------------------------------------------------------------------------


def test_the_closure_assessment_is_recorded_with_the_closing(assigned_client, social_worker, today):
    scores = {"housing": (4, "Own flat in Ogre"), "language": (3, ""), "children": (None, "")}
    closure.case_close(
        client=assigned_client,
        actor=social_worker,
        date=today - DAY,
        reason="goals_achieved",
        assessment_scores=scores,
        assessment_staff=social_worker.staff,
    )
    assessment = Assessment.objects.get(client=assigned_client)
    assert (assessment.kind, assessment.date, assessment.staff_id) == ("closure", today - DAY, social_worker.staff.pk)
    assert {s.area: (s.score, s.note) for s in assessment.scores.all()} == {
        "housing": (4, "Own flat in Ogre"),
        "language": (3, ""),
    }
    assert Client.objects.get(pk=assigned_client.pk).closure_note == ""


def test_a_refused_closure_assessment_keeps_nothing_of_the_closing(assigned_client, social_worker, today):
    plan = PlanFactory(client=assigned_client, start_date=today - 20 * DAY)
    with pytest.raises(AssessmentsRefused) as exc:
        closure.case_close(
            client=assigned_client,
            actor=social_worker,
            date=today,
            reason="other",
            assessment_scores={"housing": (None, "nothing scored")},
            assessment_staff=social_worker.staff,
        )
    assert "scores" in exc.value.errors[assigned_client.pk].error_dict
    assert Client.objects.get(pk=assigned_client.pk).service_end is None
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not Assessment.objects.exists()


def test_an_assessment_and_a_reason_to_skip_it_are_refused_together(assigned_client, social_worker, today):
    with pytest.raises(ValidationError) as exc:
        closure.case_close(
            client=assigned_client,
            actor=social_worker,
            date=today,
            reason="other",
            assessment_scores={"housing": (3, "")},
            assessment_staff=social_worker.staff,
            skip_assessment_reason="No time",
        )
    assert "skip_assessment_reason" in exc.value.error_dict
    assert not Assessment.objects.exists()

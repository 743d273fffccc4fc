"""Every change to contacts and plans: one transaction each, with the plan's history written."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.choices import StaffRole
from clients.models import Client, Family, Staff
from common.refs import web_ref

from .assessments import AssessmentInput, AssessmentsRefused, assessment_errors, assessment_record
from .choices import AssessmentKind, GoalStatus, PlanEventKind, PlanStatus
from .models import (
    Contact,
    ContactTopic,
    Goal,
    GoalReview,
    Plan,
    PlanCloseReason,
    PlanEvent,
    PlanReview,
    Task,
    TaskNote,
)


class ConflictError(Exception):
    """Someone else saved the row since the editor loaded it; `current` is the row as it is now."""

    def __init__(self, current: Plan | Task) -> None:
        super().__init__(f"{type(current).__name__} {current.pk} changed meanwhile")
        self.current = current


class TransitionError(Exception):
    """A plan status change that its current status does not allow."""


class PlanClosedError(ValidationError):
    """A change to a closed plan, to its goals or to its tasks: a closed plan is read-only, whoever asks."""

    def __init__(self) -> None:
        super().__init__(_("This plan is closed: it can no longer change."), code="plan_closed")


def _refuse_if_closed(plan_id: int) -> None:
    """Every change to a plan, its goals, tasks and notes passes here first.

    The plan's row is locked as an UPDATE locks it (FOR NO KEY UPDATE), so that a change and the plan's
    closing cannot pass each other: whichever comes second sees the other's result.
    """
    status = Plan.objects.select_for_update(no_key=True).values_list("status", flat=True).get(pk=plan_id)
    if status == PlanStatus.CLOSED:
        raise PlanClosedError


def _short(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def new_contact_ref() -> str:
    return web_ref()


@transaction.atomic
def contact_log(
    *,
    staff: Staff,
    actor: User,
    date: datetime.date,
    form: str,
    duration_minutes: int | None = None,
    topics: Iterable[str] = (),
    place: str = "",
    note: str = "",
    family: Family | None = None,
    clients: Iterable[Client] = (),
    interpreter: bool = False,
) -> Contact:
    clients = list(clients)
    if family is None and not clients:
        raise ValueError("A contact serves a family or at least one client.")
    contact = Contact(
        contact_ref=new_contact_ref(),
        date=date,
        staff=staff,
        provider_id=staff.provider_id,
        family=family,
        form=form,
        duration_minutes=duration_minutes,
        place=place,
        note=note,
        interpreter=interpreter,
        created_by=actor,
    )
    # The staff member, their provider and the actor were read from the database for this request: not looked up
    # again (three queries of every contact logged). Leaving the provider out also leaves out the check that the
    # new random reference is unique in it (a fourth query): the database's unique constraint still holds it.
    contact.full_clean(exclude=["clients", "staff", "provider", "created_by"])
    contact.save()
    if clients:
        contact.clients.set(clients)
    ContactTopic.objects.bulk_create([ContactTopic(contact=contact, topic=t) for t in dict.fromkeys(topics)])
    return contact


def _value(value: Any) -> Any:
    """A value as PlanEvent.changes keeps it: codes, ISO dates, names."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def _changes(obj: models.Model, new: dict[str, Any]) -> dict[str, list]:
    return {
        name: [_value(getattr(obj, name)), _value(value)] for name, value in new.items() if getattr(obj, name) != value
    }


def _save_versioned(obj: Plan | Task, *, version: int, actor: User, fields: dict[str, Any]) -> None:
    """UPDATE ... WHERE version = <the version the editor saw>; none updated means someone was first."""
    model = type(obj)
    now = timezone.now()
    updated = model.objects.filter(pk=obj.pk, version=version).update(
        **fields, version=models.F("version") + 1, updated_at=now, updated_by=actor
    )
    if not updated:
        raise ConflictError(model.objects.select_related("updated_by").get(pk=obj.pk))
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version = version + 1
    obj.updated_at = now
    obj.updated_by = actor


def _plan_social_worker(*, actor: User, client: Client | None) -> Staff | None:
    """The plan's social worker (plans.csv `staff_ref`): the client's, else the social worker drafting it."""
    if client is not None and client.social_worker_id:
        return client.social_worker
    staff = Staff.objects.filter(user=actor, role=StaffRole.SOCIAL_WORKER).first()
    return staff


@transaction.atomic
def plan_create(
    *,
    actor: User,
    start_date: datetime.date,
    client: Client | None = None,
    family: Family | None = None,
    review_date: datetime.date | None = None,
    summary: str = "",
) -> Plan:
    if (client is None) == (family is None):
        raise ValueError("A plan is for a client or for a family, not both.")
    plan = Plan.objects.create(
        client=client,
        family=family,
        social_worker=_plan_social_worker(actor=actor, client=client),
        start_date=start_date,
        review_date=review_date,
        summary=summary,
        drafted_by=actor,
        updated_by=actor,
    )
    PlanEvent.objects.create(plan=plan, kind=PlanEventKind.CREATED, actor=actor)
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    actor: User,
    version: int,
    start_date: datetime.date,
    review_date: datetime.date | None,
    summary: str,
) -> Plan:
    _refuse_if_closed(plan.pk)
    fields = {"start_date": start_date, "review_date": review_date, "summary": summary}
    changes = _changes(plan, fields)
    _save_versioned(plan, version=version, actor=actor, fields=fields)
    if changes:
        PlanEvent.objects.create(plan=plan, kind=PlanEventKind.EDITED, actor=actor, changes=changes)
    return plan


_TRANSITIONS = {
    PlanStatus.ACTIVE: ({PlanStatus.DRAFT}, PlanEventKind.ACTIVATED),
    PlanStatus.CLOSED: ({PlanStatus.DRAFT, PlanStatus.ACTIVE}, PlanEventKind.CLOSED),
}


def _plan_set_status(
    *, plan: Plan, actor: User, version: int, status: PlanStatus, extra: dict[str, Any] | None = None
) -> Plan:
    allowed, kind = _TRANSITIONS[status]
    if plan.version == version and plan.status not in allowed:
        raise TransitionError(plan.status)
    fields = {"status": status, **(extra or {})}
    changes = _changes(plan, {name: value for name, value in fields.items() if name in ("status", "closed_reason")})
    _save_versioned(plan, version=version, actor=actor, fields=fields)
    PlanEvent.objects.create(plan=plan, kind=kind, actor=actor, changes=changes)
    return plan


@transaction.atomic
def plan_activate(*, plan: Plan, actor: User, version: int) -> Plan:
    return _plan_set_status(plan=plan, actor=actor, version=version, status=PlanStatus.ACTIVE)


@transaction.atomic
def plan_close(
    *,
    plan: Plan,
    actor: User,
    version: int,
    reason: str,
    note: str = "",
    goal_statuses: dict[int, str] | None = None,
) -> Plan:
    """Close the plan for good, saying why: it becomes read-only (`PlanClosedError`), and its open tasks
    leave every task list (`selectors.open_tasks`) while keeping their status. There is no reopening.

    `goal_statuses` ({goal id: final status}, asked by `forms.PlanCloseForm` for each open goal) are set
    in this transaction, dated the day of closing; a final status is never `open`.
    """
    if reason not in PlanCloseReason.values:
        raise ValueError(f"Unknown reason for closing a plan: {reason!r}")
    goal_statuses = goal_statuses or {}
    if any(status not in _FINAL_GOAL_STATUSES for status in goal_statuses.values()):
        raise ValidationError(_("Choose each open goal's outcome."), code="goal_status_open")
    closing = {"closed_reason": reason, "closed_note": note, "closed_at": timezone.now(), "closed_by": actor}
    _plan_set_status(plan=plan, actor=actor, version=version, status=PlanStatus.CLOSED, extra=closing)
    today = timezone.localdate()
    for goal in Goal.objects.filter(plan=plan, pk__in=goal_statuses, status=GoalStatus.OPEN).order_by("pk"):
        _goal_set(goal=goal, actor=actor, status=goal_statuses[goal.pk], day=today)
    return plan


# Goals' outcomes and plan reviews ----------------------------------------------------------------

_FINAL_GOAL_STATUSES = frozenset(GoalStatus.values) - {GoalStatus.OPEN}


def _goal_set(
    *, goal: Goal, actor: User, status: str, day: datetime.date, event: bool = True, redate: bool = False
) -> Goal:
    """Set the goal's status; its date is `day`, or none when it is open again. The same status keeps its
    date (a review that leaves a goal as it was), unless `redate` (the date itself corrected)."""
    if status not in GoalStatus.values:
        raise ValueError(f"Unknown goal status: {status!r}")
    fields = {"status": status, "status_date": None if status == GoalStatus.OPEN else day}
    if goal.status == status and (not redate or goal.status_date == fields["status_date"]):
        return goal
    changes = _changes(goal, fields)
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.save(update_fields=list(fields))
    if event:
        # Which goal: the event has no link to it (PlanEvent.described_changes shows "Goal: …").
        changes = {"description": [None, goal.description[:80]], **changes}
        PlanEvent.objects.create(plan_id=goal.plan_id, kind=PlanEventKind.GOAL_STATUS, actor=actor, changes=changes)
    return goal


def _goal_added_on(goal: Goal) -> datetime.date:
    return timezone.localdate(goal.created_at)


def _refuse_before_goal(goal: Goal, day: datetime.date, field: str) -> None:
    """A goal takes a status on or after the day it was added (the exchange format's `created_on`)."""
    if day < _goal_added_on(goal):
        raise ValidationError(
            {field: _("A goal cannot change before it was added (%(date)s).") % {"date": _short(_goal_added_on(goal))}},
            code="before_goal",
        )


def _refuse_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")}, code="future")


@transaction.atomic
def goal_status_set(*, goal: Goal, actor: User, status: str, status_date: datetime.date | None = None) -> Goal:
    """A goal's outcome and the day it took it (today unless given; none while open). Refused on a closed plan."""
    _refuse_if_closed(goal.plan_id)
    day = status_date or timezone.localdate()
    goal.refresh_from_db(fields=["status", "status_date", "created_at"])
    if status != GoalStatus.OPEN:
        _refuse_future(day, "status_date")
        _refuse_before_goal(goal, day, "status_date")
    return _goal_set(goal=goal, actor=actor, status=status, day=day, redate=True)


@transaction.atomic
def plan_review_record(
    *,
    plan: Plan,
    actor: User,
    date: datetime.date,
    next_review_date: datetime.date,
    note: str = "",
    goals: dict[int, tuple[str, str]] | None = None,
    assessments: Sequence[AssessmentInput] = (),
) -> PlanReview:
    """One review, all or nothing: the review, each goal's note and new status ({goal id: (status, note)},
    dated the review's date when it changes), the plan's next review date, and the self-sufficiency assessments
    made at it (kind `review`, the review's date: a family plan's review assesses each member).

    Raises ValidationError for the review's fields, `AssessmentsRefused` for the assessments' (nothing written).
    """
    _refuse_if_closed(plan.pk)
    errors: dict[str, list] = {}
    current = Plan.objects.only("start_date", "version").get(pk=plan.pk)
    if date > timezone.localdate():
        errors["date"] = [_("The review cannot be dated in the future.")]
    elif date < current.start_date:
        errors["date"] = [_("The review cannot be before the plan starts.")]
    if next_review_date <= date:
        errors["next_review_date"] = [_("The next review comes after this one.")]
    goals = goals or {}
    plan_goals = {g.pk: g for g in Goal.objects.filter(plan_id=plan.pk).order_by("pk")}
    if set(goals) - set(plan_goals):
        raise ValueError("A review names only the plan's own goals.")
    changed = [plan_goals[pk] for pk, (status, _note) in goals.items() if plan_goals[pk].status != status]
    if "date" not in errors and changed and date < (added := max(_goal_added_on(g) for g in changed)):
        errors["date"] = [_("A goal cannot change before it was added (%(date)s).") % {"date": _short(added)}]
    if errors:
        raise ValidationError(errors)
    assessed = {}
    for item in assessments:
        found = assessment_errors(
            client=item.client, staff=item.staff, date=date, kind=AssessmentKind.REVIEW, scores=item.scores
        )
        if found:
            assessed[item.client.pk] = found
    if assessed:
        raise AssessmentsRefused({pk: ValidationError(found) for pk, found in assessed.items()})
    review = PlanReview.objects.create(
        plan=plan, date=date, reviewed_by=actor, note=note, next_review_date=next_review_date
    )
    for item in assessments:
        assessment_record(
            client=item.client,
            staff=item.staff,
            date=date,
            kind=AssessmentKind.REVIEW,
            scores=item.scores,
            actor=actor,
            review=review,
        )
    GoalReview.objects.bulk_create(
        [
            GoalReview(review=review, goal_id=goal_id, status=status, note=goal_note)
            for goal_id, (status, goal_note) in sorted(goals.items())
        ]
    )
    for goal_id, (status, _note) in sorted(goals.items()):
        _goal_set(goal=plan_goals[goal_id], actor=actor, status=status, day=date, event=False)
    _save_versioned(plan, version=current.version, actor=actor, fields={"review_date": next_review_date})
    return review


@transaction.atomic
def goal_add(*, plan: Plan, actor: User, area: str, description: str) -> Goal:
    _refuse_if_closed(plan.pk)
    goal = Goal.objects.create(plan=plan, area=area, description=description)
    PlanEvent.objects.create(plan=plan, kind=PlanEventKind.GOAL_ADDED, actor=actor, changes={"area": [None, area]})
    return goal


@transaction.atomic
def task_add(*, goal: Goal, actor: User, title: str, responsible: Staff, due_date: datetime.date | None = None) -> Task:
    _refuse_if_closed(goal.plan_id)
    task = Task.objects.create(goal=goal, title=title, responsible=responsible, due_date=due_date, updated_by=actor)
    PlanEvent.objects.create(
        plan_id=goal.plan_id,
        task=task,
        kind=PlanEventKind.TASK_ADDED,
        actor=actor,
        changes={"title": [None, title], "responsible": [None, str(responsible)]},
    )
    return task


@transaction.atomic
def task_update(
    *,
    task: Task,
    actor: User,
    version: int,
    status: str | None = None,
    title: str | None = None,
    responsible: Staff | None = None,
    due_date: datetime.date | None = None,
    clear_due_date: bool = False,
) -> Task:
    """Change a task's status (anyone who may work on it) or its details (plan editors)."""
    _refuse_if_closed(task.goal.plan_id)
    fields: dict[str, Any] = {}
    if status is not None:
        fields["status"] = status
    if title is not None:
        fields["title"] = title
    if responsible is not None:
        fields["responsible"] = responsible
    if due_date is not None or clear_due_date:
        fields["due_date"] = due_date
    changes = _changes(task, fields)
    _save_versioned(task, version=version, actor=actor, fields=fields)
    if changes:
        PlanEvent.objects.create(
            plan_id=task.goal.plan_id, task=task, kind=PlanEventKind.TASK_CHANGED, actor=actor, changes=changes
        )
    return task


@transaction.atomic
def task_note_add(*, task: Task, actor: User, text: str) -> TaskNote:
    _refuse_if_closed(task.goal.plan_id)
    return TaskNote.objects.create(task=task, author=actor, text=text)


@transaction.atomic
def task_record_progress(*, task: Task, actor: User, version: int, status: str, note: str = "") -> TaskNote | None:
    """The task card's one "Save": the status and the progress note typed with it, both or neither.

    A stale `version` (someone changed the task meanwhile) raises `ConflictError` and keeps nothing,
    the note included, so that the editor sees the other change and saves again with their note.
    """
    task_update(task=task, actor=actor, version=version, status=status)
    if not note.strip():
        return None
    return TaskNote.objects.create(task=task, author=actor, text=note.strip())

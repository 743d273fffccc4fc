"""Every change to contacts and plans: one transaction each, with the plan's history written."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client, Family, Staff

from .choices import PlanEventKind, PlanStatus
from .models import Contact, ContactTopic, Goal, Plan, PlanCloseReason, PlanEvent, Task, TaskNote


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


def new_contact_ref() -> str:
    # "W" for the web: imported contacts keep the references of the provider's spreadsheets.
    return "W" + uuid.uuid4().hex[:12].upper()


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
        created_by=actor,
    )
    contact.full_clean(exclude=["clients"])
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
def plan_close(*, plan: Plan, actor: User, version: int, reason: str, note: str = "") -> Plan:
    """Close the plan for good, saying why: it becomes read-only (`PlanClosedError`), and its open tasks
    leave every task list (`selectors.open_tasks`) while keeping their status. There is no reopening.

    Goals have no status yet: once they have one, the closing sets each goal's status here, in this
    transaction (the confirmation form, `forms.PlanCloseForm`, will ask for them).
    """
    if reason not in PlanCloseReason.values:
        raise ValueError(f"Unknown reason for closing a plan: {reason!r}")
    closing = {"closed_reason": reason, "closed_note": note, "closed_at": timezone.now(), "closed_by": actor}
    return _plan_set_status(plan=plan, actor=actor, version=version, status=PlanStatus.CLOSED, extra=closing)


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

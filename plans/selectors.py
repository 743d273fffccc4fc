"""Reads for the daily work: my tasks, a client's timeline, each role's home page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from clients.models import Client, Contract, LegalStatusEntry, ProviderHandover, ResidenceEntry, Staff

from .choices import ContactForm
from .models import Contact, Goal, Plan, PlanEvent, Task, TaskNote

# A client without a contact for this many days is flagged on the social worker's home page.
NO_CONTACT_DAYS = 30


def _tasks_with_context(qs: models.QuerySet[Task]) -> models.QuerySet[Task]:
    notes = Prefetch("notes", queryset=TaskNote.objects.select_related("author").order_by("created_at", "id"))
    return qs.select_related("goal__plan__client", "goal__plan__family", "responsible", "updated_by").prefetch_related(
        notes
    )


def my_tasks(*, user: User) -> models.QuerySet[Task]:
    """The open tasks the user is responsible for or whose client is assigned to them, overdue first."""
    if user.provider_id is None:
        return Task.objects.none()
    assigned = Client.objects.filter(Q(mentor__user=user) | Q(social_worker__user=user), provider_id=user.provider_id)
    mine = (
        Q(responsible__user=user)
        | Q(Exists(assigned.filter(pk=OuterRef("goal__plan__client_id"))))
        | Q(Exists(assigned.filter(family_id=OuterRef("goal__plan__family_id"))))
    )
    qs = Task.objects.for_user(user).open().filter(mine)
    # Overdue tasks have the earliest due dates, so the soonest due come first; undated last.
    return _tasks_with_context(qs).order_by(F("due_date").asc(nulls_last=True), "id")


def plan_with_goals(*, plan_id: int, user: User) -> Plan:
    tasks = Prefetch("tasks", queryset=_tasks_with_context(Task.objects.order_by("due_date", "id")))
    goals = Prefetch("goals", queryset=Goal.objects.order_by("id").prefetch_related(tasks))
    events = Prefetch("events", queryset=PlanEvent.objects.select_related("actor", "task"))
    return (
        Plan.objects.for_user(user)
        .select_related("client", "family", "drafted_by", "updated_by")
        .prefetch_related(goals, events)
        .get(pk=plan_id)
    )


def plans_of_client(*, client: Client) -> models.QuerySet[Plan]:
    condition = Q(client=client)
    if client.family_id:
        condition |= Q(family_id=client.family_id)
    return Plan.objects.filter(condition).select_related("client", "family").order_by("-start_date", "-id")


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # contact, plan_event, task_note, legal_status, residence, handover
    date: datetime.date
    at: datetime.datetime | None
    obj: Any

    @property
    def sort_key(self) -> tuple:
        return (self.date, self.at or datetime.datetime.min.replace(tzinfo=datetime.UTC), self.kind)


def timeline_for(*, client: Client) -> list[TimelineEntry]:
    """Everything that happened to the client, newest first, in a fixed number of queries."""
    tz = timezone.get_current_timezone()
    entries: list[TimelineEntry] = []
    contacts = (
        Contact.objects.serving(client)
        .select_related("staff", "family", "provider")
        .prefetch_related("topics", "clients")
    )
    entries += [TimelineEntry("contact", c.date, None, c) for c in contacts]
    plan_ids = plans_of_client(client=client).values("pk")
    events = PlanEvent.objects.filter(plan_id__in=plan_ids).select_related("actor", "task", "plan")
    entries += [TimelineEntry("plan_event", e.at.astimezone(tz).date(), e.at, e) for e in events]
    notes = TaskNote.objects.filter(task__goal__plan_id__in=plan_ids).select_related("author", "task")
    entries += [TimelineEntry("task_note", n.created_at.astimezone(tz).date(), n.created_at, n) for n in notes]
    entries += [TimelineEntry("legal_status", e.since, None, e) for e in LegalStatusEntry.objects.filter(client=client)]
    entries += [TimelineEntry("residence", e.since, None, e) for e in ResidenceEntry.objects.filter(client=client)]
    handovers = ProviderHandover.objects.filter(client=client).select_related("from_provider", "to_provider")
    entries += [TimelineEntry("handover", h.date, None, h) for h in handovers]
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)


def _last_contact_date() -> Subquery:
    """The date of a client's latest contact, named or through their family (any provider)."""
    # A join, not nested subqueries (whose OuterRef would point at the middle query); duplicates do not matter for [:1].
    serving = Contact.objects.filter(Q(clients=OuterRef("pk")) | Q(family_id=OuterRef("family_id")))
    return Subquery(serving.order_by("-date").values("date")[:1])


def with_last_contact(qs: models.QuerySet[Client]) -> models.QuerySet[Client]:
    return qs.annotate(last_contact=_last_contact_date())


def caseload(*, user: User) -> list[Client]:
    """The social worker's active clients with their last contact; `no_recent_contact` flags the quiet ones."""
    since = timezone.localdate() - datetime.timedelta(days=NO_CONTACT_DAYS)
    clients = with_last_contact(
        Client.objects.for_user(user).filter(social_worker__user=user, service_end__isnull=True)
    ).select_related("family")
    rows = list(clients)
    for c in rows:
        c.no_recent_contact = c.last_contact is None or c.last_contact < since  # type: ignore[attr-defined]
    return rows


def week_end(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=6 - today.weekday())


def tasks_due_this_week(*, user: User) -> models.QuerySet[Task]:
    """Open tasks of the social worker's clients or their own, due by Sunday (overdue included)."""
    return my_tasks(user=user).filter(due_date__lte=week_end(timezone.localdate()))


def mentor_clients(*, user: User) -> models.QuerySet[Client]:
    return with_last_contact(Client.objects.for_user(user).filter(service_end__isnull=True)).select_related("family")


@dataclass(frozen=True)
class StaffActivity:
    staff: Staff
    contacts: int
    minutes: int
    open_tasks: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class MonthGlance:
    month_start: datetime.date
    today: datetime.date
    persons_served: int
    planned_persons: int | None
    contacts_total: int
    contacts_by_form: list[tuple[Any, int]]  # (translated label, count)
    staff_activity: list[StaffActivity] = field(default_factory=list)

    @property
    def percent_of_plan(self) -> int | None:
        if not self.planned_persons:
            return None
        return round(100 * self.persons_served / self.planned_persons)


def persons_served(*, contacts: models.QuerySet[Contact]) -> int:
    """Unique persons served by the contacts: those named and every member of a named family."""
    named = Contact.clients.through.objects.filter(client_id=OuterRef("pk"), contact__in=contacts)
    family = contacts.filter(family_id=OuterRef("family_id"))
    return Client.objects.filter(Q(Exists(named)) | Q(Exists(family))).count()


def month_at_a_glance(*, provider_id: int, today: datetime.date | None = None) -> MonthGlance:
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    contacts = Contact.objects.filter(provider_id=provider_id, date__gte=month_start, date__lte=today)
    by_form = dict(contacts.order_by().values_list("form").annotate(n=Count("id")))
    contract = (
        Contract.objects.filter(provider_id=provider_id, start__lte=today, end__gte=today).order_by("-start").first()
    )
    staff_contacts = contacts.filter(staff_id=OuterRef("pk")).order_by().values("staff_id")
    open_tasks = Task.objects.open().filter(responsible_id=OuterRef("pk")).order_by().values("responsible_id")
    staff = (
        Staff.objects.filter(provider_id=provider_id, is_active=True)
        .annotate(
            n_contacts=Coalesce(Subquery(staff_contacts.annotate(n=Count("id")).values("n")), 0),
            n_minutes=Coalesce(Subquery(staff_contacts.annotate(m=Sum("duration_minutes")).values("m")), 0),
            n_open_tasks=Coalesce(Subquery(open_tasks.annotate(n=Count("id")).values("n")), 0),
        )
        .order_by("role", "last_name", "first_name")
    )
    return MonthGlance(
        month_start=month_start,
        today=today,
        persons_served=persons_served(contacts=contacts),
        planned_persons=contract.planned_persons_per_month if contract else None,
        contacts_total=sum(by_form.values()),
        contacts_by_form=[(label, by_form.get(code, 0)) for code, label in ContactForm.choices],
        staff_activity=[StaffActivity(s, s.n_contacts, s.n_minutes, s.n_open_tasks) for s in staff],
    )

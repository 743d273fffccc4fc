"""Reads for the daily work: my tasks, a client's timeline, each role's home page."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from accounts.capabilities import can_read_documents
from accounts.models import User
from clients.models import (
    CaseEpisode,
    Client,
    Consent,
    Contract,
    LegalStatusEntry,
    ProviderHandover,
    ResidenceEntry,
    Staff,
    by_name,
)
from common.arrays import in_array_of

from .choices import ContactForm, PlanStatus
from .models import (
    Assessment,
    AssessmentScore,
    Contact,
    ContactClient,
    Goal,
    GoalReview,
    GroupAttendance,
    GroupSession,
    Plan,
    PlanEvent,
    PlanReview,
    Referral,
    Task,
    TaskNote,
)

# A client without a contact for this many days is flagged on the social worker's home page.
NO_CONTACT_DAYS = 30
# Clients a page on the social worker's and the mentor's home pages.
HOME_PAGE_SIZE = 25
# A plan whose review date is this near (or past) is listed on the social worker's and manager's home pages.
REVIEW_DUE_DAYS = 7
# Plans listed so on a home page, the soonest (the most overdue) first.
REVIEWS_DUE_LISTED = 20


def _tasks_with_context(qs: models.QuerySet[Task]) -> models.QuerySet[Task]:
    notes = Prefetch("notes", queryset=TaskNote.objects.select_related("author").order_by("created_at", "id"))
    return qs.select_related("goal__plan__client", "goal__plan__family", "responsible", "updated_by").prefetch_related(
        notes
    )


def of_open_cases(prefix: str = "") -> Q:
    """Rows of a plan (the plan at `prefix`) whose case is open: a client's plan while their case is open, a
    family plan while some member's is. A closed case's plan leaves the daily lists even when it was not closed
    with it (an imported end). Two probes, by the client's key and by the family's index."""
    open_client = Client.objects.filter(pk=OuterRef(f"{prefix}client_id"), service_end__isnull=True)
    open_member = Client.objects.filter(family_id=OuterRef(f"{prefix}family_id"), service_end__isnull=True)
    return Q(Exists(open_client)) | Q(Exists(open_member))


def in_live_plans(qs: models.QuerySet[Task]) -> models.QuerySet[Task]:
    """Tasks of plans not closed, of open cases: a closed plan's tasks keep their status but leave every task
    list, and so do the tasks of a closed case (`of_open_cases`)."""
    return qs.exclude(goal__plan__status=PlanStatus.CLOSED).filter(of_open_cases("goal__plan__"))


def my_tasks(*, user: User) -> models.QuerySet[Task]:
    """The open tasks the user is responsible for or whose client is assigned to them, overdue first.

    Also the social worker's "tasks due this week"; never the tasks of a closed plan.

    Found from the user's side: their staff record (one a user), its clients, their plans and families' plans,
    those plans' goals, each list computed once (`common.arrays.in_array_of`), so that a task is one index probe
    by its goal or its responsible. Testing every open task of the country against the user's clients cost
    13.6 ms of the database for a social worker's week at national scale, 3 ms so (docs/performance.md).
    """
    if user.provider_id is None:
        return Task.objects.none()
    staff = Subquery(Staff.objects.filter(user=user).order_by().values("pk")[:1])
    # Whose clients they are only; which of their tasks the user may see is `for_user`'s (the provider's).
    assigned = Client.objects.filter(Q(social_worker=staff) | Q(mentor=staff)).order_by()
    plans = Plan.objects.filter(
        Q(in_array_of("client_id", assigned.values("pk")))
        | Q(in_array_of("family_id", assigned.filter(family__isnull=False).values("family_id")))
    ).order_by()
    goals = Goal.objects.filter(in_array_of("plan_id", plans.values("pk"))).order_by()
    mine = Q(in_array_of("goal_id", goals.values("pk"))) | Q(responsible=staff)
    qs = in_live_plans(Task.objects.for_user(user).open().filter(mine))
    # Overdue tasks have the earliest due dates, so the soonest due come first; undated last.
    return _tasks_with_context(qs).order_by(F("due_date").asc(nulls_last=True), "id")


def plan_with_goals(*, plan_id: int, user: User) -> Plan:
    tasks = Prefetch("tasks", queryset=_tasks_with_context(Task.objects.order_by("due_date", "id")))
    goals = Prefetch("goals", queryset=Goal.objects.order_by("id").prefetch_related(tasks))
    events = Prefetch("events", queryset=PlanEvent.objects.select_related("actor", "task"))
    return (
        Plan.objects.for_user(user)
        .select_related("client", "family", "drafted_by", "updated_by")
        .prefetch_related(goals, events, reviews_with_goals())
        .get(pk=plan_id)
    )


def reviews_with_goals(lookup: str = "reviews") -> Prefetch:
    """Prefetches a plan's reviews, newest first, each with its goals' notes and statuses (two queries)."""
    goal_reviews = Prefetch("goal_reviews", queryset=GoalReview.objects.select_related("goal").order_by("goal_id"))
    reviews = PlanReview.objects.select_related("reviewed_by").prefetch_related(goal_reviews).order_by("-date", "-id")
    return Prefetch(lookup, queryset=reviews)


def reviews_due(*, user: User, mine_only: bool, today: datetime.date | None = None) -> list[Plan]:
    """Active plans of open cases whose review is due within `REVIEW_DUE_DAYS` days or overdue, the soonest first.

    `mine_only`: the plans of the social worker's own open clients (theirs or their family's); else of every open
    client the user sees (the manager: their provider's). Two queries.

    The plans of a client and the plans of a family are read apart, each the soonest `REVIEWS_DUE_LISTED` in
    review-date order (`plan_active_review_idx`), its client or family being one of the user's open ones
    (`Client.objects.for_user`, as `PlanQuerySet.for_user` and `of_open_cases` decide); the two short lists are
    merged. One query with the two conditions ORed probed both for each of the country's due plans: 239 ms for a
    social worker, 550 ms for a manager at national scale, 10–20 ms each now (docs/performance.md).
    """
    today = today or timezone.localdate()
    if not getattr(user, "works_with_clients", False) or user.is_mentor:
        return []
    open_clients = Client.objects.for_user(user).filter(service_end__isnull=True)
    if mine_only:
        open_clients = open_clients.filter(social_worker__user=user)
    due = (
        Plan.objects.filter(status=PlanStatus.ACTIVE, review_date__lte=today + datetime.timedelta(days=REVIEW_DUE_DAYS))
        .select_related("client", "family")
        .order_by("review_date", "id")
    )
    of_client = due.filter(client__in=open_clients.order_by())[:REVIEWS_DUE_LISTED]
    of_family = due.filter(family_id__in=open_clients.order_by().values("family_id"))[:REVIEWS_DUE_LISTED]
    plans = sorted([*of_client, *of_family], key=lambda plan: (plan.review_date, plan.pk))[:REVIEWS_DUE_LISTED]
    for plan in plans:
        plan.review_overdue = plan.review_date is not None and plan.review_date < today  # type: ignore[attr-defined]
    return plans


def plan_open_task_count(*, plan: Plan) -> int:
    """The tasks that closing the plan takes off the task lists."""
    return Task.objects.open().filter(goal__plan=plan).count()


def task_subjects(*, tasks: models.QuerySet[Task], user: User) -> models.QuerySet[Client]:
    """The clients whose tasks (their own plans' or their family's) are among `tasks`, for a filter."""
    condition = Q(pk__in=tasks.order_by().values("goal__plan__client_id")) | Q(
        family_id__in=tasks.order_by().filter(goal__plan__family_id__isnull=False).values("goal__plan__family_id")
    )
    return Client.objects.for_user(user).filter(condition).order_by(*by_name(), "pk")


def plans_of_client(*, client: Client) -> models.QuerySet[Plan]:
    condition = Q(client=client)
    if client.family_id:
        condition |= Q(family_id=client.family_id)
    return Plan.objects.filter(condition).select_related("client", "family").order_by("-start_date", "-id")


def plans_closed_with_case(*, client: Client) -> models.QuerySet[Plan]:
    """The plans that closing the client's case closes (plans/closure.py `case_close`): their own active or draft
    plans, and their family's once no other member's case stays open."""
    condition = Q(client_id=client.pk)
    if client.family_id:
        others_open = Client.objects.filter(family_id=client.family_id, service_end__isnull=True).exclude(pk=client.pk)
        condition |= Q(Q(family_id=client.family_id), ~Exists(others_open))
    live = Plan.objects.filter(status__in=(PlanStatus.ACTIVE, PlanStatus.DRAFT))
    return live.filter(condition).select_related("client", "family").order_by("pk")


@dataclass(frozen=True)
class Episode:
    """One episode of a client's case: an earlier one (`CaseEpisode`) or the current one (on the client)."""

    start: datetime.date | None
    end: datetime.date | None
    reason: str
    reason_label: str
    note: str
    current: bool


def case_episodes(*, client: Client) -> list[Episode]:
    """Every episode of the client's case, the earliest first, the current one last. One query."""
    earlier = CaseEpisode.objects.filter(client=client).order_by("service_start", "pk")
    episodes = [
        Episode(e.service_start, e.service_end, e.closure_reason, e.get_closure_reason_display(), e.closure_note, False)
        for e in earlier
    ]
    reason_label = client.get_closure_reason_display() if client.closure_reason else ""
    current = Episode(
        client.service_start, client.service_end, client.closure_reason, reason_label, client.closure_note, True
    )
    return [*episodes, current]


@dataclass(frozen=True)
class TimelineRead:
    """Rows of the client that a page has read whole already, for `timeline_for` to use instead of its queries."""

    episodes: list[Episode] | None = None
    # With their staff and scores prefetched (`plans.assessments.assessments_of`).
    assessments: Iterable[Assessment] | None = None
    consents: Iterable[Consent] | None = None
    documents: Iterable[Any] | None = None
    legal_statuses: Iterable[LegalStatusEntry] | None = None
    residences: Iterable[ResidenceEntry] | None = None
    handovers: Iterable[ProviderHandover] | None = None
    # The client's plans and their family's (`plans_of_client`): none, and their events, notes and reviews are not
    # looked for (most clients have no plan: three queries of the client page).
    plans: Iterable[Plan] | None = None


@dataclass(frozen=True)
class TimelineEntry:
    # contact, plan_event, task_note, plan_review, referral, assessment, group_absence, document, consent,
    # legal_status, residence, handover, case_opened, case_closed
    kind: str
    date: datetime.date
    at: datetime.datetime | None
    obj: Any

    @property
    def sort_key(self) -> tuple:
        # Within a day an opening comes before what was done in the case, and a closing after it (the plans
        # closed with the case are timestamped, the closing itself is dated only). A case closed and reopened
        # on the same day shows the closing on top: the rare exception.
        phase = 0 if self.kind == "case_opened" else 2 if self.kind == "case_closed" else 1
        return (self.date, phase, self.at or datetime.datetime.min.replace(tzinfo=datetime.UTC), self.kind)


@dataclass(frozen=True)
class VisibleOnContacts:
    """Which of the persons and families named on some contacts a user may see."""

    client_ids: frozenset[int]
    family_ids: frozenset[int]


def named_links() -> Prefetch:
    """Prefetches each contact's `named_links`: the persons it names, with their client, in name order.

    Not the links `via_family`, of a family member who has left the family since: the contact named the
    family, not them.
    """
    links = ContactClient.objects.filter(via_family=False).select_related("client")
    ordered = links.order_by("client__last_name", "client__first_name", "client_id")
    return Prefetch("contactclient_set", queryset=ordered, to_attr="named_links")


def visible_on_contacts(*, user: User, contacts: list[Contact]) -> VisibleOnContacts:
    """The persons and families named on `contacts` (prefetched with `named_links()`) that `user` may see.

    A contact may name several persons, and the user may see only some of them: a mentor sees only their
    assigned clients, and a new provider sees the handed-over client's history, whose contacts name the
    old provider's other clients. One query for the whole page, at most.
    """
    named = {link.client_id for contact in contacts for link in contact.named_links}  # type: ignore[attr-defined]
    families = {contact.family_id for contact in contacts if contact.family_id is not None}
    if not named and not families:
        return VisibleOnContacts(frozenset(), frozenset())
    # A family is visible when one of its members is (FamilyQuerySet.for_user), in the same query.
    visible = list(
        Client.objects.for_user(user)
        .filter(Q(pk__in=named) | Q(family_id__in=families))
        .order_by()
        .values_list("pk", "family_id")
    )
    return VisibleOnContacts(
        client_ids=frozenset(pk for pk, _ in visible) & named,
        family_ids=frozenset(family_id for _, family_id in visible) & families,
    )


def mark_visible_on_contacts(*, user: User, contacts: list[Contact]) -> None:
    """Give each contact `named_clients` (a client the user may see, or None for "another person", the
    visible first) and `named_family` (the family, or None when the user sees none of its members)."""
    visible = visible_on_contacts(user=user, contacts=contacts)
    for contact in contacts:
        clients = [link.client for link in contact.named_links]  # type: ignore[attr-defined]
        shown = [c for c in clients if c.pk in visible.client_ids]
        contact.named_clients = shown + [None] * (len(clients) - len(shown))  # type: ignore[attr-defined]
        family = contact.family if contact.family_id in visible.family_ids else None
        contact.named_family = family  # type: ignore[attr-defined]


def _contacts_of(*, client: Client, user: User, limit: int | None) -> list[Contact]:
    """The contacts that served the client, newest first (the latest `limit`), each marked with whom the user sees."""
    qs = (
        Contact.objects.serving(client)
        .select_related("staff", "family", "provider", "group_session")
        .prefetch_related("topics", named_links())
        .order_by("-date", "-id")
    )
    contacts = list(qs if limit is None else qs[:limit])
    mark_visible_on_contacts(user=user, contacts=contacts)
    return contacts


def recent_contacts(*, client: Client, user: User, limit: int = 10) -> list[Contact]:
    """The client's latest contacts (the client page), in a fixed number of queries."""
    return _contacts_of(client=client, user=user, limit=limit)


def _plan_entries(plan_ids: Any, latest: Callable[..., Any], tz: datetime.tzinfo) -> list[TimelineEntry]:
    """The timeline's entries of the plans `plan_ids` (a list or a subquery): their events, notes and reviews."""
    events = PlanEvent.objects.filter(plan_id__in=plan_ids).select_related("actor", "task", "plan")
    entries = [TimelineEntry("plan_event", e.at.astimezone(tz).date(), e.at, e) for e in latest(events, "-at", "-id")]
    notes = TaskNote.objects.filter(task__goal__plan_id__in=plan_ids).select_related("author", "task")
    entries += [
        TimelineEntry("task_note", n.created_at.astimezone(tz).date(), n.created_at, n)
        for n in latest(notes, "-created_at", "-id")
    ]
    reviews = PlanReview.objects.filter(plan_id__in=plan_ids).select_related("reviewed_by", "plan")
    reviews = reviews.prefetch_related(
        Prefetch("goal_reviews", queryset=GoalReview.objects.select_related("goal").order_by("goal_id"))
    )
    entries += [
        TimelineEntry("plan_review", r.date, r.created_at, r) for r in latest(reviews, "-date", "-created_at", "-id")
    ]
    return entries


def timeline_for(
    *,
    client: Client,
    user: User,
    limit: int | None = None,
    with_contacts: bool = True,
    read: TimelineRead | None = None,
) -> list[TimelineEntry]:
    """Everything that happened to the client, newest first (the latest `limit`), in a fixed number of queries.

    Others named on the client's contacts appear by name only when `user` may see them. With a `limit` each
    kind is read only as far as its latest `limit` rows: the newest `limit` of all are among them. Without
    contacts: the rest, for a page that lists the contacts beside it (the client page). `read`: the rows of some
    kinds that the caller has read whole already (the client page's sections), used instead of reading them again.
    """
    read = read or TimelineRead()

    def latest(qs: models.QuerySet, *order: str) -> models.QuerySet:
        return qs if limit is None else qs.order_by(*order)[:limit]

    def latest_of(given: Iterable[Any] | None, qs: models.QuerySet, *order: str) -> Iterable[Any]:
        """`latest(qs, *order)`, or the same of the rows `given` (read already; `order` all descending)."""
        if given is None:
            return latest(qs, *order)
        ordered = sorted(given, key=attrgetter(*(field.removeprefix("-") for field in order)), reverse=True)
        return ordered if limit is None else ordered[:limit]

    tz = timezone.get_current_timezone()
    entries: list[TimelineEntry] = []
    if with_contacts:
        contacts = _contacts_of(client=client, user=user, limit=limit)
        entries += [TimelineEntry("contact", c.date, None, c) for c in contacts]
    plan_ids = plans_of_client(client=client).values("pk") if read.plans is None else [p.pk for p in read.plans]
    if read.plans is None or plan_ids:
        entries += _plan_entries(plan_ids, latest, tz)
    # Index: referral_client_date_idx. The client's referrals by any provider (their history goes with them).
    referrals = Referral.objects.filter(client=client).select_related("institution", "staff", "goal")
    entries += [TimelineEntry("referral", r.date, None, r) for r in latest(referrals, "-date", "-id")]
    # Index: assessment_client_date_idx. The client's self-sufficiency assessments by any provider, scored areas only.
    scored = Prefetch("scores", queryset=AssessmentScore.objects.filter(score__isnull=False).order_by("area"))
    assessments = Assessment.objects.filter(client=client).select_related("staff").prefetch_related(scored)
    entries += [
        TimelineEntry("assessment", a.date, a.created_at, a)
        for a in latest_of(read.assessments, assessments, "-date", "-id")
    ]
    # Documents (issue 20): the kind only, for who may read the client's documents. Index: document_client_kind_idx.
    if can_read_documents(user, client):
        documents = client.documents.select_related("uploaded_by")
        entries += [
            TimelineEntry("document", d.uploaded_at.astimezone(tz).date(), d.uploaded_at, d)
            for d in latest_of(read.documents, documents, "-uploaded_at", "-id")
        ]
    # Consents (issue 20), on the day given, withdrawn ones too. Index: consent_client_kind_idx (client first).
    consents = Consent.objects.filter(client=client).select_related("staff")
    entries += [
        TimelineEntry("consent", c.given_on, c.created_at, c)
        for c in latest_of(read.consents, consents, "-given_on", "-id")
    ]
    # One entry a day for each (legal_status_one_per_day, residence_one_per_day).
    statuses = LegalStatusEntry.objects.filter(client=client)
    entries += [
        TimelineEntry("legal_status", e.since, None, e) for e in latest_of(read.legal_statuses, statuses, "-since")
    ]
    residences = ResidenceEntry.objects.filter(client=client)
    entries += [TimelineEntry("residence", e.since, None, e) for e in latest_of(read.residences, residences, "-since")]
    # Index: the attendance's client FK. The group sessions the client was listed for and missed (issue 20): the
    # sessions they came to are contacts that served them, above.
    absences = GroupAttendance.objects.filter(client=client, present=False).select_related("session__contact__staff")
    entries += [
        TimelineEntry("group_absence", a.session.contact.date, None, a)
        for a in latest(absences, "-session__contact__date", "-id")
    ]
    handovers = ProviderHandover.objects.filter(client=client).select_related("from_provider", "to_provider")
    entries += [
        TimelineEntry("handover", h.date, None, h) for h in latest_of(read.handovers, handovers, "-date", "-id")
    ]
    # Every episode of the case, opened and closed (a few rows: read whole, the limit applies below).
    for episode in case_episodes(client=client) if read.episodes is None else read.episodes:
        if episode.start is not None:
            entries.append(TimelineEntry("case_opened", episode.start, None, episode))
        if episode.end is not None:
            entries.append(TimelineEntry("case_closed", episode.end, None, episode))
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries if limit is None else entries[:limit]


def active_plan_of(*, client: Client, plans: Iterable[Plan] | None = None) -> Plan | None:
    """The client's active plan (their own before their family's, the latest first) with its goals and tasks.

    Only for a client fetched through `Client.objects.for_user`, as `plans_of_client`. Three queries; none when
    `plans`, the client's plans read already (`plans_of_client`), has no active one.
    """
    if plans is not None and not any(plan.status == PlanStatus.ACTIVE for plan in plans):
        return None
    tasks = Prefetch(
        "tasks",
        queryset=Task.objects.select_related("responsible").order_by(F("due_date").asc(nulls_last=True), "id"),
    )
    goals = Prefetch("goals", queryset=Goal.objects.order_by("id").prefetch_related(tasks))
    own_first = F("client_id").asc(nulls_last=True)
    active = plans_of_client(client=client).filter(status=PlanStatus.ACTIVE)
    return active.prefetch_related(goals).order_by(own_first, "-start_date", "-id").first()


def _last_contact_date() -> Greatest:
    """The date of a client's latest contact, named or through their family (any provider).

    The later of two probes, each served by an index, instead of one subquery joining the contacts
    to their clients with `client = … OR family = …`: no index serves an OR across two tables, so
    that one walked every contact of the database backwards by date, for every client listed.
    """
    # Index: the client link's client FK, then each of the client's contacts by primary key.
    named = Subquery(Contact.objects.filter(clients=OuterRef("pk")).order_by("-date").values("date")[:1])
    # Index: contact_family_date_idx, read backwards from the family's latest contact.
    family = Subquery(Contact.objects.filter(family_id=OuterRef("family_id")).order_by("-date").values("date")[:1])
    # GREATEST skips NULLs: NULL only for a client without any contact, each probe run once.
    return Greatest(named, family)


def _taken_in() -> Greatest:
    """The day the client was taken in: the later of the service start and the day the record was made.

    A record typed in today for a service begun earlier had no contact logged here before today.
    """
    return Greatest("service_start", TruncDate("created_at"))


class _DaysSince(models.Func):
    """Whole days from a date to a later one: PostgreSQL's `date - date` is an integer."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = models.IntegerField()


def with_last_contact(qs: models.QuerySet[Client], *, today: datetime.date | None = None) -> models.QuerySet[Client]:
    """Each client with `last_contact` (None: never) and `days_without_contact`, in the same query.

    The gap counts from the last contact or, for a client never contacted, from the day they were taken
    in (`_taken_in`); never below 0. The probes are evaluated again for the gap, but PostgreSQL computes
    an output column that no sort needs after the page's LIMIT, for its rows only.
    """
    today = today or timezone.localdate()
    since = Coalesce(_last_contact_date(), _taken_in())
    gap = Greatest(_DaysSince(models.Value(today, output_field=models.DateField()), since), models.Value(0))
    return qs.annotate(last_contact=_last_contact_date(), days_without_contact=gap)


def mark_contact_gaps(clients: list[Client]) -> list[Client]:
    """Flag each client (annotated by `with_last_contact`): `no_recent_contact` when the gap exceeds
    `NO_CONTACT_DAYS`, `new_client` when never contacted and taken in since. No query."""
    for c in clients:
        days = c.days_without_contact  # type: ignore[attr-defined]
        c.no_recent_contact = days > NO_CONTACT_DAYS  # type: ignore[attr-defined]
        c.new_client = c.last_contact is None and not c.no_recent_contact  # type: ignore[attr-defined]
    return clients


def _longest_without_contact_first(qs: models.QuerySet[Client]) -> models.QuerySet[Client]:
    # Caseloads have no end in imported data (every client stays "active"), so the home pages page
    # them; the clients who never had a contact come first (taken in earliest first), then those
    # who wait longest for one.
    never_first = F("last_contact").asc(nulls_first=True)
    order = (never_first, _taken_in().asc(), *by_name(), "pk")
    return with_last_contact(qs).select_related("family").order_by(*order)


def _contact_gap_page(qs: models.QuerySet[Client], number: str | int | None) -> Page:
    page = Paginator(qs, HOME_PAGE_SIZE).get_page(number)
    page.object_list = mark_contact_gaps(list(page.object_list))
    return page


def caseload(*, user: User) -> models.QuerySet[Client]:
    """The social worker's active clients with their last contact, the longest without one first."""
    return _longest_without_contact_first(
        Client.objects.for_user(user).filter(social_worker__user=user, service_end__isnull=True)
    )


def caseload_page(*, user: User, number: str | int | None) -> Page:
    """One page of the caseload, each client's contact gap flagged (`mark_contact_gaps`)."""
    return _contact_gap_page(caseload(user=user), number)


def week_end(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=6 - today.weekday())


def tasks_due_this_week(*, user: User) -> models.QuerySet[Task]:
    """Open tasks of the social worker's clients or their own, due by Sunday (overdue included)."""
    return my_tasks(user=user).filter(due_date__lte=week_end(timezone.localdate()))


def mentor_clients(*, user: User) -> models.QuerySet[Client]:
    """The mentor's active clients with their last contact, the longest without one first."""
    return _longest_without_contact_first(Client.objects.for_user(user).filter(service_end__isnull=True))


def mentor_clients_page(*, user: User, number: str | int | None) -> Page:
    return _contact_gap_page(mentor_clients(user=user), number)


def staff_clients(*, user: User, staff: Staff) -> models.QuerySet[Client]:
    """A staff member's active clients (as their social worker or mentor), the longest without a contact first."""
    assigned = Q(social_worker=staff) | Q(mentor=staff)
    return _longest_without_contact_first(Client.objects.for_user(user).filter(assigned, service_end__isnull=True))


def staff_clients_page(*, user: User, staff: Staff, number: str | int | None) -> Page:
    return _contact_gap_page(staff_clients(user=user, staff=staff), number)


def staff_open_tasks(*, user: User, staff: Staff) -> models.QuerySet[Task]:
    """The open tasks a staff member is responsible for (not of a closed plan), the soonest due first.

    The tasks the manager's month counts in the staff member's "open tasks".
    """
    qs = in_live_plans(Task.objects.for_user(user).open().filter(responsible=staff))
    subject = ("goal__plan__client", "goal__plan__family")
    return qs.select_related(*subject).order_by(F("due_date").asc(nulls_last=True), "id")


def staff_open_tasks_page(*, user: User, staff: Staff, number: str | int | None) -> Page:
    return Paginator(staff_open_tasks(user=user, staff=staff), HOME_PAGE_SIZE).get_page(number)


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
    # Active staff records not listed: no account to sign in with, no contact this month, no open task.
    staff_not_listed: int = 0

    @property
    def percent_of_plan(self) -> int | None:
        if not self.planned_persons:
            return None
        return round(100 * self.persons_served / self.planned_persons)


def persons_served(*, contacts: models.QuerySet[Contact]) -> int:
    """Unique persons served by the contacts (`ContactQuerySet.served_client_ids`, the report's definition)."""
    return contacts.served_client_ids().count()  # type: ignore[attr-defined]


def month_at_a_glance(*, provider_id: int, today: datetime.date | None = None) -> MonthGlance:
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    contacts = Contact.objects.filter(provider_id=provider_id, date__gte=month_start, date__lte=today)
    by_form = dict(contacts.order_by().values_list("form").annotate(n=Count("id")))
    contract = (
        Contract.objects.filter(provider_id=provider_id, start__lte=today, end__gte=today).order_by("-start").first()
    )
    # Index: contact_staff_date_idx, the staff member's contacts of the month.
    staff_contacts = contacts.filter(staff_id=OuterRef("pk")).order_by().values("staff_id")
    open_tasks = (
        in_live_plans(Task.objects.open()).filter(responsible_id=OuterRef("pk")).order_by().values("responsible_id")
    )
    staff = (
        Staff.objects.filter(provider_id=provider_id, is_active=True)
        .annotate(
            n_contacts=Coalesce(Subquery(staff_contacts.annotate(n=Count("id")).values("n")), 0),
            n_minutes=Coalesce(Subquery(staff_contacts.annotate(m=Sum("duration_minutes")).values("m")), 0),
            n_open_tasks=Coalesce(Subquery(open_tasks.annotate(n=Count("id")).values("n")), 0),
            can_sign_in=Exists(User.objects.filter(pk=OuterRef("user_id"), is_active=True)),
        )
        .order_by("role", *by_name())
    )
    # Imported staff stay "active" for ever: the month lists those who work now, the rest are counted.
    working = [s for s in staff if s.can_sign_in or s.n_contacts or s.n_open_tasks]
    active_staff = len(staff)
    return MonthGlance(
        month_start=month_start,
        today=today,
        persons_served=persons_served(contacts=contacts),
        planned_persons=contract.planned_persons_per_month if contract else None,
        contacts_total=sum(by_form.values()),
        contacts_by_form=[(label, by_form.get(code, 0)) for code, label in ContactForm.choices],
        staff_activity=[StaffActivity(s, s.n_contacts, s.n_minutes, s.n_open_tasks) for s in working],
        staff_not_listed=active_staff - len(working),
    )


# Referrals ---------------------------------------------------------------------------------------

# A referral still without an outcome after this many days is listed on its maker's home page (casework.md).
REFERRAL_WAITING_DAYS = 14
# Waiting referrals listed on a home page, the oldest first.
WAITING_REFERRALS_LISTED = 20


def referrals_of_client(*, client: Client, user: User) -> list[Referral]:
    """The client's referrals by the user's provider, newest first (the client page's card). One query."""
    qs = Referral.objects.for_user(user).filter(client=client)
    return list(qs.select_related("institution", "goal").order_by("-date", "-id"))


def waiting_referrals(*, user: User, today: datetime.date | None = None) -> list[Referral]:
    """The referrals the user made for clients of open cases that have waited for an outcome more than 14 days,
    the oldest first. One query."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=REFERRAL_WAITING_DAYS)
    # Index: referral_staff_status_date_idx.
    # A closed case's referrals wait no more on anyone's home page (the client page still lists them).
    qs = Referral.objects.for_user(user).filter(staff__user=user, client__service_end__isnull=True).waiting(since=since)
    return list(qs.select_related("client", "institution").order_by("date", "id")[:WAITING_REFERRALS_LISTED])


# Referrals a page of the provider's referral list (`plans:referral_list`).
REFERRAL_LIST_PAGE_SIZE = 50


def referral_list(*, user: User) -> models.QuerySet[Referral]:
    """The referrals the user may see (`Referral.objects.for_user`: their provider's, a mentor's only of their
    assigned clients; a coordinator's none), newest first, with what a row of the list shows: one query a page."""
    # Index: referral_prov_status_date_idx (the provider's referrals by status and date); the filters by staff
    # member and by institution: referral_staff_status_date_idx and the institution FK.
    qs = Referral.objects.for_user(user).select_related("client", "institution", "staff")
    return qs.order_by("-date", "-id")


# Follow-ups of closed cases ---------------------------------------------------------------------

# A follow-up this near (or past) is listed on the social worker's home page (clients.models.Client.follow_up_date).
FOLLOW_UP_DUE_DAYS = 7
FOLLOW_UPS_LISTED = 20


def follow_ups_due(*, user: User, today: datetime.date | None = None) -> list[Client]:
    """The closed cases of the social worker's clients whose follow-up is within a week or past, the soonest
    first. One query."""
    today = today or timezone.localdate()
    # Index: client_provider_end_idx narrows to the provider's closed cases.
    qs = Client.objects.for_user(user).filter(
        social_worker__user=user,
        service_end__isnull=False,
        follow_up_date__lte=today + datetime.timedelta(days=FOLLOW_UP_DUE_DAYS),
    )
    clients = list(qs.order_by("follow_up_date", "pk")[:FOLLOW_UPS_LISTED])
    for c in clients:
        c.follow_up_overdue = c.follow_up_date < today  # type: ignore[attr-defined,operator]
    return clients


# Group sessions --------------------------------------------------------------------------------------

# Sessions a page of the group session list (`plans:group_session_list`).
GROUP_SESSION_PAGE_SIZE = 25


def group_session_list(*, user: User) -> models.QuerySet[GroupSession]:
    """The group sessions the user may see (`GroupSession.objects.for_user`), newest first, each with its staff
    member and `present_count`/`absent_count`: one query a page."""
    # Index: contact_provider_date_idx (the provider's contacts by date), then the attendance's session FK.
    visible = cast("models.QuerySet[GroupSession]", GroupSession.objects.for_user(user))
    qs = visible.select_related("contact__staff").annotate(
        present_count=Count("attendance", filter=Q(attendance__present=True)),
        absent_count=Count("attendance", filter=Q(attendance__present=False)),
    )
    return qs.order_by("-contact__date", "-pk")


@dataclass(frozen=True)
class SessionAttendance:
    """A session's attendance as one user may see it: by name the clients they may see, the others counted."""

    present: list[Client]
    absent: list[Client]
    others_present: int
    others_absent: int


def group_session_attendance(*, session: GroupSession, user: User) -> SessionAttendance:
    """Two queries: the list's (client, present) pairs, then the names of those `user` may see (a mentor: their
    assigned clients; a social worker or manager: their provider's clients; a coordinator: none)."""
    rows = dict(GroupAttendance.objects.filter(session=session).order_by().values_list("client_id", "present"))
    visible = list(Client.objects.for_user(user).filter(pk__in=list(rows)).order_by(*by_name(), "pk"))
    seen = {client.pk for client in visible}
    return SessionAttendance(
        present=[client for client in visible if rows[client.pk]],
        absent=[client for client in visible if not rows[client.pk]],
        others_present=sum(1 for pk, came in rows.items() if came and pk not in seen),
        others_absent=sum(1 for pk, came in rows.items() if not came and pk not in seen),
    )

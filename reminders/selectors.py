"""What needs each staff member (the morning message) and what their calendar shows: reads only.

What is due is the home pages' rules (`plans.selectors`): this module asks them and only picks each person's share.
Every list carries records, never a person's name: the message and the calendar show the client's reference.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Exists, OuterRef, Q

from accounts.capabilities import can_review_plans, works_with_clients
from accounts.models import Role, User
from clients.models import Client, Document, Staff
from clients.selectors import documents_expiring
from plans import selectors as plans_selectors
from plans.choices import ContactForm, PlanStatus
from plans.models import Contact, Plan, Referral, Task

from .models import CalendarFeed, MorningMessage

# The calendar shows what was due since this many days ago, and what is to come.
CALENDAR_PAST_DAYS = 90
# At most this many events of each kind in one calendar, the soonest first: the feed stays small.
CALENDAR_EVENTS_PER_KIND = 500
# Recipients read from the database at a time by the morning job.
RECIPIENTS_BATCH = 200


@dataclass
class Due:
    """What needs one staff member this morning; `empty` when nothing does (then nothing is sent)."""

    tasks: list[Task] = field(default_factory=list)
    reviews: list[Plan] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    without_contact: list[Client] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.lists())

    @property
    def empty(self) -> bool:
        return self.count == 0

    def lists(self) -> tuple[list, ...]:
        return (self.tasks, self.reviews, self.referrals, self.documents, self.without_contact)


def recipient_address(user: User) -> str:
    """The address the morning message goes to: the account's, else the staff record's; "" for none."""
    staff = getattr(user, "staff", None)
    return user.email or (staff.email if staff is not None else "")


def recipients(*, today: datetime.date) -> Iterator[User]:
    """Active accounts of people who work with clients and have an address, not yet sent today's message.

    Read in batches (`RECIPIENTS_BATCH`), each with its staff record (one query a batch).
    """
    sent = MorningMessage.objects.filter(user_id=OuterRef("pk"), day=today)
    has_address = ~Q(email="") | Q(staff__isnull=False) & ~Q(staff__email="")
    qs = (
        User.objects.filter(is_active=True, role__in=[Role.SOCIAL_WORKER, Role.MENTOR, Role.MANAGER])
        .filter(has_address)
        .exclude(Exists(sent))
        .select_related("staff")
        .order_by("pk")
    )
    for user in qs.iterator(chunk_size=RECIPIENTS_BATCH):
        if works_with_clients(user) and recipient_address(user):
            yield user


def _staff_of(user: User) -> Staff | None:
    return getattr(user, "staff", None)


def due_for(*, user: User, today: datetime.date) -> Due:
    """What needs the user today, each list by the home pages' rules. A fixed number of queries (seven)."""
    if not works_with_clients(user):
        return Due()
    due = Due()
    # Tasks due today or overdue of "my tasks" (the mentor's home page and the social worker's week).
    due.tasks = list(plans_selectors.my_tasks(user=user).filter(due_date__lte=today).select_related("goal"))
    if can_review_plans(user):
        # As on the home pages: a social worker's own clients' plans, a manager's whole provider's.
        due.reviews = plans_selectors.reviews_due(user=user, mine_only=user.role != Role.MANAGER, today=today)
    due.referrals = plans_selectors.waiting_referrals(user=user, today=today)
    due.documents = documents_expiring(user=user, today=today)
    staff = _staff_of(user)
    if staff is not None:
        clients = plans_selectors.mark_contact_gaps(
            list(plans_selectors.with_last_contact(plans_selectors.staff_clients(user=user, staff=staff), today=today))
        )
        due.without_contact = [c for c in clients if c.no_recent_contact]  # type: ignore[attr-defined]
    return due


# The calendar.


def feed_user(*, token_hash: str) -> User | None:
    """The owner of a calendar address, if it is still valid and they still work with clients. One query."""
    feed = CalendarFeed.objects.filter(token_hash=token_hash).select_related("user").first()
    if feed is None or not works_with_clients(feed.user):
        return None
    return feed.user


def has_calendar(*, user: User) -> bool:
    return CalendarFeed.objects.filter(user=user).exists()


@dataclass
class CalendarItems:
    tasks: list[Task]
    reviews: list[Plan]
    follow_ups: list[Client]
    group_sessions: list[Contact]


def _own_clients(user: User) -> models.QuerySet[Client]:
    return Client.objects.for_user(user).filter(Q(social_worker__user=user) | Q(mentor__user=user))


def calendar_items(*, user: User, today: datetime.date) -> CalendarItems:
    """What the user's calendar shows, from `CALENDAR_PAST_DAYS` ago on. Five queries whatever the rows.

    Tasks: the user's open tasks with a due date ("my tasks"). Reviews (for those who review plans): the review
    dates of the active plans of their own clients (or families), or of the plans they are responsible for.
    Follow-ups: their clients' follow-up dates after a case closing. Group sessions: the group contacts they ran.
    """
    since = today - datetime.timedelta(days=CALENDAR_PAST_DAYS)
    provider_id = user.provider_id or 0  # set for everyone who works with clients (`feed_user`)
    limit = CALENDAR_EVENTS_PER_KIND
    tasks = plans_selectors.my_tasks(user=user).filter(due_date__gte=since).select_related("goal")
    own = _own_clients(user)
    plans = Plan.objects.for_user(user).filter(status=PlanStatus.ACTIVE, review_date__gte=since)
    plans = plans.filter(
        Q(Exists(own.filter(pk=OuterRef("client_id"))))
        | Q(Exists(own.filter(family_id=OuterRef("family_id"))))
        | Q(social_worker__user=user)
    )
    follow_ups = own.filter(service_end__isnull=False, follow_up_date__gte=since)
    sessions = Contact.objects.filter(
        staff__user=user, staff__provider_id=provider_id, form=ContactForm.GROUP, date__gte=since
    )
    # Reviews are for those who review plans (`can_review_plans`): a mentor reads the review on the plan page.
    reviews = plans.select_related("client", "family").order_by("review_date", "id")[:limit]
    return CalendarItems(
        tasks=list(tasks[:limit]),
        reviews=list(reviews) if can_review_plans(user) else [],
        follow_ups=list(follow_ups.order_by("follow_up_date", "id")[:limit]),
        group_sessions=list(sessions.select_related("group_session").order_by("date", "id")[:limit]),
    )

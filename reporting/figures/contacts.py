"""The report's contacts: by form with their hours, by topic, and the staff who delivered them."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    QuerySet,
    Sum,
)

from clients.models import Provider, Staff
from plans.models import Contact, ContactTopic

from ..models import ContactsMonth, StaffMonth, TopicsMonth
from ..periods import Period
from .query import _counts, _in_report, _rolled


def _contacts(
    period: Period, provider: Provider | None
) -> tuple[list[dict[str, Any]], dict[str, int], dict[str, int], int]:
    """The contacts by form (count, minutes) and by topic, the staff who delivered them by role, and the contacts
    with an interpreter: the month rollups for the whole months, the contacts themselves for the days around them
    (the rollups keep no interpreter: those are counted over the contacts of the period, one query)."""
    forms: dict[str, dict[str, int]] = {}
    topics: dict[str, int] = {}
    staff_ids: list[QuerySet[Any]] = []

    def add_forms(rows: Any) -> None:
        for row in rows:
            total = forms.setdefault(row["form"], {"n": 0, "minutes": 0})
            total["n"] += row["n"]
            total["minutes"] += row["minutes"] or 0

    def add_topics(rows: Any) -> None:
        for topic, n in rows:
            topics[topic] = topics.get(topic, 0) + n

    if (whole := period.whole_months) is not None:
        add_forms(
            _rolled(ContactsMonth, whole, provider).values("form").annotate(n=Sum("contacts"), minutes=Sum("minutes"))
        )
        add_topics(
            _rolled(TopicsMonth, whole, provider).values("topic").annotate(n=Sum("contacts")).values_list("topic", "n")
        )
        staff_ids.append(_rolled(StaffMonth, whole, provider).values("staff_id"))
    for edge in period.edges:
        contacts = Contact.objects.filter(_in_report("", edge.start, edge.end, provider)).order_by()
        add_forms(contacts.values("form").annotate(n=Count("pk"), minutes=Sum("duration_minutes")))
        add_topics(
            ContactTopic.objects.filter(_in_report("contact__", edge.start, edge.end, provider))
            .values("topic")
            .annotate(n=Count("pk"))  # a topic is on a contact once (contact_topic_once)
            .order_by()
            .values_list("topic", "n")
        )
        staff_ids.append(contacts.values("staff_id"))
    # The staff who delivered a contact: a semi-join (thousands of staff), not a distinct count over the contacts.
    first, *rest = staff_ids
    delivered = Staff.objects.filter(pk__in=first.union(*rest) if rest else first).order_by()
    staff = _counts(delivered.values("role").annotate(n=Count("pk")), "role")
    # Index: contact_provider_date_idx / contact_date_idx.
    interpreter = Contact.objects.filter(_in_report("", period.start, period.end, provider), interpreter=True).count()
    forms_rows = [{"form": form, **total} for form, total in forms.items()]
    return forms_rows, dict(sorted(topics.items())), staff, interpreter

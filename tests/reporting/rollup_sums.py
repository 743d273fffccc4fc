"""The month rollups as stored, and as the records add up to when counted in Python (tests only)."""

from collections import Counter

from clients.models import Client
from plans.models import Contact
from reporting.models import (
    ALL_PROVIDERS,
    ContactsMonth,
    FamiliesMonth,
    PersonsMonth,
    StaffMonth,
    TopicsMonth,
)


def _stored(model, key: str, *sums: str) -> Counter:
    """A rollup table as {(provider, month, key): sum}, or a tuple of sums when there are several."""
    rows = model.objects.values_list("provider_id", "month", key, *sums)
    return Counter({(p, m, k): values[0] if len(values) == 1 else tuple(values) for p, m, k, *values in rows})


def rollups() -> dict[str, Counter]:
    """What the rollup tables hold."""
    return {
        "persons": _stored(PersonsMonth, "client_id", "refs"),
        "families": _stored(FamiliesMonth, "family_id", "contacts"),
        "forms": _stored(ContactsMonth, "form", "contacts", "minutes"),
        "staff": _stored(StaffMonth, "staff_id", "contacts"),
        "topics": _stored(TopicsMonth, "topic", "contacts"),
    }


def family_members() -> dict[int, list[int]]:
    """Each family's members, by family id."""
    members: dict[int, list[int]] = {}
    for pk, family_id in Client.objects.filter(family__isnull=False).values_list("pk", "family_id"):
        members.setdefault(family_id, []).append(pk)
    return members


def added_up() -> dict[str, Counter]:
    """What the contacts add up to now, counted here in Python from the records themselves."""
    members = family_members()
    persons, families, staff, topics = Counter(), Counter(), Counter(), Counter()
    forms: dict = {}
    for contact in Contact.objects.prefetch_related("clients", "topics"):
        p, m = contact.provider_id, contact.date.replace(day=1)
        n, minutes = forms.get((p, m, contact.form), (0, 0))
        forms[(p, m, contact.form)] = (n + 1, minutes + (contact.duration_minutes or 0))
        staff[(p, m, contact.staff_id)] += 1
        served = [client.pk for client in contact.clients.all()]
        if contact.family_id:
            families[(p, m, contact.family_id)] += 1
            served += members.get(contact.family_id, [])
        for client in served:
            persons[(p, m, client)] += 1
            persons[(ALL_PROVIDERS, m, client)] += 1
        for topic in contact.topics.all():
            topics[(p, m, topic.topic)] += 1
    return {
        "persons": persons,
        "families": families,
        "forms": Counter(forms),
        "staff": staff,
        "topics": topics,
    }

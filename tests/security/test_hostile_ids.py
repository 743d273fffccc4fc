"""Every URL, as every role of a provider, with another provider's ids in the query and the form body
(issue 15): nothing of the other provider changes, and nothing of it is shown.

The URL's own id is walked by test_url_policy.py; here the record in the URL is the user's own, and
every other id a form or filter could take (client, family, members, staff, plan, goal, task, the
record to merge, the user to reset) names the other provider's.
"""

from __future__ import annotations

import json

import pytest
from django.core import serializers
from django.urls import reverse

from clients.models import Client, Family, Staff
from plans.models import Contact, ContactClient, Goal, Plan, Task
from reporting.models import ReportJob
from tests.factories import ContactFactory
from tests.security.test_url_policy import ADMIN, ALL_NAMES, POLICY, reverse_for, url_patterns

# The roles that belong to a provider; a coordinator reads every provider's reports by right.
PROVIDER_ROLES = ("social_worker", "mentor", "manager")
CANARIES = ("Zqforeignfirst", "Zqforeignlast", "Zqforeignfamily", "Zqforeignnote", "Zqforeignstaff")
# Views that sign out, switch language or sign in: nothing of a record in them.
SKIPPED = {"accounts:logout", "set_language", "accounts:login", "healthz"}


def _foreign(records) -> dict:
    foreign = records["F"]
    client, family = foreign["client"], foreign["family"]
    client.first_name, client.last_name = CANARIES[0], CANARIES[1]
    client.save()
    family.name = CANARIES[2]
    family.save()
    staff = client.mentor
    staff.first_name = CANARIES[4]
    staff.save()
    contact = ContactFactory(staff=staff, family=family, note=CANARIES[3])
    contact.clients.set([client])
    return {**foreign, "staff": staff, "contact": contact}


def _hostile(foreign: dict) -> dict[str, str]:
    """Every id-bearing field name of the project's forms and filters, naming the other provider's record."""
    client, family, staff = foreign["client"], foreign["family"], foreign["staff"]
    return {
        "client": str(client.pk),
        "clients": str(client.pk),
        "members": str(client.pk),
        "other": str(client.pk),
        "family": str(family.pk),
        "family_ref": family.family_ref,
        "client_ref": client.client_ref,
        "social_worker": str(staff.pk),
        "mentor": str(staff.pk),
        "responsible": str(staff.pk),
        "staff": str(staff.pk),
        "provider": str(staff.provider_id),
        "plan": str(foreign["plan"].pk),
        "goal": str(foreign["goal"].pk),
        "task": str(foreign["task"].pk),
        "object_id": str(client.pk),
        "user": str(foreign["task"].pk),
        "confirm": "on",
        "confirm_new_person": "on",
        "first_name": "Hostile",
        "last_name": "Body",
        "date": "2026-03-02",
        "form": "in_person",
        "kind": "month",
        "month": "2026-03",
        "language": "lv",
        "title": "Hostile",
        "start_date": "2026-03-01",
    }


def _snapshot(provider_id: int, client_ids: list[int], family_ids: list[int]) -> str:
    """Every row of the other provider, and every row anyone links to its clients and families."""
    rows = [
        *Client.objects.filter(provider_id=provider_id),
        *Client.objects.filter(family_id__in=family_ids),
        *Family.objects.filter(provider_id=provider_id),
        *Staff.objects.filter(provider_id=provider_id),
        *Plan.objects.filter(client_id__in=client_ids),
        *Plan.objects.filter(family_id__in=family_ids),
        *Goal.objects.filter(plan__client_id__in=client_ids),
        *Task.objects.filter(goal__plan__client_id__in=client_ids),
        *Contact.objects.filter(provider_id=provider_id),
        *Contact.objects.filter(family_id__in=family_ids),
        *ContactClient.objects.filter(client_id__in=client_ids),
        *ReportJob.objects.filter(provider_id=provider_id),
    ]
    return json.dumps(json.loads(serializers.serialize("json", rows)), sort_keys=True)


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if not n.startswith(ADMIN) and n not in SKIPPED])
def test_another_providers_ids_in_the_query_and_the_body_change_and_show_nothing(client, world, name):
    users, records = world
    foreign = _foreign(records)
    rule = POLICY[name]
    pattern = dict(url_patterns())[name]
    provider_id = foreign["client"].provider_id
    before = _snapshot(provider_id, [foreign["client"].pk], [foreign["family"].pk])
    body = _hostile(foreign)
    leaks = []
    for role in PROVIDER_ROLES:
        allowed = rule.allowed.get(role, "")
        if not ("A" in allowed or "X" in allowed):
            continue
        client.logout()
        client.force_login(users[role])
        record = records["A"].get(rule.kind)
        url = reverse_for(name, pattern, record) if record else reverse(name)
        responses = [client.get(url + (rule.query or "?"), body)]
        if "POST" in rule.methods:
            query = rule.query
            responses.append(client.post(url + query, body))
        for response in responses:
            assert response.status_code < 500, (role, name, response.status_code)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            text = content.decode(errors="replace")
            leaks += [(role, name, canary) for canary in CANARIES if canary in text]
    assert leaks == []
    assert _snapshot(provider_id, [foreign["client"].pk], [foreign["family"].pk]) == before

"""Every write to an audited record is in the audit, in the same transaction, with the user and the request id:
save(), QuerySet.update(), bulk_create(), bulk_update(), delete(); an import is one entry for the whole."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from audit.context import Actor, reset_actor, set_actor
from audit.models import Action, AuditEntry
from clients.models import Client, LegalStatusEntry
from exchange.services import dataset_import
from tests.exchange.exchange_helpers import small_folder
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(social_worker):
    token = set_actor(Actor(social_worker.pk, "sw", social_worker.provider_id, "10.0.0.7", "req-42"))
    yield social_worker
    reset_actor(token)


def _entries(model, pk, action):
    return AuditEntry.objects.filter(object_type=model._meta.label_lower, object_id=str(pk), action=action)


def test_a_save_is_audited_with_the_user_and_the_request(actor, assigned_client):
    assigned_client.first_name = "Aminata"
    assigned_client.save()

    entry = _entries(Client, assigned_client.pk, Action.UPDATE).get()
    assert entry.changes["after"] == {"first_name": "Aminata"}
    assert (entry.actor_id, entry.request_id, entry.ip) == (actor.pk, "req-42", "10.0.0.7")


def test_a_queryset_update_is_audited_row_by_row_with_before_and_after(actor, provider):
    first, second = ClientFactory.create_batch(2, provider=provider, country="SY")
    AuditEntry.objects.all().count()  # nothing to clear: entries are append-only

    Client.objects.filter(pk__in=[first.pk, second.pk]).update(country="AF")

    for client in (first, second):
        entry = _entries(Client, client.pk, Action.UPDATE).latest("id")
        assert entry.changes == {"before": {"country": "SY"}, "after": {"country": "AF"}}
        assert (entry.actor_id, entry.request_id) == (actor.pk, "req-42")


def test_a_user_account_changed_by_a_queryset_update_is_audited_and_its_password_never_is(actor, mentor):
    User.objects.filter(pk=mentor.pk).update(first_name="Marta", password="pbkdf2_sha256$new-hash")

    entry = _entries(User, mentor.pk, Action.UPDATE).latest("id")
    assert entry.changes["after"] == {"first_name": "Marta"}
    assert "password" not in str(entry.changes)
    assert (entry.actor_id, entry.request_id) == (actor.pk, "req-42")


def test_user_accounts_made_by_bulk_create_are_audited(actor, provider):
    [made] = User.objects.bulk_create([User(username="new-mentor", role="mentor", provider=provider)])

    assert _entries(User, made.pk, Action.CREATE).exists()


def test_an_update_that_changes_nothing_writes_no_entry(actor, assigned_client):
    before = AuditEntry.objects.count()
    Client.objects.filter(pk=assigned_client.pk).update(first_name=assigned_client.first_name)
    assert AuditEntry.objects.count() == before


def test_bulk_create_and_bulk_update_are_audited(actor, assigned_client):
    made = LegalStatusEntry.objects.bulk_create(
        [LegalStatusEntry(client=assigned_client, legal_status="asylum_seeker", since=datetime.date(2026, 1, 5))]
    )[0]
    created = _entries(LegalStatusEntry, made.pk, Action.CREATE).get()
    assert created.changes["after"]["legal_status"] == "asylum_seeker"

    made.legal_status = "refugee"
    LegalStatusEntry.objects.bulk_update([made], ["legal_status"])
    updated = _entries(LegalStatusEntry, made.pk, Action.UPDATE).get()
    assert updated.changes == {"before": {"legal_status": "asylum_seeker"}, "after": {"legal_status": "refugee"}}


def test_a_queryset_delete_is_audited_for_each_row(actor, provider):
    doomed = ClientFactory.create_batch(2, provider=provider)
    Client.objects.filter(pk__in=[c.pk for c in doomed]).delete()
    for client in doomed:
        assert _entries(Client, client.pk, Action.DELETE).exists()


def test_an_update_and_its_entries_roll_back_together(actor, assigned_client):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        Client.objects.filter(pk=assigned_client.pk).update(country="AF")
        raise RuntimeError
    assert AuditEntry.objects.count() == before


def test_an_import_is_one_entry_not_one_a_row(tmp_path):
    before = AuditEntry.objects.count()
    result = dataset_import(path=small_folder(tmp_path))
    assert result.ok
    assert list(AuditEntry.objects.order_by("id")[before:].values_list("action", flat=True)) == [Action.IMPORT]


def test_a_write_in_the_browser_carries_the_request_id(client, social_worker, assigned_client):
    client.force_login(social_worker)
    response = client.post(
        reverse("clients:residence_change", args=[assigned_client.pk]),
        {"municipality": "Ogre", "since": "2026-02-01"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_type="clients.residenceentry", action=Action.CREATE).latest("id")
    assert entry.request_id and entry.actor_id == social_worker.pk

"""The audit log: what is recorded, that it cannot be changed, and who may browse it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import Action, AuditEntry
from clients.models import Client

pytestmark = pytest.mark.django_db


REFUSED = "Cannot update or delete rows"  # django-pgtrigger's Protect


def test_a_sign_in_is_recorded_with_the_address_and_a_request_id(client, social_worker):
    client.post(reverse("accounts:login"), {"username": "sw", "password": "correct-horse-battery"})
    entry = AuditEntry.objects.get(action=Action.SIGN_IN)
    assert entry.actor_id == social_worker.pk
    assert entry.provider_id == social_worker.provider_id
    assert entry.ip == "127.0.0.1"
    assert len(entry.request_id) == 32


def test_a_failed_sign_in_is_recorded_for_known_and_unknown_names(client, social_worker):
    client.post(reverse("accounts:login"), {"username": "sw", "password": "wrong-password-x"})
    client.post(reverse("accounts:login"), {"username": "ghost", "password": "wrong-password-x"})
    failed = AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED)
    assert sorted(failed.values_list("actor_username", flat=True)) == ["ghost", "sw"]
    assert failed.get(actor_username="sw").actor_id == social_worker.pk


def test_a_change_keeps_the_values_before_and_after(assigned_client):
    assigned_client.first_name = "Amira"
    assigned_client.save()
    entry = AuditEntry.objects.filter(action=Action.UPDATE, object_type="clients.client").get()
    assert entry.object_id == str(assigned_client.pk)
    assert entry.changes == {"before": {"first_name": "Amina"}, "after": {"first_name": "Amira"}}


def test_a_change_and_its_entry_roll_back_together(assigned_client):
    with pytest.raises(RuntimeError), transaction.atomic():
        assigned_client.first_name = "Zara"
        assigned_client.save()
        raise RuntimeError("the action fails")
    assert not AuditEntry.objects.filter(action=Action.UPDATE).exists()
    assert Client.objects.get(pk=assigned_client.pk).first_name == "Amina"


def test_the_database_refuses_to_change_an_entry(assigned_client):
    entry = AuditEntry.objects.filter(object_type="clients.client").first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(detail="rewritten")


def test_the_database_refuses_to_change_an_entry_in_raw_sql(assigned_client):
    entry = AuditEntry.objects.filter(object_type="clients.client").first()
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET detail = 'rewritten' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.detail != "rewritten"


def test_the_database_refuses_to_remove_an_entry(assigned_client):
    entry = AuditEntry.objects.filter(object_type="clients.client").first()
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_to_remove_an_entry_in_raw_sql(assigned_client):
    entry = AuditEntry.objects.filter(object_type="clients.client").first()
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_manager_browses_only_their_providers_entries(client, manager, social_worker, outsider):
    client.force_login(social_worker)
    client.force_login(outsider)
    client.force_login(manager)
    AuditEntry.objects.create(action=Action.VIEW, actor_username="sw", provider_id=manager.provider_id)
    AuditEntry.objects.create(action=Action.VIEW, actor_username="outsider", provider_id=outsider.provider_id)
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    shown = {entry.actor_username for entry in response.context["page"]}
    assert "sw" in shown
    assert "outsider" not in shown


def test_the_audit_page_filters_by_action(client, manager):
    client.force_login(manager)
    AuditEntry.objects.create(action=Action.EXPORT, actor_username="m", provider_id=manager.provider_id)
    AuditEntry.objects.create(action=Action.VIEW, actor_username="m", provider_id=manager.provider_id)
    response = client.get(reverse("audit:list"), {"action": "export"})
    assert [entry.action for entry in response.context["page"]] == ["export"]


@pytest.mark.parametrize("role", ["social_worker", "mentor", "coordinator", "outsider"])
def test_only_managers_reach_the_audit_page(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("audit:list")).status_code == 404


def test_the_audit_page_takes_no_post(client, manager):
    client.force_login(manager)
    assert client.post(reverse("audit:list")).status_code == 405


def test_a_denied_page_is_recorded(client, mentor):
    client.force_login(mentor)
    client.get(reverse("audit:list"))
    assert AuditEntry.objects.filter(action=Action.DENIED, actor_id=mentor.pk, detail="audit:list").exists()

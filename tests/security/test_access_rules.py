"""Access rules that the URL walker does not show: changes take effect at once, errors deny,
reads and downloads are audited, and no template marks user text as safe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from audit.models import Action, AuditEntry
from clients.models import Client
from tests.security.test_url_policy import url_patterns

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_unassigning_a_mentor_takes_effect_on_their_next_request(client, mentor, assigned_client):
    client.force_login(mentor)
    url = reverse("clients:detail", args=[assigned_client.pk])
    assert client.get(url).status_code == 200
    Client.objects.filter(pk=assigned_client.pk).update(mentor=None)
    assert client.get(url).status_code == 404


def test_a_deactivated_account_is_signed_out_on_its_next_request(client, social_worker, assigned_client):
    client.force_login(social_worker)
    assert client.get(reverse("clients:list")).status_code == 200
    social_worker.is_active = False
    social_worker.save(update_fields=["is_active"])
    response = client.get(reverse("clients:detail", args=[assigned_client.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_error_inside_a_permission_check_denies_and_shows_nothing(
    client, social_worker, assigned_client, monkeypatch
):
    def broken(self, user):
        raise RuntimeError("permission check failed")

    monkeypatch.setattr(type(Client.objects.all()), "for_user", broken)
    client.raise_request_exception = False
    client.force_login(social_worker)
    response = client.get(reverse("clients:detail", args=[assigned_client.pk]))
    assert response.status_code >= 400
    assert assigned_client.last_name not in response.content.decode()


def test_reading_a_client_record_is_audited(client, social_worker, assigned_client):
    client.force_login(social_worker)
    client.get(reverse("clients:detail", args=[assigned_client.pk]))
    entry = AuditEntry.objects.get(action=Action.VIEW, object_type="clients.client")
    assert entry.object_id == str(assigned_client.pk)
    assert entry.actor_id == social_worker.pk
    assert entry.request_id


def test_a_refused_read_is_audited_as_a_denial_not_a_view(client, outsider, assigned_client):
    client.force_login(outsider)
    assert client.get(reverse("clients:detail", args=[assigned_client.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action=Action.VIEW).exists()
    assert AuditEntry.objects.filter(action=Action.DENIED, actor_id=outsider.pk).exists()


def test_an_export_is_audited(client, manager):
    client.force_login(manager)
    assert client.get(reverse("exchange:export")).status_code == 200
    assert AuditEntry.objects.filter(action=Action.EXPORT, actor_id=manager.pk).exists()


def test_no_template_or_module_marks_text_as_safe():
    offenders = []
    for folder in ("templates", "accounts", "clients", "plans", "reporting", "audit", "caseapp"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".html", ".py") and "migrations" not in path.parts:
                text = path.read_text(encoding="utf-8")
                if re.search(r"\|\s*safe\b|mark_safe\(|{%\s*autoescape\s+off", text):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_url_pattern_carries_a_name_or_a_birth_date():
    for name, pattern in url_patterns():
        for keyword in pattern.pattern.regex.groupindex:
            assert keyword in (
                "pk",
                "client_pk",
                "family_pk",
                "goal_pk",
                "job_id",
                "app_label",
                "object_id",
                "content_type_id",
                "url",
                "id",
                # A calendar address's random key (reminders), kept hashed: no person in it.
                "token",
            ), (name, keyword)


def test_no_form_takes_every_field_of_a_model():
    offenders = []
    for folder in ("accounts", "clients", "plans", "reporting", "audit"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts and re.search(r"fields\s*=\s*['\"]__all__['\"]", path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_extra_posted_fields_change_nothing(client, social_worker, assigned_client, other_provider):
    client.force_login(social_worker)
    url = reverse("clients:edit", args=[assigned_client.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(provider=other_provider.pk, client_ref=assigned_client.client_ref, anonymised_at="2020-01-01")
    client.post(url, {**{k: v for k, v in data.items() if k in form.fields}, "provider": other_provider.pk})
    assigned_client.refresh_from_db()
    assert assigned_client.provider_id == social_worker.provider_id
    assert assigned_client.anonymised_at is None

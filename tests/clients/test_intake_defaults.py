"""A new client: assigned to the social worker taking them in, with a generated reference only a manager changes."""

import pytest
from django.urls import reverse

from clients import selectors, services
from clients.models import Client
from tests.factories import ClientFactory, ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _intake(**overrides):
    data = {
        "first_name": "Leyla",
        "last_name": "Mammadova",
        "gender": "F",
        "birth_date": "1995-02-14",
        "country": "AZ",
        "service_start": "2026-02-01",
    }
    data.update(overrides)
    return data


def test_the_next_reference_follows_the_providers_pattern(provider):
    ClientFactory(provider=provider, client_ref="LSK-0007")
    ClientFactory(provider=provider, client_ref="LSK-0041")
    ClientFactory(provider=provider, client_ref="LSK-0012")
    assert selectors.client_ref_suggestion(provider=provider) == "LSK-0042"


def test_a_provider_without_clients_starts_at_its_code_and_one(provider):
    assert selectors.client_ref_suggestion(provider=provider) == "LSK-0001"


def test_another_providers_references_do_not_count(provider):
    ClientFactory(provider=ProviderFactory(code="CAR"), client_ref="LSK-0900")
    ClientFactory(provider=provider, client_ref="LSK-0003")
    assert selectors.client_ref_suggestion(provider=provider) == "LSK-0004"


def test_the_intake_form_assigns_the_social_worker_taking_the_client_in(client, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("clients:create"))
    form = response.context["form"]
    assert form["social_worker"].value() == social_worker.staff.pk
    assert f'<option value="{social_worker.staff.pk}" selected>' in response.content.decode()


def test_a_manager_without_a_staff_record_chooses_the_social_worker(client, manager):
    client.force_login(manager)
    assert client.get(reverse("clients:create")).context["form"]["social_worker"].value() is None


def test_a_social_worker_sees_the_generated_reference_read_only(client, social_worker, provider):
    ClientFactory(provider=provider, client_ref="LSK-0041")
    client.force_login(social_worker)
    response = client.get(reverse("clients:create"))
    field = response.context["form"]["client_ref"]
    assert field.value() == "LSK-0042"
    assert field.field.disabled
    assert "Given by the system; only a manager changes it." in response.content.decode()


def test_a_social_workers_new_client_gets_the_next_reference_whatever_is_sent(client, social_worker, provider):
    ClientFactory(provider=provider, client_ref="LSK-0041")
    client.force_login(social_worker)
    response = client.post(
        reverse("clients:create"), _intake(client_ref="MINE-1", social_worker=social_worker.staff.pk)
    )
    assert response.status_code == 302
    made = Client.objects.get(first_name="Leyla")
    assert made.client_ref == "LSK-0042"
    assert made.social_worker == social_worker.staff


def test_a_manager_sets_the_reference(client, manager, provider):
    client.force_login(manager)
    response = client.get(reverse("clients:create"))
    assert not response.context["form"]["client_ref"].field.disabled
    assert client.post(reverse("clients:create"), _intake(client_ref="LSK-9000")).status_code == 302
    assert Client.objects.get(first_name="Leyla").client_ref == "LSK-9000"


def test_a_manager_leaving_the_reference_empty_gets_the_next_one(manager, provider):
    made = services.client_create(by=manager, provider=provider, data={**_intake(), "client_ref": ""})
    assert made.client_ref == "LSK-0001"


def test_a_social_worker_cannot_change_a_reference(client, social_worker, assigned_client):
    before = assigned_client.client_ref
    client.force_login(social_worker)
    url = reverse("clients:edit", args=[assigned_client.pk])
    assert client.get(url).context["form"]["client_ref"].field.disabled
    data = _intake(client_ref="CHANGED-1", first_name=assigned_client.first_name)
    assert client.post(url, data).status_code == 302
    assigned_client.refresh_from_db()
    assert assigned_client.client_ref == before
    # Nor through the service.
    services.client_update(client=assigned_client, by=social_worker, data={"client_ref": "CHANGED-2"})
    assigned_client.refresh_from_db()
    assert assigned_client.client_ref == before


def test_a_manager_changes_a_reference(client, manager, assigned_client):
    client.force_login(manager)
    url = reverse("clients:edit", args=[assigned_client.pk])
    assert client.post(url, _intake(client_ref="LSK-7777")).status_code == 302
    assigned_client.refresh_from_db()
    assert assigned_client.client_ref == "LSK-7777"


def test_two_intakes_at_once_get_two_references(social_worker, provider, monkeypatch):
    """The other intake saves the same next reference between this one's check and its save."""
    ClientFactory(provider=provider, client_ref="LSK-0041")
    real_check = services._clean_unique_ref
    calls = []

    def check_then_another_intake(obj, field):
        real_check(obj, field)
        if not calls:
            calls.append(obj.client_ref)
            ClientFactory(provider=provider, client_ref=obj.client_ref)

    monkeypatch.setattr(services, "_clean_unique_ref", check_then_another_intake)
    made = services.client_create(by=social_worker, provider=provider, data=_intake())
    assert calls == ["LSK-0042"]
    assert made.client_ref == "LSK-0043"


def test_the_pattern_is_that_of_the_latest_record(provider):
    ClientFactory(provider=provider, client_ref="OLD/17")
    ClientFactory(provider=provider, client_ref="2026-LSK-009")
    ClientFactory(provider=provider, client_ref="2026-LSK-010")
    ClientFactory(provider=provider, client_ref="2026-LSK-1")  # the same prefix, another width
    assert selectors.client_ref_suggestion(provider=provider) == "2026-LSK-11"


def test_a_reference_without_a_number_starts_the_providers_own_pattern(provider):
    ClientFactory(provider=provider, client_ref="ANNA")
    assert selectors.client_ref_suggestion(provider=provider) == "LSK-0001"

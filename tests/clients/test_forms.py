"""The client forms' validation and the choices they offer."""

import datetime

import pytest
from django.utils import timezone

from clients.forms import ClientForm, FamilyForm, IntakeForm, LegalStatusChangeForm, ResidenceChangeForm

from ..factories import ClientFactory, FamilyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _data(**overrides):
    data = {
        "client_ref": "LSK-0700",
        "first_name": "Leyla",
        "last_name": "Mammadova",
        "gender": "F",
        "birth_date": "1995-02-14",
        "country": "AZ",
        "service_start": "2026-02-01",
    }
    data.update(overrides)
    return data


def test_a_complete_intake_is_valid(social_worker):
    form = IntakeForm(_data(), user=social_worker)
    assert form.is_valid(), form.errors


def test_a_birth_date_in_the_future_is_refused(social_worker):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = IntakeForm(_data(birth_date=tomorrow.isoformat()), user=social_worker)
    assert not form.is_valid()
    assert form.errors["birth_date"] == ["The birth date cannot be in the future."]


def test_an_unknown_country_is_refused(social_worker):
    form = IntakeForm(_data(country="XX"), user=social_worker)
    assert not form.is_valid()
    assert "Unknown country" in form.errors["country"][0]


def test_a_duplicate_reference_is_refused_beside_the_field(manager, provider):
    ClientFactory(provider=provider, client_ref="LSK-0700")
    form = IntakeForm(_data(), user=manager)
    assert not form.is_valid()
    assert form.errors["client_ref"] == [
        "Your provider already has a client with the reference LSK-0700. Choose another reference."
    ]


def test_a_reference_differing_only_in_case_is_a_duplicate(manager, provider):
    ClientFactory(provider=provider, client_ref="LSK-0700")
    form = IntakeForm(_data(client_ref="lsk-0700"), user=manager)
    assert "client_ref" in form.errors


def test_editing_a_record_keeps_its_own_reference(social_worker, assigned_client):
    form = ClientForm(_data(client_ref=assigned_client.client_ref), instance=assigned_client, user=social_worker)
    assert form.is_valid(), form.errors


def test_the_forms_do_not_set_the_service_end_closing_the_case_does(social_worker, assigned_client):
    form = ClientForm(
        _data(client_ref=assigned_client.client_ref, service_end="2026-03-01"),
        instance=assigned_client,
        user=social_worker,
    )
    assert "service_end" not in form.fields
    assert "service_end" not in IntakeForm(user=social_worker).fields
    assert form.is_valid(), form.errors
    assert "service_end" not in form.cleaned_data


def test_a_closed_cases_start_cannot_move_after_its_closing(social_worker, assigned_client):
    assigned_client.service_end = datetime.date(2026, 3, 1)
    form = ClientForm(
        _data(client_ref=assigned_client.client_ref, service_start="2026-03-02"),
        instance=assigned_client,
        user=social_worker,
    )
    assert not form.is_valid()
    assert form.errors["service_start"] == ["The service cannot start after the case was closed."]


def test_the_staff_choices_are_the_providers_in_their_role(social_worker, mentor, outsider):
    form = ClientForm(user=social_worker)
    assert list(form.fields["social_worker"].queryset) == [social_worker.staff]
    assert list(form.fields["mentor"].queryset) == [mentor.staff]


def test_the_family_choices_are_the_families_the_user_sees(social_worker, assigned_client, foreign_client):
    own = FamilyFactory(provider=assigned_client.provider)
    foreign = FamilyFactory(provider=foreign_client.provider)
    ClientFactory(provider=assigned_client.provider, family=own)
    ClientFactory(provider=foreign_client.provider, family=foreign)
    form = ClientForm(user=social_worker)
    assert list(form.fields["family"].queryset) == [own]


def test_a_family_of_another_provider_cannot_be_chosen(social_worker, foreign_client):
    foreign = FamilyFactory(provider=foreign_client.provider)
    foreign_client.family = foreign
    foreign_client.save()
    form = ClientForm(_data(family=foreign.pk), user=social_worker)
    assert "family" in form.errors


def test_a_legal_status_change_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = LegalStatusChangeForm({"legal_status": "refugee", "since": tomorrow.isoformat()})
    assert "since" in form.errors


def test_a_residence_is_the_reception_centre_or_a_municipality():
    assert ResidenceChangeForm({"in_reception_centre": "on", "since": "2026-01-01"}).is_valid()
    assert ResidenceChangeForm({"municipality": "Rīga", "since": "2026-01-01"}).is_valid()
    assert not ResidenceChangeForm({"since": "2026-01-01"}).is_valid()
    both = ResidenceChangeForm({"in_reception_centre": "on", "municipality": "Rīga", "since": "2026-01-01"})
    assert not both.is_valid()


def test_a_family_is_formed_only_of_visible_clients_without_a_family(social_worker, assigned_client, foreign_client):
    form = FamilyForm(user=social_worker)
    assert list(form.fields["members"].queryset) == [assigned_client]

"""The services that write client records: intake, edits, histories, families, hand-over, merge."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clients import selectors, services
from clients.models import Client, Family, LegalStatusEntry, ProviderHandover, ResidenceEntry, Staff
from plans.demo_records import build_demo_records
from plans.models import Contact

from ..factories import ClientFactory, ContactFactory, FamilyFactory, LegalStatusEntryFactory, ResidenceEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _data(**overrides):
    data = {
        "client_ref": "LSK-0900",
        "first_name": "Ērika",
        "last_name": "Petrova",
        "gender": "F",
        "birth_date": datetime.date(1979, 9, 3),
        "country": "RU",
        "service_start": datetime.date(2026, 2, 2),
    }
    data.update(overrides)
    return data


def test_client_create_opens_a_record_of_the_users_provider_with_its_first_histories(social_worker, provider):
    client = services.client_create(
        by=social_worker,
        provider=provider,
        data=_data(),
        legal_status="asylum_seeker",
        residence="reception_centre",
    )
    assert client.provider == provider
    assert client.name_key == "irika pitruva"
    entry = client.legal_statuses.get()
    assert (entry.legal_status, entry.since, entry.recorded_by) == (
        "asylum_seeker",
        datetime.date(2026, 2, 2),
        social_worker,
    )
    assert client.residences.get().residence == "reception_centre"


def test_a_mentor_may_not_create_a_client(mentor, provider):
    with pytest.raises(PermissionDenied):
        services.client_create(by=mentor, provider=provider, data=_data())


def test_a_social_worker_may_not_create_a_client_for_another_provider(social_worker, other_provider):
    with pytest.raises(PermissionDenied):
        services.client_create(by=social_worker, provider=other_provider, data=_data())


def test_client_create_refuses_staff_of_another_provider(social_worker, outsider, provider):
    with pytest.raises(ValidationError):
        services.client_create(by=social_worker, provider=provider, data=_data(social_worker=outsider.staff))


def test_client_update_writes_only_what_changed(social_worker, assigned_client):
    updated = services.client_update(client=assigned_client, by=social_worker, data={"last_name": "Haddad"})
    assert updated.last_name == "Haddad"
    assigned_client.refresh_from_db()
    assert assigned_client.last_name == "Haddad"
    assert assigned_client.name_key == "amina hadad"


def test_client_update_keeps_the_provider_even_if_asked(social_worker, assigned_client, other_provider):
    services.client_update(client=assigned_client, by=social_worker, data={"provider": other_provider})
    assigned_client.refresh_from_db()
    assert assigned_client.provider != other_provider


def test_a_legal_status_change_adds_to_the_history(social_worker, assigned_client):
    LegalStatusEntryFactory(client=assigned_client, legal_status="asylum_seeker", since=datetime.date(2026, 1, 10))
    services.legal_status_change(
        client=assigned_client, by=social_worker, legal_status="alternative", since=datetime.date(2026, 4, 1)
    )
    assert list(assigned_client.legal_statuses.order_by("since").values_list("legal_status", flat=True)) == [
        "asylum_seeker",
        "alternative",
    ]


def test_a_residence_change_adds_to_the_history(social_worker, assigned_client):
    ResidenceEntryFactory(client=assigned_client)
    services.residence_change(
        client=assigned_client, by=social_worker, residence=" Ogre ", since=datetime.date(2026, 8, 1)
    )
    assert ResidenceEntry.objects.filter(client=assigned_client).count() == 2
    assert selectors.client_list(user=social_worker).get(pk=assigned_client.pk).current_residence == "Ogre"


def test_family_create_joins_the_members(social_worker, assigned_client, unassigned_client):
    family = services.family_create(by=social_worker, members=[assigned_client, unassigned_client], name="Karimi")
    assert set(family.members.all()) == {assigned_client, unassigned_client}
    assert family.family_ref.startswith("LSK-F")


def test_family_create_needs_a_member(social_worker):
    with pytest.raises(ValidationError):
        services.family_create(by=social_worker, members=[], name="Nobody")


def test_family_add_member_refuses_another_providers_client(social_worker, foreign_client):
    with pytest.raises(PermissionDenied):
        services.family_add_member(
            family=FamilyFactory(provider=foreign_client.provider), client=foreign_client, by=social_worker
        )


def test_handover_moves_the_client_and_keeps_its_history(
    manager, social_worker, outsider, assigned_client, other_provider
):
    LegalStatusEntryFactory(client=assigned_client, legal_status="refugee")
    ResidenceEntryFactory(client=assigned_client, residence="Saldus")
    contact = ContactFactory(staff=social_worker.staff)
    contact.clients.add(assigned_client)

    services.client_handover(
        client=assigned_client, to_provider=other_provider, by=manager, date=datetime.date(2026, 9, 1)
    )

    assigned_client.refresh_from_db()
    assert assigned_client.provider == other_provider
    assert (assigned_client.social_worker, assigned_client.mentor) == (None, None)
    handover = ProviderHandover.objects.get(client=assigned_client)
    assert (handover.from_provider, handover.to_provider, handover.recorded_by) == (
        social_worker.provider,
        other_provider,
        manager,
    )
    assert assigned_client.legal_statuses.count() == 1
    assert assigned_client.residences.count() == 1
    # The contact stays the old provider's, for its reports.
    contact.refresh_from_db()
    assert contact.provider == social_worker.provider
    assert not Client.objects.for_user(social_worker).filter(pk=assigned_client.pk).exists()
    assert Client.objects.for_user(outsider).filter(pk=assigned_client.pk).exists()


def test_only_a_manager_hands_a_client_over(social_worker, assigned_client, other_provider):
    with pytest.raises(PermissionDenied):
        services.client_handover(
            client=assigned_client, to_provider=other_provider, by=social_worker, date=datetime.date(2026, 9, 1)
        )


def test_a_client_is_not_handed_to_its_own_provider(manager, assigned_client):
    with pytest.raises(ValidationError):
        services.client_handover(
            client=assigned_client, to_provider=assigned_client.provider, by=manager, date=datetime.date(2026, 9, 1)
        )


def test_merge_keeps_the_contacts_and_histories_of_both(manager, social_worker, provider):
    keep = ClientFactory(provider=provider, first_name="Muhammad", gender="", birth_date=None)
    remove = ClientFactory(provider=provider, first_name="Mohammed", gender="M", birth_date=datetime.date(1985, 1, 1))
    LegalStatusEntryFactory(client=keep, legal_status="refugee", since=datetime.date(2026, 3, 1))
    LegalStatusEntryFactory(client=remove, legal_status="asylum_seeker", since=datetime.date(2025, 6, 1))
    # The same entry in both records is kept once.
    ResidenceEntryFactory(client=keep, residence="reception_centre", since=datetime.date(2025, 6, 1))
    ResidenceEntryFactory(client=remove, residence="reception_centre", since=datetime.date(2025, 6, 1))
    ResidenceEntryFactory(client=remove, residence="Rīga", since=datetime.date(2026, 4, 1))
    both = ContactFactory(staff=social_worker.staff)
    both.clients.add(keep, remove)
    only_removed = ContactFactory(staff=social_worker.staff)
    only_removed.clients.add(remove)
    only_kept = ContactFactory(staff=social_worker.staff)
    only_kept.clients.add(keep)

    merged = services.client_merge(keep=keep, remove=remove, by=manager)

    assert not Client.objects.filter(pk=remove.pk).exists()
    assert set(merged.contacts.all()) == {both, only_removed, only_kept}
    assert Contact.objects.count() == 3
    assert list(merged.legal_statuses.order_by("since").values_list("legal_status", flat=True)) == [
        "asylum_seeker",
        "refugee",
    ]
    assert list(merged.residences.order_by("since").values_list("residence", flat=True)) == ["reception_centre", "Rīga"]
    merged.refresh_from_db()
    assert (merged.gender, merged.birth_date) == ("M", datetime.date(1985, 1, 1))


def test_merge_moves_the_hand_overs_too(manager, provider, other_provider):
    keep = ClientFactory(provider=provider)
    remove = ClientFactory(provider=provider)
    ProviderHandover.objects.create(
        client=remove, from_provider=other_provider, to_provider=provider, date=datetime.date(2026, 1, 1)
    )
    services.client_merge(keep=keep, remove=remove, by=manager)
    assert keep.handovers.count() == 1


def test_merge_refuses_two_different_statuses_on_one_day_and_changes_nothing(manager, provider):
    keep = ClientFactory(provider=provider)
    remove = ClientFactory(provider=provider)
    LegalStatusEntryFactory(client=keep, legal_status="refugee", since=datetime.date(2026, 3, 1))
    LegalStatusEntryFactory(client=remove, legal_status="alternative", since=datetime.date(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.client_merge(keep=keep, remove=remove, by=manager)
    assert Client.objects.filter(pk=remove.pk).exists()
    assert LegalStatusEntry.objects.filter(client=remove).count() == 1


def test_merge_refuses_records_of_two_providers(manager, assigned_client, foreign_client):
    with pytest.raises(ValidationError):
        services.client_merge(keep=assigned_client, remove=foreign_client, by=manager)


def test_only_a_manager_merges(social_worker, assigned_client, unassigned_client):
    with pytest.raises(PermissionDenied):
        services.client_merge(keep=assigned_client, remove=unassigned_client, by=social_worker)
    assert Client.objects.filter(pk=unassigned_client.pk).exists()


def test_the_client_list_annotates_the_latest_status_and_residence(social_worker, assigned_client):
    LegalStatusEntryFactory(client=assigned_client, legal_status="asylum_seeker", since=datetime.date(2025, 1, 1))
    LegalStatusEntryFactory(client=assigned_client, legal_status="refugee", since=datetime.date(2026, 1, 1))
    ResidenceEntryFactory(client=assigned_client, residence="reception_centre", since=datetime.date(2025, 1, 1))
    ResidenceEntryFactory(client=assigned_client, residence="Jūrmala", since=datetime.date(2026, 2, 1))
    row = selectors.client_list(user=social_worker).get(pk=assigned_client.pk)
    assert (row.current_legal_status, row.current_residence) == ("refugee", "Jūrmala")


def test_the_client_list_is_empty_for_a_coordinator(coordinator, assigned_client):
    assert list(selectors.client_list(user=coordinator)) == []


def test_the_demo_records_are_made_once_and_a_second_run_changes_nothing():
    build_demo_records()
    counts = (Client.objects.count(), Family.objects.count(), Contact.objects.count(), LegalStatusEntry.objects.count())
    build_demo_records()
    assert counts == (
        Client.objects.count(),
        Family.objects.count(),
        Contact.objects.count(),
        LegalStatusEntry.objects.count(),
    )
    demo = Client.objects.filter(provider__code="DEMO")
    assert 75 <= demo.count() <= 85
    assert demo.filter(mentor__staff_ref="DEMO-M1").count() >= 4
    assert demo.filter(social_worker__staff_ref="DEMO-SW1").count() >= 10
    assert Staff.objects.filter(provider__code="DEMO", role="mentor").count() >= 5
    assert demo.values("country").distinct().count() >= 8
    assert ProviderHandover.objects.filter(to_provider__code="DEMO").exists()
    assert Contact.objects.filter(provider__code="DEMO").count() > 500


def test_merge_moves_the_plans_of_the_removed_record(manager, provider):
    plans_models = pytest.importorskip("plans.models")
    if not hasattr(plans_models, "Plan"):
        pytest.skip("the plans app has no plans yet")
    keep = ClientFactory(provider=provider)
    remove = ClientFactory(provider=provider)
    plan = plans_models.Plan.objects.create(client=remove, start_date=datetime.date(2026, 2, 1))
    services.client_merge(keep=keep, remove=remove, by=manager)
    plan.refresh_from_db()
    assert plan.client == keep

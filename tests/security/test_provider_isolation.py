"""Issue 15, findings 2, 3 and 8: a family is one provider's, imports resolve references within the
importer's provider only, and no message tells what another provider holds."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from clients import services
from clients.models import Client, Family, Staff
from exchange.services import dataset_import
from plans.models import Contact, ContactClient
from reporting.figures import figures_for
from tests.exchange.exchange_helpers import client_row, contact_row, small_folder
from tests.factories import ClientFactory, ContactFactory, FamilyFactory, PlanFactory, StaffFactory, UserFactory

D = datetime.date
YEAR = {"start": D(2026, 1, 1), "end": D(2026, 12, 31)}


@pytest.fixture
def foreign_family(other_provider):
    """Another provider's family of two, with a contact and a family plan."""
    family = FamilyFactory(provider=other_provider, family_ref="F1", name="Karimi")
    ClientFactory.create_batch(2, provider=other_provider, family=family, last_name="Karimi")
    staff = StaffFactory(provider=other_provider, staff_ref="S1")
    ContactFactory(staff=staff, family=family, date=D(2026, 3, 2), note="their note")
    PlanFactory(client=None, family=family)
    return family


def _figures(provider) -> dict:
    return dataclasses.asdict(figures_for(provider=provider, **YEAR))


def test_a_managers_import_naming_another_providers_family_makes_a_family_of_their_own(
    tmp_path, provider, foreign_family, other_provider
):
    before = _figures(other_provider)
    folder = small_folder(tmp_path)  # clients C1 and C2 of family "F1", contact K1 naming C1

    result = dataset_import(path=folder, provider_id=provider.pk)

    assert result.errors == []
    assert set(foreign_family.members.values_list("provider_id", flat=True)) == {other_provider.pk}
    assert foreign_family.members.count() == 2
    own = Family.objects.get(provider=provider, family_ref="F1")
    assert set(own.members.values_list("client_ref", flat=True)) == {"C1", "C2"}
    assert _figures(other_provider) == before


def test_a_managers_import_of_contacts_naming_another_providers_family_or_staff_is_refused(
    tmp_path, provider, foreign_family
):
    StaffFactory(provider=foreign_family.provider, staff_ref="S-THEIRS")
    contacts = [
        contact_row("K1", family_ref="F1", client_refs=""),
        contact_row("K2", staff_ref="S-THEIRS"),
    ]
    folder = small_folder(tmp_path, clients=[client_row("C1"), client_row("C2")], contacts=contacts)

    result = dataset_import(path=folder, provider_id=provider.pk)

    assert {(e.file, e.row, e.column) for e in result.errors} == {
        ("contacts", 2, "family_ref"),
        ("contacts", 3, "staff_ref"),
    }
    messages = " ".join(e.message for e in result.errors)
    assert "another provider" not in messages and "Karimi" not in messages
    assert not Contact.objects.filter(provider=provider).exists()


def test_a_managers_import_may_use_references_another_provider_uses(tmp_path, provider, other_provider):
    theirs = StaffFactory(provider=other_provider, staff_ref="S1", first_name="Theirs")
    foreign = ClientFactory(provider=other_provider, client_ref="C1", first_name="Theirs")
    folder = small_folder(tmp_path)

    result = dataset_import(path=folder, provider_id=provider.pk)

    assert result.errors == []
    theirs.refresh_from_db()
    foreign.refresh_from_db()
    assert (theirs.first_name, theirs.provider_id) == ("Theirs", other_provider.pk)
    assert (foreign.first_name, foreign.provider_id) == ("Theirs", other_provider.pk)
    assert Staff.objects.get(provider=provider, staff_ref="S1").first_name == "Rūta"
    assert Client.objects.filter(provider=provider, client_ref="C1").exists()


def test_a_managers_import_may_name_clients_their_provider_served_before_a_hand_over(
    tmp_path, provider, other_provider, manager
):
    folder = small_folder(tmp_path)
    assert dataset_import(path=folder, provider_id=provider.pk).errors == []
    moved = Client.objects.get(provider=provider, client_ref="C1")
    services.client_handover(
        client=moved, to_provider=other_provider, by=manager, date=D(2026, 4, 1), with_family=False
    )

    # Their old folder still lists the contact naming C1.
    again = small_folder(tmp_path, clients=[client_row("C2", family_ref="F1", first_name="Mariam")])
    result = dataset_import(path=again, provider_id=provider.pk)

    assert result.errors == []
    assert list(Contact.objects.get(provider=provider, contact_ref="K1").clients.all()) == [moved]


def test_an_import_of_several_providers_refuses_a_reference_two_providers_use(tmp_path, provider, other_provider):
    StaffFactory(provider=provider, staff_ref="S9")
    StaffFactory(provider=other_provider, staff_ref="S9")
    folder = small_folder(tmp_path, contacts=[contact_row("K1", staff_ref="S9")])

    with translation.override("en"):
        result = dataset_import(path=folder)

    assert [(e.file, e.column) for e in result.errors] == [("contacts", "staff_ref")]
    assert "several providers" in result.errors[0].message


@pytest.fixture
def family_of_three(provider, social_worker):
    family = FamilyFactory(provider=provider, family_ref="LSK-F1", name="Haddad")
    members = [
        ClientFactory(provider=provider, family=family, first_name=name, last_name="Haddad")
        for name in ("Amina", "Yusuf", "Mariam")
    ]
    ContactFactory(staff=social_worker.staff, family=family, date=D(2026, 2, 10), note="family visit")
    ContactFactory(staff=social_worker.staff, date=D(2026, 2, 11), note="own visit").clients.set([members[0]])
    plan = PlanFactory(client=None, family=family)
    return family, members, plan


def test_a_hand_over_takes_the_whole_family_by_default(
    client, manager, outsider, provider, other_provider, family_of_three
):
    family, members, plan = family_of_three
    before = _figures(provider)
    client.force_login(manager)

    response = client.post(
        reverse("clients:handover", args=[members[0].pk]), {"to_provider": other_provider.pk, "date": "2026-04-01"}
    )

    assert response.status_code == 302
    family.refresh_from_db()
    assert family.provider_id == other_provider.pk
    assert set(Client.objects.filter(family=family).values_list("provider_id", flat=True)) == {other_provider.pk}
    assert _figures(provider) == before
    # The old provider reads nothing of the family any more; the new one reads all of it.
    assert client.get(reverse("clients:family_detail", args=[family.pk])).status_code == 404
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 404
    client.force_login(UserFactory(role="manager", provider=other_provider))
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200
    timeline = client.get(reverse("plans:timeline", args=[members[1].pk])).content.decode()
    assert "family visit" in timeline


def test_a_client_handed_over_alone_leaves_the_family_and_the_old_reports_stay(
    client, manager, provider, other_provider, family_of_three
):
    family, members, plan = family_of_three
    leaving = members[0]
    before = _figures(provider)
    client.force_login(manager)

    response = client.post(
        reverse("clients:handover", args=[leaving.pk]),
        {"to_provider": other_provider.pk, "date": "2026-04-01", "with_family": "no"},
    )

    assert response.status_code == 302
    leaving.refresh_from_db()
    family.refresh_from_db()
    assert leaving.family_id is None and leaving.provider_id == other_provider.pk
    assert family.provider_id == provider.pk and family.members.count() == 2
    # Every figure stays but one: a family is counted by its members of today (report-metrics.md), so the
    # client who left is now one of the individual persons.
    after = _figures(provider)
    assert (after.pop("individuals"), before.pop("individuals")) == (1, 0)
    assert after == before
    assert ContactClient.objects.filter(client=leaving, via_family=True).count() == 1
    # The new provider sees the client's own history, not the family's contacts or plan.
    client.force_login(UserFactory(role="manager", provider=other_provider))
    timeline = client.get(reverse("plans:timeline", args=[leaving.pk])).content.decode()
    assert "own visit" in timeline
    assert "family visit" not in timeline
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("clients:family_detail", args=[family.pk])).status_code == 404


def test_a_hand_over_gives_a_free_reference_where_the_new_provider_uses_it(manager, provider, other_provider):
    moving = ClientFactory(provider=provider, client_ref="C-7")
    ClientFactory(provider=other_provider, client_ref="C-7")

    services.client_handover(client=moving, to_provider=other_provider, by=manager, date=D(2026, 4, 1))

    moving.refresh_from_db()
    assert (moving.provider_id, moving.client_ref) == (other_provider.pk, "C-7-2")


def test_a_family_of_another_provider_cannot_be_given_to_a_client(social_worker, assigned_client, foreign_family):
    with pytest.raises(ValidationError):
        services.client_update(client=assigned_client, by=social_worker, data={"family": foreign_family})
    with pytest.raises(PermissionDenied):
        services.family_add_member(family=foreign_family, client=assigned_client, by=social_worker)

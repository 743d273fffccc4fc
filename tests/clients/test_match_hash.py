"""Issue 21: each client's match hash (name written loosely and birth date, keyed by the fund), kept by every writer,
shown nowhere, and the one thing a provider learns from it: "this person may already be served by another provider"."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEntry
from clients.models import Client, name_key, person_match_hash
from clients.selectors import client_served_elsewhere
from exchange.services import dataset_import, export_datasets
from tests.exchange.exchange_helpers import client_row, small_folder

from ..factories import ClientFactory, ProviderFactory

BORN = datetime.date(1988, 4, 2)
# The notice as the pages show it: in Latvian, the default language.
NOTICE = "Šo personu, iespējams, jau apkalpo cits pakalpojuma sniedzējs"


@pytest.fixture
def pdm(db):
    return ProviderFactory(code="PDM", name="Patvērums Drošā māja")


@pytest.fixture
def kept_at_pdm(pdm):
    """The same person as `at_lsk`, written differently, at a third provider."""
    return ClientFactory(
        provider=pdm, client_ref="PDM-SECRET-7", first_name="Mohammad", last_name="Haddad", birth_date=BORN
    )


@pytest.fixture
def at_lsk(provider, social_worker, mentor):
    return ClientFactory(
        provider=provider,
        first_name="Muhammad",
        last_name="Hadad",
        birth_date=BORN,
        social_worker=social_worker.staff,
        mentor=mentor.staff,
    )


def page(client, user, record):
    client.force_login(user)
    with translation.override("en"):
        return client.get(reverse("clients:detail", args=[record.pk]), HTTP_ACCEPT_LANGUAGE="en")


# --- The hash ------------------------------------------------------------------------------------------------------


def test_the_hash_is_keyed_by_the_fund_and_follows_the_loose_name_and_birth_date(settings):
    loose = name_key("Muhammad", "Haddad")
    assert loose == name_key("Mohammad", "Hadad")
    one = person_match_hash(loose, BORN)
    assert one is not None and len(one) == 64
    assert person_match_hash(loose, BORN + datetime.timedelta(days=1)) != one
    assert person_match_hash(loose, None) is None
    settings.FUND_MATCH_KEY = "another-key"
    assert person_match_hash(loose, BORN) != one


def test_save_keeps_the_hash_when_the_name_or_birth_date_changes(provider):
    record = ClientFactory(provider=provider, first_name="Muhammad", last_name="Haddad", birth_date=None)
    assert record.match_hash is None

    record.birth_date = BORN
    record.save(update_fields=["birth_date"])
    record.refresh_from_db()
    assert record.match_hash == person_match_hash(name_key("Muhammad", "Haddad"), BORN)

    record.last_name = "Karimi"
    record.save(update_fields=["last_name"])
    record.refresh_from_db()
    assert record.match_hash == person_match_hash(name_key("Muhammad", "Karimi"), BORN)


def test_an_import_sets_the_hash_on_new_and_changed_records(db, tmp_path):
    assert dataset_import(path=small_folder(tmp_path)).errors == []
    record = Client.objects.get(client_ref="C1")
    assert record.match_hash == person_match_hash(name_key("Ahmad", "Ahmadi"), datetime.date(1990, 5, 17))

    changed = small_folder(
        tmp_path / "again",
        clients=[client_row("C1", family_ref="F1", birth_date="1990-05-18"), client_row("C2", first_name="Mariam")],
    )
    assert dataset_import(path=changed).errors == []
    record.refresh_from_db()
    assert record.match_hash == person_match_hash(name_key("Ahmad", "Ahmadi"), datetime.date(1990, 5, 18))


def test_the_hash_is_in_no_export_and_no_audit_entry(provider, kept_at_pdm):
    kept_at_pdm.first_name = "Muhamad"
    kept_at_pdm.save()
    exported = "".join(dataset.export("csv") for dataset in export_datasets().values())
    assert "Muhamad" in exported
    assert kept_at_pdm.match_hash not in exported
    assert "match_hash" not in exported
    for changes in AuditEntry.objects.values_list("changes", flat=True):
        assert kept_at_pdm.match_hash not in str(changes)
        assert "match_hash" not in str(changes)


# --- The notice ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["social_worker", "manager", "mentor"])
def test_staff_who_may_see_the_client_are_told_only_that_another_provider_may_serve_the_person(
    request, client, at_lsk, kept_at_pdm, role
):
    response = page(client, request.getfixturevalue(role), at_lsk)
    assert response.status_code == 200
    body = response.content.decode()
    assert NOTICE in body
    for secret in ("PDM", "Patvērums", "Drošā", "PDM-SECRET-7", "Mohammad", kept_at_pdm.match_hash):
        assert secret not in body
    assert str(kept_at_pdm.pk) not in body.split('data-testid="served-elsewhere"')[1].split("</div>")[0]


@pytest.mark.parametrize("role", ["coordinator", "outsider"])
def test_who_may_not_see_the_client_gets_no_page(request, client, at_lsk, kept_at_pdm, role):
    assert page(client, request.getfixturevalue(role), at_lsk).status_code == 404


def test_no_notice_without_a_record_elsewhere_or_without_a_birth_date(client, social_worker, provider, pdm):
    alone = ClientFactory(provider=provider, first_name="Muhammad", last_name="Hadad", birth_date=BORN)
    ClientFactory(provider=pdm, first_name="Omar", last_name="Hadad", birth_date=BORN)
    undated = ClientFactory(provider=provider, first_name="Nour", last_name="Said", birth_date=None)
    ClientFactory(provider=pdm, first_name="Nour", last_name="Said", birth_date=None)
    assert NOTICE not in page(client, social_worker, alone).content.decode()
    assert NOTICE not in page(client, social_worker, undated).content.decode()


def test_a_duplicate_within_the_own_provider_is_no_notice(client, social_worker, provider, at_lsk):
    ClientFactory(provider=provider, first_name="Mohammad", last_name="Haddad", birth_date=BORN)
    assert NOTICE not in page(client, social_worker, at_lsk).content.decode()


def test_an_anonymised_record_elsewhere_gives_no_notice(client, social_worker, at_lsk, kept_at_pdm):
    Client.objects.filter(pk=kept_at_pdm.pk).update(anonymised_at=timezone.now())
    assert NOTICE not in page(client, social_worker, at_lsk).content.decode()


def test_the_notice_is_one_query(django_assert_num_queries, at_lsk, kept_at_pdm):
    with django_assert_num_queries(1):
        assert client_served_elsewhere(client=at_lsk) is True


def test_intake_tells_of_a_record_at_another_provider(client, social_worker, provider, kept_at_pdm):
    # A possible duplicate of the own provider shows the form again, with the notice.
    ClientFactory(provider=provider, first_name="Mohammed", last_name="Hadad", birth_date=BORN, country="SY")
    data = {
        "client_ref": "LSK-0500",
        "first_name": "Muhammad",
        "last_name": "Haddad",
        "gender": "M",
        "birth_date": BORN.isoformat(),
        "country": "SY",
        "arrival_route": "relocation",
        "service_start": "2026-03-01",
        "legal_status": "asylum_seeker",
        "in_reception_centre": "on",
    }
    client.force_login(social_worker)
    with translation.override("en"):
        response = client.post(reverse("clients:create"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["served_elsewhere"] is True
    body = response.content.decode()
    assert NOTICE in body
    assert "PDM" not in body and "PDM-SECRET-7" not in body

    response = client.post(reverse("clients:create"), {**data, "confirm_new_person": "on"})
    assert response.status_code == 302
    opened = Client.objects.get(provider=provider, first_name="Muhammad", last_name="Haddad")
    assert response["Location"] == reverse("clients:detail", args=[opened.pk])
    assert NOTICE in page(client, social_worker, opened).content.decode()


def test_the_command_sets_every_hash_again_after_a_new_key(settings, provider):
    record = ClientFactory(provider=provider, first_name="Muhammad", last_name="Haddad", birth_date=BORN)
    undated = ClientFactory(provider=provider, first_name="Nour", last_name="Said", birth_date=None)
    settings.FUND_MATCH_KEY = "a-new-fund-key"
    out = StringIO()
    call_command("client_match_hashes", stdout=out)
    record.refresh_from_db()
    undated.refresh_from_db()
    assert record.match_hash == person_match_hash(name_key("Muhammad", "Haddad"), BORN)
    assert undated.match_hash is None
    assert out.getvalue().startswith("1 ")

"""Consents (casework.md "Consent"): recorded and withdrawn by social workers and managers of the client's provider,
read by the client's readers on the client page, never by a coordinator; valid on a day by one rule."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts import capabilities
from audit.models import AuditEntry
from clients import consents
from clients.models import Consent, Document
from clients.selectors import consent_valid, without_valid_consent
from privacy.services import client_anonymise, client_data_export
from tests.clients.test_documents import pdf_bytes
from tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def today():
    return timezone.localdate()


def _record(user, person, day, **kwargs):
    values = {"kind": "share_with_institutions", "how": "signed", "institution_kinds": ["employment"]}
    values.update(kwargs)
    return consents.consent_record(client=person, actor=user, staff=user.staff, given_on=day, **values)


# The rule of a valid consent --------------------------------------------------------------------


def test_a_consent_is_valid_from_the_day_given_until_the_day_withdrawn(social_worker, assigned_client, today):
    consent = _record(social_worker, assigned_client, today - 10 * DAY)
    assert not consent_valid(assigned_client, "share_with_institutions", today - 11 * DAY, "employment")
    assert consent_valid(assigned_client, "share_with_institutions", today - 10 * DAY, "employment")
    consents.consent_withdraw(consent=consent, actor=social_worker, withdrawn_on=today - 2 * DAY)
    assert consent_valid(assigned_client, "share_with_institutions", today - 3 * DAY, "employment")
    # A withdrawal stops it from that day on.
    assert not consent_valid(assigned_client, "share_with_institutions", today - 2 * DAY, "employment")
    assert not consent_valid(assigned_client, "share_with_institutions", today, "employment")
    # The model's own rule for one row says the same.
    consent.refresh_from_db()
    assert consent.valid_on(today - 3 * DAY) and not consent.valid_on(today - 2 * DAY)


def test_a_consent_covers_only_the_kinds_of_institution_it_names(social_worker, assigned_client, today):
    _record(social_worker, assigned_client, today, institution_kinds=["employment", "health"])
    assert consent_valid(assigned_client, "share_with_institutions", today, "health")
    assert not consent_valid(assigned_client, "share_with_institutions", today, "bank")
    # Another kind of consent is not one to share.
    assert not consent_valid(assigned_client, "photos", today)


def test_a_consent_naming_no_kind_covers_every_kind(social_worker, assigned_client, today):
    _record(social_worker, assigned_client, today, institution_kinds=[])
    assert all(consent_valid(assigned_client, "share_with_institutions", today, kind) for kind in ("bank", "migration"))


def test_a_consent_is_the_persons_own(social_worker, assigned_client, unassigned_client, today):
    _record(social_worker, assigned_client, today)
    lacking = without_valid_consent(
        [assigned_client, unassigned_client], "share_with_institutions", today, "employment"
    )
    assert lacking == [unassigned_client]


# The services -----------------------------------------------------------------------------------


def test_the_recorder_and_the_actor_are_kept(social_worker, assigned_client, today):
    consent = _record(social_worker, assigned_client, today, how="oral_with_interpreter")
    assert (consent.staff, consent.created_by, consent.how) == (
        social_worker.staff,
        social_worker,
        "oral_with_interpreter",
    )


def test_a_consent_cannot_be_dated_in_the_future(social_worker, assigned_client, today):
    with pytest.raises(ValidationError) as error:
        _record(social_worker, assigned_client, today + DAY)
    assert "given_on" in error.value.error_dict


def test_kinds_of_institution_only_for_sharing(social_worker, assigned_client, today):
    with pytest.raises(ValidationError) as error:
        _record(social_worker, assigned_client, today, kind="photos", institution_kinds=["bank"])
    assert "institution_kinds" in error.value.error_dict
    # The database holds the same rule.
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            client=assigned_client, kind="photos", institution_kinds=["bank"], given_on=today, how="oral"
        )


def test_the_recorder_is_of_the_clients_provider(social_worker, outsider, assigned_client, today):
    with pytest.raises(ValidationError) as error:
        consents.consent_record(
            client=assigned_client,
            actor=social_worker,
            staff=outsider.staff,
            kind="photos",
            given_on=today,
            how="oral",
        )
    assert "staff" in error.value.error_dict


def test_a_withdrawn_consent_is_kept_with_its_day(social_worker, assigned_client, today):
    consent = _record(social_worker, assigned_client, today - 5 * DAY)
    consents.consent_withdraw(consent=consent, actor=social_worker, withdrawn_on=today)
    consent.refresh_from_db()
    assert consent.withdrawn_on == today and Consent.objects.filter(pk=consent.pk).exists()


@pytest.mark.parametrize("offset", [-6, 1])
def test_a_withdrawal_not_before_the_consent_nor_in_the_future(social_worker, assigned_client, today, offset):
    consent = _record(social_worker, assigned_client, today - 5 * DAY)
    with pytest.raises(ValidationError):
        consents.consent_withdraw(consent=consent, actor=social_worker, withdrawn_on=today + offset * DAY)
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_a_consent_is_withdrawn_once(social_worker, assigned_client, today):
    consent = _record(social_worker, assigned_client, today - 5 * DAY)
    consents.consent_withdraw(consent=consent, actor=social_worker, withdrawn_on=today - DAY)
    with pytest.raises(ValidationError):
        consents.consent_withdraw(consent=consent, actor=social_worker, withdrawn_on=today)
    consent.refresh_from_db()
    assert consent.withdrawn_on == today - DAY


def test_who_may_record_consents(social_worker, mentor, manager, coordinator, outsider, assigned_client, today):
    assert capabilities.can_manage_consents(social_worker, assigned_client)
    assert capabilities.can_manage_consents(manager, assigned_client)
    assert not capabilities.can_manage_consents(mentor, assigned_client)
    assert not capabilities.can_manage_consents(coordinator, assigned_client)
    assert not capabilities.can_manage_consents(outsider, assigned_client)
    with pytest.raises(PermissionDenied):
        consents.consent_record(
            client=assigned_client, actor=mentor, staff=mentor.staff, kind="photos", given_on=today, how="oral"
        )
    assert not Consent.objects.exists()


# The pages -------------------------------------------------------------------------------------


def _form_data(day, **kwargs):
    return {"kind": "share_with_institutions", "institution_kinds": ["employment"], "given_on": day.isoformat(),
            "how": "signed", **kwargs}  # fmt: skip


def test_a_social_worker_records_a_consent_from_the_client_page(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    url = reverse("clients:consent_create", args=[assigned_client.pk])
    assert url in page
    response = client.post(url, _form_data(today))
    assert response.status_code == 302 and response["Location"] == reverse("clients:detail", args=[assigned_client.pk])
    consent = Consent.objects.get()
    assert (consent.client, consent.staff, consent.institution_kinds) == (
        assigned_client,
        social_worker.staff,
        ["employment"],
    )
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert "Sharing data with institutions" in page and "State Employment Agency" in page
    assert "Signed" in page and social_worker.staff.display_name in page


def test_the_form_shows_its_errors_beside_the_fields(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    url = reverse("clients:consent_create", args=[assigned_client.pk])
    response = client.post(url, _form_data(today + DAY, kind="photos"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "given_on" in form.errors and "institution_kinds" in form.errors
    assert not Consent.objects.exists()


def test_the_link_prefills_the_consent_and_goes_back(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    back = reverse("plans:referral_create", args=[assigned_client.pk]) + "?institution_kind=employment"
    url = reverse("clients:consent_create", args=[assigned_client.pk])
    form = client.get(url, {"kind": "share_with_institutions", "institution_kind": "employment", "next": back})
    assert form.context["form"].initial == {"kind": "share_with_institutions", "institution_kinds": ["employment"]}
    response = client.post(url, {**_form_data(today), "next": back})
    assert response["Location"] == back


@pytest.mark.parametrize("back", ["https://example.org/", "//example.org/x", "javascript:alert(1)"])
def test_another_address_is_never_followed(client, social_worker, assigned_client, today, back):
    client.force_login(social_worker)
    url = reverse("clients:consent_create", args=[assigned_client.pk])
    response = client.post(url, {**_form_data(today), "next": back})
    assert response["Location"] == reverse("clients:detail", args=[assigned_client.pk])


def test_a_manager_without_a_staff_record_names_who_recorded_it(client, manager, social_worker, assigned_client, today):
    client.force_login(manager)
    url = reverse("clients:consent_create", args=[assigned_client.pk])
    response = client.post(url, _form_data(today))
    assert response.status_code == 200 and "staff" in response.context["form"].errors
    response = client.post(url, _form_data(today, staff=social_worker.staff.pk))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.staff, consent.created_by) == (social_worker.staff, manager)


def test_a_manager_cannot_name_another_providers_staff(client, manager, outsider, assigned_client, today):
    client.force_login(manager)
    url = reverse("clients:consent_create", args=[assigned_client.pk])
    response = client.post(url, _form_data(today, staff=outsider.staff.pk))
    assert response.status_code == 200 and "staff" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_the_withdrawal_is_recorded_from_the_client_page(client, social_worker, assigned_client, today):
    consent = ConsentFactory(client=assigned_client, given_on=today - 30 * DAY)
    client.force_login(social_worker)
    url = reverse("clients:consent_withdraw", args=[consent.pk])
    assert url in client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    response = client.post(url, {"withdrawn_on": today.isoformat()})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == today
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert 'data-testid="consent-withdrawn"' in page and url not in page


def test_a_refused_withdrawal_says_why(client, social_worker, assigned_client, today):
    consent = ConsentFactory(client=assigned_client, given_on=today - 3 * DAY)
    client.force_login(social_worker)
    response = client.post(
        reverse("clients:consent_withdraw", args=[consent.pk]), {"withdrawn_on": (today - 4 * DAY).isoformat()}
    )
    assert response.status_code == 200
    assert "cannot be withdrawn before it was given" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_a_mentor_reads_an_assigned_clients_consents_but_does_not_record_them(
    client, mentor, assigned_client, unassigned_client, today
):
    consent = ConsentFactory(client=assigned_client, given_on=today - 3 * DAY)
    client.force_login(mentor)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert 'data-testid="consent"' in page
    assert reverse("clients:consent_create", args=[assigned_client.pk]) not in page
    assert reverse("clients:consent_withdraw", args=[consent.pk]) not in page
    assert client.get(reverse("clients:consent_create", args=[assigned_client.pk])).status_code == 403
    assert (
        client.post(reverse("clients:consent_withdraw", args=[consent.pk]), {"withdrawn_on": today}).status_code == 403
    )
    # Another mentor's client does not exist for them.
    other = ConsentFactory(client=unassigned_client)
    assert client.get(reverse("clients:consent_create", args=[unassigned_client.pk])).status_code == 404
    assert client.post(reverse("clients:consent_withdraw", args=[other.pk]), {"withdrawn_on": today}).status_code == 404


def test_another_providers_consents_do_not_exist(client, outsider, assigned_client, today):
    consent = ConsentFactory(client=assigned_client)
    client.force_login(outsider)
    assert client.get(reverse("clients:consent_create", args=[assigned_client.pk])).status_code == 404
    response = client.post(reverse("clients:consent_withdraw", args=[consent.pk]), {"withdrawn_on": today})
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_a_coordinator_never_sees_consents(client, coordinator, assigned_client, today):
    consent = ConsentFactory(client=assigned_client)
    client.force_login(coordinator)
    assert client.get(reverse("clients:detail", args=[assigned_client.pk])).status_code == 404
    assert client.get(reverse("clients:consent_create", args=[assigned_client.pk])).status_code == 404
    assert (
        client.post(reverse("clients:consent_withdraw", args=[consent.pk]), {"withdrawn_on": today}).status_code == 404
    )


def test_the_client_page_reads_consents_in_one_query(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    url = reverse("clients:detail", args=[assigned_client.pk])
    ConsentFactory(client=assigned_client)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        ConsentFactory(client=assigned_client, kind="photos", given_on=today - n * DAY)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# The person's data ----------------------------------------------------------------------------


def test_the_persons_export_holds_their_consents(social_worker, assigned_client, today):
    consent = _record(social_worker, assigned_client, today - 5 * DAY)
    consents.consent_withdraw(consent=consent, actor=social_worker, withdrawn_on=today)
    [row] = client_data_export(client=assigned_client)["consents"]
    assert row["kind"] == "share_with_institutions" and row["institution_kinds"][0]["code"] == "employment"
    assert (row["given_on"], row["withdrawn_on"], row["how"]) == (today - 5 * DAY, today, "signed")
    assert row["recorded_by"] == str(social_worker.staff)


def test_anonymisation_keeps_the_consents_facts(social_worker, assigned_client, today):
    consent = ConsentFactory(client=assigned_client, institution_kinds=["bank"], given_on=datetime.date(2015, 3, 1))
    assigned_client.service_start, assigned_client.service_end = datetime.date(2015, 1, 1), datetime.date(2016, 1, 1)
    assigned_client.save(update_fields=["service_start", "service_end"])
    client_anonymise(client=assigned_client, by=None, today=today)
    kept = Consent.objects.get(pk=consent.pk)
    assert (kept.kind, kept.institution_kinds, kept.given_on) == (
        "share_with_institutions",
        ["bank"],
        datetime.date(2015, 3, 1),
    )


# The signed form ------------------------------------------------------------------------------


def test_a_signed_consent_keeps_its_scanned_form_as_a_document(client, social_worker, assigned_client, documents_root):
    client.force_login(social_worker)
    url = reverse("clients:consent_create", args=[assigned_client.pk])
    scan = SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(url, {**_form_data(timezone.localdate()), "signed_form": scan})
    assert response.status_code == 302
    consent = Consent.objects.select_related("document").get()
    assert consent.document is not None and consent.document.kind == "consent_form"
    assert consent.document.client == assigned_client and consent.document.content_type == "application/pdf"
    assert len([p for p in documents_root.rglob("*") if p.is_file()]) == 1


def test_a_refused_file_is_told_beside_the_field_and_nothing_is_kept(
    client, social_worker, assigned_client, documents_root
):
    client.force_login(social_worker)
    url = reverse("clients:consent_create", args=[assigned_client.pk])
    fake = SimpleUploadedFile("form.pdf", b"MZ\x90\x00 an executable, not a PDF" * 20, content_type="application/pdf")
    response = client.post(url, {**_form_data(timezone.localdate()), "signed_form": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["signed_form"]
    assert not Consent.objects.exists() and not Document.objects.exists()
    assert [p for p in documents_root.rglob("*") if p.is_file()] == []


def test_a_form_only_for_a_signed_consent(client, social_worker, assigned_client, documents_root):
    client.force_login(social_worker)
    url = reverse("clients:consent_create", args=[assigned_client.pk])
    scan = SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(url, {**_form_data(timezone.localdate(), how="oral"), "signed_form": scan})
    assert response.status_code == 200 and "signed_form" in response.context["form"].errors
    assert not Consent.objects.exists() and not Document.objects.exists()


def test_a_consent_is_on_the_clients_timeline_with_its_withdrawal(client, mentor, assigned_client, today):
    ConsentFactory(client=assigned_client, institution_kinds=["employment"], given_on=today - 9 * DAY)
    ConsentFactory(client=assigned_client, kind="photos", given_on=today - 8 * DAY, withdrawn_on=today - DAY)
    client.force_login(mentor)
    page = client.get(reverse("plans:timeline", args=[assigned_client.pk])).content.decode()
    assert page.count('data-testid="timeline-consent"') == 2
    assert "State Employment Agency" in page and "Photos" in page
    assert f"withdrawn {date_format(today - DAY, 'SHORT_DATE_FORMAT')}" in page


def test_recording_and_withdrawing_a_consent_are_audited(social_worker, assigned_client, today):
    consent = _record(social_worker, assigned_client, today - DAY)
    consents.consent_withdraw(consent=consent, actor=social_worker, withdrawn_on=today)
    kinds = list(AuditEntry.objects.filter(object_type="clients.consent").values_list("action", flat=True))
    assert "create" in kinds and "update" in kinds


def test_the_form_chooses_nothing_for_the_user(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    url = reverse("clients:consent_create", args=[assigned_client.pk])
    form = client.get(url).context["form"]
    assert form["kind"].value() is None and form["how"].value() is None
    response = client.post(url, {"given_on": today.isoformat()})
    errors = response.context["form"].errors
    assert "kind" in errors and "how" in errors and not Consent.objects.exists()

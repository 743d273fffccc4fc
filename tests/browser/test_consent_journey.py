"""Consent before a referral, in a real Chromium, in Latvian and in English (issue 20, "Consent").

A social worker tries to refer a client to the State Employment Agency; the form says the person's consent to share
is missing and offers to record it; she records it (signed, to share with the State Employment Agency, the scanned
form attached), comes back to the referral form with what she had chosen, and makes the referral. The client page
then shows both: the consent and the referral.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from clients.languages import language_name
from clients.models import Consent
from plans.models import Referral
from tests.clients.test_documents import pdf_bytes
from tests.factories import ClientFactory, ConsentFactory, ProviderFactory, StaffFactory, UserFactory

from .test_journeys import main, open_sign_in, sign_in, success

pytestmark = pytest.mark.browser


@pytest.fixture
def world(db, documents_root):
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    ilze = UserFactory(username="ilze", role=Role.SOCIAL_WORKER, provider=lsk, first_name="Ilze", last_name="Kalniņa")
    StaffFactory(role=Role.SOCIAL_WORKER, provider=lsk, user=ilze, first_name="Ilze", last_name="Kalniņa")
    amina = ClientFactory(first_name="Amina", last_name="Haddad", provider=lsk, social_worker=ilze.staff)
    return {"ilze": ilze, "amina": amina}


def test_a_social_worker_records_the_consent_a_referral_needs_and_makes_it(page, lang, t, step, world):
    amina = world["amina"]
    open_sign_in(page, lang, t, step)
    sign_in(page, world["ilze"].username, t)
    page.goto(f"/clients/{amina.pk}/")
    expect(main(page).get_by_test_id("client-consents")).to_contain_text(t("No consent recorded."))
    main(page).get_by_test_id("client-refer").click()
    expect(main(page).locator("h1")).to_have_text(t("Refer to an institution"))
    main(page).get_by_label(t("Kind of institution")).select_option("employment")
    main(page).get_by_label(t("A mentor or social worker goes along")).check()
    main(page).get_by_role("button", name=t("Record the referral")).click()

    # Refused: the consent is missing, and the form offers to record it.
    missing = main(page).get_by_test_id("consent-missing")
    expect(missing).to_contain_text("Amina")
    expect(main(page).locator(".alert-danger")).to_contain_text(t("State Employment Agency"))
    step(page, "referral-needs-consent")
    assert not Referral.objects.exists()
    missing.get_by_test_id("record-consent").click()

    # The consent's form, filled in for what the referral needs.
    expect(main(page).locator("h1")).to_have_text(t("Record a consent"))
    expect(main(page).get_by_label(t("Consent to"))).to_have_value("share_with_institutions")
    expect(main(page).get_by_label(t("State Employment Agency"))).to_be_checked()
    main(page).get_by_label(t("Signed"), exact=True).check()
    main(page).get_by_label(t("The signed form (scan or photo)")).set_input_files(
        files=[{"name": "consent.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    step(page, "consent-form")
    main(page).get_by_role("button", name=t("Record the consent")).click()

    # Back on the referral form, with what was chosen kept.
    success(page, t, "The consent was recorded.")
    expect(main(page).locator("h1")).to_have_text(t("Refer to an institution"))
    expect(main(page).get_by_label(t("Kind of institution"))).to_have_value("employment")
    expect(main(page).get_by_label(t("A mentor or social worker goes along"))).to_be_checked()
    step(page, "referral-form-kept")
    main(page).get_by_role("button", name=t("Record the referral")).click()
    success(page, t, "The referral was recorded.")

    # Both on the client page: the referral (and on the timeline) and the consent.
    expect(main(page).get_by_test_id("client-referrals").get_by_test_id("referral")).to_contain_text(
        t("State Employment Agency")
    )
    expect(main(page).get_by_test_id("timeline-referral")).to_contain_text(t("State Employment Agency"))
    consent_card = main(page).get_by_test_id("client-consents").get_by_test_id("consent")
    expect(consent_card).to_contain_text(t("Sharing data with institutions"))
    expect(consent_card).to_contain_text(t("State Employment Agency"))
    expect(consent_card).to_contain_text(t("Signed"))
    expect(consent_card).to_contain_text(world["ilze"].staff.display_name)
    step(page, "client-page-consent-and-referral")

    consent = Consent.objects.select_related("document").get()
    assert (consent.client, consent.kind, consent.institution_kinds, consent.how) == (
        amina,
        "share_with_institutions",
        ["employment"],
        "signed",
    )
    assert consent.document is not None and consent.document.kind == "consent_form"
    referral = Referral.objects.get()
    assert (referral.client, referral.institution_kind, referral.accompanied) == (amina, "employment", True)


def _sideways(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_consents_languages_and_their_forms_fit_a_phone(phone_page, lang, t, step, world):
    """At 390 px: the client page with its languages and a withdrawn consent, the consent form, the edit form."""
    amina = world["amina"]
    amina.languages, amina.latvian_level, amina.interpreter_needed, amina.interpreter_language = (
        ["ar", "ru"],
        "A1",
        True,
        "ar",
    )
    amina.save()
    ConsentFactory(client=amina, institution_kinds=["employment", "health", "municipal_social"], withdrawn_on=None)
    ConsentFactory(client=amina, kind="photos", how="oral_with_interpreter", withdrawn_on=timezone.localdate())
    phone = phone_page
    open_sign_in(phone, lang, t, step)
    sign_in(phone, world["ilze"].username, t)
    phone.goto(f"/clients/{amina.pk}/")
    arabic = language_name("ar", lang)
    expect(main(phone).get_by_test_id("client-languages")).to_have_text(f"{arabic}, {language_name('ru', lang)}")
    expect(main(phone).get_by_test_id("client-interpreter")).to_contain_text(arabic)
    expect(main(phone).get_by_test_id("consent-withdrawn")).to_be_visible()
    step(phone, "phone-client-page-consents")
    assert _sideways(phone) <= 0
    main(phone).get_by_test_id("consent-create").click()
    expect(main(phone).locator("h1")).to_have_text(t("Record a consent"))
    step(phone, "phone-consent-form")
    assert _sideways(phone) <= 0
    phone.goto(f"/clients/{amina.pk}/edit/")
    expect(main(phone).get_by_label(t("Languages spoken"))).to_be_visible()
    assert _sideways(phone) <= 0

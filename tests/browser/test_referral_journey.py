"""A referral in a real Chromium, in Latvian and in English (issue 19, referrals).

A social worker refers a client to the State Employment Agency from the home page, with a mentor going along;
the mentor, on a phone, records on the client page that the referral succeeded; both steps are on the timeline.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from plans.models import Referral
from tests.factories import ClientFactory, ConsentFactory, ProviderFactory

from .test_journeys import main, open_sign_in, sign_in, staff_user, success

pytestmark = pytest.mark.browser


def record_outcome_on_the_client_page(phone, lang, t, step, *, username: str, client) -> None:
    """The mentor signs in on a phone and records on the client page that the waiting referral was completed today."""
    open_sign_in(phone, lang, t, step)
    sign_in(phone, username, t)
    phone.goto(f"/clients/{client.pk}/")
    outcome = main(phone).get_by_test_id("referral-outcome")
    outcome.locator("summary").click()
    outcome.get_by_label(t("Outcome"), exact=True).select_option("completed")
    outcome.get_by_label(t("Day of the outcome")).fill(timezone.localdate().isoformat())
    step(phone, "mentor-records-outcome")
    outcome.get_by_role("button", name=t("Save the outcome")).click()
    success(phone, t, "The outcome of the referral was saved.")


@pytest.fixture
def world(db):
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    ilze = staff_user("ilze", Role.SOCIAL_WORKER, lsk, "Ilze", "Kalniņa")
    dace = staff_user("dace", Role.MENTOR, lsk, "Dace", "Liepa")
    amina = ClientFactory(
        first_name="Amina", last_name="Haddad", provider=lsk, social_worker=ilze.staff, mentor=dace.staff
    )
    # A referral needs the person's consent to share with institutions (tests/browser/test_consent_journey.py).
    ConsentFactory(client=amina, institution_kinds=["employment"])
    return {"ilze": ilze, "dace": dace, "amina": amina}


def test_a_social_worker_refers_a_client_and_the_mentor_records_the_outcome_on_a_phone(
    page, phone_page, lang, t, step, world
):
    amina = world["amina"]

    open_sign_in(page, lang, t, step)
    sign_in(page, world["ilze"].username, t)
    main(page).get_by_test_id("home-refer").first.click()
    expect(main(page).locator("h1")).to_have_text(t("Refer to an institution"))
    main(page).get_by_label(t("Kind of institution")).select_option("employment")
    main(page).get_by_label(t("A mentor or social worker goes along")).check()
    step(page, "referral-form")
    main(page).get_by_role("button", name=t("Record the referral")).click()
    success(page, t, "The referral was recorded.")
    card = main(page).get_by_test_id("client-referrals")
    expect(card.get_by_test_id("referral")).to_contain_text(t("State Employment Agency"))
    expect(card.get_by_test_id("referral-status")).to_have_text(t("Made, waiting for an outcome"))
    step(page, "client-page-referral-made")

    referral = Referral.objects.get()
    assert (referral.client, referral.institution_kind, referral.accompanied) == (amina, "employment", True)
    assert referral.staff == world["ilze"].staff

    # The mentor, on a phone, records the outcome in place on the client page.
    phone = phone_page
    record_outcome_on_the_client_page(phone, lang, t, step, username=world["dace"].username, client=amina)
    expect(main(phone).get_by_test_id("referral-status")).to_have_text(t("Completed"))
    # On the timeline, with its outcome.
    expect(main(phone).get_by_test_id("timeline-referral")).to_contain_text(t("State Employment Agency"))
    expect(main(phone).get_by_test_id("timeline-referral")).to_contain_text(t("Completed"))
    step(phone, "mentor-outcome-recorded")

    referral.refresh_from_db()
    assert (referral.status, referral.outcome_date) == ("completed", timezone.localdate())

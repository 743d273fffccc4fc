"""A person served by two providers (issue 21), in a real Chromium, in Latvian and in English, on a desktop and a
phone: the client page says only that the person may already be served by another provider, and nothing of it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import ClientFactory, ProviderFactory

from .test_client_page_journey import main, sign_in
from .test_journeys import staff_user

pytestmark = pytest.mark.browser

NOTICE = (
    "This person may already be served by another provider: a record with the same name (written alike) and the "
    "same birth date is kept there. For privacy, nothing about that provider or its record is shown."
)


@pytest.fixture
def people(db):
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    caritas = ProviderFactory(code="CARITAS", name="Caritas Latvija")
    social_worker = staff_user("ilze", Role.SOCIAL_WORKER, lsk, "Ilze", "Kalniņa")
    born = datetime.date(1990, 5, 4)
    amina = ClientFactory(
        provider=lsk, first_name="Amina", last_name="Darwish", birth_date=born, social_worker=social_worker.staff
    )
    ClientFactory(provider=caritas, first_name="Amīna", last_name="Darwish", birth_date=born, client_ref="CAR-7")
    omar = ClientFactory(provider=lsk, first_name="Omar", last_name="Rahimi", social_worker=social_worker.staff)
    return {"social_worker": social_worker, "amina": amina, "omar": omar}


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_client_page_says_the_person_may_be_served_elsewhere_and_nothing_more(
    page, phone_page, device, lang, t, step, people
):
    tab = page if device == "desktop" else phone_page
    sign_in(tab, people["social_worker"].username, lang, t)

    tab.goto(reverse("clients:detail", args=[people["amina"].pk]))
    notice = main(tab).locator("[data-testid=served-elsewhere]")
    expect(notice).to_be_visible()
    expect(notice).to_have_text(t(NOTICE))
    content = tab.content()
    assert "Caritas" not in content and "CAR-7" not in content and "Amīna" not in content
    step(tab, f"client-page-{device}")

    tab.goto(reverse("clients:detail", args=[people["omar"].pk]))
    expect(main(tab).locator("h1")).to_contain_text("Rahimi Omar")
    expect(main(tab).locator("[data-testid=served-elsewhere]")).to_have_count(0)

"""A document in a real Chromium, in Latvian and in English (issue 20, documents).

A mentor, on a 390 px phone, photographs a client's residence permit from the client page and sets its expiry date;
the permit shows on the client page with "expires in N days", and the social worker finds it among the documents
expiring on her home page.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.models import Role
from clients.models import Document
from tests.factories import ClientFactory, ProviderFactory, StaffFactory, UserFactory

from .test_journeys import main, open_sign_in, sign_in, success

pytestmark = pytest.mark.browser

EXPIRES_IN_DAYS = 20


def _worker(username: str, role: str, provider, first_name: str, last_name: str):
    user = UserFactory(username=username, role=role, provider=provider, first_name=first_name, last_name=last_name)
    StaffFactory(role=role, provider=provider, user=user, first_name=first_name, last_name=last_name)
    return user


def _permit_photo() -> bytes:
    """A small real JPEG, as a phone's camera would give (with an EXIF block)."""
    picture = Image.new("RGB", (320, 200), (235, 235, 220))
    for x in range(20, 300):
        for y in range(40, 60):
            picture.putpixel((x, y), (40, 60, 140))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85, exif=exif)
    return out.getvalue()


@pytest.fixture
def world(db, documents_root):
    lsk = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    ilze = _worker("ilze", Role.SOCIAL_WORKER, lsk, "Ilze", "Kalniņa")
    dace = _worker("dace", Role.MENTOR, lsk, "Dace", "Liepa")
    amina = ClientFactory(
        first_name="Amina", last_name="Haddad", provider=lsk, social_worker=ilze.staff, mentor=dace.staff
    )
    return {"ilze": ilze, "dace": dace, "amina": amina, "root": documents_root}


def test_a_mentor_photographs_a_residence_permit_on_a_phone_and_the_social_worker_sees_it_expiring(
    page, phone_page, lang, t, step, world
):
    amina = world["amina"]
    expires = timezone.localdate() + datetime.timedelta(days=EXPIRES_IN_DAYS)

    # The mentor, on a phone, on the client page.
    phone = phone_page
    open_sign_in(phone, lang, t, step)
    sign_in(phone, world["dace"].username, t)
    phone.goto(f"/clients/{amina.pk}/")
    expect(main(phone).get_by_test_id("client-documents")).to_contain_text(t("No documents yet."))
    main(phone).get_by_test_id("document-add").click()
    expect(main(phone).locator("h1")).to_have_text(t("Add a document"))
    # The photo input opens the phone's camera.
    photo = main(phone).get_by_test_id("document-photo")
    expect(photo).to_have_attribute("capture", "environment")
    expect(photo).to_have_attribute("accept", "image/*")
    main(phone).get_by_label(t("Kind of document")).select_option("residence_permit")
    main(phone).get_by_label(t("Valid until")).fill(expires.isoformat())
    photo.set_input_files({"name": "IMG_2031.jpg", "mimeType": "image/jpeg", "buffer": _permit_photo()})
    assert phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    step(phone, "mentor-photographs-permit")
    main(phone).get_by_role("button", name=t("Add the document")).click()

    success(phone, t, "The document was added.")
    row = main(phone).get_by_test_id("client-documents").get_by_test_id("document")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(t("Residence permit"))
    expect(row.get_by_test_id("document-expiring")).to_be_visible()
    expect(row.get_by_test_id("document-expiring")).to_contain_text(str(EXPIRES_IN_DAYS))
    expect(main(phone).get_by_test_id("timeline-document")).to_contain_text(t("Residence permit"))
    # A mentor does not remove documents.
    expect(row.get_by_role("button", name=t("Remove"))).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    step(phone, "client-page-permit-listed")

    document = Document.objects.get()
    assert (document.client, document.kind, document.valid_until, document.content_type) == (
        amina,
        "residence_permit",
        expires,
        "image/jpeg",
    )
    assert document.uploaded_by == world["dace"]
    stored = [path for path in world["root"].rglob("*") if path.is_file()]
    assert len(stored) == 1 and b"PhoneMaker" not in stored[0].read_bytes()

    # The social worker finds it among the documents expiring on her home page, and downloads it.
    open_sign_in(page, lang, t, step)
    sign_in(page, world["ilze"].username, t)
    expiring = main(page).get_by_test_id("expiring-documents")
    expect(expiring.get_by_test_id("expiring-document")).to_have_count(1)
    expect(expiring).to_contain_text(amina.display_name)
    expect(expiring).to_contain_text(t("Residence permit"))
    step(page, "social-worker-home-expiring")
    expiring.get_by_role("link", name=amina.display_name).click()
    with page.expect_download() as download:
        main(page).get_by_test_id("client-documents").get_by_role("link", name=t("Residence permit")).click()
    assert download.value.suggested_filename == f"residence_permit-{timezone.localdate():%Y-%m-%d}.jpg"

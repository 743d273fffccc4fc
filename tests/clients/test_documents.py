"""Clients' documents (casework.md "Documents"): hostile files refused with nothing stored, good ones kept,
downloads that only the right people get, expiring documents on the home pages, anonymisation."""

from __future__ import annotations

import datetime
import io
import json
import os
import zipfile
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from audit.models import Action, AuditEntry
from clients.choices import DocumentKind
from clients.documents import (
    DOCUMENT_MAX_BYTES,
    DocumentRefused,
    document_delete,
    document_upload,
    orphan_files_remove,
)
from clients.models import Client, Document
from clients.selectors import documents_expiring
from clients.tasks import document_orphans_remove_task
from clients.views.documents import LimitedUploadHandler
from privacy.services import client_anonymise, client_data_export
from tests.factories import ClientFactory

# Files ------------------------------------------------------------------------------------------


def jpeg_bytes(size=(40, 30), *, gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (56.0, 57.0, 0.0), 3: "E", 4: (24.0, 6.0, 0.0)}  # GPSInfo: Riga
        exif[0x010F] = "PhoneMaker"
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 200, 30)).save(out, format="PNG")
    return out.getvalue()


def heic_bytes() -> bytes:
    # clients.documents registered pillow-heif's opener and saver.
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 30, 200)).save(out, format="HEIF")
    return out.getvalue()


def pdf_bytes(*, javascript: bool = False, embedded: bool = False, launch: bool = False, password: str = "") -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    if javascript:
        action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.Root.OpenAction = pdf.make_indirect(action)
    if launch:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
    if embedded:
        pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 payload", filename="payload.exe")
    out = io.BytesIO()
    if password:
        pdf.save(out, encryption=pikepdf.Encryption(owner=password, user=password))
    else:
        pdf.save(out)
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.html", "<script>alert(document.cookie)</script>")
    return out.getvalue()


def decompression_bomb_png() -> bytes:
    """A small PNG that claims 20 000 × 20 000 pixels (400 megapixels) of one colour: it compresses to ~400 KB."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
)
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<html><body><script>fetch('/clients/').then(r => r.text())</script></body></html>"


class BigUpload(SimpleUploadedFile):
    """An upload that says it is 50 MB and fails if more than the limit is read from it."""

    def __init__(self) -> None:
        super().__init__("permit.pdf", b"%PDF-1.4\n" + b"0" * 1000, content_type="application/pdf")
        self.size = 50 * 1024 * 1024

    def read(self, size=-1):
        raise AssertionError("a file larger than the limit is read")


def upload(content: bytes, name: str = "scan.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _own_documents_root(documents_root):
    """Every test here stores its documents under its own DOCUMENTS_ROOT (tests/conftest.py)."""


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


# Hostile files ----------------------------------------------------------------------------------

HOSTILE = {
    "executable renamed .pdf": lambda: upload(EXECUTABLE, "permit.pdf"),
    "SVG with a script": lambda: upload(SVG, "permit.svg", "image/svg+xml"),
    "SVG with a script named .png": lambda: upload(SVG, "permit.png", "image/png"),
    "HTML named .jpg": lambda: upload(HTML, "permit.jpg", "image/jpeg"),
    "50 MB file": BigUpload,
    "decompression-bomb PNG": lambda: upload(decompression_bomb_png(), "permit.png", "image/png"),
    "JPEG with a ZIP appended": lambda: upload(jpeg_bytes() + zip_bytes(), "permit.jpg", "image/jpeg"),
    "JPEG with HTML appended": lambda: upload(jpeg_bytes() + HTML, "permit.jpg", "image/jpeg"),
    "PNG with HTML appended": lambda: upload(png_bytes() + HTML, "permit.png", "image/png"),
    "PDF with a ZIP appended": lambda: upload(pdf_bytes() + zip_bytes()),
    "PDF with HTML before its header": lambda: upload(HTML + pdf_bytes()),
    "PDF with JavaScript": lambda: upload(pdf_bytes(javascript=True)),
    "PDF with an embedded file": lambda: upload(pdf_bytes(embedded=True)),
    "PDF with a launch action": lambda: upload(pdf_bytes(launch=True)),
    "encrypted PDF": lambda: upload(pdf_bytes(password="secret")),
    "truncated JPEG": lambda: upload(jpeg_bytes((400, 300))[:600] + b"\xff\xd9", "permit.jpg", "image/jpeg"),
    "empty file": lambda: upload(b""),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_are_refused_and_nothing_is_stored(name, assigned_client, social_worker, documents_root):
    with pytest.raises(DocumentRefused) as refused:
        document_upload(
            client=assigned_client,
            kind=DocumentKind.RESIDENCE_PERMIT,
            upload=HOSTILE[name](),
            actor=social_worker,
        )

    assert list(refused.value.message_dict) == ["file"]
    assert refused.value.message_dict["file"][0]
    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


@pytest.mark.django_db
def test_the_refusals_say_why(assigned_client, social_worker):
    def reason(file) -> str:
        with pytest.raises(DocumentRefused) as refused:
            document_upload(client=assigned_client, kind="other", upload=file, actor=social_worker)
        return refused.value.reason

    assert "larger than 10 MB" in reason(BigUpload())
    assert "PDF, JPEG, PNG or HEIC" in reason(upload(EXECUTABLE))
    assert "megapixels" in reason(upload(decompression_bomb_png(), "bomb.png", "image/png"))
    assert "after the end of the picture" in reason(upload(jpeg_bytes() + zip_bytes(), "a.jpg", "image/jpeg"))
    assert "after the end of the PDF" in reason(upload(pdf_bytes() + zip_bytes()))
    assert "password" in reason(upload(pdf_bytes(password="x")))
    assert "scripts" in reason(upload(pdf_bytes(javascript=True)))


@pytest.mark.django_db
def test_a_file_of_exactly_the_limit_is_judged_and_one_byte_more_is_not(assigned_client, social_worker):
    big_pdf = pdf_bytes()
    padding = DOCUMENT_MAX_BYTES - len(big_pdf)
    at_limit = big_pdf.replace(b"%PDF-1.3\n", b"%PDF-1.3\n%" + b"x" * (padding - 2) + b"\n", 1)
    assert len(at_limit) == DOCUMENT_MAX_BYTES
    document = document_upload(client=assigned_client, kind="other", upload=upload(at_limit), actor=social_worker)
    assert document.size == DOCUMENT_MAX_BYTES

    with pytest.raises(DocumentRefused):
        document_upload(client=assigned_client, kind="other", upload=upload(at_limit + b" "), actor=social_worker)


@pytest.mark.django_db
def test_a_failed_database_write_leaves_no_file(assigned_client, social_worker, documents_root, monkeypatch):
    def fail(self, *args, **kwargs):
        raise IntegrityError("refused by the database")

    monkeypatch.setattr(Document, "save", fail)
    with pytest.raises(IntegrityError):
        document_upload(client=assigned_client, kind="other", upload=upload(pdf_bytes()), actor=social_worker)

    assert stored_files(documents_root) == []


# Good files -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pdf_is_kept_as_it_came(assigned_client, social_worker, documents_root):
    content = pdf_bytes()
    document = document_upload(
        client=assigned_client,
        kind=DocumentKind.ASYLUM_DECISION,
        upload=upload(content, "Amina asylum.pdf"),
        actor=social_worker,
        valid_until=date(2027, 5, 1),
    )

    document.refresh_from_db()
    assert (document.kind, document.valid_until, document.content_type) == (
        "asylum_decision",
        date(2027, 5, 1),
        "application/pdf",
    )
    assert document.provider_id == assigned_client.provider_id
    assert document.uploaded_by == social_worker
    assert document.size == len(content)
    assert document.file.read() == content
    # The stored name says nothing about the person or the file's name.
    assert "Amina" not in document.file.name and "asylum" not in document.file.name
    assert [path.read_bytes() for path in stored_files(documents_root)] == [content]


@pytest.mark.django_db
def test_a_jpeg_is_re_encoded_without_its_gps_position(assigned_client, mentor):
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)

    document = document_upload(
        client=assigned_client,
        kind=DocumentKind.RESIDENCE_PERMIT,
        upload=upload(original, "IMG_0001.jpg", "image/jpeg"),
        actor=mentor,
    )

    stored = document.file.read()
    assert document.content_type == "image/jpeg"
    assert stored != original
    picture = Image.open(io.BytesIO(stored))
    assert picture.format == "JPEG" and picture.size == (40, 30)
    assert not picture.getexif()
    assert b"PhoneMaker" not in stored


@pytest.mark.django_db
def test_a_png_and_a_heic_are_kept(assigned_client, social_worker):
    png = document_upload(
        client=assigned_client, kind="other", upload=upload(png_bytes(), "a.png", "image/png"), actor=social_worker
    )
    heic = document_upload(
        client=assigned_client,
        kind="identity",
        upload=upload(heic_bytes(), "a.heic", "image/heic"),
        actor=social_worker,
    )

    assert png.content_type == "image/png"
    assert Image.open(io.BytesIO(png.file.read())).format == "PNG"
    # A HEIC photo is kept as a JPEG, which every computer opens.
    assert heic.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(heic.file.read())).size == (64, 48)


@pytest.mark.django_db
def test_the_name_and_the_browsers_type_do_not_decide(assigned_client, social_worker):
    document = document_upload(
        client=assigned_client,
        kind="other",
        upload=upload(png_bytes(), "scan.pdf", "application/pdf"),
        actor=social_worker,
    )
    assert document.content_type == "image/png"


@pytest.mark.django_db
def test_who_may_upload_and_delete(assigned_client, unassigned_client, foreign_client, mentor, coordinator, outsider):
    file = upload(pdf_bytes())
    for client, user in (
        (unassigned_client, mentor),
        (assigned_client, coordinator),
        (assigned_client, outsider),
        (foreign_client, mentor),
    ):
        with pytest.raises(PermissionDenied):
            document_upload(client=client, kind="other", upload=file, actor=user)
    document = document_upload(client=assigned_client, kind="other", upload=file, actor=mentor)
    with pytest.raises(PermissionDenied):
        document_delete(document=document, actor=mentor)
    assert Document.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_delete_removes_the_row_and_the_file(assigned_client, social_worker, documents_root):
    document = document_upload(client=assigned_client, kind="other", upload=upload(pdf_bytes()), actor=social_worker)
    assert len(stored_files(documents_root)) == 1

    document_delete(document=document, actor=social_worker)

    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


# Through the pages ------------------------------------------------------------------------------

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _add(client_, user, *, kind="residence_permit", valid_until=None, content=None, content_type="application/pdf"):
    return document_upload(
        client=client_,
        kind=kind,
        upload=upload(content if content is not None else pdf_bytes(), content_type=content_type),
        actor=user,
        valid_until=valid_until,
    )


@pytest.mark.django_db
def test_a_mentor_adds_a_photo_of_a_permit_from_the_client_page(client, mentor, assigned_client, documents_root):
    client.force_login(mentor)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert reverse("clients:document_upload", args=[assigned_client.pk]) in page

    form = client.get(reverse("clients:document_upload", args=[assigned_client.pk])).content.decode()
    assert 'capture="environment"' in form and 'accept="image/*"' in form
    assert 'enctype="multipart/form-data"' in form

    expires = TODAY + datetime.timedelta(days=12)
    photo = SimpleUploadedFile("IMG_2031.jpg", jpeg_bytes(gps=True), content_type="image/jpeg")
    response = client.post(
        reverse("clients:document_upload", args=[assigned_client.pk]),
        {"kind": "residence_permit", "valid_until": expires.isoformat(), "file": photo},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[assigned_client.pk]) + "#documents-heading"
    document = Document.objects.get()
    assert (document.client, document.kind, document.valid_until, document.uploaded_by) == (
        assigned_client,
        "residence_permit",
        expires,
        mentor,
    )
    assert len(stored_files(documents_root)) == 1
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert "Residence permit" in page
    assert "expires in 12 days" in page
    # The timeline says a document was added, and of which kind only.
    assert 'data-testid="timeline-document"' in page


@pytest.mark.django_db
def test_a_hostile_file_gets_its_message_on_the_page(client, social_worker, assigned_client, documents_root):
    client.force_login(social_worker)
    response = client.post(
        reverse("clients:document_upload", args=[assigned_client.pk]),
        {"kind": "residence_permit", "file": SimpleUploadedFile("permit.pdf", EXECUTABLE, "application/pdf")},
    )

    assert response.status_code == 200
    assert "Upload a PDF, JPEG, PNG or HEIC file" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


@pytest.mark.django_db
def test_a_50_mb_upload_gets_a_clear_message_on_the_page(client, social_worker, assigned_client, documents_root):
    client.force_login(social_worker)
    body = b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024)
    response = client.post(
        reverse("clients:document_upload", args=[assigned_client.pk]),
        {"kind": "residence_permit", "file": SimpleUploadedFile("huge.pdf", body, "application/pdf")},
    )

    assert response.status_code == 200
    assert "The file is larger than 10 MB" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


def test_the_upload_handler_keeps_no_more_than_the_limit_and_counts_the_rest():
    handler = LimitedUploadHandler()
    handler.new_file("file", "huge.jpg", "image/jpeg", None)
    chunk = b"x" * (6 * 1024 * 1024)
    for start in range(3):
        assert handler.receive_data_chunk(chunk, start * len(chunk)) is None
    upload = handler.file_complete(3 * len(chunk))

    assert upload.size == 18 * 1024 * 1024
    assert len(upload.read()) == DOCUMENT_MAX_BYTES + 1
    assert upload.name == "huge.jpg"


@pytest.mark.django_db
def test_the_client_page_reads_the_documents_in_a_fixed_number_of_queries(client, social_worker, assigned_client):
    client.force_login(social_worker)
    url = reverse("clients:detail", args=[assigned_client.pk])
    _add(assigned_client, social_worker, valid_until=TODAY)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for kind in ("identity", "medical", "other"):
        _add(assigned_client, social_worker, kind=kind)
    with CaptureQueriesContext(connection) as four:
        page = client.get(url).content.decode()

    assert page.count('data-testid="document"') == 4
    assert len(four) == len(one)


@pytest.mark.django_db
def test_no_file_is_asked_for(client, social_worker, assigned_client):
    client.force_login(social_worker)
    response = client.post(reverse("clients:document_upload", args=[assigned_client.pk]), {"kind": "identity"})
    assert response.status_code == 200
    assert "Take a photo or choose a file." in response.content.decode()


@pytest.mark.django_db
def test_the_download_is_an_attachment_never_cached_named_by_kind_and_day(client, social_worker, assigned_client):
    content = pdf_bytes()
    document = _add(assigned_client, social_worker, content=content)
    client.force_login(social_worker)

    response = client.get(reverse("clients:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    day = timezone.localtime(document.uploaded_at).date()
    assert response["Content-Disposition"] == f'attachment; filename="residence_permit-{day:%Y-%m-%d}.pdf"'
    assert assigned_client.first_name not in response["Content-Disposition"]
    assert {"no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert response["X-Content-Type-Options"] == "nosniff"
    # Reading a document is audited.
    assert AuditEntry.objects.filter(
        action=Action.DOWNLOAD, object_type="clients.document", object_id=str(document.pk), actor_id=social_worker.pk
    ).exists()


@pytest.mark.django_db
def test_who_reads_a_document(
    client, social_worker, mentor, manager, coordinator, outsider, assigned_client, unassigned_client, provider
):
    assigned = _add(assigned_client, social_worker)
    unassigned = _add(unassigned_client, social_worker)

    def status(user, document) -> int:
        client.force_login(user)
        return client.get(reverse("clients:document_download", args=[document.pk])).status_code

    assert status(mentor, assigned) == 200
    assert status(mentor, unassigned) == 404  # a mentor's unassigned client
    assert status(manager, unassigned) == 200
    assert status(social_worker, unassigned) == 200
    assert status(outsider, assigned) == 404  # another provider's
    assert status(coordinator, assigned) == 404  # never a coordinator
    # The upload page likewise.
    for user, client_, expected in (
        (mentor, unassigned_client, 404),
        (outsider, assigned_client, 404),
        (coordinator, assigned_client, 404),
        (mentor, assigned_client, 200),
    ):
        client.force_login(user)
        assert client.get(reverse("clients:document_upload", args=[client_.pk])).status_code == expected


@pytest.mark.django_db(transaction=True)
def test_removing_asks_first_then_deletes_row_and_file(client, social_worker, mentor, assigned_client, documents_root):
    document = _add(assigned_client, social_worker)
    url = reverse("clients:document_delete", args=[document.pk])

    client.force_login(mentor)
    assert client.post(url, {"confirm": "yes"}).status_code == 403

    client.force_login(social_worker)
    asked = client.post(url)
    assert asked.status_code == 200 and "cannot be brought back" in asked.content.decode()
    assert Document.objects.filter(pk=document.pk).exists()

    removed = client.post(url, {"confirm": "yes"})
    assert removed.status_code == 302
    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


# Expiring documents -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_expiring_documents_of_the_users_clients(social_worker, mentor, coordinator, assigned_client, provider):
    soon = _add(assigned_client, social_worker, valid_until=TODAY + datetime.timedelta(days=10))
    expired = _add(assigned_client, social_worker, kind="identity", valid_until=TODAY - datetime.timedelta(days=3))
    _add(assigned_client, social_worker, kind="medical", valid_until=TODAY + datetime.timedelta(days=31))
    _add(assigned_client, social_worker, kind="other")  # no expiry date
    # Another client of the provider, assigned to nobody: not this social worker's.
    other = ClientFactory(provider=provider)
    _add(other, social_worker, valid_until=TODAY + datetime.timedelta(days=5))

    listed = documents_expiring(user=social_worker, today=TODAY)

    assert listed == [expired, soon]
    assert [(d.days_left, d.expired) for d in listed] == [(-3, True), (10, False)]
    assert documents_expiring(user=mentor, today=TODAY) == [expired, soon]
    assert documents_expiring(user=coordinator, today=TODAY) == []


@pytest.mark.django_db
def test_a_renewed_permit_no_longer_reminds(social_worker, assigned_client):
    _add(assigned_client, social_worker, valid_until=TODAY + datetime.timedelta(days=4))
    _add(assigned_client, social_worker, valid_until=TODAY + datetime.timedelta(days=365))

    assert documents_expiring(user=social_worker, today=TODAY) == []


@pytest.mark.django_db
def test_a_closed_case_no_longer_reminds(social_worker, assigned_client):
    _add(assigned_client, social_worker, valid_until=TODAY + datetime.timedelta(days=4))
    Client.objects.filter(pk=assigned_client.pk).update(service_end=TODAY - datetime.timedelta(days=1))

    assert documents_expiring(user=social_worker, today=TODAY) == []


@pytest.mark.django_db
def test_expiring_documents_on_the_home_pages(client, social_worker, mentor, assigned_client):
    _add(assigned_client, social_worker, valid_until=TODAY + datetime.timedelta(days=7))

    for user in (social_worker, mentor):
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert 'data-testid="expiring-documents"' in page, user
        assert "Residence permit" in page and "expires in 7 days" in page
        assert reverse("clients:detail", args=[assigned_client.pk]) in page


@pytest.mark.django_db
def test_the_home_page_lists_nothing_when_nothing_expires(client, social_worker, assigned_client):
    _add(assigned_client, social_worker, valid_until=TODAY + datetime.timedelta(days=60))
    client.force_login(social_worker)
    assert 'data-testid="expiring-documents"' not in client.get(reverse("home")).content.decode()


# The person's rights ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_export_lists_the_documents_not_their_bytes(social_worker, assigned_client):
    _add(assigned_client, social_worker, valid_until=date(2027, 3, 1))

    rows = client_data_export(client=assigned_client)["documents"]

    assert [(row["kind"], row["kind_label"], row["valid_until"]) for row in rows] == [
        ("residence_permit", "Residence permit", date(2027, 3, 1))
    ]
    assert "%PDF" not in json.dumps(rows, default=str)


@pytest.mark.django_db
def test_anonymisation_deletes_the_documents_and_their_files(
    social_worker, manager, assigned_client, documents_root, django_capture_on_commit_callbacks
):
    _add(assigned_client, social_worker)
    _add(assigned_client, social_worker, kind="identity", content=jpeg_bytes(), content_type="image/jpeg")
    assert len(stored_files(documents_root)) == 2
    long_ago = TODAY - datetime.timedelta(days=3000)
    Client.objects.filter(pk=assigned_client.pk).update(service_start=long_ago, service_end=long_ago)
    assigned_client.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        client_anonymise(client=assigned_client, by=manager)

    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


@pytest.mark.django_db
def test_files_left_without_a_row_are_removed_once_old(social_worker, assigned_client, documents_root):
    kept = _add(assigned_client, social_worker)
    stray = documents_root / "2026" / "0123456789abcdef0123456789abcdef"
    stray.write_bytes(b"left by a rolled-back upload")
    fresh = documents_root / "2026" / "fedcba9876543210fedcba9876543210"
    fresh.write_bytes(b"an upload whose row is being written")
    two_hours_ago = (timezone.now() - datetime.timedelta(hours=2)).timestamp()
    kept_path = documents_root / kept.file.name
    for path in (stray, kept_path):
        os.utime(path, (two_hours_ago, two_hours_ago))

    assert orphan_files_remove() == 1

    assert sorted(stored_files(documents_root)) == sorted([kept_path, fresh])


def test_the_orphan_sweep_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["document-orphans-remove"]
    module, _dot, name = entry["task"].rpartition(".")
    assert module == "clients.tasks" and name == document_orphans_remove_task.__name__
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {30}


@pytest.mark.django_db
def test_an_upload_is_on_the_audit_page(client, social_worker, manager, assigned_client):
    client.force_login(social_worker)
    client.post(
        reverse("clients:document_upload", args=[assigned_client.pk]),
        {"kind": "residence_permit", "file": upload(pdf_bytes())},
    )
    document = Document.objects.get()

    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="clients.document", object_id=str(document.pk))
    assert entry.actor_id == social_worker.pk
    client.force_login(manager)
    response = client.get(reverse("audit:list"), {"object_type": "clients.document"})
    assert response.status_code == 200
    assert "Document" in response.content.decode()

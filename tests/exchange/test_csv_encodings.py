"""The encoding of a CSV file, decided from its bytes: UTF-8 (with or without a byte-order mark), or
Windows-1257 when its bytes read as Latvian letters there; a file saved as Windows-1252, or whose letters
were already replaced by '?', is refused with one message naming the file (and the rows).

The csv-* folders of tests/exchange/spreadsheets were saved by LibreOffice (csv-make.py says how).
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from clients.models import Client, Provider, ResidenceEntry, Staff
from exchange.services import dataset_import, read_upload
from exchange.sniffing import BALTIC, UTF8, detect_encoding, slices
from plans.models import Contact

from .exchange_helpers import SAMPLE, client_row, contact_row, dump, small_folder, staff_row

pytestmark = pytest.mark.django_db

SPREADSHEETS = Path(__file__).parent / "spreadsheets"
TYPED = SPREADSHEETS / "csv-utf8"  # what the user typed, before a spreadsheet saved it
LOST = "in place of a letter"
WESTERN = "The file was saved in the Western European encoding (Windows-1252), which has no ā, č, ē, ģ, ī, ķ, ļ, ņ, ū"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _files(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv"))]


def _import(folder: Path, way: str):
    """The folder imported from disk (the large files streamed) or uploaded (every file read whole)."""
    if way == "folder":
        return dataset_import(path=folder)
    sheets, errors = read_upload(_files(folder))
    return dataset_import(sheets=sheets, read_errors=errors)


def _records_of(folder: Path, way: str) -> dict:
    with transaction.atomic():
        result = _import(folder, way)
        assert result.errors == []
        records = dump()
        transaction.set_rollback(True)
    return records


def _nothing_written() -> None:
    assert (Provider.objects.count(), Staff.objects.count(), Client.objects.count(), Contact.objects.count()) == (
        0,
        0,
        0,
        0,
    )


def _saved_as(source: Path, target: Path, encoding: str, delimiter: str = ",") -> Path:
    """The folder as a spreadsheet saves it in `encoding`: a letter the encoding lacks is written as '?'."""
    target.mkdir()
    for path in source.glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream))
        text = io.StringIO()
        csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        (target / path.name).write_bytes(text.getvalue().encode(encoding, errors="replace"))
    return target


# --- deciding the encoding -----------------------------------------------------------------------------------

LATVIAN = "Rūta Ozoliņa, Jānis Bērziņš, Ģirts Ķēniņš, Ļena Čakste, Žanis Šķēle: Rīga, Jūrmala, Cēsis."


def _detected(raw: bytes):
    return detect_encoding(slices(raw))


def test_utf8_with_or_without_a_byte_order_mark_is_utf8():
    assert _detected(LATVIAN.encode("utf-8")).codec == UTF8
    assert _detected(b"\xef\xbb\xbf" + LATVIAN.encode("utf-8")).codec == UTF8
    assert _detected(b"code,name\r\nLSK,Red Cross\r\n").codec == UTF8


def test_latvian_text_in_windows_1257_is_read_as_windows_1257():
    assert _detected(LATVIAN.encode("cp1257")).codec == BALTIC
    # a foreign name or two among the Latvian letters
    assert _detected((LATVIAN * 3 + " Müller, José").encode("cp1257")).codec == BALTIC


def test_latvian_text_saved_as_windows_1252_is_refused_as_western():
    saved = LATVIAN.encode("cp1252", errors="replace")  # š and ž stay, the others become '?'
    encoding = _detected(saved)
    assert (encoding.codec, encoding.western) == (None, True)


def test_western_text_is_not_taken_for_windows_1257():
    encoding = _detected("José Müller, Françoise Ångström, Señora Núñez".encode("cp1252"))
    assert (encoding.codec, encoding.western) == (None, False)


def test_utf16_and_binary_files_are_refused():
    assert _detected(LATVIAN.encode("utf-16")).codec is None
    assert _detected(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xe2").codec is None


def test_a_file_without_a_question_mark_needs_no_look_for_lost_letters():
    assert _detected(b"code,name\r\nLSK,Red Cross\r\n").question_marks is False
    assert _detected(b"code,name\r\nLSK,R?ga\r\n").question_marks is True
    assert _detected("Rīga, R?ga".encode("cp1257")).question_marks is True


def test_a_file_of_gigabytes_is_read_in_parts():
    raw = LATVIAN.encode("cp1257") * 40_000  # several parts of a megabyte
    assert _detected(raw).codec == BALTIC


# --- Windows-1257: imported exactly --------------------------------------------------------------------------


@pytest.mark.parametrize("way", ["folder", "upload"])
@pytest.mark.parametrize("saved", ["csv-windows-1257", "csv-excel-latvian-ansi"])
def test_a_folder_saved_as_windows_1257_imports_the_latvian_letters_exactly(way, saved):
    expected = _records_of(TYPED, way)
    result = _import(SPREADSHEETS / saved, way)
    assert result.errors == []
    assert dump() == expected
    assert Staff.objects.get(staff_ref="M3").first_name == "Žanis"
    assert Staff.objects.get(staff_ref="S2").last_name == "Ķēniņš"
    assert Provider.objects.get(code="DM").name == "Patvērums „Drošā māja”"
    assert Contact.objects.get(contact_ref="K5").note == "Ģimenes vizīte: ļoti labi.\nBērni sāk skolu; šķēršļu nav."


@pytest.mark.parametrize("way", ["folder", "upload"])
def test_a_utf8_file_with_a_byte_order_mark_as_excel_saves_it_imports(way):
    assert (SPREADSHEETS / "csv-excel-latvian" / "clients.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    expected = _records_of(TYPED, way)
    assert _import(SPREADSHEETS / "csv-excel-latvian", way).errors == []
    assert dump() == expected


# --- Windows-1252 and letters lost to '?': refused -----------------------------------------------------------


@pytest.mark.parametrize("way", ["folder", "upload"])
def test_a_folder_saved_as_windows_1252_is_refused_with_one_message_a_file(way):
    result = _import(SPREADSHEETS / "csv-windows-1252", way)
    by_file: dict[str, list] = {}
    for error in result.errors:
        if error.message.startswith(WESTERN) or LOST in error.message:
            by_file.setdefault(error.file, []).append(error)
    assert {name: len(errors) for name, errors in by_file.items()} == {
        "providers": 1,
        "staff": 1,
        "clients": 1,
        "contacts": 1,
    }
    assert len(result.errors) < 10  # and no error a row
    # staff, providers and contacts keep š/ž (bytes no Baltic file has): the encoding is named
    for name in ("providers", "staff", "contacts"):
        (error,) = by_file[name]
        assert (error.row, error.column) == (None, "")
        assert error.message.startswith(WESTERN)
        assert "save it as CSV UTF-8" in error.message
    # clients lost all its letters to '?' and is plain ASCII, valid UTF-8: the '?' in its names give it away
    (error,) = by_file["clients"]
    assert error.message.startswith("5 rows have '?' in place of a letter (rows 2, 3, 4, 5, 6)")
    _nothing_written()


def test_the_sample_saved_as_windows_1257_is_refused_for_the_names_it_lost(tmp_path):
    """Windows-1257 has no Ş, ı, Ç, í: a spreadsheet writes them as '?' (Şahin as ?ahin)."""
    folder = _saved_as(SAMPLE, tmp_path / "saved", "cp1257")
    with open(SAMPLE / "clients.csv", encoding="utf-8", newline="") as stream:
        lost = [
            number
            for number, row in enumerate(csv.DictReader(stream), start=2)
            if any(not _encodable(row[c], "cp1257") for c in ("first_name", "last_name", "residence"))
        ]
    assert len(lost) > 5
    result = dataset_import(path=folder)
    clients = [e for e in result.errors if e.file == "clients"]
    assert len(clients) == 1
    assert clients[0].row is None
    assert clients[0].message.startswith(
        f"{len(lost)} rows have '?' in place of a letter (rows {', '.join(map(str, lost[:5]))}, …): the file lost "
        "letters such as ā, č, ē, ģ, ī, ķ, ļ, ņ, ū when it was saved in an encoding without them."
    )
    assert "CSV UTF-8" in clients[0].message
    assert len(result.errors) <= 3  # the files that name the clients add a line at most, not one a row
    _nothing_written()


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("way", ["folder", "upload"])
def test_question_marks_in_names_are_refused_naming_the_rows(tmp_path, way):
    clients = [client_row(f"C{i}") for i in range(1, 9)]
    for i in (1, 3, 4, 5, 6, 7):  # rows 3, 5, 6, 7, 8, 9
        clients[i]["residence"] = "R?ga"
    clients[7]["last_name"] = "Ozoli?a"
    staff = [staff_row("S1", "social_worker", first_name="R?ta"), staff_row("M1", "mentor")]
    result = _import(small_folder(tmp_path, clients=clients, staff=staff), way)
    lost = [e for e in result.errors if LOST in e.message]
    assert [(e.file, e.row, e.column) for e in lost] == [("staff", None, "first_name"), ("clients", None, "residence")]
    assert lost[0].message.startswith("1 row has '?' in place of a letter (row 2): the file lost letters")
    assert lost[1].message.startswith("6 rows have '?' in place of a letter (rows 3, 5, 6, 7, 8, …): the file")
    assert len(result.errors) < 5  # and no error a row
    _nothing_written()


@pytest.mark.parametrize("way", ["folder", "upload"])
def test_a_note_whose_words_lost_their_letters_is_refused(tmp_path, way):
    contacts = [contact_row("K1"), contact_row("K2", note="Pavad?ja uz slimn?cu, ?imenes ?rsts.")]
    result = _import(small_folder(tmp_path, contacts=contacts), way)
    assert [(e.file, e.row, e.column) for e in result.errors] == [("contacts", None, "note")]
    assert result.errors[0].message.startswith("1 row has '?' in place of a letter (row 3)")
    _nothing_written()


@pytest.mark.parametrize("way", ["folder", "upload"])
def test_questions_unknown_names_and_web_addresses_keep_their_question_marks(tmp_path, way):
    notes = ["Vai būs jāmaksā? Jā.", "Kāpēc?", "Saite: https://www.pmlp.gov.lv/lv?id=12", "?? ?", "(?)"]
    contacts = [contact_row(f"K{i}", note=note) for i, note in enumerate(notes)]
    clients = [client_row("C1", first_name="?")]  # a name not known is no lost letter
    result = _import(small_folder(tmp_path, contacts=contacts, clients=clients), way)
    assert result.errors == []
    assert Client.objects.get(client_ref="C1").first_name == "?"
    assert sorted(Contact.objects.values_list("note", flat=True)) == sorted(notes)


def test_a_bad_cell_of_a_windows_1257_file_is_reported_with_its_row(tmp_path):
    folder = _saved_as(TYPED, tmp_path / "saved", "cp1257")
    path = folder / "clients.csv"
    path.write_bytes(path.read_bytes().replace(b"1985-03-09", b"1985-13-09"))
    result = dataset_import(path=folder)
    assert [(e.file, e.row, e.column) for e in result.errors if e.file == "clients"] == [("clients", 4, "birth_date")]
    _nothing_written()


# --- in the browser ------------------------------------------------------------------------------------------


@pytest.fixture
def manager_client(client, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.cookies["django_language"] = "en"
    client.force_login(manager)
    return client


def _upload(manager_client, folder: Path):
    uploads = [SimpleUploadedFile(name, content, content_type="text/csv") for name, content in _files(folder)]
    response = manager_client.post(reverse("exchange:import"), {"files": uploads})
    assert response.status_code == 200
    return response


def test_a_manager_imports_what_excel_saves_on_a_latvian_windows(manager_client, provider, tmp_path):
    folder = _saved_as(small_folder(tmp_path), tmp_path / "excel", "cp1257", ";")
    assert "Import preview" in _upload(manager_client, folder).text
    response = manager_client.post(reverse("exchange:import_confirm"), follow=True)
    assert "Imported: " in response.text
    assert Staff.objects.get(staff_ref="S1").first_name == "Rūta"
    assert ResidenceEntry.objects.get(client__client_ref="C1").residence == "Rīga"


def test_a_manager_uploading_a_windows_1252_file_sees_one_message_for_it(manager_client, provider, tmp_path):
    staff = [staff_row("S1", "social_worker", first_name="Rūta", last_name="Bērziņa-Šmite"), staff_row("M1", "mentor")]
    folder = _saved_as(small_folder(tmp_path, staff=staff), tmp_path / "english-windows", "cp1252")
    response = _upload(manager_client, folder)
    page = html.unescape(response.content.decode())
    assert page.count(WESTERN) == 1
    assert page.count("in place of a letter") == 1  # clients.csv: Rīga became R?ga, plain ASCII
    assert reverse("exchange:import_confirm") not in page
    assert not (Staff.objects.exists() or Client.objects.exists() or Contact.objects.exists())


def test_the_refusal_is_in_latvian_for_a_latvian_manager(client, manager, provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(manager)  # Latvian: the default language
    staff = [staff_row("S1", "social_worker", last_name="Šmite"), staff_row("M1", "mentor")]
    folder = small_folder(tmp_path, staff=staff)
    saved = _saved_as(folder, tmp_path / "english-windows", "cp1252")
    with translation.override("lv"):
        page = html.unescape(_upload(client, saved).content.decode())
    assert page.count("Fails ir saglabāts Rietumeiropas kodējumā (Windows-1252)") == 1
    assert page.count("burta vietā ir '?'") == 1  # clients.csv: Rīga became R?ga
    assert "Western European" not in page

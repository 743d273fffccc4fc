"""The import of exchange format version 1: the sample folder, idempotence, and every rule."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from clients.models import Client, Contract, Family, LegalStatusEntry, Provider, ResidenceEntry, Staff, name_key
from exchange.services import dataset_import
from plans.models import Contact, ContactTopic

from .exchange_helpers import (
    HEADERS,
    SAMPLE,
    client_row,
    contact_row,
    copy_sample,
    dump,
    errors_of,
    read_rows,
    set_cell,
    small_folder,
    write_rows,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English; the data assertions hold in any language.
    with translation.override("en"):
        yield


@pytest.fixture
def sample_result():
    return dataset_import(path=SAMPLE)


def test_the_sample_folder_loads_every_record(sample_result):
    assert sample_result.errors == []
    assert Provider.objects.count() == 2
    assert Contract.objects.count() == 2
    assert Staff.objects.count() == 18
    assert Client.objects.count() == 360
    assert Contact.objects.count() == 924
    history_rows = len(read_rows(SAMPLE, "status_history"))
    with_status = sum(1 for row in read_rows(SAMPLE, "clients") if row["legal_status"])
    assert LegalStatusEntry.objects.count() == history_rows + with_status
    assert ResidenceEntry.objects.count() == sum(1 for row in read_rows(SAMPLE, "clients") if row["residence"])
    counts = {name: c.created for name, c in sample_result.counts.items()}
    assert counts == {
        "providers": 2,
        "contracts": 2,
        "staff": 18,
        "clients": 360,
        "status_history": history_rows,
        "contacts": 924,
    }


def test_the_sample_folder_keeps_relations_dates_and_defaults(sample_result):
    client = Client.objects.get(client_ref="C00004")
    assert client.provider.code == "CARITAS"
    assert client.mentor.staff_ref == "CARITAS-2022-M2"
    assert client.social_worker is None
    # residence_since is empty: the residence dates from service_start.
    assert list(client.residences.values_list("residence", "since")) == [
        ("reception_centre", datetime.date(2022, 8, 7))
    ]
    first = Contact.objects.get(contact_ref="K000001")
    assert first.provider.code == "CARITAS"
    assert [c.client_ref for c in first.clients.all()] == ["C00001"]
    assert first.note.startswith('Pavadīja uz "Rīgas 1. slimnīcu"')
    assert set(Contact.objects.get(contact_ref="K000002").topics.values_list("topic", flat=True)) == {
        "health",
        "housing",
        "social_services",
    }
    assert Client.objects.get(client_ref="C00001").name_key


def test_the_formula_like_note_of_the_sample_is_kept_as_text(sample_result):
    assert Contact.objects.filter(note__startswith="=1+2").exists()


def test_importing_the_same_folder_twice_changes_nothing(sample_result):
    before = dump()
    again = dataset_import(path=SAMPLE)
    assert again.errors == []
    assert dump() == before
    for name, counts in again.counts.items():
        assert (counts.created, counts.updated) == (0, 0), name
        assert counts.unchanged == sample_result.counts[name].created, name
    assert LegalStatusEntry.objects.count() + ResidenceEntry.objects.count() == len(before["statuses"]) + len(
        before["residences"]
    )


def test_a_changed_cell_updates_the_record_and_leaves_the_rest_unchanged(sample_result, tmp_path):
    folder = copy_sample(tmp_path)
    set_cell(folder, "contacts", 0, "duration_minutes", "15")
    set_cell(folder, "clients", 0, "last_name", "Ahmadzai")
    result = dataset_import(path=folder)
    assert result.errors == []
    assert (result.counts["contacts"].updated, result.counts["contacts"].unchanged) == (1, 923)
    assert (result.counts["clients"].updated, result.counts["clients"].unchanged) == (1, 359)
    assert Contact.objects.get(contact_ref="K000001").duration_minutes == 15
    client = Client.objects.get(client_ref="C00001")
    assert client.last_name == "Ahmadzai"
    assert client.name_key == name_key(client.first_name, "Ahmadzai")


def test_a_new_legal_status_adds_a_history_entry_and_overwrites_nothing(sample_result, tmp_path):
    folder = copy_sample(tmp_path)
    rows = read_rows(folder, "clients")
    rows[0].update(legal_status="refugee", legal_status_since="2023-01-05")
    write_rows(folder, "clients", rows)
    before = set(LegalStatusEntry.objects.filter(client__client_ref="C00001").values_list("legal_status", "since"))
    assert dataset_import(path=folder).errors == []
    after = set(LegalStatusEntry.objects.filter(client__client_ref="C00001").values_list("legal_status", "since"))
    assert after == before | {("refugee", datetime.date(2023, 1, 5))}


def test_a_dry_run_reports_the_counts_and_writes_nothing():
    result = dataset_import(path=SAMPLE, dry_run=True)
    assert result.ok and result.dry_run and not result.written
    assert result.counts["contacts"].created == 924
    assert Provider.objects.count() == 0
    assert Client.objects.count() == 0
    assert Contact.objects.count() == 0
    assert Family.objects.count() == 0


def test_bad_cells_in_two_files_refuse_the_whole_folder_and_name_every_error(tmp_path):
    folder = copy_sample(tmp_path)
    set_cell(folder, "clients", 2, "birth_date", "12.03.90")
    set_cell(folder, "clients", 9, "country", "XX")
    set_cell(folder, "contacts", 0, "duration_minutes", "0")
    set_cell(folder, "contacts", 99, "form", "visit")
    result = dataset_import(path=folder)
    assert errors_of(result) == {
        ("clients", 4, "birth_date"),
        ("clients", 11, "country"),
        ("contacts", 2, "duration_minutes"),
        ("contacts", 101, "form"),
    }
    assert not result.written
    assert Provider.objects.count() == 0
    assert Client.objects.count() == 0
    assert Contact.objects.count() == 0


def test_the_import_command_prints_the_counts(capsys):
    call_command("import_dataset", str(SAMPLE))
    out = capsys.readouterr().out
    assert "clients: 360 created, 0 updated, 0 unchanged" in out
    assert "contacts: 924 created" in out


def test_the_import_command_fails_with_every_error_and_writes_nothing(tmp_path):
    folder = copy_sample(tmp_path)
    set_cell(folder, "clients", 0, "gender", "female")
    set_cell(folder, "contacts", 3, "staff_ref", "S9")
    with pytest.raises(CommandError) as raised:
        call_command("import_dataset", str(folder))
    message = str(raised.value)
    assert "clients:2:gender: Unknown value 'female'" in message
    assert "contacts:5:staff_ref: No staff member with reference 'S9'." in message
    assert raised.value.returncode != 0
    assert Client.objects.count() == 0


def test_the_import_command_dry_run_writes_nothing(capsys):
    call_command("import_dataset", str(SAMPLE), "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert Client.objects.count() == 0


def test_a_small_folder_imports(tmp_path):
    result = dataset_import(path=small_folder(tmp_path))
    assert result.errors == []
    assert Family.objects.get(family_ref="F1").members.count() == 2
    contact = Contact.objects.get(contact_ref="K1")
    assert contact.provider.code == "LSK"
    assert set(ContactTopic.objects.filter(contact=contact).values_list("topic", flat=True)) == {"health", "housing"}


def test_an_unknown_column_is_an_error(tmp_path):
    folder = small_folder(tmp_path)
    rows = read_rows(folder, "clients")
    for row in rows:
        row["nationality"] = "AF"
    write_rows(folder, "clients", rows)
    result = dataset_import(path=folder)
    # contacts.csv names clients: its rows are not checked, one line says so (issue 18).
    assert errors_of(result) == {("clients", 1, "nationality"), ("contacts", None, "")}
    assert "Unknown column 'nationality'" in result.errors[0].message
    assert Client.objects.count() == 0


def test_a_missing_required_column_is_an_error(tmp_path):
    folder = small_folder(tmp_path)
    rows = [{k: v for k, v in row.items() if k != "last_name"} for row in read_rows(folder, "clients")]
    write_rows(folder, "clients", rows)
    result = dataset_import(path=folder)
    assert errors_of(result) == {("clients", 1, "last_name"), ("contacts", None, "")}


def test_optional_columns_may_be_left_out(tmp_path):
    folder = small_folder(tmp_path)
    rows = [
        {"client_ref": r["client_ref"], "first_name": "A", "last_name": "B", "provider": "LSK"}
        for r in read_rows(folder, "clients")
    ]
    write_rows(folder, "clients", rows)
    result = dataset_import(path=folder)
    assert result.errors == []
    assert Client.objects.get(client_ref="C1").birth_date is None


def test_a_missing_required_file_is_an_error(tmp_path):
    folder = small_folder(tmp_path)
    (folder / "staff.csv").unlink()
    result = dataset_import(path=folder)
    assert ("staff", None, "") in errors_of(result)
    assert Provider.objects.count() == 0


def test_an_unknown_file_is_an_error(tmp_path):
    folder = small_folder(tmp_path)
    (folder / "families.csv").write_text("family_ref\nF1\n", encoding="utf-8")
    assert ("families.csv", None, "") in errors_of(dataset_import(path=folder))


@pytest.mark.parametrize("value", ["2022-13-01", "01.02.22", "32.01.2022", "2022/02/01", "2022-2-1", "yesterday"])
def test_a_date_not_in_yyyy_mm_dd_is_an_error(tmp_path, value):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", date=value)])
    result = dataset_import(path=folder)
    assert errors_of(result) == {("contacts", 2, "date")}
    assert Contact.objects.count() == 0


def test_a_date_error_says_the_expected_form(tmp_path):
    folder = small_folder(tmp_path, clients=[client_row("C1", birth_date="17/05/1990"), client_row("C2")])
    result = dataset_import(path=folder)
    assert [e.message for e in result.errors] == [
        "Date must be YYYY-MM-DD or DD.MM.YYYY, e.g. 2022-03-31 or 31.03.2022; got '17/05/1990'."
    ]


@pytest.mark.parametrize(
    ("file", "column", "value"),
    [
        ("clients", "gender", "W"),
        ("clients", "arrival_route", "plane"),
        ("clients", "legal_status", "citizen"),
        ("contacts", "form", "visit"),
        ("contacts", "topics", "health;cooking"),
    ],
)
def test_an_unknown_code_is_an_error(tmp_path, file, column, value):
    folder = small_folder(tmp_path)
    set_cell(folder, file, 0, column, value)
    result = dataset_import(path=folder)
    assert errors_of(result) == {(file, 2, column)}
    assert "Unknown value" in result.errors[0].message


def test_a_staff_role_not_in_the_format_is_an_error(tmp_path):
    folder = small_folder(tmp_path)
    set_cell(folder, "staff", 1, "role", "manager")
    assert ("staff", 3, "role") in errors_of(dataset_import(path=folder))


def test_an_unknown_country_is_an_error(tmp_path):
    folder = small_folder(tmp_path)
    set_cell(folder, "clients", 1, "country", "XX")
    result = dataset_import(path=folder)
    assert errors_of(result) == {("clients", 3, "country")}
    assert result.errors[0].message.startswith("Unknown country code 'XX'")


@pytest.mark.parametrize("value", ["0", "1441", "-5", "45.5", "an hour"])
def test_a_duration_outside_1_to_1440_minutes_is_an_error(tmp_path, value):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", duration_minutes=value)])
    assert errors_of(dataset_import(path=folder)) == {("contacts", 2, "duration_minutes")}


@pytest.mark.parametrize("value", ["1", "1440", ""])
def test_a_duration_of_1_to_1440_minutes_or_none_is_accepted(tmp_path, value):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", duration_minutes=value)])
    assert dataset_import(path=folder).errors == []


def test_an_unknown_staff_reference_is_an_error(tmp_path):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", staff_ref="S9")])
    result = dataset_import(path=folder)
    assert errors_of(result) == {("contacts", 2, "staff_ref")}
    assert result.errors[0].message == "No staff member with reference 'S9'."


def test_unknown_client_and_family_references_are_errors(tmp_path):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", client_refs="C1;C8;C9", family_ref="F9")])
    result = dataset_import(path=folder)
    assert errors_of(result) == {("contacts", 2, "client_refs"), ("contacts", 2, "family_ref")}
    assert "No clients with references 'C8', 'C9'." in [e.message for e in result.errors]


def test_a_social_worker_column_must_name_a_social_worker(tmp_path):
    folder = small_folder(tmp_path, clients=[client_row("C1", social_worker="M1", mentor="S1")])
    result = dataset_import(path=folder)
    assert errors_of(result) == {("clients", 2, "social_worker"), ("clients", 2, "mentor")}


def test_a_contact_must_serve_a_family_or_clients(tmp_path):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", client_refs="", family_ref="")])
    result = dataset_import(path=folder)
    assert errors_of(result) == {("contacts", 2, "client_refs")}


def test_a_contact_may_serve_a_family_alone(tmp_path):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", client_refs="", family_ref="F1")])
    assert dataset_import(path=folder).errors == []
    assert Contact.objects.get(contact_ref="K1").family.family_ref == "F1"


@pytest.mark.parametrize("code", ["lsk", "LSK KRUSTS", "A" * 21, "LSK!"])
def test_a_provider_code_outside_the_format_is_an_error(tmp_path, code):
    folder = small_folder(tmp_path, providers=[{"code": code, "name": "X"}])
    assert ("providers", 2, "code") in errors_of(dataset_import(path=folder))


def test_a_reference_given_twice_in_a_file_is_an_error(tmp_path):
    folder = small_folder(tmp_path, contacts=[contact_row("K1"), contact_row("K2"), contact_row("K1", note="again")])
    result = dataset_import(path=folder)
    assert errors_of(result) == {("contacts", 4, "contact_ref")}
    assert "first in row 2" in result.errors[0].message
    assert Contact.objects.count() == 0


def test_a_required_cell_left_empty_is_an_error(tmp_path):
    folder = small_folder(tmp_path, clients=[client_row("C1", first_name=""), client_row("C2", family_ref="F1")])
    assert errors_of(dataset_import(path=folder)) == {("clients", 2, "first_name")}


def test_a_status_without_a_date_or_service_start_is_an_error(tmp_path):
    folder = small_folder(tmp_path, clients=[client_row("C1", service_start=""), client_row("C2")])
    result = dataset_import(path=folder)
    assert errors_of(result) == {("clients", 2, "legal_status_since"), ("clients", 2, "residence_since")}


def test_the_status_history_may_not_repeat_the_current_status_date(tmp_path):
    folder = small_folder(tmp_path)
    write_rows(folder, "status_history", [{"client_ref": "C1", "legal_status": "asylum_seeker", "since": "2022-01-10"}])
    assert errors_of(dataset_import(path=folder)) == {("status_history", 2, "since")}


def test_a_byte_order_mark_is_accepted(tmp_path):
    folder = small_folder(tmp_path)
    for path in folder.glob("*.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert dataset_import(path=folder).errors == []
    assert Client.objects.count() == 2


def test_a_quoted_cell_over_several_lines_is_one_row(tmp_path):
    contacts = [
        contact_row("K1", note="First line,\nsecond line\nthird line"),
        contact_row("K2", note='She said "yes",\nthen left'),
        contact_row("K3", duration_minutes="0"),
    ]
    folder = small_folder(tmp_path, contacts=contacts)
    result = dataset_import(path=folder)
    # K3 is the third record: spreadsheet row 4, whatever the lines of the cells above.
    assert errors_of(result) == {("contacts", 4, "duration_minutes")}


def test_a_multi_line_note_is_kept_whole(tmp_path):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", note="First line,\nsecond line")])
    assert dataset_import(path=folder).errors == []
    assert Contact.objects.get(contact_ref="K1").note == "First line,\nsecond line"


def test_references_may_point_to_records_already_in_the_database(tmp_path):
    assert dataset_import(path=small_folder(tmp_path)).errors == []
    later = tmp_path / "later"
    for name in ("providers", "staff", "clients"):
        write_rows(later, name, [], headers=HEADERS[name])
    write_rows(later, "contacts", [contact_row("K2", client_refs="C2", family_ref="F1", staff_ref="S1")])
    result = dataset_import(path=later)
    assert result.errors == []
    assert Contact.objects.get(contact_ref="K2").clients.get().client_ref == "C2"


def test_references_may_point_to_rows_of_the_same_import(tmp_path):
    result = dataset_import(path=small_folder(tmp_path))
    assert result.errors == []
    assert Client.objects.get(client_ref="C1").mentor.staff_ref == "M1"


def test_an_error_in_a_referenced_row_is_reported_once(tmp_path):
    folder = small_folder(tmp_path, clients=[client_row("C1", country="XX"), client_row("C2")])
    result = dataset_import(path=folder)
    # The contact names C1, whose row is refused: only the row itself is an error.
    assert errors_of(result) == {("clients", 2, "country")}


def _workbook_from_csv(folder, path):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name in ("providers", "contracts", "staff", "clients", "status_history", "contacts"):
        if not (folder / f"{name}.csv").exists():
            continue
        rows = read_rows(folder, name)
        sheet = workbook.create_sheet(name)
        sheet.append(list(rows[0]))
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(row.values(), start=1):
                cell = sheet.cell(row=number, column=column)
                cell.value = value
                cell.data_type = "s"  # text as typed: a note starting with "=" is not a formula
    workbook.save(path)


def test_an_xlsx_workbook_imports_like_the_csv_folder(tmp_path):
    dataset_import(path=SAMPLE)
    from_csv = dump()
    Contact.objects.all().delete()
    for model in (LegalStatusEntry, ResidenceEntry, Client, Family, Staff, Contract, Provider):
        model.objects.all().delete()
    workbook = tmp_path / "sample.xlsx"
    _workbook_from_csv(SAMPLE, workbook)
    result = dataset_import(path=workbook)
    assert result.errors == []
    assert result.counts["contacts"].created == 924
    assert dump() == from_csv


def test_errors_in_a_workbook_name_the_sheet_row_and_column(tmp_path):
    folder = small_folder(tmp_path, contacts=[contact_row("K1"), contact_row("K2", duration_minutes="1441")])
    workbook = tmp_path / "small.xlsx"
    _workbook_from_csv(folder, workbook)
    assert errors_of(dataset_import(path=workbook)) == {("contacts", 3, "duration_minutes")}


def test_a_manager_import_refuses_rows_of_other_providers(tmp_path, provider, other_provider):
    folder = small_folder(
        tmp_path,
        providers=[{"code": "LSK", "name": "Latvijas Sarkanais Krusts"}, {"code": "CARITAS", "name": "Caritas"}],
        clients=[client_row("C1", family_ref="F1"), client_row("C2", provider="CARITAS", social_worker="", mentor="")],
    )
    result = dataset_import(path=folder, provider_id=provider.pk)
    assert errors_of(result) == {("providers", 3, "code"), ("clients", 3, "provider")}
    assert Client.objects.count() == 0


def test_a_managers_import_of_another_providers_client_reference_makes_their_own_client(
    tmp_path, provider, foreign_client
):
    before = (foreign_client.first_name, foreign_client.provider_id, foreign_client.updated_at)
    folder = small_folder(tmp_path, clients=[client_row(foreign_client.client_ref), client_row("C1"), client_row("C2")])
    result = dataset_import(path=folder, provider_id=provider.pk)
    assert result.errors == []
    foreign_client.refresh_from_db()
    assert (foreign_client.first_name, foreign_client.provider_id, foreign_client.updated_at) == before
    assert Client.objects.filter(provider=provider, client_ref=foreign_client.client_ref).count() == 1

"""The export of exchange format version 1: the same folder back, formulas escaped, round trips exact."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from django.core.management import call_command

from clients.models import Client, Contract, Family, LegalStatusEntry, Provider, ResidenceEntry, Staff
from common.cells import escape_cell, unescape_cell
from exchange.services import FILE_SPECS, dataset_export, dataset_import
from plans.models import Contact
from tests.factories import ProviderFactory

from .exchange_helpers import SAMPLE, contact_row, dump, read_rows, small_folder

pytestmark = pytest.mark.django_db(transaction=False)


def _empty_database() -> None:
    Contact.objects.all().delete()
    for model in (LegalStatusEntry, ResidenceEntry, Client, Family, Staff, Contract, Provider):
        model.objects.all().delete()


def test_the_export_writes_every_file_with_the_columns_of_the_format(tmp_path):
    dataset_import(path=SAMPLE)
    rows = dataset_export(path=tmp_path / "out")
    casework = dict.fromkeys(("episodes", "plans", "goals", "referrals", "assessments", "consents"), 0)  # version 2
    assert rows == {
        "providers": 2,
        "contracts": 2,
        "staff": 18,
        "clients": 360,
        "status_history": 240,
        "contacts": 924,
        **casework,
    }
    for name, spec in FILE_SPECS.items():
        with open(tmp_path / "out" / f"{name}.csv", encoding="utf-8", newline="") as stream:
            assert next(csv.reader(stream)) == list(spec.columns)


def test_an_export_imported_into_an_empty_database_gives_the_same_records(tmp_path):
    assert dataset_import(path=SAMPLE).errors == []
    before = dump()
    dataset_export(path=tmp_path / "out")
    _empty_database()
    result = dataset_import(path=tmp_path / "out")
    assert result.errors == []
    assert dump() == before


def test_an_xlsx_export_imported_into_an_empty_database_gives_the_same_records(tmp_path):
    dataset_import(path=SAMPLE)
    before = dump()
    dataset_export(path=tmp_path / "out.xlsx")
    _empty_database()
    assert dataset_import(path=tmp_path / "out.xlsx").errors == []
    assert dump() == before


def test_an_export_imported_again_changes_nothing(tmp_path):
    dataset_import(path=SAMPLE)
    dataset_export(path=tmp_path / "out")
    result = dataset_import(path=tmp_path / "out")
    assert all(c.created == 0 and c.updated == 0 for c in result.counts.values())


def test_the_export_matches_the_sample_folder_apart_from_escaped_formulas(tmp_path):
    dataset_import(path=SAMPLE)
    dataset_export(path=tmp_path / "out")
    exported = {row["contact_ref"]: row for row in read_rows(tmp_path / "out", "contacts")}
    for row in read_rows(SAMPLE, "contacts"):
        assert unescape_cell(exported[row["contact_ref"]]["note"]) == row["note"]
        assert set(exported[row["contact_ref"]]["client_refs"].split(";")) == set(row["client_refs"].split(";"))


def test_a_formula_in_a_cell_is_escaped_in_the_csv_export(tmp_path):
    dataset_import(path=SAMPLE)
    dataset_export(path=tmp_path / "out")
    notes = [row["note"] for row in read_rows(tmp_path / "out", "contacts")]
    assert any(note.startswith("'=1+2") for note in notes)
    assert not any(note.startswith(("=", "+", "-", "@")) for note in notes)


def test_a_formula_in_a_cell_is_text_in_the_workbook_export(tmp_path):
    dataset_import(path=SAMPLE)
    dataset_export(path=tmp_path / "out.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "out.xlsx")
    sheet = workbook["contacts"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    # A text cell with the quote prefix, no visible apostrophe (issue 18; tests/exchange/test_export_xlsx_cells.py).
    assert any(str(cell.value).startswith("=1+2") and cell.quotePrefix for cell in cells)


@pytest.mark.parametrize(
    "note", ["=1+2", "+371 2000 0000", "-5 degrees", "@home", "\tindented", "'=quoted", "''=twice"]
)
def test_every_formula_sign_survives_a_round_trip(tmp_path, note):
    assert dataset_import(path=small_folder(tmp_path, contacts=[contact_row("K1", note=note)])).errors == []
    # A file's leading quote before a formula sign is an escape: "'=quoted" is stored as "=quoted".
    stored = Contact.objects.get(contact_ref="K1").note
    assert stored == unescape_cell(note)
    dataset_export(path=tmp_path / "out")
    exported = read_rows(tmp_path / "out", "contacts")[0]["note"]
    assert exported.startswith("'")
    _empty_database()
    assert dataset_import(path=tmp_path / "out").errors == []
    assert Contact.objects.get(contact_ref="K1").note == stored


@pytest.mark.parametrize("text", ["", "plain", "it's", "'quoted'", "=x", "'=x", "''=x", "a=b"])
def test_unescaping_an_escaped_cell_gives_the_text_back(text):
    assert unescape_cell(escape_cell(text)) == text


def test_the_export_of_a_provider_holds_only_its_records(tmp_path):
    dataset_import(path=SAMPLE)
    lsk = Provider.objects.get(code="LSK")
    rows = dataset_export(path=tmp_path / "lsk", provider_id=lsk.pk)
    assert rows["providers"] == 1
    assert rows["clients"] == Client.objects.filter(provider=lsk).count()
    assert rows["contacts"] == Contact.objects.filter(provider=lsk).count()
    assert {row["provider"] for row in read_rows(tmp_path / "lsk", "clients")} == {"LSK"}
    assert {row["provider"] for row in read_rows(tmp_path / "lsk", "staff")} == {"LSK"}


def test_the_export_command_writes_a_folder_or_a_workbook(tmp_path, capsys):
    dataset_import(path=SAMPLE)
    call_command("export_dataset", str(tmp_path / "out"), "--language", "en")
    call_command("export_dataset", str(tmp_path / "out.xlsx"), "--language", "en")
    assert "clients: 360 rows" in capsys.readouterr().out
    assert (tmp_path / "out" / "contacts.csv").exists()
    assert openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True).sheetnames == list(FILE_SPECS)


def test_a_provider_without_any_status_history_exports(db, tmp_path):
    ProviderFactory(code="EMPTY")
    call_command("export_dataset", str(tmp_path / "out"))
    assert (
        (tmp_path / "out" / "status_history.csv")
        .read_text(encoding="utf-8-sig")
        .splitlines()[0]
        .startswith("client_ref")
    )

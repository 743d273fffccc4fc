"""Dates as a Latvian spreadsheet shows them (DD.MM.YYYY) import as ISO dates do, through both import paths:
import-export's resources (contracts.csv) and the large files' importers (clients, status_history, contacts),
from a folder (streamed) and from an upload. One function reads them: exchange.cells.parse_date.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import translation

from clients.models import Client, Contract, LegalStatusEntry, ResidenceEntry
from exchange.cells import DATE_COLUMNS, REFERENCE_COLUMNS, parse_date
from exchange.formats import FILE_SPECS
from exchange.resources import RESOURCES
from exchange.services import FAST_IMPORTS, STREAMED, dataset_import, read_upload
from exchange.widgets import DateCellWidget
from plans.models import Contact

from .exchange_helpers import client_row, contact_row, errors_of, small_folder, write_rows

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2022-03-31", D(2022, 3, 31)),
        ("31.03.2022", D(2022, 3, 31)),
        ("1.3.2022", D(2022, 3, 1)),
        ("01.03.2022.", D(2022, 3, 1)),
        ("29.02.2024", D(2024, 2, 29)),
    ],
)
def test_a_date_is_read_in_the_iso_and_in_the_latvian_form(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.02.2022", "There is no such date as '31.02.2022'."),
        ("2022-02-30", "There is no such date as '2022-02-30'."),
        ("31.03.22", "Give the year with four digits: '31.03.22' could be in more than one century (e.g. 31.03.2022)."),
        (
            "03/31/2022",
            "Date must be YYYY-MM-DD or DD.MM.YYYY, e.g. 2022-03-31 or 31.03.2022; got '03/31/2022'.",
        ),
        ("2022.03.31", "Date must be YYYY-MM-DD or DD.MM.YYYY, e.g. 2022-03-31 or 31.03.2022; got '2022.03.31'."),
        (
            "31.03.2022 10:00",
            "Date must be YYYY-MM-DD or DD.MM.YYYY, e.g. 2022-03-31 or 31.03.2022; got '31.03.2022 10:00'.",
        ),
    ],
)
def test_a_date_in_neither_form_is_refused_with_one_message_saying_the_forms(text, message):
    with pytest.raises(ValueError) as refused:
        parse_date(text)
    assert str(refused.value) == message


def test_the_date_columns_are_those_the_resources_read_with_the_date_widget():
    declared = {
        name: frozenset(
            f.column_name for f in RESOURCES[name]().get_import_fields() if isinstance(f.widget, DateCellWidget)
        )
        for name in FILE_SPECS
    }
    assert {name: columns for name, columns in declared.items() if columns} == DATE_COLUMNS


def test_the_reference_columns_are_every_reference_and_code_column_of_the_format():
    for name, spec in FILE_SPECS.items():
        assert REFERENCE_COLUMNS.get(name, frozenset()) <= set(spec.columns)
        for column in spec.columns:
            if column.endswith("_ref") or column in {"client_refs", "code", "number", "provider"}:
                assert column in REFERENCE_COLUMNS[name], (name, column)


def _dates_folder(tmp_path: Path, latvian: bool) -> Path:
    """A folder with a date in every date column; `latvian`: each written as a Latvian spreadsheet shows it."""

    def day(iso: str, shown: str) -> str:
        return shown if latvian else iso

    folder = small_folder(
        tmp_path / ("lv" if latvian else "iso"),
        clients=[
            client_row(
                "C1",
                family_ref="F1",
                birth_date=day("1990-05-17", "17.05.1990"),
                legal_status_since=day("2022-02-01", "1.2.2022"),
                service_start=day("2022-01-10", "10.01.2022."),
            ),
            client_row(
                "C2",
                family_ref="F1",
                first_name="Mariam",
                residence_since=day("2022-03-05", "5.03.2022"),
                service_start=day("2022-01-10", "10.1.2022"),
            ),
        ],
        contacts=[
            contact_row("K1", date=day("2022-02-01", "01.02.2022")),
            contact_row("K2", date=day("2022-12-20", "20.12.2022."), client_refs="C2"),
        ],
    )
    contract = {
        "provider": "LSK",
        "number": "S-SIF-2022-01",
        "start": day("2022-01-01", "1.1.2022"),
        "end": day("2024-12-31", "31.12.2024"),
        "planned_persons_per_month": "40",
    }
    write_rows(folder, "contracts", [contract])
    history = {"client_ref": "C1", "legal_status": "asylum_seeker", "since": day("2022-01-10", "10.01.2022")}
    write_rows(folder, "status_history", [history])
    return folder


def _import(folder: Path, source: str):
    if source == "folder":
        return dataset_import(path=folder)
    sheets, read_errors = read_upload((p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv")))
    return dataset_import(sheets=sheets, read_errors=read_errors)


def test_both_import_paths_read_the_date_columns():
    # contracts.csv goes through import-export's resource; the others through exchange/fast.py's importers,
    # streamed from a folder.
    assert "contracts" not in FAST_IMPORTS
    assert {"clients", "status_history", "contacts"} <= set(FAST_IMPORTS) & STREAMED


@pytest.mark.parametrize("source", ["folder", "upload"])
def test_latvian_dates_import_as_the_same_records_as_iso_dates(tmp_path, source):
    result = _import(_dates_folder(tmp_path, latvian=True), source)
    assert result.errors == []
    assert Contract.objects.values_list("start", "end").get() == (D(2022, 1, 1), D(2024, 12, 31))
    assert dict(Client.objects.values_list("client_ref", "birth_date")) == {"C1": D(1990, 5, 17), "C2": D(1990, 5, 17)}
    assert set(Client.objects.values_list("service_start", flat=True)) == {D(2022, 1, 10)}
    assert set(LegalStatusEntry.objects.filter(client__client_ref="C1").values_list("legal_status", "since")) == {
        ("asylum_seeker", D(2022, 1, 10)),
        ("refugee", D(2022, 2, 1)),
    }
    assert ResidenceEntry.objects.get(client__client_ref="C2").since == D(2022, 3, 5)
    assert dict(Contact.objects.values_list("contact_ref", "date")) == {"K1": D(2022, 2, 1), "K2": D(2022, 12, 20)}
    # The same folder with ISO dates changes nothing: the records are exactly the same.
    again = _import(_dates_folder(tmp_path, latvian=False), source)
    assert again.errors == []
    assert {name: (c.created, c.updated) for name, c in again.counts.items() if c.created or c.updated} == {}


@pytest.mark.parametrize("source", ["folder", "upload"])
def test_a_date_in_neither_form_is_one_error_of_its_cell_in_every_file(tmp_path, source):
    folder = _dates_folder(tmp_path, latvian=True)
    write_rows(
        folder,
        "contracts",
        [{"provider": "LSK", "number": "S-1", "start": "1.1.22", "end": "31.12.2024", "planned_persons_per_month": ""}],
    )
    write_rows(folder, "contacts", [contact_row("K1", date="31.02.2022")])
    result = _import(folder, source)
    assert errors_of(result) == {("contracts", 2, "start"), ("contacts", 2, "date")}
    assert Contact.objects.count() == 0

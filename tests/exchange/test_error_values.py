"""A spreadsheet's error value saved into a CSV (`#VALUE!`, `Err:502`) is refused, not imported as a note; a note
that merely reads like one goes out and comes back as written (issue 18)."""

import openpyxl
import pytest

from exchange.services import dataset_export, dataset_import
from plans.models import Contact
from tests.exchange.exchange_helpers import contact_row, read_rows, small_folder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["#VALUE!", "Err:502", "#NAME?"])
def test_a_csv_cell_holding_a_spreadsheets_error_value_is_refused_naming_its_place(tmp_path, value):
    folder = small_folder(tmp_path, contacts=[contact_row("K1", note=value), contact_row("K2", note="Fine")])

    result = dataset_import(path=folder)

    assert [(e.file, e.row, e.column) for e in result.errors] == [("contacts", 2, "note")]
    assert value in result.errors[0].message
    assert not Contact.objects.exists()  # all or nothing


def test_a_note_that_reads_like_an_error_value_goes_out_and_comes_back_as_written(tmp_path):
    # Written with the escape the export uses: "#N/A" typed as text.
    folder = small_folder(tmp_path, contacts=[contact_row("K1", note="'#N/A")])
    assert dataset_import(path=folder).errors == []
    assert Contact.objects.get().note == "#N/A"

    out = tmp_path / "out"
    dataset_export(path=out)
    assert read_rows(out, "contacts")[0]["note"] == "'#N/A"  # escaped in the CSV
    dataset_export(path=tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["contacts"]
    note = next(cell for cell in sheet[2] if cell.value == "#N/A")
    assert (note.data_type, note.quotePrefix) == ("s", True)  # text in the workbook, no visible apostrophe

    Contact.objects.all().delete()
    assert dataset_import(path=out).errors == []
    assert Contact.objects.get().note == "#N/A"
    Contact.objects.all().delete()
    assert dataset_import(path=tmp_path / "out.xlsx").errors == []
    assert Contact.objects.get().note == "#N/A"

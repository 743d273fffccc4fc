"""A file that could not be read stands for the errors that follow from it (issue 18, item 6).

Files name records of files before them (providers before all, staff before clients, clients before contacts and
status_history). When one of those could not be read (encoding, separator, empty, its header), the files whose
rows name it are not checked row by row: one line says why, instead of an error a row ("no client C00001").
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from clients.models import Client, Provider
from exchange.services import dataset_import, read_upload
from plans.models import Contact

from .exchange_helpers import copy_sample, read_rows, set_cell, small_folder, write_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _by_file(result) -> dict[str, list]:
    found: dict[str, list] = {}
    for error in result.errors:
        found.setdefault(error.file, []).append(error)
    return found


def _not_checked(errors: list, *files: str) -> None:
    """The file has the one line that says it was not checked, naming the files that could not be read."""
    assert len(errors) == 1, [e.message for e in errors]
    (error,) = errors
    assert (error.row, error.column) == (None, "")
    assert "were not checked" in error.message
    assert "', '".join(files) in error.message


def _pipe_separated(folder) -> bytes:
    return (folder / "clients.csv").read_text(encoding="utf-8").replace(",", "|").encode()


@pytest.mark.parametrize("content", [lambda folder: b"", _pipe_separated], ids=["empty", "separator"])
def test_an_unreadable_clients_file_gives_one_line_for_contacts_and_one_for_status_history(tmp_path, content):
    folder = copy_sample(tmp_path)
    (folder / "clients.csv").write_bytes(content(folder))

    result = dataset_import(path=folder)

    errors = _by_file(result)
    assert set(errors) == {"clients", "status_history", "contacts"}
    assert all(e.row in (None, 1) for e in errors["clients"])  # the file's own error, whatever it says
    _not_checked(errors["contacts"], "clients")
    _not_checked(errors["status_history"], "clients")
    # Hundreds before: one "no client" error a contact row.
    assert result.error_count == len(errors["clients"]) + 2
    assert Client.objects.count() == Contact.objects.count() == Provider.objects.count() == 0


def test_a_clients_file_with_a_wrong_header_is_not_followed_by_its_dependents_rows(tmp_path):
    folder = copy_sample(tmp_path)
    rows = read_rows(folder, "clients")
    write_rows(folder, "clients", [{("name" if k == "first_name" else k): v for k, v in row.items()} for row in rows])

    errors = _by_file(dataset_import(path=folder))

    assert {e.row for e in errors["clients"]} == {1}
    _not_checked(errors["contacts"], "clients")
    _not_checked(errors["status_history"], "clients")


def test_an_unreadable_providers_file_skips_every_other_file(tmp_path):
    folder = copy_sample(tmp_path)
    (folder / "providers.csv").write_bytes(b"")

    errors = _by_file(dataset_import(path=folder))

    for name in ("contracts", "staff", "clients", "status_history", "contacts"):
        _not_checked(errors[name], "providers")


def test_a_file_that_names_two_unread_files_names_both(tmp_path):
    folder = copy_sample(tmp_path)
    (folder / "clients.csv").write_bytes(b"")
    rows = read_rows(folder, "staff")
    write_rows(folder, "staff", [{("kind" if k == "role" else k): v for k, v in row.items()} for row in rows])

    errors = _by_file(dataset_import(path=folder))

    _not_checked(errors["contacts"], "staff", "clients")
    assert "providers" not in errors and "contracts" not in errors  # they depend on nothing unread


def test_a_clients_file_that_was_read_is_no_cause_even_with_errors(tmp_path):
    folder = copy_sample(tmp_path)
    set_cell(folder, "clients", 0, "gender", "female")

    errors = _by_file(dataset_import(path=folder))

    assert set(errors) == {"clients"}
    assert [(e.row, e.column) for e in errors["clients"]] == [(2, "gender")]


def test_the_rows_of_files_that_depend_on_nothing_unread_are_still_checked(tmp_path):
    folder = copy_sample(tmp_path)
    (folder / "clients.csv").write_bytes(b"")
    set_cell(folder, "staff", 0, "role", "driver")

    errors = _by_file(dataset_import(path=folder))

    assert [(e.row, e.column) for e in errors["staff"]] == [(2, "role")]
    _not_checked(errors["contacts"], "clients")


def test_a_missing_clients_file_skips_contacts_too(tmp_path):
    folder = small_folder(tmp_path)
    (folder / "clients.csv").unlink()

    errors = _by_file(dataset_import(path=folder))

    assert [e.row for e in errors["clients"]] == [None]  # "This required file (or sheet) is missing."
    _not_checked(errors["contacts"], "clients")


def test_an_upload_with_an_unreadable_clients_file_gives_one_line_for_contacts(tmp_path):
    folder = small_folder(tmp_path)
    files = [(p.name, b"" if p.name == "clients.csv" else p.read_bytes()) for p in sorted(folder.glob("*.csv"))]
    sheets, read_errors = read_upload(files)

    errors = _by_file(dataset_import(sheets=sheets, read_errors=read_errors, dry_run=True))

    _not_checked(errors["contacts"], "clients")


def test_the_command_prints_the_one_line_instead_of_an_error_a_row(tmp_path):
    folder = copy_sample(tmp_path)
    (folder / "clients.csv").write_bytes(b"")

    with pytest.raises(CommandError) as refused:
        call_command("import_dataset", str(folder), "--language", "en")

    lines = str(refused.value).splitlines()
    assert len([line for line in lines if line.startswith("contacts:")]) == 1
    assert "contacts:-:-: The rows of this file were not checked: they refer to 'clients'" in str(refused.value)

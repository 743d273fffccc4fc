"""The exchange commands speak the user's language (issue 18, item 7): Latvian by default, English with --language en.

The summary and the import's own messages alike: the import runs in the language asked for.
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from .exchange_helpers import set_cell, small_folder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_language_active():
    """As on the command line: no language activated, so the default is settings.LANGUAGE_CODE."""
    translation.deactivate()
    yield
    translation.deactivate()


def test_the_import_command_prints_its_summary_in_latvian_by_default(tmp_path, capsys):
    call_command("import_dataset", str(small_folder(tmp_path)))
    out = capsys.readouterr().out
    assert "clients: izveidoti 2, atjaunināti 0, nemainīti 0" in out
    assert "Importēts." in out
    assert "created" not in out


def test_the_import_command_prints_english_with_language_en(tmp_path, capsys):
    call_command("import_dataset", str(small_folder(tmp_path)), "--language", "en")
    out = capsys.readouterr().out
    assert "clients: 2 created, 0 updated, 0 unchanged" in out
    assert "Imported." in out


def test_a_dry_run_says_so_in_latvian(tmp_path, capsys):
    call_command("import_dataset", str(small_folder(tmp_path)), "--dry-run")
    assert "Tikai pārbaude: nekas netika saglabāts." in capsys.readouterr().out


def test_the_refusal_and_the_import_messages_are_latvian_by_default(tmp_path):
    folder = small_folder(tmp_path)
    set_cell(folder, "contacts", 0, "duration_minutes", "ninety")

    with pytest.raises(CommandError) as refused:
        call_command("import_dataset", str(folder))

    message = str(refused.value)
    assert message.startswith("Kļūdas: 1; nekas netika importēts.")
    assert "contacts:2:duration_minutes:" in message
    assert "Duration must be" not in message  # the import's own message is Latvian too
    assert "nothing was imported" not in message


def test_the_refusal_is_english_with_language_en(tmp_path):
    folder = small_folder(tmp_path)
    set_cell(folder, "contacts", 0, "duration_minutes", "ninety")

    with pytest.raises(CommandError) as refused:
        call_command("import_dataset", str(folder), "--language", "en")

    message = str(refused.value)
    assert message.startswith("1 error(s); nothing was imported.")
    assert "contacts:2:duration_minutes: Duration must be whole minutes from 1 to 1440; got 'ninety'." in message


def test_the_export_command_prints_latvian_by_default_and_english_with_language_en(tmp_path, capsys):
    call_command("import_dataset", str(small_folder(tmp_path)), "--language", "en")
    capsys.readouterr()

    call_command("export_dataset", str(tmp_path / "lv"))
    out = capsys.readouterr().out
    assert "clients: 2 rindas" in out
    assert "providers: 1 rinda" in out
    assert "Eksportēts:" in out

    call_command("export_dataset", str(tmp_path / "en"), "--language", "en")
    out = capsys.readouterr().out
    assert "clients: 2 rows" in out
    assert "providers: 1 row\n" in out
    assert "Exported to" in out


def test_an_unknown_language_is_refused(tmp_path):
    with pytest.raises(CommandError):
        call_command("export_dataset", str(tmp_path / "out"), "--language", "de")

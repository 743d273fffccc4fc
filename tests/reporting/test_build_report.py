"""`manage.py build_report`: its errors, its files, and an XLSX with the same numbers as the JSON."""

import io
import json
import sys
import types
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from reporting.suppression import SafeFigures
from tests.factories import ClientFactory, ContactFactory, ProviderFactory, StaffFactory

from .sample import loaded_sample_data

YEAR = ["--start", "2022-01-01", "--end", "2022-12-31"]
LSK_Q2 = ["--start", "2022-04-01", "--end", "2022-06-30", "--provider", "LSK", "--language", "en"]


@pytest.fixture(scope="module")
def sample_data(django_db_setup, django_db_blocker):
    yield from loaded_sample_data(django_db_blocker)


def run(*args: str, stdout=None) -> str:
    out = stdout if stdout is not None else StringIO()
    call_command("build_report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2022-13-01", "--end", "2022-12-31"], "2022-13-01 is not a date"),
        (["--start", "1.1.2022", "--end", "2022-12-31"], "1.1.2022 is not a date"),
        (["--start", "2022-02-01", "--end", "2022-01-31"], "is after the end"),
        ([*YEAR, "--provider", "NOPE"], "no provider with the code NOPE"),
    ],
)
def test_bad_arguments_stop_with_a_clear_error(db, args, message):
    with translation.override("en"), pytest.raises(CommandError, match=message):
        run(*args)


def test_an_unknown_format_or_language_is_refused(db):
    with pytest.raises(CommandError):
        run(*YEAR, "--format", "csv")
    with pytest.raises(CommandError):
        run(*YEAR, "--language", "de")


def test_json_is_printed_indented_with_latvian_letters_as_they_are(db):
    provider = ProviderFactory(code="LSK", name="Latvijas Sarkanais Krusts")
    contact = ContactFactory(staff=StaffFactory(provider=provider))
    contact.clients.set([ClientFactory(provider=provider)])

    text = run("--start", "2026-03-01", "--end", "2026-03-31", "--provider", "LSK", "--format", "json")

    assert text.startswith('{\n  "schema": "report-figures/2",')
    assert json.loads(text)["unique_persons"] == 1


def test_json_goes_to_the_output_file_when_given(db, tmp_path):
    target = tmp_path / "report.json"

    printed = run(*YEAR, "--output", str(target))

    assert printed == ""
    assert json.loads(target.read_text(encoding="utf-8"))["period"] == {"start": "2022-01-01", "end": "2022-12-31"}
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind


def test_the_publication_safe_json_says_so(db):
    assert json.loads(run(*YEAR, "--suppressed"))["suppressed"] is True


def test_xlsx_goes_to_standard_output_when_that_is_not_a_terminal(db):
    out = io.BytesIO()

    run(*YEAR, "--format", "xlsx", stdout=out)

    assert out.getvalue()[:2] == b"PK"  # a zip, as every XLSX


def test_pdf_stops_with_a_clear_error_while_it_cannot_be_made(db, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "reporting.render_pdf", None)  # as if the module were missing

    with translation.override("en"), pytest.raises(CommandError, match="PDF reports are not available"):
        run(*YEAR, "--format", "pdf", "--output", str(tmp_path / "r.pdf"))


def test_pdf_is_made_by_render_pdf_with_the_language_and_the_option(db, monkeypatch, tmp_path):
    calls = []

    def render_pdf(figures, *, language, narrative, kind=None, previous=None):
        calls.append((figures.period.start.isoformat(), language, isinstance(figures, SafeFigures), narrative))
        # The summary's previous period: the year before, made publication-safe as the report is.
        calls.append((previous.period.start.isoformat(), previous.period.end.isoformat(), kind))
        assert isinstance(previous, SafeFigures)
        return b"%PDF-1.7 fake"

    monkeypatch.setitem(sys.modules, "reporting.render_pdf", types.SimpleNamespace(render_pdf=render_pdf))
    target = tmp_path / "r.pdf"

    run(*YEAR, "--format", "pdf", "--language", "en", "--suppressed", "--output", str(target))

    assert target.read_bytes() == b"%PDF-1.7 fake"
    assert calls == [("2022-01-01", "en", True, None), ("2021-01-01", "2021-12-31", None)]


def test_the_kind_given_names_the_pdf_and_none_leaves_it_to_the_period(db, monkeypatch, tmp_path):
    kinds = []

    def render_pdf(figures, *, language, narrative, kind=None, previous=None):
        kinds.append(kind)
        return b"%PDF-1.7 fake"

    monkeypatch.setitem(sys.modules, "reporting.render_pdf", types.SimpleNamespace(render_pdf=render_pdf))

    run(*YEAR, "--format", "pdf", "--kind", "final", "--output", str(tmp_path / "final.pdf"))
    run(*YEAR, "--format", "pdf", "--output", str(tmp_path / "own.pdf"))

    assert kinds == ["final", None]


def test_a_kind_reporting_does_not_offer_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'yearly'"):
        run(*YEAR, "--format", "pdf", "--kind", "yearly", "--output", str(tmp_path / "r.pdf"))


# --- The XLSX holds the JSON's numbers ------------------------------------------------------------------


def workbook_tables(content: bytes) -> dict[str, dict[str, list]]:
    """Each table of the workbook (a bold heading, a header row, rows until a blank one) as label -> values."""
    tables: dict[str, dict[str, list]] = {}
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        rows = [[cell for cell in row] for row in sheet.iter_rows(min_row=3)]
        i = 0
        while i < len(rows):
            heading, header = rows[i], rows[i + 1] if i + 1 < len(rows) else []
            if heading[0].value and heading[0].font.bold and header and not header[0].value:
                table = tables.setdefault(heading[0].value, {})
                i += 2
                while i < len(rows) and rows[i][0].value:
                    table[rows[i][0].value] = [cell.value for cell in rows[i][1:]]
                    i += 1
            i += 1
    return tables


@pytest.mark.parametrize("suppressed", [False, True])
def test_the_xlsx_shows_the_same_numbers_as_the_json(sample_data, suppressed):
    options = ["--suppressed"] if suppressed else []
    data = json.loads(run(*LSK_Q2, *options))
    out = io.BytesIO()
    run(*LSK_Q2, *options, "--format", "xlsx", stdout=out)

    tables = workbook_tables(out.getvalue())

    persons = tables["Persons served"]
    assert persons["Unique persons served"][0] == data["unique_persons"]
    assert persons["New persons"][0] == data["new_persons"]
    assert persons["Average persons a month"][0] == data["average_persons_per_month"]
    assert persons["Families"][0] == data["families"]
    assert persons["Individual persons"][0] == data["individuals"]
    assert persons["Average age"][0] == data["average_age"]
    assert persons["Average age, 18–60"][0] == data["average_age_adults"]
    assert [row[0] for row in tables["Persons served by month"].values()] == list(data["persons_by_month"].values())
    assert [row[1] for row in tables["Persons served by month"].values()] == [80, 80, 80]  # the contract's target
    assert [row[0] for row in tables["Gender"].values()] == list(data["gender"].values())
    assert [row[0] for row in tables["Age groups"].values()] == list(data["age_groups"].values())
    assert [row[:4] for row in tables["Age groups by gender"].values()] == [
        list(row.values()) for row in data["gender_by_age_group"].values()
    ]
    assert [row[1] for row in tables["Countries of origin"].values()] == list(data["countries"]["by_country"].values())
    assert [row[0] for row in tables["Countries of origin"].values()][:1] == ["UA"]
    assert [row[0] for row in tables["Legal status"].values()] == list(data["legal_status"].values())
    assert [row[0] for row in tables["Residence"].values()] == list(data["residence"].values())
    assert [row[0] for row in tables["How they came to Latvia"].values()] == list(data["arrival_route"].values())
    assert tables["Staff who delivered the service"]["Social workers"][0] == data["staff"]["social_workers"]
    assert tables["Staff who delivered the service"]["Social mentors"][0] == data["staff"]["mentors"]
    assert tables["Contacts"]["Contacts in all"][0] == data["contacts"]["total"]
    assert tables["Contacts"]["Hours"][0] == data["contacts"]["hours"]
    assert [row[0] for row in tables["Contacts by form"].values()] == list(data["contacts"]["by_form"].values())
    assert [row[0] for row in tables["Contacts by topic"].values()] == list(data["contacts"]["by_topic"].values())


def test_the_xlsx_percentages_are_of_unique_persons(sample_data):
    out = io.BytesIO()
    run(*LSK_Q2, "--format", "xlsx", stdout=out)

    gender = workbook_tables(out.getvalue())["Gender"]

    assert gender["Female"][:2] == [28, 48]  # 28 of 58
    assert gender["Male"][:2] == [30, 52]


def test_the_xlsx_is_made_in_latvian_too(sample_data):
    out = io.BytesIO()

    run(*YEAR, "--format", "xlsx", "--language", "lv", stdout=out)

    sheets = load_workbook(io.BytesIO(out.getvalue())).worksheets
    assert len(sheets) == 7  # the results' sheet last
    assert sheets[0].title == "Kopsavilkums"


def test_text_a_spreadsheet_would_run_as_a_formula_is_escaped(db):
    ProviderFactory(code="EVIL", name='=HYPERLINK("http://example.com","x")')
    out = io.BytesIO()

    run(*YEAR, "--provider", "EVIL", "--format", "xlsx", "--language", "en", stdout=out)

    summary = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    provider_cell = next(row[1] for row in summary.iter_rows() if row[0].value == "Provider")
    assert provider_cell.value == '\'=HYPERLINK("http://example.com","x")'
    assert provider_cell.data_type == "s"

"""`render_report`: the one place a report file is made, whatever asks for it (the job, build_report, a download)."""

import datetime
import io
import json
import sys
import types

import pytest
from openpyxl import load_workbook

from reporting.models import ReportFormat
from reporting.presentation import Narrative
from reporting.render import CONTENT_TYPES, PDFUnavailable, file_name, render_report, write_whole
from reporting.render_json import report_json
from reporting.suppression import SafeFigures, Suppressed
from tests.factories import ProviderFactory

from .test_suppression import figures, report

PERSONS = [("female", "adults", "refugee", "outside", "independent", "SY")] * 20
PERSONS += [("male", "adults", "refugee", "outside", "independent", "AF")] * 2


@pytest.fixture
def fake_pdf(monkeypatch):
    calls = []

    def render_pdf(shown, *, language, narrative, kind=None, previous=None):
        calls.append((shown, language, narrative))
        return b"%PDF-1.7 fake"

    monkeypatch.setitem(sys.modules, "reporting.render_pdf", types.SimpleNamespace(render_pdf=render_pdf))
    return calls


def test_json_is_the_json_renderer_s_text_as_utf8():
    content = render_report(figures(report(PERSONS)), format=ReportFormat.JSON, language="lv", suppressed=False)

    data = json.loads(content.decode())
    assert data["unique_persons"] == 22
    assert "suppressed" not in data


def test_the_publication_safe_json_marks_small_counts():
    content = render_report(figures(report(PERSONS)), format=ReportFormat.JSON, language="lv", suppressed=True)

    data = json.loads(content)
    assert data["suppressed"] is True
    assert data["gender"]["male"] == "<5"


def test_xlsx_is_a_workbook_in_the_language_asked_for():
    content = render_report(figures(report(PERSONS)), format=ReportFormat.XLSX, language="en", suppressed=True)

    sheets = load_workbook(io.BytesIO(content)).worksheets
    assert sheets[0].title == "Summary"
    assert any(row[0] == "Male" and row[1] == "<5" for row in sheets[2].iter_rows(values_only=True))


def test_pdf_is_made_by_render_pdf_from_the_publication_safe_figures_with_the_narrative(fake_pdf):
    narrative = Narrative(thematic="Tēmas", challenges="Grūtības")

    content = render_report(
        figures(report(PERSONS)), format=ReportFormat.PDF, language="en", suppressed=True, narrative=narrative
    )

    assert content == b"%PDF-1.7 fake"
    [(shown, language, given)] = fake_pdf
    assert isinstance(shown, SafeFigures) and shown.gender["male"] is Suppressed.SMALL
    assert (language, given) == ("en", narrative)


def test_pdf_is_made_from_the_figures_themselves_when_not_suppressed(fake_pdf):
    original = figures(report(PERSONS))

    render_report(original, format=ReportFormat.PDF, language="lv", suppressed=False)

    assert fake_pdf == [(original, "lv", None)]


def test_pdf_says_it_is_unavailable_when_weasyprint_cannot_be_loaded(monkeypatch):
    monkeypatch.setitem(sys.modules, "reporting.render_pdf", None)  # as if its libraries were missing

    with pytest.raises(PDFUnavailable):
        render_report(figures(report(PERSONS)), format=ReportFormat.PDF, language="lv", suppressed=False)
    # The other formats are still made.
    assert render_report(figures(report(PERSONS)), format=ReportFormat.XLSX, language="lv", suppressed=False)


def test_the_json_of_the_figures_is_the_form_the_cache_keeps_them_in():
    original = figures(report(PERSONS))

    assert report_json(original) == original.as_json()
    assert list(report_json(original)) == list(original.as_json())


def test_every_format_has_a_content_type_and_a_file_name():
    assert set(CONTENT_TYPES) == set(ReportFormat)
    names = {
        f: file_name(
            provider=None,
            start=datetime.date(2026, 3, 1),
            end=datetime.date(2026, 3, 31),
            language="lv",
            suppressed=False,
            format=f,
        )
        for f in ReportFormat
    }
    assert names[ReportFormat.PDF] == "report-ALL-2026-03-01-2026-03-31-lv.pdf"
    assert names[ReportFormat.XLSX].endswith("-lv.xlsx") and names[ReportFormat.JSON].endswith("-lv.json")


def test_the_publication_safe_file_says_so_in_its_name():
    name = file_name(
        provider=ProviderFactory.build(code="LSK"),
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 31),
        language="en",
        suppressed=True,
        format=ReportFormat.XLSX,
    )

    assert name == "report-LSK-2026-03-01-2026-03-31-en-publication.xlsx"


def test_a_file_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "r.pdf"
    write_whole(target, b"%PDF first", mode=0o644)
    assert target.read_bytes() == b"%PDF first"
    assert target.stat().st_mode & 0o777 == 0o644

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr("reporting.render.os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_whole(target, b"%PDF second")
    assert target.read_bytes() == b"%PDF first"
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]  # no partial file left

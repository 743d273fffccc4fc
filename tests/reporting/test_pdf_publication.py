"""The PDF as a fund publishes it: the summary against the previous period, the results, the cover's kind and EU
emblem, the charts' legends and month names, and a tagged (PDF/UA-1) document."""

import base64
import dataclasses
import datetime
import io
import re
from pathlib import Path

import pikepdf
import pytest
from django.utils import translation

from reporting.charts import BELOW, COLOURS, SIDE, bars, donut, donut_legend, stacked
from reporting.figures import ClosureFigures, ContractTarget, SelfSufficiencyFigures, figures_for
from reporting.figures.types import AreaChange
from reporting.figures_cache import previous_figures_for
from reporting.models import ReportKind
from reporting.periods import Period
from reporting.presentation import Narrative, build_report, compare, report_kind, summary
from reporting.render_pdf import pdf_rows, render_html, render_pdf
from reporting.suppression import SMALL, publication_safe

from .report_world import build_world
from .test_pdf import pdf_text

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
WRITTEN = Narrative(thematic="Darbs PMC „Mucenieki”.", challenges="Mājokļu trūkums.")
STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def march(provider, other_provider, social_worker, mentor):
    build_world(provider, other_provider, social_worker, mentor)
    return figures_for(start=MARCH[0], end=MARCH[1], provider=provider)


@pytest.fixture
def february(march, provider):
    """The previous period of the March report, as the report's callers compute it."""
    return previous_figures_for(start=MARCH[0], end=MARCH[1], provider=provider)


def _charts(html: str) -> dict[str, str]:
    """Each table's chart SVG by the table's id, from the PDF's HTML."""
    found = {}
    for block in re.findall(r'<div class="block[^"]*" id="table-([\w]+)">(.*?)</div>\s*</div>', html, flags=re.S):
        key, body = block
        uri = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', body)
        if uri:
            found[key] = base64.b64decode(uri.group(1)).decode()
    return found


# --- The summary against the previous period ---------------------------------------------------------------


def test_the_previous_period_is_the_month_before_of_the_same_provider(february, provider):
    assert february.period == Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert february.provider == provider.code
    assert (february.unique_persons, february.contacts.total) == (1, 1)  # Amina's phone call in February


def test_the_summary_tells_each_headline_figure_up_or_down_with_the_numbers(march, february):
    with translation.override("en"):
        rows = {row.label: row for row in summary(march, february)}

    persons = rows["Unique persons served"]
    assert (persons.value, persons.previous, persons.direction, persons.sign, persons.change) == (4, 1, "up", "+", 3)
    assert persons.change_percent == 300
    contacts = rows["Contacts in all"]
    assert (contacts.value, contacts.previous, contacts.direction, contacts.change) == (2, 1, "up", 1)
    assert rows["Case closures"].direction == "same"


def test_a_fall_is_told_down_with_its_size_and_share():
    fall = compare("Persons", 3, 5)
    assert (fall.direction, fall.sign, fall.change, fall.change_percent) == ("down", "\u2212", 2, 40)
    averages = compare("Average", 29.0, 23.0)
    assert (averages.direction, averages.change, averages.change_percent) == ("up", 6.0, 26)
    assert compare("Average", 23.1, 23.1).direction == "same"
    assert compare("From nothing", 4, 0).change_percent is None


def test_no_change_is_told_where_a_figure_is_hidden():
    hidden = compare("New persons", SMALL, 12)
    assert (hidden.value, hidden.previous, hidden.direction, hidden.change) == (SMALL, 12, "", "")


def test_the_pdf_shows_the_summary_on_its_second_page(march, february, tmp_path):
    content = render_pdf(march, language="en", narrative=WRITTEN, previous=february)
    pages = [" ".join(page.split()) for page in pdf_text(content, tmp_path).split("\f")]
    assert "Summary" in pages[1]
    assert re.search(r"Against the previous period of the same length, 1 Feb\S* 2026 – 28 Feb\S* 2026\.", pages[1])
    assert re.search(r"Unique persons served 4 1 ▲ up \+3 \(\+300 %\)", pages[1])
    assert "Clients' social portrait" not in pages[1]  # the summary is a page of its own


def test_a_publication_safe_summary_compares_the_publication_safe_figures(march, february):
    html = render_html(publication_safe(march), language="en", previous=publication_safe(february))
    row = re.search(r"<th scope=\"row\">New persons</th>(.*?)</tr>", html, flags=re.S).group(1)
    assert "&lt;5" in row and "up" not in row and "down" not in row


# --- The results section -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("en", ["Results", "Referrals by kind of institution", "Goals by area", "Self-sufficiency by area"]),
        ("lv", ["Nosūtījumi pa iestāžu veidiem", "Mērķi pa jomām", "Pašpietiekamība pa jomām", "Lietu slēgšana"]),
    ],
)
def test_the_results_section_is_in_the_pdf_in_both_languages(march, tmp_path, language, titles):
    text = " ".join(pdf_text(render_pdf(march, language=language, narrative=WRITTEN), tmp_path).split())
    for title in titles:
        assert title in text


def test_the_results_tables_each_have_a_chart(march):
    charts = _charts(render_html(march, language="en", narrative=WRITTEN))
    for key in (
        "results_referrals_by_kind",
        "results_referral_outcomes",
        "results_goals",
        "results_self_sufficiency",
        "results_closures",
    ):
        assert key in charts and charts[key].startswith("<svg")


def test_no_figure_of_a_suppressed_cell_leaks_into_a_table_or_a_chart(march):
    reasons = dict.fromkeys(march.results.closures.by_reason, 0)
    reasons.update({"left_latvia": 13, "moved_within_latvia": 3})  # 3 is hidden, then 13 with it
    area = AreaChange(persons=3, improved=2, same=1, worse=0, mean_change=1.9)
    by_area = dict.fromkeys(march.results.self_sufficiency.by_area, AreaChange(0, 0, 0, 0, None))
    by_area["housing"] = area
    results = dataclasses.replace(
        march.results,
        closures=ClosureFigures(total=16, by_reason=reasons, reopened=2),
        self_sufficiency=SelfSufficiencyFigures(persons_assessed_twice=3, by_area=by_area, improved_in_any_area=2),
    )
    safe = publication_safe(dataclasses.replace(march, results=results))
    assert safe.results.closures.by_reason["left_latvia"] == "x"

    html = render_html(safe, language="en", narrative=WRITTEN)
    charts = _charts(html)
    for key in ("results_closures", "results_self_sufficiency"):
        printed = re.findall(r">\s*([\d.,]+)\s*</text>", charts[key])
        assert "13" not in printed and "3" not in printed and "2" not in printed, key
        assert "1.9" not in printed, key
    closures = re.search(r'id="table-results_closures">(.*?)</table>', html, flags=re.S).group(1)
    assert re.search(r"Left Latvia</th>\s*<td[^>]*>x</td>", closures)
    assert re.search(r"Moved elsewhere in Latvia</th>\s*<td[^>]*>&lt;5</td>", closures)
    assert ">13<" not in closures and ">3<" not in closures


# --- The cover, the charts ----------------------------------------------------------------------------------


def test_the_kind_of_report_is_the_one_asked_for_else_the_one_its_period_makes():
    contract = ContractTarget("S-1", datetime.date(2022, 2, 1), datetime.date(2022, 12, 30), 80)
    d = datetime.date
    assert report_kind(Period(d(2022, 2, 1), d(2022, 12, 30)), (contract,)) == ReportKind.FINAL
    assert report_kind(Period(d(2022, 7, 1), d(2022, 12, 31)), (contract,)) == ReportKind.INTERIM
    assert report_kind(Period(d(2022, 3, 1), d(2022, 3, 31)), ()) == ReportKind.MONTH
    assert report_kind(Period(d(2022, 3, 1), d(2022, 4, 30)), ()) == ReportKind.TWO_MONTHS
    assert report_kind(Period(d(2022, 3, 15), d(2022, 5, 14)), ()) == ReportKind.CUSTOM


def test_the_cover_names_the_kind_and_carries_the_eu_emblem(march):
    html = render_html(march, language="en", narrative=WRITTEN, kind=ReportKind.INTERIM)
    cover = html.split('<section class="summary"')[0]
    assert "Six-month interim report" in cover
    assert 'img/eu-flag.svg" alt="Flag of the European Union"' in cover
    assert "European Social Fund" in cover
    with translation.override("en"):
        assert build_report(march).kind_title == "Monthly report"  # March: a month


def test_the_eu_flag_is_vector_art_of_twelve_gold_stars_on_blue_and_fetches_nothing():
    svg = (STATIC / "img" / "eu-flag.svg").read_text()
    assert svg.count("<polygon") == 12
    assert 'fill="#003399"' in svg and 'fill="#ffcc00"' in svg
    assert "href" not in svg and "<image" not in svg and "<script" not in svg
    points = re.findall(r'points="([^"]+)"', svg)
    assert all(len(p.split()) == 10 for p in points)  # five-pointed: ten corners each


def test_the_months_in_the_chart_are_named_as_in_the_table(march):
    charts = _charts(render_html(march, language="en", narrative=WRITTEN))
    assert "March 2026" in charts["persons_by_month"]
    assert "2026-03" not in charts["persons_by_month"]


def test_a_donut_legend_is_written_by_the_page_not_cut_in_the_drawing(march):
    rows = [("Outside the asylum seekers' reception centre, a long label", 45), ("Unknown", 0), ("Centre", 24)]
    assert "long label" not in donut(rows)
    assert donut_legend(rows) == [
        (COLOURS[0], "Outside the asylum seekers' reception centre, a long label: 45"),
        (COLOURS[1], "Centre: 24"),
    ]
    html = render_html(march, language="en", narrative=WRITTEN)
    assert '<ul class="legend">' in html


# --- Full pages: charts beside short tables, wide tables flowing ----------------------------------------------


def _classes(html: str) -> dict[str, str]:
    """Each table's block classes by the table's id."""
    return dict((key, classes) for classes, key in re.findall(r'<div class="block([^"]*)" id="table-(\w+)">', html))


def test_a_short_table_has_its_chart_beside_it_and_a_wide_one_under_it(march):
    classes = _classes(render_html(march, language="en", narrative=WRITTEN))

    for key in ("gender_by_age_group", "countries", "contacts_by_topic"):
        assert "split side" in classes[key], key
    for key in ("legal_status", "contacts_by_form", "results_referral_outcomes"):
        assert "split donut" in classes[key], key
    for key in ("persons_by_month", "results_referrals_by_kind", "results_goals", "results_self_sufficiency"):
        assert "flow" in classes[key] and "split" not in classes[key], key


def test_two_short_tables_without_a_chart_stand_side_by_side(march):
    with translation.override("en"):
        report = build_report(march, with_charts=True)

    rows = [[table.key for table in row] for row in pdf_rows(report.portrait + report.work)]

    assert ["women_men_children", "gender"] in rows
    assert ["staff", "contacts"] in rows
    assert ["countries"] in rows and ["legal_status"] in rows  # a table with a chart stands alone
    html = render_html(march, language="en", narrative=WRITTEN)
    assert re.search(r'<div class="pair"><div class="block" id="table-women_men_children">', html)


def test_a_flowing_table_repeats_its_header_never_splits_a_row_and_keeps_its_chart_with_its_last_rows(march):
    html = render_html(march, language="en", narrative=WRITTEN)
    css = html[html.index("<style>") : html.index("</style>")]

    assert "table.figures thead { display: table-header-group; }" in css
    assert "table.figures tr { break-inside: avoid; }" in css
    assert ".block.flow { break-inside: auto; }" in css
    assert ".block.flow .split-chart { break-before: avoid; }" in css
    assert re.search(r"h2 \{[^}]*break-after: avoid", css) and re.search(r"h3 \{[^}]*break-after: avoid", css)
    # Not one row alone under its heading or above its chart: the first and the last but one row keep the next.
    assert "table.figures tr.keep-next { break-after: avoid; }" in css
    goals = re.search(r'id="table-results_goals">(.*?)</tbody>', html, flags=re.S).group(1)
    rows = re.findall(r'<tr class="([^"]*)">', goals)
    assert len(rows) > 4
    assert rows[0] == "odd keep-next" and rows[-2].endswith(" keep-next")
    assert [row for row in rows[1:-2] + rows[-1:] if "keep-next" in row] == []


def test_a_long_name_in_a_bar_chart_is_written_whole():
    name = "No longer meets the conditions for receiving the service, a long name"

    for width in (SIDE, BELOW):
        assert name in bars([(name, 5), ("Other", 2)], horizontal=True, width=width)
    assert name in stacked([name, "Housing"], [("Achieved", [1, 2]), ("Open", [3, 0])], horizontal=True, width=BELOW)


# --- A tagged, accessible PDF --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["lv", "en"])
def test_the_pdf_is_tagged_pdf_ua_with_its_language(march, language):
    with pikepdf.open(io.BytesIO(render_pdf(march, language=language, narrative=WRITTEN))) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == language
        assert bool(pdf.Root.MarkInfo.Marked) is True
        meta = pdf.open_metadata()
        assert str(meta.get("pdfuaid:part")) == "1"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle


def test_the_report_of_all_providers_has_no_narrative_sections_to_leave_empty(march):
    every = figures_for(start=MARCH[0], end=MARCH[1])
    html = render_html(every, language="en")
    assert 'id="thematic"' not in html and 'id="challenges"' not in html
    assert 'id="summary"' in html and 'id="results"' in html
    assert "Not written yet." not in html

"""The PDF: its figures in Latvian and English, the shipped font, the charts, a fetcher that fetches nothing else."""

import datetime
import http.server
import re
import shutil
import subprocess
import threading

import pytest
from weasyprint import HTML

from reporting import charts
from reporting.figures import figures_for
from reporting.presentation import Narrative
from reporting.render_pdf import STATIC_ORIGIN, RefusedURL, StaticOnlyFetcher, render_html, render_pdf
from reporting.suppression import publication_safe
from tests.conftest import need_service

from .report_world import build_world

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
NARRATIVE = Narrative(
    thematic="Darbs PMC “Mucenieki” un Rīgā: ģimeņu atbalsts, ārsta vizītes, skolas.",
    challenges="Mājokļu trūkums; valodas šķēršļi; ilgs gaidīšanas laiks — žēl.",
)
REFUSED = [
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost:6379/",
    "file:///etc/passwd",
    "https://example.com/logo.png",
    "ftp://example.com/x",
    f"{STATIC_ORIGIN}/static/../../etc/passwd",
    f"{STATIC_ORIGIN}/static/%2e%2e/%2e%2e/etc/passwd",
    f"{STATIC_ORIGIN}/static/fonts/missing.ttf",
    f"{STATIC_ORIGIN}/media/reports/job-1.pdf",
    "https://caseapp.invalid.evil.example/static/fonts/DejaVuSans.ttf",
]


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def march_report(provider, other_provider, social_worker, mentor):
    build_world(provider, other_provider, social_worker, mentor)
    return figures_for(start=MARCH[0], end=MARCH[1], provider=provider)


def pdf_text(content: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        need_service("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    command = [shutil.which("pdftotext"), "-layout", str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


@pytest.mark.parametrize("url", REFUSED)
def test_the_fetcher_refuses_anything_but_static_files_and_data_urls(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_shipped_font_and_data_urls():
    font = StaticOnlyFetcher().fetch(f"{STATIC_ORIGIN}/static/fonts/DejaVuSans.ttf")
    assert font.read()[:4] == b"\x00\x01\x00\x00"
    data = StaticOnlyFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert data.read() == b"hello"


def test_refused_urls_are_value_errors_weasyprint_only_warns_about():
    assert issubclass(RefusedURL, ValueError)


def test_rendering_a_page_that_points_elsewhere_sends_no_request(db):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        html = f"""<html><head>
          <link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
          <style>@import url("http://localhost:{port}/more.css");
                 body {{ background: url("http://127.0.0.1:{port}/bg.png"); }}</style></head>
          <body><img src="http://127.0.0.1:{port}/img.png"><img src="file:///etc/passwd">
          <img src="http://169.254.169.254/latest/meta-data/"><iframe src="http://localhost:6379/"></iframe>
          <p>ok</p></body></html>"""
        pdf = HTML(string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=StaticOnlyFetcher()).write_pdf()
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF")
    assert hits == []
    assert b"root:x:" not in pdf


def test_the_pdf_in_latvian_holds_the_numbers_the_narrative_and_the_project(march_report, tmp_path):
    text = pdf_text(render_pdf(march_report, language="lv", narrative=NARRATIVE), tmp_path)
    assert "Latvijas Sarkanais Krusts" in text
    assert "S-SIF-2026-7" in text
    assert "Dažādības veicināšana" in text
    assert "9.1.4.4./16/I/001" in text
    assert "marts 2026" in text  # months in Latvian
    assert "ģimeņu atbalsts" in text and "šķēršļi" in text and "žēl" in text  # every Latvian letter
    assert "85 %" in text and "15 %" in text
    flat = " ".join(text.split())
    assert re.search(r"marts 2026 4 5 ?% 80", flat)  # persons in March against the target of 80


def test_the_pdf_in_english_holds_the_same_numbers(march_report, tmp_path):
    text = pdf_text(render_pdf(march_report, language="en", narrative=NARRATIVE), tmp_path)
    flat = " ".join(text.split())
    assert "Clients' social portrait" in flat
    assert "Work of social workers and mentors" in flat
    assert "Challenges and difficulties" in flat
    assert "Definitions" in flat
    assert re.search(r"March 2026 4 5 ?% 80", flat)  # persons in March against the target of 80
    assert "Unique persons served" in flat
    assert "85 % European Social Fund, 15 % state budget" in flat
    assert "Page 2 / " in flat


def test_the_pdf_embeds_the_shipped_font(march_report, tmp_path):
    if not shutil.which("pdffonts"):
        need_service("pdffonts (poppler-utils) is not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(render_pdf(march_report, language="en"))
    command = [shutil.which("pdffonts"), str(path)]
    fonts = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows
    assert all("DejaVu-Sans" in row[0] and row[-5] == "yes" for row in rows)  # only the shipped font, embedded


def test_the_pdf_html_has_every_section_and_vector_charts(march_report):
    html = render_html(march_report, language="en", narrative=NARRATIVE)
    for section in ("thematic", "portrait", "work", "challenges", "definitions"):
        assert f'id="{section}"' in html
    assert html.count('src="data:image/svg+xml;base64,') >= 7
    assert "Darbs PMC “Mucenieki”" in html
    assert "Persons served by month" in html
    assert "Contacts by form" in html


def test_the_publication_safe_pdf_shows_small_numbers_as_less_than_five(march_report):
    html = render_html(publication_safe(march_report), language="en")
    assert "&lt;5" in html
    assert "Publication-safe version" in html


def test_the_pdf_without_narrative_marks_each_unwritten_section_a_draft_in_one_line(march_report):
    html = render_html(march_report, language="en")
    assert html.count('<p class="not-written"><span class="draft-tag">Draft</span> Not written yet.</p>') == 2
    assert "The provider has not written this section." not in html


def test_charts_are_svg_with_the_shipped_font_and_nothing_to_fetch_or_run():
    svg = charts.persons_by_month(
        {"2026-03": 4, "2026-04": "<5"}, {"2026-03": 80, "2026-04": 80}, persons="P", target="T"
    )
    assert svg.startswith("<svg")
    assert "<script" not in svg
    assert "DejaVu Sans" in svg
    assert "xlink:href" not in svg and "@import" not in svg
    rows = [("Refugee", 3), ("Asylum seeker", 0)]
    donut = charts.donut(rows)
    assert donut.startswith("<svg") and "Asylum seeker" not in donut
    # Its legend is the page's, empty slices left out as well.
    assert charts.donut_legend(rows) == [(charts.COLOURS[0], "Refugee: 3")]

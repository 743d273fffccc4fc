"""A provider's PDF made without its narrative is a draft: marked on every page and the cover, named and titled so."""

import datetime
import shutil
import subprocess

import pytest

from reporting.figures import figures_for
from reporting.models import ReportFormat, ReportJob
from reporting.presentation import Narrative
from reporting.render import file_name
from reporting.render_pdf import render_html, render_pdf
from tests.conftest import need_service

from .report_world import build_world

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
WRITTEN = Narrative(thematic="Darbs PMC “Mucenieki”.", challenges="Mājokļu trūkums.")


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def march_report(provider, other_provider, social_worker, mentor):
    build_world(provider, other_provider, social_worker, mentor)
    return figures_for(start=MARCH[0], end=MARCH[1], provider=provider)


def _poppler(tool: str, content: bytes, tmp_path, *args: str) -> str:
    if not shutil.which(tool):
        need_service(f"{tool} (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    command = [shutil.which(tool), *args, str(path), "-"] if tool == "pdftotext" else [shutil.which(tool), str(path)]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


def pdf_pages(content: bytes, tmp_path) -> list[str]:
    """The text of each page, as pdftotext reads it."""
    text = _poppler("pdftotext", content, tmp_path, "-layout")
    return [page for page in text.split("\f") if page.strip()]


def pdf_title(content: bytes, tmp_path) -> str:
    info = _poppler("pdfinfo", content, tmp_path)
    return next(line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Title:"))


@pytest.mark.parametrize(("language", "mark"), [("lv", "MELNRAKSTS"), ("en", "DRAFT")])
def test_a_pdf_without_its_narrative_is_marked_a_draft_on_every_page(march_report, tmp_path, language, mark):
    content = render_pdf(march_report, language=language, narrative=Narrative(thematic="Darbs PMC."))
    pages = pdf_pages(content, tmp_path)
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert mark in page.upper(), f"page {number} has no draft mark"
    cover = " ".join(pages[0].split())
    unwritten = "Izaicinājumi un grūtības" if language == "lv" else "Challenges and difficulties"
    assert unwritten in cover  # the cover names the unwritten section
    assert mark.lower() in pdf_title(content, tmp_path).lower()


@pytest.mark.parametrize("language", ["lv", "en"])
def test_a_pdf_with_its_narrative_carries_no_draft_mark(march_report, tmp_path, language):
    content = render_pdf(march_report, language=language, narrative=WRITTEN)
    text = " ".join(pdf_pages(content, tmp_path)).upper()
    assert "MELNRAKSTS" not in text
    assert "DRAFT" not in text
    assert "draft" not in pdf_title(content, tmp_path).lower()
    assert "melnraksts" not in pdf_title(content, tmp_path).lower()


def test_the_report_of_all_providers_has_no_narrative_and_is_never_a_draft(march_report):
    every = figures_for(start=MARCH[0], end=MARCH[1])
    assert 'class="draft-mark"' not in render_html(every, language="en")
    assert 'class="draft-mark"' in render_html(march_report, language="en")


def test_a_draft_jobs_file_name_says_draft(provider):
    job = ReportJob(provider=provider, start=MARCH[0], end=MARCH[1], kind="month", format="pdf")
    assert job.is_draft
    job.narrative_thematic, job.narrative_challenges = WRITTEN.thematic, WRITTEN.challenges
    assert not job.is_draft
    assert not ReportJob(provider=None, start=MARCH[0], end=MARCH[1], kind="month", format="pdf").is_draft
    assert not ReportJob(provider=provider, start=MARCH[0], end=MARCH[1], kind="month", format="json").is_draft
    chosen = {"start": MARCH[0], "end": MARCH[1], "language": "lv", "suppressed": False, "format": ReportFormat.PDF}
    name = file_name(provider=provider, draft=True, **chosen)
    assert name == "report-LSK-2026-03-01-2026-03-31-lv-draft.pdf"


def test_the_draft_rule_in_sql_agrees_with_the_job(provider, manager):
    common = {"requested_by": manager, "start": MARCH[0], "end": MARCH[1], "kind": "month"}
    jobs = [
        ReportJob.objects.create(provider=provider, **common),
        ReportJob.objects.create(provider=provider, narrative_thematic="x", **common),
        ReportJob.objects.create(provider=provider, narrative_thematic="x", narrative_challenges="y", **common),
        ReportJob.objects.create(provider=None, **common),
        ReportJob.objects.create(provider=provider, format="xlsx", **common),
    ]
    in_sql = dict(ReportJob.objects.with_draft().values_list("pk", "draft"))
    assert in_sql == {job.pk: job.is_draft for job in jobs}
    assert [job.is_draft for job in jobs] == [True, True, False, False, False]

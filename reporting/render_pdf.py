"""The report as an A4 PDF (WeasyPrint), from the figures and the provider's narrative, and nothing else."""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .models import NARRATIVE_SECTIONS, missing_narrative_sections
from .presentation import Narrative, Table, build_report, definitions
from .suppression import ShownFigures

# Font subsetting and layout progress are chatty at INFO; a report job logs its own lines.
logging.getLogger("fontTools").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Static files are addressed under this origin in the PDF's HTML; nothing else is ever fetched.
STATIC_ORIGIN = "https://caseapp.invalid"


class RefusedURL(ValueError):
    pass


def _static_path(url: str) -> Path:
    """The project's static file behind a URL of STATIC_ORIGIN; RefusedURL for anything else."""
    parts = urlsplit(url)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if f"{parts.scheme}://{parts.netloc}" != STATIC_ORIGIN or not parts.path.startswith(prefix):
        raise RefusedURL(url)
    relative = unquote(parts.path[len(prefix) :])
    if not relative or relative.startswith("/") or ".." in relative.split("/") or "\\" in relative:
        raise RefusedURL(url)
    relative = posixpath.normpath(relative)
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation as exc:
        raise RefusedURL(url) from exc
    if not found and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        if candidate.resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve()) and candidate.is_file():
            found = str(candidate)
    if not found:
        raise RefusedURL(url)
    return Path(found if isinstance(found, str) else found[0])


class StaticOnlyFetcher(URLFetcher):
    """Serves the project's static files and data: URLs; refuses every other URL (no network, no file:)."""

    def __init__(self) -> None:
        super().__init__(timeout=2, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        path = _static_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".ttf":
            content_type = "font/ttf"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def pdf_rows(tables: list[Table]) -> list[list[Table]]:
    """A section's tables as the PDF lays them out, row by row: two short tables without a chart next to each
    other (half the page's width is enough for a label and one or two columns), any other table alone."""

    def short(table: Table) -> bool:
        return not table.chart and len(table.headers) <= 2 and len(table.rows) <= 6

    rows: list[list[Table]] = []
    for table in tables:
        if short(table) and rows and len(rows[-1]) == 1 and short(rows[-1][0]):
            rows[-1].append(table)
        else:
            rows.append([table])
    return rows


# A tagged PDF for screen readers (PDF/UA-1): structure tree, the document's language and title, marked content.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(
    figures: ShownFigures,
    *,
    language: str = "lv",
    narrative: Narrative | None = None,
    kind: str | None = None,
    previous: ShownFigures | None = None,
) -> bytes:
    """The PDF of the report, with the provider's text sections when given, its kind (ReportKind) on the cover
    and a summary against `previous` (the previous period's figures, shown as these are) when given."""
    with translation.override(language):
        html = render_html(figures, language=language, narrative=narrative, kind=kind, previous=previous)
    document = HTML(string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=StaticOnlyFetcher())
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


def render_html(
    figures: ShownFigures,
    *,
    language: str = "lv",
    narrative: Narrative | None = None,
    kind: str | None = None,
    previous: ShownFigures | None = None,
) -> str:
    """The PDF's HTML (also what the tests read): the same template, in the given language."""
    narrative = narrative or Narrative()
    # A provider's report without its text sections is a draft, marked on every page and in the title (the
    # PDF's metadata); the report of all providers has no narrative to wait for.
    missing = missing_narrative_sections(thematic=narrative.thematic, challenges=narrative.challenges)
    draft = figures.provider is not None and bool(missing)
    with translation.override(language):
        report = build_report(figures, with_charts=True, kind=kind, previous=previous)
        context = {
            "draft": draft,
            "missing_sections": [str(NARRATIVE_SECTIONS[code]) for code in missing] if draft else [],
            "report": report,
            "layout": {
                "portrait": pdf_rows(report.portrait),
                "work": pdf_rows(report.work),
                "results": pdf_rows(report.results),
            },
            "language": language,
            "static_base": STATIC_ORIGIN + "/" + settings.STATIC_URL.strip("/") + "/",
            "thematic": narrative.thematic.strip(),
            "challenges": narrative.challenges.strip(),
            "definitions": definitions(),
            "made_on": timezone.localdate(),
        }
        return render_to_string("reporting/pdf/report.html", context)


def template_pdf(template: str, context: dict[str, object]) -> bytes:
    """Another page of ours as a PDF (a person's data export), with the reports' fonts and static-only fetcher.

    The template finds the static files under `static_base`.
    """
    static_base = STATIC_ORIGIN + "/" + settings.STATIC_URL.strip("/") + "/"
    html = render_to_string(template, {**context, "static_base": static_base})
    return HTML(string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=StaticOnlyFetcher()).write_pdf()

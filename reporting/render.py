"""One report file, made whole: the renderer its format calls for, its name and content type, and its writing."""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .figures import SCHEMA, ReportFigures
from .models import ReportFormat
from .presentation import Narrative
from .render_json import render_json
from .render_xlsx import render_xlsx
from .suppression import shown_figures

if TYPE_CHECKING:
    from clients.models import Provider

CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.JSON: "application/json",
}


class PDFUnavailable(Exception):
    """WeasyPrint cannot be loaded here (its system libraries are missing); the other formats still work."""


def render_report(
    figures: ReportFigures,
    *,
    format: ReportFormat,
    language: str,
    suppressed: bool,
    narrative: Narrative | None = None,
    schema: str = SCHEMA,
    kind: str | None = None,
    previous: ReportFigures | None = None,
) -> bytes:
    """The report file's bytes in `format`: the publication-safe version when `suppressed`, headings in
    `language` (PDF and XLSX), the provider's text sections in the PDF; the JSON in `schema` (SCHEMA_V1: the
    version 1 JSON, for readers of that schema). The PDF only: `kind` (ReportKind) on its cover (else the one its
    period makes), and its summary against `previous`, the previous period's figures (`previous_figures_for`),
    made publication-safe as these are."""
    shown = shown_figures(figures, suppressed=suppressed)
    if format == ReportFormat.JSON:
        return render_json(shown, schema=schema).encode()
    if format == ReportFormat.XLSX:
        return render_xlsx(shown, language=language)
    if format == ReportFormat.PDF:
        # Imported here, not above: WeasyPrint loads Pango and Cairo, and where they are missing only the PDF
        # is unavailable, not every page that imports this module.
        try:
            from .render_pdf import render_pdf  # noqa: PLC0415
        except ImportError as error:
            raise PDFUnavailable(str(error)) from error
        before = shown_figures(previous, suppressed=suppressed) if previous is not None else None
        return render_pdf(shown, language=language, narrative=narrative, kind=kind, previous=before)
    raise ValueError(f"no renderer for the format {format!r}")


def pdf_from_template(template: str, context: dict[str, object]) -> bytes:
    """A page of ours other than a report as a PDF (`render_pdf.template_pdf`)."""
    try:
        from .render_pdf import template_pdf  # noqa: PLC0415 - as in render_report: only the PDF needs WeasyPrint
    except ImportError as error:
        raise PDFUnavailable(str(error)) from error
    return template_pdf(template, context)


def file_name(
    *,
    provider: Provider | None,
    start: datetime.date,
    end: datetime.date,
    language: str,
    suppressed: bool,
    format: ReportFormat,
    draft: bool = False,
) -> str:
    """The name a downloaded report file is given (`provider` None: all providers; `draft`: made without its
    narrative, `ReportJob.is_draft`)."""
    who = provider.code if provider is not None else "ALL"
    suffix = ("-publication" if suppressed else "") + ("-draft" if draft else "")
    return f"report-{who}-{start:%Y-%m-%d}-{end:%Y-%m-%d}-{language}{suffix}.{format.value}"


def write_whole(path: Path, content: bytes, *, mode: int | None = None) -> None:
    """Write to a temporary name beside `path` and move it into place only when complete, so that no
    half-written report is ever seen. `mode`: the file's permissions (mkstemp's are its owner's only)."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.partial-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

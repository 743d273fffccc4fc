"""PDF step: the six-month report as a PDF, as a report job makes it, then its rendering alone with and without charts.

`job` is what a person waits for: a report job (`reporting.services.report_job_run` on a new job row) of the
six-month interim report of all providers, on a cold figures cache, so that both the report's figures and the
previous period's (its summary compares with them) are computed, then the PDF is drawn, archived and audited.
`with_charts` is the rendering alone, `reporting.render.render_report` as the job calls it (the kind, the previous
period's figures) with both figures at hand. `render_pdf` has no parameter to leave the charts out, so
`without_charts` is built here from reporting's own parts (`build_report(with_charts=False)`, the PDF template,
WeasyPrint with `StaticOnlyFetcher`), as `render_pdf` builds it; before it is timed, the same parts with the charts
are checked to give `render_html`'s HTML, so that the variant cannot drift from the renderer unnoticed.
"""

from __future__ import annotations

import datetime
import re
import time
import tracemalloc
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone, translation
from weasyprint import HTML

from bench.common import PERIODS, WORK, Run, log, median, reset_peak_rss, rss_mb
from reporting.figures import ReportFigures, figures_for
from reporting.models import CachedFigures, JobState, ReportFormat, ReportJob, ReportKind
from reporting.periods import Period
from reporting.presentation import Narrative, build_report, definitions
from reporting.render import render_report
from reporting.render_pdf import PDF_VARIANT, STATIC_ORIGIN, StaticOnlyFetcher, pdf_rows, render_html
from reporting.services import report_job_run

LANGUAGE = "lv"
KIND = ReportKind.INTERIM
NARRATIVE = Narrative(thematic="Tematiskā informācija. " * 40, challenges="Izaicinājumi un grūtības. " * 40)
# pygal names each chart afresh, so two drawings of the same chart differ: compared without them.
CHART = re.compile(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]*")
# The jobs' files go here, not to the project's media folder.
MEDIA = WORK / "media"


def run(bench: Run) -> None:
    start, end = (datetime.date.fromisoformat(d) for d in PERIODS["six_months"])
    out: dict = {"period": PERIODS["six_months"], "kind": KIND.value}
    bench.result["pdf"] = out
    out["job"] = _measure(bench.args.repeat, lambda: job_pdf(start, end), prepare=cold_cache)
    log(f"pdf job (cold cache, previous period): {out['job']}")

    figures = figures_for(start=start, end=end, provider=None)  # not timed: only the rendering is
    before = Period(start, end).previous
    previous = figures_for(start=before.start, end=before.end, provider=None)
    out["with_charts"] = _measure(bench.args.repeat, lambda: _render(figures, previous))
    log(f"pdf with_charts: {out['with_charts']}")
    check_html(figures, previous)
    out["without_charts"] = _measure(bench.args.repeat, lambda: _pdf_without_charts(figures, previous))
    log(f"pdf without_charts: {out['without_charts']}")


def cold_cache() -> None:
    """No figures kept: the job computes the report's and the previous period's (not timed)."""
    CachedFigures.objects.all().delete()


def job_pdf(start: datetime.date, end: datetime.date) -> bytes:
    """The PDF of a new report job of all providers over `start`-`end`, made as the report task makes it."""
    job = ReportJob.objects.create(
        requested_by=None,
        provider=None,
        start=start,
        end=end,
        kind=KIND,
        language=LANGUAGE,
        suppressed=False,
        format=ReportFormat.PDF,
        narrative_thematic=NARRATIVE.thematic,
        narrative_challenges=NARRATIVE.challenges,
    )
    with override_settings(MEDIA_ROOT=MEDIA):
        report_job_run(job_id=job.pk)
        job.refresh_from_db()
        if job.state != JobState.DONE:
            raise RuntimeError(f"the bench's report job ended {job.state} ({job.error_reason})")
        with job.file.open("rb") as file:
            content: bytes = file.read()
    return content


def _render(figures: ReportFigures, previous: ReportFigures) -> bytes:
    return render_report(
        figures,
        format=ReportFormat.PDF,
        language=LANGUAGE,
        suppressed=False,
        narrative=NARRATIVE,
        kind=KIND,
        previous=previous,
    )


def _measure(repeat: int, render: Callable[[], bytes], prepare: Callable[[], None] | None = None) -> dict:
    """Median of at least 3 renderings, then one more under tracemalloc with the peak RSS reset before;
    `prepare` runs before each, untimed."""
    times, size = [], 0
    for _ in range(max(3, repeat)):
        if prepare:
            prepare()
        began = time.perf_counter()
        size = len(render())
        times.append(time.perf_counter() - began)
    if prepare:
        prepare()
    reset_peak_rss()
    rss_before, _ = rss_mb()
    tracemalloc.start()
    render()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    _, hwm = rss_mb()
    return {
        "runs_s": [round(t, 3) for t in times],
        "median_s": round(median(times), 3),
        "bytes": size,
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "rss_peak_growth_mb": round(hwm - rss_before, 1),
    }


def check_html(figures: ReportFigures, previous: ReportFigures) -> None:
    """Raises unless this module builds the PDF's HTML as reporting.render_pdf.render_html does."""
    theirs = render_html(figures, language=LANGUAGE, narrative=NARRATIVE, kind=KIND, previous=previous)
    if CHART.sub("", _html(figures, previous, with_charts=True)) != CHART.sub("", theirs):
        raise RuntimeError(
            "bench/steps/pdf.py no longer builds the PDF's HTML as reporting.render_pdf.render_html does: "
            "the PDF without charts is not measured"
        )


def _html(figures: ReportFigures, previous: ReportFigures, *, with_charts: bool) -> str:
    """The PDF's HTML as reporting.render_pdf.render_html makes it, with the charts or without (the report of all
    providers: no narrative waited for, no draft)."""
    with translation.override(LANGUAGE):
        report = build_report(figures, with_charts=with_charts, kind=KIND, previous=previous)
        context = {
            "draft": False,
            "missing_sections": [],
            "report": report,
            "layout": {
                "portrait": pdf_rows(report.portrait),
                "work": pdf_rows(report.work),
                "results": pdf_rows(report.results),
            },
            "language": LANGUAGE,
            "static_base": STATIC_ORIGIN + "/" + settings.STATIC_URL.strip("/") + "/",
            "thematic": NARRATIVE.thematic.strip(),
            "challenges": NARRATIVE.challenges.strip(),
            "definitions": definitions(),
            "made_on": timezone.localdate(),
        }
        return render_to_string("reporting/pdf/report.html", context)


def _pdf_without_charts(figures: ReportFigures, previous: ReportFigures) -> bytes:
    """reporting.render_pdf.render_pdf's steps, on the HTML without the charts."""
    html = _html(figures, previous, with_charts=False)
    document = HTML(string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=StaticOnlyFetcher())
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf

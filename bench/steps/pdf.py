"""PDF step: the six-month report as a PDF, with its charts and without, median time and peak memory.

With charts is reporting's own `render_pdf`, as the report job calls it. `render_pdf` has no
parameter to leave the charts out, so the variant without them is built here from reporting's own
parts (`build_report(with_charts=False)`, the PDF template, WeasyPrint with `StaticOnlyFetcher`), as
`render_pdf` builds it; before it is timed, the same parts with the charts are checked to give
`render_html`'s HTML, so that the variant cannot drift from the renderer unnoticed.
"""

from __future__ import annotations

import datetime
import re
import time
import tracemalloc
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from bench.common import PERIODS, Run, log, median, reset_peak_rss, rss_mb
from reporting.figures import ReportFigures, figures_for
from reporting.presentation import Narrative, build_report, definitions
from reporting.render_pdf import STATIC_ORIGIN, StaticOnlyFetcher, render_html, render_pdf

LANGUAGE = "lv"
NARRATIVE = Narrative(thematic="Tematiskā informācija. " * 40, challenges="Izaicinājumi un grūtības. " * 40)
# pygal names each chart afresh, so two drawings of the same chart differ: compared without them.
CHART = re.compile(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]*")


def run(bench: Run) -> None:
    start, end = (datetime.date.fromisoformat(d) for d in PERIODS["six_months"])
    figures = figures_for(start=start, end=end, provider=None)  # not timed: only the rendering is
    out: dict = {"period": PERIODS["six_months"]}
    bench.result["pdf"] = out
    out["with_charts"] = _measure(
        bench.args.repeat,
        lambda: render_pdf(figures, language=LANGUAGE, narrative=NARRATIVE),
    )
    log(f"pdf with_charts: {out['with_charts']}")
    theirs = render_html(figures, language=LANGUAGE, narrative=NARRATIVE)
    if CHART.sub("", _html(figures, with_charts=True)) != CHART.sub("", theirs):
        raise RuntimeError(
            "bench/steps/pdf.py no longer builds the PDF's HTML as reporting.render_pdf.render_html does: "
            "the PDF without charts is not measured"
        )
    out["without_charts"] = _measure(bench.args.repeat, lambda: _pdf_without_charts(figures))
    log(f"pdf without_charts: {out['without_charts']}")


def _measure(repeat: int, render: Callable[[], bytes]) -> dict:
    """Median of at least 3 renderings, then one more under tracemalloc with the peak RSS reset before."""
    times, size = [], 0
    for _ in range(max(3, repeat)):
        began = time.perf_counter()
        size = len(render())
        times.append(time.perf_counter() - began)
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


def _html(figures: ReportFigures, *, with_charts: bool) -> str:
    """The PDF's HTML as reporting.render_pdf.render_html makes it, with the charts or without."""
    with translation.override(LANGUAGE):
        context = {
            "report": build_report(figures, with_charts=with_charts),
            "language": LANGUAGE,
            "static_base": STATIC_ORIGIN + "/" + settings.STATIC_URL.strip("/") + "/",
            "thematic": NARRATIVE.thematic.strip(),
            "challenges": NARRATIVE.challenges.strip(),
            "definitions": definitions(),
            "made_on": timezone.localdate(),
        }
        return render_to_string("reporting/pdf/report.html", context)


def _pdf_without_charts(figures: ReportFigures) -> bytes:
    """reporting.render_pdf.render_pdf's steps, on the HTML without the charts."""
    html = _html(figures, with_charts=False)
    return HTML(string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=StaticOnlyFetcher()).write_pdf()

"""The bench's PDF step times the PDF as a report job makes it: a cold cache, the previous period's figures computed
too, the interim report's kind; and its variant without charts is built as the renderer builds it."""

from __future__ import annotations

import argparse
import datetime

import pytest
from django.db import transaction

from bench import generate
from bench.common import Run
from bench.steps import pdf as step
from exchange.services import dataset_import
from reporting.figures import figures_for
from reporting.models import CachedFigures, JobState, ReportJob
from tests.reporting.test_pdf import pdf_text

START, END = datetime.date(2025, 1, 1), datetime.date(2025, 6, 30)
PREVIOUS = datetime.date(2024, 7, 1), datetime.date(2024, 12, 31)


@pytest.fixture(scope="module")
def generated_data(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench") / "g"
    generate.Generator(folder, persons=200, contacts_per_person=6.0, seed=21).run()
    with django_db_blocker.unblock(), transaction.atomic():
        assert dataset_import(path=folder).errors == []
        yield
        transaction.set_rollback(True)


@pytest.fixture
def media(monkeypatch, tmp_path):
    monkeypatch.setattr(step, "MEDIA", tmp_path / "media")
    return tmp_path / "media"


def test_the_job_computes_both_periods_on_a_cold_cache_and_compares_with_the_previous_one(
    generated_data, django_db_blocker, media, tmp_path
):
    with django_db_blocker.unblock():
        step.cold_cache()
        content = step.job_pdf(START, END)

        job = ReportJob.objects.latest("pk")
        assert (job.state, job.kind, job.provider_id, job.format) == (JobState.DONE, "interim", None, "pdf")
        # Both sets of figures were computed by the job (the cache was empty) and kept.
        assert set(CachedFigures.objects.values_list("key", flat=True)) == {
            f"all:{START}:{END}",
            f"all:{PREVIOUS[0]}:{PREVIOUS[1]}",
        }
    assert (media / job.file.name).read_bytes() == content
    text = " ".join(pdf_text(content, tmp_path).split())
    assert "01.07.2024 – 31.12.2024" in text  # the summary's previous period


def test_the_variant_without_charts_is_built_as_the_renderer_builds_the_pdf(generated_data, django_db_blocker):
    with django_db_blocker.unblock():
        figures = figures_for(start=START, end=END)
        previous = figures_for(start=PREVIOUS[0], end=PREVIOUS[1])

    step.check_html(figures, previous)  # raises if they differ
    assert step.CHART.search(step._html(figures, previous, with_charts=True))
    assert not step.CHART.search(step._html(figures, previous, with_charts=False))


def test_the_step_records_the_job_and_the_rendering_with_and_without_charts(
    generated_data, django_db_blocker, media, monkeypatch, tmp_path
):
    monkeypatch.setitem(step.PERIODS, "six_months", (START.isoformat(), END.isoformat()))
    bench = Run(args=argparse.Namespace(repeat=1), kind="small", data=tmp_path, part=tmp_path / "part.json")

    with django_db_blocker.unblock():
        step.run(bench)

    out = bench.result["pdf"]
    assert out["kind"] == "interim"
    for name in ("job", "with_charts", "without_charts"):
        assert len(out[name]["runs_s"]) == 3 and out[name]["median_s"] > 0, name
        assert out[name]["bytes"] > 10_000, name
    # The job computes two periods' figures besides drawing the same PDF.
    assert out["job"]["median_s"] > out["without_charts"]["median_s"]

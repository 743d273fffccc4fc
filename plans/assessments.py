"""Self-sufficiency assessments (casework.md "Self-sufficiency assessment"): recording one, and reading them.

An assessment scores the client in each of the ten plan areas (`GoalArea`) on the 1–5 scale (`SelfSufficiency`),
or leaves an area unscored; each area may carry a note. Recorded at intake, at a plan review and at closure.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pygal
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client, Staff
from common.charts import COLOURS, chart_config, chart_style, data_uri, svg

from .choices import AssessmentKind, GoalArea, SelfSufficiency
from .models import SCORED_AREAS, UNSCORED, Assessment, AssessmentScore, PlanReview

# A form's answer: {area code: (score 1–5 or None for not scored, note)}.
Scores = Mapping[str, tuple[int | None, str]]


def has_any_score(scores: Scores) -> bool:
    """Is at least one area scored? (An assessment with none is not recorded.)"""
    return any(score is not None for score, _note in scores.values())


def assessing_staff(user: User, client: Client) -> Staff | None:
    """The user's own active staff record if it is of the client's provider; None: the form asks who assessed."""
    staff = getattr(user, "staff", None)  # a missing one-to-one row raises an AttributeError subclass
    if staff is not None and staff.is_active and staff.provider_id == client.provider_id:
        return staff
    return None


def staff_who_may_assess(client: Client) -> QuerySet[Staff]:
    """The choices of "Assessed by": the active staff of the client's provider."""
    return Staff.objects.filter(provider_id=client.provider_id, is_active=True)


class AssessmentInput(NamedTuple):
    """One member's assessment at a plan review (`plans.services.plan_review_record`)."""

    client: Client
    staff: Staff
    scores: Scores


class AssessmentsRefused(Exception):
    """Assessments that come with another record (a plan review) and were refused: {client pk: ValidationError}.

    Nothing was written; each form shows its errors (`AssessmentForm.add_service_errors`).
    """

    def __init__(self, errors: dict[int, ValidationError]) -> None:
        super().__init__(errors)
        self.errors = errors


def assessment_errors(
    *,
    client: Client,
    staff: Staff,
    date: datetime.date,
    kind: str,
    scores: Scores,
    review: PlanReview | None = None,
) -> dict[str, Any]:
    """What is wrong with an assessment, by field (`date`, `staff`, `kind`, `scores`, `review`, an area code)."""
    errors: dict[str, Any] = {}
    if kind not in AssessmentKind.values:
        errors["kind"] = _("Choose when the assessment was made.")
    if date > timezone.localdate():
        errors["date"] = _("An assessment cannot be dated in the future.")
    elif client.service_start is not None and date < client.service_start:
        errors["date"] = _("An assessment cannot be dated before the client's service start.")
    if staff.provider_id != client.provider_id:
        errors["staff"] = _("The assessment is made by a staff member of the client's provider.")
    for area, (score, _note) in scores.items():
        if area not in GoalArea.values:
            errors.setdefault("scores", _("Unknown area."))
        elif score is not None and score not in SelfSufficiency.values:
            errors[area] = _("Choose a score from 1 to 5, or leave the area not scored.")
    if not has_any_score(scores):
        errors.setdefault("scores", _("Score at least one area."))
    if review is not None and review.plan.provider_id != client.provider_id:
        errors["review"] = _("The review is of another provider's plan.")
    return errors


@transaction.atomic
def assessment_record(
    *,
    client: Client,
    staff: Staff,
    date: datetime.date,
    kind: str,
    scores: Mapping[str, tuple[int | None, str]],
    actor: User,
    review: PlanReview | None = None,
) -> Assessment:
    """Record one assessment of `client` by `staff` with a row per area that has a score or a note.

    Raises ValidationError by field (`date`, `staff`, `kind`, `scores`, or the area code) for the form to show.
    """
    errors = assessment_errors(client=client, staff=staff, date=date, kind=kind, scores=scores, review=review)
    if errors:
        raise ValidationError(errors)
    assessment = Assessment.objects.create(
        date=date,
        staff=staff,
        provider_id=staff.provider_id,
        client=client,
        kind=kind,
        review=review,
        created_by=actor,
    )
    rows = [
        AssessmentScore(assessment=assessment, area=area, score=score, note=(note or "").strip())
        for area in GoalArea.values
        if area in scores
        for score, note in [scores[area]]
        if score is not None or (note or "").strip()
    ]
    AssessmentScore.objects.bulk_create(rows)
    return assessment


# Reading -----------------------------------------------------------------------------------------


def assessments_disagreeing_with_their_scores() -> list[int]:
    """The ids of the assessments whose copy of their scores (`Assessment.area_scores`) is not what their
    AssessmentScore rows say; none when the triggers that keep it (plans/migrations/sql/0011_assessment_area_scores
    .sql) did their work. One scan of both tables, written apart from the triggers' SQL so that it checks them:
    the tests run it after every write path, and it can be run on any database (`manage.py shell`)."""
    columns = ", ".join(["MAX(sc.score) FILTER (WHERE sc.area = %s)"] * len(SCORED_AREAS))
    statement = f"""
        SELECT a.id FROM {Assessment._meta.db_table} a
        LEFT JOIN (
            SELECT sc.assessment_id, ARRAY[{columns}]::smallint[] AS scores
            FROM {AssessmentScore._meta.db_table} sc GROUP BY sc.assessment_id
        ) s ON s.assessment_id = a.id
        WHERE a.area_scores IS DISTINCT FROM COALESCE(s.scores, %s::smallint[])
        ORDER BY a.id
    """  # noqa: S608 (table names from the models, the areas as parameters)
    with connections[Assessment.objects.db].cursor() as cursor:
        cursor.execute(statement, [*SCORED_AREAS, UNSCORED])
        return [row[0] for row in cursor.fetchall()]


def assessments_of(client: Client) -> QuerySet[Assessment]:
    """The client's assessments, newest first, with their scores and who assessed: three queries in all."""
    return (
        Assessment.objects.filter(client=client)
        .select_related("staff")
        .prefetch_related(Prefetch("scores", queryset=AssessmentScore.objects.order_by("area")))
        .order_by("-date", "-id")
    )


@dataclass
class AreaScore:
    area: str
    label: str
    score: int | None
    score_label: str
    note: str


def area_scores(assessment: Assessment) -> list[AreaScore]:
    """The assessment's ten areas in `GoalArea` order, the unscored ones too (from prefetched scores)."""
    by_area = {row.area: row for row in assessment.scores.all()}
    rows = []
    for area, label in GoalArea.choices:
        row = by_area.get(area)
        score = row.score if row is not None else None
        rows.append(
            AreaScore(
                area=area,
                label=str(label),
                score=score,
                score_label=str(SelfSufficiency(score).label) if score is not None else "",
                note=row.note if row is not None else "",
            )
        )
    return rows


@dataclass
class ScoreSeries:
    """The scores over time, area by area, for the chart and its text alternative."""

    dates: list[datetime.date] = field(default_factory=list)
    # (area code, area label, one score or None per date), only the areas scored at least once.
    areas: list[tuple[str, str, list[int | None]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.dates)

    def table(self) -> list[tuple[str, str, list[tuple[datetime.date, int | None]]]]:
        """Each area's scores with their dates: the chart's text alternative."""
        return [(area, label, list(zip(self.dates, values, strict=True))) for area, label, values in self.areas]


def score_series(assessments: list[Assessment]) -> ScoreSeries:
    """The series of a chart from already loaded assessments (with prefetched scores), oldest first.

    One point a day: assessments of the same day (one at a review, then the closure's) are read as one, the
    later one's scores over the earlier's, so that a date is never drawn twice on the axis.
    """
    by_day: dict[datetime.date, dict[str, int | None]] = {}
    for a in sorted(assessments, key=lambda a: (a.date, a.pk)):
        day = by_day.setdefault(a.date, {})
        day.update({row.area: row.score for row in a.scores.all() if row.score is not None or row.area not in day})
    by_assessment = list(by_day.values())
    series = ScoreSeries(dates=list(by_day))
    for area, label in GoalArea.choices:
        values = [scores.get(area) for scores in by_assessment]
        if any(v is not None for v in values):
            series.areas.append((area, str(label), values))
    return series


# Ten areas, ten lines: the project's eight colours and two more.
AREA_COLOURS = (*COLOURS, "#2e7d32", "#6d4c41")


def score_chart(series: ScoreSeries) -> str:
    """The scores over time, one line an area, as an <img> source (a data: URI of pygal's SVG, no script).

    Drawn narrow with large type, so that scaled to a 390 px phone its labels stay readable; the page gives the
    same figures as a table beside it.
    """
    style = chart_style(AREA_COLOURS, label_font_size=20, major_label_font_size=20, legend_font_size=20)
    chart = pygal.Line(
        **chart_config(
            style=style,
            width=560,
            height=460,
            range=(1, 5),
            y_labels=[1, 2, 3, 4, 5],
            print_values=False,
            dots_size=5,
            # Room for the first and the last date under the plot.
            margin_left=36,
            margin_right=48,
            legend_at_bottom_columns=2,
            x_label_rotation=0 if len(series.dates) <= 4 else 35,
            truncate_label=12,
            truncate_legend=22,
        )
    )
    chart.x_labels = [formats.date_format(day, "SHORT_DATE_FORMAT") for day in series.dates]
    for _area, label, values in series.areas:
        chart.add(label, values, stroke_style={"width": 3})
    return data_uri(svg(chart))


@dataclass
class SelfSufficiencyCard:
    """The client page's "Self-sufficiency" section: every assessment, the latest one's areas, the chart."""

    assessments: list[Assessment]
    latest: list[AreaScore]
    series: ScoreSeries
    chart: str  # an <img> source, or "" with fewer than two assessments
    summary: str  # the chart's text alternative: each area's first and latest score


def self_sufficiency_of(client: Client) -> SelfSufficiencyCard:
    """Everything the section shows, in three queries however many assessments the client has."""
    rows = list(assessments_of(client))
    series = score_series(rows)
    return SelfSufficiencyCard(
        assessments=rows,
        latest=area_scores(rows[0]) if rows else [],
        series=series,
        chart=score_chart(series) if len(series.dates) > 1 else "",
        summary=_summary(series),
    )


def _summary(series: ScoreSeries) -> str:
    parts = []
    for _area, label, values in series.areas:
        scored = [v for v in values if v is not None]
        parts.append(f"{label} {scored[0]} → {scored[-1]}" if len(scored) > 1 else f"{label} {scored[0]}")
    return "; ".join(parts)

"""`results` of report-figures/2 (report-metrics.md "Version 2: results"): referrals, goals, self-sufficiency and
closures, each computed by the database in one statement whatever the number of records.

"The provider" of a referral or an assessment is its staff member's (`provider`, set from the staff member when
it is saved); of a goal, its plan's social worker's; of a case episode, the provider whose case it was
(`CaseEpisode.provider`; the current episode, on the client, the client's provider). For all providers every
record counts.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from clients.models import CaseEpisode, Client, Provider
from plans.choices import GoalStatus, ReferralStatus
from plans.models import SCORED_AREAS, Assessment, Goal, Referral

from ..periods import Period
from .persons import _served_in
from .types import (
    CLOSURE_REASONS,
    GOAL_AREAS,
    GOAL_OUTCOMES,
    INSTITUTION_KINDS,
    REFERRAL_OUTCOMES,
    TOTAL,
    AreaChange,
    ClosureFigures,
    GoalFigures,
    ReferralFigures,
    ResultFigures,
    SelfSufficiencyFigures,
    percent_half_away,
    round_half_away,
)

# The outcomes a success rate is a share of: completed out of completed, not successful and refused.
_DECIDED = (ReferralStatus.COMPLETED, ReferralStatus.NOT_SUCCESSFUL, ReferralStatus.REFUSED)


def _referrals(period: Period, provider: Provider | None) -> ReferralFigures[int]:
    """The referrals dated in the period: one aggregate query. Each one's outcome is its status as of the
    period's last day: its status if its outcome date is on or before that day, otherwise `made`."""
    referrals = Referral.objects.filter(date__gte=period.start, date__lte=period.end).order_by()
    if provider is not None:
        # Index: referral (provider, date).
        referrals = referrals.filter(provider=provider)
    decided_by_end = Q(outcome_date__isnull=False, outcome_date__lte=period.end)
    counts = referrals.aggregate(
        total=Count("pk"),
        persons=Count("client_id", distinct=True),
        accompanied=Count("pk", filter=Q(accompanied=True)),
        **{f"kind_{kind}": Count("pk", filter=Q(institution_kind=kind)) for kind in INSTITUTION_KINDS},
        **{
            f"outcome_{status}": Count("pk", filter=decided_by_end & Q(status=status))
            for status in REFERRAL_OUTCOMES
            if status != ReferralStatus.MADE
        },
    )
    outcomes = {status: counts.get(f"outcome_{status}", 0) for status in REFERRAL_OUTCOMES}
    outcomes[ReferralStatus.MADE] = counts["total"] - sum(outcomes.values())
    decided = sum(outcomes[status] for status in _DECIDED)
    return ReferralFigures(
        total=counts["total"],
        persons=counts["persons"],
        accompanied=counts["accompanied"],
        by_kind={kind: counts[f"kind_{kind}"] for kind in INSTITUTION_KINDS},
        outcomes={str(status): n for status, n in outcomes.items()},
        success_rate=percent_half_away(outcomes[ReferralStatus.COMPLETED], decided),
    )


def _goals(period: Period, provider: Provider | None) -> GoalFigures:
    """The goals of the plans whose social worker belongs to the provider, by area: one grouped query.

    A goal is created on its `created_at`'s local day; its status and status date are its latest (the only ones
    kept), so the status on the last day is `open` when it is open now or its status date is after that day."""
    goals = Goal.objects.order_by()
    if provider is not None:
        goals = goals.filter(plan__social_worker__provider=provider)
    created = Q(created_at__date__gte=period.start, created_at__date__lte=period.end)
    closed_in = Q(status_date__gte=period.start, status_date__lte=period.end)
    open_at_end = Q(created_at__date__lte=period.end) & (
        Q(status=GoalStatus.OPEN) | Q(status_date__isnull=False, status_date__gt=period.end)
    )
    rows: Any = goals.values("area").annotate(
        set=Count("pk", filter=created),
        open_at_end=Count("pk", filter=open_at_end),
        **{str(status): Count("pk", filter=closed_in & Q(status=status)) for status in GOAL_OUTCOMES},
    )
    names = ("set", *(str(s) for s in GOAL_OUTCOMES), "open_at_end")
    tables: dict[str, dict[str, int]] = {name: dict.fromkeys(GOAL_AREAS, 0) for name in names}
    for row in rows:
        for name in names:
            if row["area"] in tables[name]:
                tables[name][row["area"]] += row[name]
    for table in tables.values():
        table[TOTAL] = sum(table.values())
    return GoalFigures(**tables)


# Each person's assessments by the provider dated on or before the last day, numbered in the person's order (date,
# then assessment_ref, then id), each area's score folded with its number into one integer, k_i = n * 8 + score (the
# score 1–5; NULL where the assessment does not score the area), in the numbering's own pass (`a`, built by the ORM;
# the scores are the assessment's copy of its AssessmentScore rows, `Assessment.area_scores`: no join with the rows).
# Grouped by person, of the persons assessed twice (`per`), each area's change from the first score to the last when
# the area has two (else NULL): the earliest score is the MIN of k_i and the latest the MAX (each modulo 8), plain
# integer aggregates of the sorted rows the numbering leaves; the numbers differ, so MIN < MAX exactly when the area
# has two scores. Over a long period only then are the persons kept who are served (`served`, `WHERE per.client_id IN
# (…)`: an index probe a person assessed twice, not a pass over every served person's month): which assessments a
# person has does not depend on it. Then one row: the persons assessed twice, per area the persons compared, improved,
# same, worse and the sum of the changes, and the persons improved in any area.
_SELF_SUFFICIENCY = """
    SELECT COUNT(*), {per_area}, COUNT(*) FILTER (WHERE {improved_any})
    FROM (
        SELECT client_id, {changes}
        FROM ({assessments}) a
        GROUP BY client_id HAVING COUNT(*) >= 2
    ) per
    {served}
"""
# Up to this many months the persons served are few enough to be found before their assessments are numbered; a
# longer period serves most persons, and testing only those assessed twice, after the grouping, is cheaper than
# reading every served person's months first (at national scale the two cost the same at about five years: issue 21,
# docs/performance.md).
_SERVED_FIRST_UP_TO_MONTHS = 60

_SELF_SUFFICIENCY_PARTS = {
    "changes": ", ".join(
        f"CASE WHEN MIN(a.k{i}) < MAX(a.k{i}) THEN MAX(a.k{i}) %% 8 - MIN(a.k{i}) %% 8 END AS change_{i}"
        for i in range(1, len(SCORED_AREAS) + 1)
    ),
    "per_area": ", ".join(
        f"COUNT(change_{i}), COUNT(*) FILTER (WHERE change_{i} > 0), COUNT(*) FILTER (WHERE change_{i} = 0), "
        f"COUNT(*) FILTER (WHERE change_{i} < 0), SUM(change_{i})"
        for i in range(1, len(SCORED_AREAS) + 1)
    ),
    "improved_any": " OR ".join(f"change_{i} > 0" for i in range(1, len(SCORED_AREAS) + 1)),
}


def _self_sufficiency(period: Period, provider: Provider | None) -> SelfSufficiencyFigures[int]:
    """Over the report's persons served, each area's earliest and latest score compared: one statement.

    The persons served are `unique_persons`' own set (`_served_in`); the ORM builds the assessments' query with
    their numbering and folded scores, and the comparing over it is what the statement adds. It reads the
    assessments only: at national scale (issue 21) joining their two million score rows and grouping them by
    person and area took most of the time; then taking each of twenty aggregates' score out of the array for
    each assessment, and testing every assessment's person against the persons served."""
    assessments = Assessment.objects.filter(date__lte=period.end).order_by()
    if provider is not None:
        assessments = assessments.filter(provider=provider)
    served, served_params = "", ()
    if len(period.months) <= _SERVED_FIRST_UP_TO_MONTHS:
        # A short period serves a small part of the persons: their assessments alone are numbered.
        assessments = assessments.filter(client_id__in=_served_in(period, provider))
    else:
        served_sql, served_params = _served_in(period, provider).query.sql_with_params()
        served = f"WHERE per.client_id IN ({served_sql})"
    # The person's order of assessments: date, then assessment_ref, then id (one window: the same one each time).
    in_order = (F("date").asc(), F("assessment_ref").asc(), F("id").asc())
    folded = {
        f"k{i}": Window(RowNumber(), partition_by=F("client_id"), order_by=in_order) * 8 + F(f"area_scores__{i - 1}")
        for i in range(1, len(SCORED_AREAS) + 1)
    }
    sql, params = assessments.annotate(**folded).values("client_id", *folded).query.sql_with_params()
    statement = _SELF_SUFFICIENCY.format(assessments=sql, served=served, **_SELF_SUFFICIENCY_PARTS)
    with connections[Assessment.objects.db].cursor() as cursor:
        cursor.execute(statement, (*params, *served_params))
        twice, *per_area, improved_any = cursor.fetchone()
    by_area = {area: AreaChange(persons=0, improved=0, same=0, worse=0, mean_change=None) for area in GOAL_AREAS}
    for i, area in enumerate(SCORED_AREAS):
        persons, improved, same, worse, change = per_area[i * 5 : i * 5 + 5]
        if area in by_area and persons:
            by_area[area] = AreaChange(
                persons=persons,
                improved=improved,
                same=same,
                worse=worse,
                mean_change=round_half_away(int(change), persons),
            )
    return SelfSufficiencyFigures(persons_assessed_twice=twice, by_area=by_area, improved_in_any_area=improved_any)


# The provider's episodes ended in the period, counted by reason for the earlier ones (CaseEpisode) and for the
# clients' current ones (`ended`, built by the ORM, a reason's count in up to two rows); then (reason NULL) the
# provider's episodes started in the period for a client with an episode of any provider started before it. Only
# a client with an earlier episode (a CaseEpisode row) has two: their episodes (`theirs`, by the ORM) are each
# compared with the client's first start, a window over a few ten thousand rows, not a probe of every client.
_CLOSURES = """
    {ended}
    UNION ALL
    SELECT NULL, COUNT(*) FROM (
        SELECT provider_id, service_start, MIN(service_start) OVER (PARTITION BY client_id) AS first_start
        FROM ({theirs}) theirs
    ) e
    WHERE service_start >= %s AND service_start <= %s {of_provider} AND service_start > first_start
"""


def _current_episodes() -> QuerySet[Any]:
    """The clients' current episodes: those of the clients whose service started."""
    return Client.objects.filter(service_start__isnull=False).order_by()


def _ended(period: Period, provider: Provider | None) -> QuerySet[Any]:
    """The provider's episodes ended in the period, as (closure_reason, n): the earlier and the current ones."""
    in_period = Q(service_end__gte=period.start, service_end__lte=period.end)
    if provider is not None:
        in_period &= Q(provider=provider)
    earlier = CaseEpisode.objects.filter(in_period).order_by().values("closure_reason").annotate(n=Count("*"))
    current = _current_episodes().filter(in_period).values("closure_reason").annotate(n=Count("*"))
    return earlier.union(current, all=True)


def _episodes_of_the_reopened() -> QuerySet[Any]:
    """Every episode of the clients with an earlier one, as (client_id, provider_id, service_start)."""
    columns = ("client_id", "provider_id", "service_start")
    earlier = CaseEpisode.objects.order_by().values_list(*columns)
    # The union's columns take the first query's names: the client's own id is its episode's client_id.
    # Index: caseepisode_client_start_idx (client, service_start), then the client's primary key.
    current = (
        _current_episodes()
        .filter(pk__in=CaseEpisode.objects.order_by().values("client_id"))
        .values_list("pk", *columns[1:])
    )
    return earlier.union(current, all=True)


def _closures(period: Period, provider: Provider | None) -> ClosureFigures[int]:
    """The provider's case episodes ended in the period, by reason, and those reopened: one statement."""
    ended, ended_params = _ended(period, provider).query.sql_with_params()
    theirs, theirs_params = _episodes_of_the_reopened().query.sql_with_params()
    of_provider = "AND provider_id = %s" if provider is not None else ""
    mine = (provider.pk,) if provider is not None else ()
    statement = _CLOSURES.format(ended=ended, theirs=theirs, of_provider=of_provider)
    with connections[CaseEpisode.objects.db].cursor() as cursor:
        cursor.execute(statement, (*ended_params, *theirs_params, period.start, period.end, *mine))
        rows = cursor.fetchall()
    by_reason = dict.fromkeys(CLOSURE_REASONS, 0)
    total = reopened = 0
    for reason, n in rows:
        if reason is None:
            reopened = n
            continue
        total += n  # an episode ended without a reason recorded counts in the total only
        if reason in by_reason:
            by_reason[reason] += n
    return ClosureFigures(total=total, by_reason=by_reason, reopened=reopened)


def results_for(period: Period, provider: Provider | None) -> ResultFigures[int]:
    """`results` of the period, of one provider or (None) of all: four statements."""
    return ResultFigures(
        referrals=_referrals(period, provider),
        goals=_goals(period, provider),
        self_sufficiency=_self_sufficiency(period, provider),
        closures=_closures(period, provider),
    )

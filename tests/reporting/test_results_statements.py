"""The fast statements of `results` (issue 21, "At national scale") give what the plain ones they replaced gave.

The plain statements (two ROW_NUMBER windows over every score; every episode probed for an earlier one) are kept
here as the reference, word for word, and both are run over random casework with ties everywhere they can be:
assessments of one person on one day, the same reference at two providers, episodes starting on one day.

The self-sufficiency statement was then made to read the assessments' copy of their scores (`area_scores`) instead
of joining the scores: the joining one it replaced is kept here as well, and all three must agree."""

import datetime
import random

import pytest
from django.db import connection
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from clients.models import CaseEpisode, Client
from plans.assessments import assessments_disagreeing_with_their_scores
from plans.choices import GoalArea
from plans.models import Assessment, AssessmentScore
from reporting.figures import figures_for
from reporting.figures.persons import _served_in
from reporting.figures.types import round_half_away
from reporting.periods import Period
from tests.factories import ClientFactory, ProviderFactory, StaffFactory

from .report_world import contact

D = datetime.date
AREAS = tuple(GoalArea.values)

_PLAIN_SELF_SUFFICIENCY = """
    WITH a AS MATERIALIZED ({assessments}),
    s AS (
        SELECT a.client_id, sc.area, sc.score,
               ROW_NUMBER() OVER (PARTITION BY a.client_id, sc.area ORDER BY a.date, a.assessment_ref, a.id) AS first_n,
               ROW_NUMBER() OVER (PARTITION BY a.client_id, sc.area
                                  ORDER BY a.date DESC, a.assessment_ref DESC, a.id DESC) AS last_n
        FROM a JOIN plans_assessmentscore sc ON sc.assessment_id = a.id
        WHERE sc.score IS NOT NULL
    ),
    pair AS (
        SELECT client_id, area,
               MAX(score) FILTER (WHERE last_n = 1) - MAX(score) FILTER (WHERE first_n = 1) AS change
        FROM s GROUP BY client_id, area HAVING COUNT(*) >= 2
    )
    SELECT area, COUNT(*), COUNT(*) FILTER (WHERE change > 0), COUNT(*) FILTER (WHERE change = 0),
           COUNT(*) FILTER (WHERE change < 0), SUM(change)
    FROM pair GROUP BY area
    UNION ALL
    SELECT NULL, (SELECT COUNT(*) FROM (SELECT client_id FROM a GROUP BY client_id HAVING COUNT(*) >= 2) twice),
           (SELECT COUNT(DISTINCT client_id) FROM pair WHERE change > 0), 0, 0, 0
"""

# The statement of issue 21's first step, word for word: the scores joined and grouped by person and area.
_JOINED_SELF_SUFFICIENCY = """
    WITH a AS MATERIALIZED ({assessments}),
    pair AS (
        SELECT a.client_id, sc.area,
               MAX(a.n * 8 + sc.score) %% 8 - MIN(a.n * 8 + sc.score) %% 8 AS change
        FROM a JOIN {scores} sc ON sc.assessment_id = a.id
        WHERE a.of_person >= 2 AND sc.score IS NOT NULL
        GROUP BY a.client_id, sc.area HAVING COUNT(*) >= 2
    )
    SELECT area, COUNT(*), COUNT(*) FILTER (WHERE change > 0), COUNT(*) FILTER (WHERE change = 0),
           COUNT(*) FILTER (WHERE change < 0), SUM(change)
    FROM pair GROUP BY area
    UNION ALL
    SELECT NULL, (SELECT COUNT(*) FROM a WHERE n = 2),
           (SELECT COUNT(DISTINCT client_id) FROM pair WHERE change > 0), 0, 0, 0
"""

_PLAIN_CLOSURES = """
    WITH ep AS MATERIALIZED ({episodes})
    SELECT closure_reason, COUNT(*) FROM ep
    WHERE service_end >= %s AND service_end <= %s {of_provider}
    GROUP BY closure_reason
    UNION ALL
    SELECT NULL, COUNT(*) FROM ep
    WHERE service_start >= %s AND service_start <= %s {of_provider}
      AND EXISTS (SELECT 1 FROM ep earlier WHERE earlier.client_id = ep.client_id
                                            AND earlier.service_start < ep.service_start)
"""


def plain_self_sufficiency(period, provider):
    """(area, persons, improved, same, worse, change) rows of the plain statement, sorted."""
    assessments = Assessment.objects.filter(client_id__in=_served_in(period, provider), date__lte=period.end)
    if provider is not None:
        assessments = assessments.filter(provider=provider)
    sql, params = assessments.order_by().values("id", "client_id", "date", "assessment_ref").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_PLAIN_SELF_SUFFICIENCY.format(assessments=sql), params)
        rows = cursor.fetchall()
    return rows


def joined_self_sufficiency(period, provider):
    """(area, persons, improved, same, worse, change) rows of the joining statement, sorted as the plain one's."""
    assessments = Assessment.objects.filter(client_id__in=_served_in(period, provider), date__lte=period.end)
    if provider is not None:
        assessments = assessments.filter(provider=provider)
    in_order = (F("date").asc(), F("assessment_ref").asc(), F("id").asc())
    numbered = assessments.order_by().annotate(
        n=Window(RowNumber(), partition_by=F("client_id"), order_by=in_order),
        of_person=Window(Count("*"), partition_by=F("client_id")),
    )
    sql, params = numbered.values("id", "client_id", "n", "of_person").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_JOINED_SELF_SUFFICIENCY.format(assessments=sql, scores="plans_assessmentscore"), params)
        return cursor.fetchall()


def plain_closures(period, provider):
    columns = ("client_id", "provider_id", "service_start", "service_end", "closure_reason")
    earlier = CaseEpisode.objects.order_by().values_list(*columns)
    current = Client.objects.filter(service_start__isnull=False).order_by().values_list("pk", *columns[1:])
    sql, params = earlier.union(current, all=True).query.sql_with_params()
    of_provider = "AND provider_id = %s" if provider is not None else ""
    mine = (provider.pk,) if provider is not None else ()
    with connection.cursor() as cursor:
        cursor.execute(
            _PLAIN_CLOSURES.format(episodes=sql, of_provider=of_provider),
            (*params, period.start, period.end, *mine, period.start, period.end, *mine),
        )
        rows = cursor.fetchall()
    by_reason: dict[str, int] = {}
    reopened = 0
    for reason, n in rows:
        if reason is None:
            reopened = n
        else:
            by_reason[reason] = by_reason.get(reason, 0) + n
    return sum(by_reason.values()), {k: v for k, v in by_reason.items() if k}, reopened


def random_casework(rng, providers):
    days = [D(2026, m, d) for m in (1, 3, 4, 5, 6) for d in (1, 15)]
    for provider in providers:
        staff = StaffFactory(provider=provider, role="social_worker")
        for _ in range(25):
            start = rng.choice([None, *days])
            person = ClientFactory(provider=provider, service_start=start)
            if start is not None and rng.random() < 0.4:
                end = rng.choice([d for d in days if d >= start])
                Client.objects.filter(pk=person.pk).update(service_end=end, closure_reason=rng.choice(["other", ""]))
            for _ in range(rng.choice([0, 0, 1, 2, 3])):
                begun = rng.choice(days[:6])
                CaseEpisode.objects.create(
                    client=person,
                    provider=rng.choice(providers),
                    service_start=begun,
                    service_end=rng.choice([d for d in days if d >= begun]),
                    closure_reason=rng.choice(["other", "left_latvia", "deceased"]),
                )
            contact(staff, rng.choice(days), person)
            refs: set[tuple[int, str]] = set()
            for n in range(rng.choice([0, 1, 2, 3, 4])):
                # Another provider's staff may assess; few days and references, so that they tie (a reference is
                # unique within its provider only).
                by = staff if rng.random() < 0.7 else StaffFactory(provider=rng.choice(providers))
                ref = f"R{rng.randrange(3)}-{person.pk}"
                if (by.provider_id, ref) in refs:
                    ref = f"S{n}-{person.pk}"
                refs.add((by.provider_id, ref))
                made = Assessment.objects.create(
                    assessment_ref=ref,
                    date=rng.choice(days[:4]),
                    staff=by,
                    client=person,
                    kind="review",
                )
                AssessmentScore.objects.bulk_create(
                    AssessmentScore(assessment=made, area=area, score=rng.choice([None, 1, 2, 3, 4, 5]))
                    for area in AREAS
                    if rng.random() < 0.6
                )
                # Some rows rescored, some removed after they were written: the copies follow every write.
                if rng.random() < 0.3:
                    AssessmentScore.objects.filter(assessment=made, area=rng.choice(AREAS)).update(
                        score=rng.choice([None, 1, 5])
                    )
                if rng.random() < 0.2:
                    AssessmentScore.objects.filter(assessment=made, area=rng.choice(AREAS)).delete()


@pytest.mark.parametrize("seed", [21, 2016])
def test_the_fast_statements_give_what_the_plain_ones_gave(lsk, seed):
    caritas = ProviderFactory(code="CARITAS")
    random_casework(random.Random(seed), [lsk, caritas])
    assert assessments_disagreeing_with_their_scores() == []
    periods = [(D(2026, 1, 1), D(2026, 6, 30)), (D(2026, 3, 1), D(2026, 3, 31)), (D(2026, 1, 10), D(2026, 4, 20))]
    compared = 0
    for start, end in periods:
        for provider in (None, lsk, caritas):
            results = figures_for(start=start, end=end, provider=provider).results
            period = Period(start, end)

            plain = {row[0]: row[1:] for row in plain_self_sufficiency(period, provider)}
            assert {row[0]: row[1:] for row in joined_self_sufficiency(period, provider)} == plain
            twice, improved_any = plain.pop(None, (0, 0))[:2]
            fast = results.self_sufficiency
            assert (fast.persons_assessed_twice, fast.improved_in_any_area) == (twice, improved_any)
            for area in AREAS:
                persons, improved, same, worse, change = plain.get(area, (0, 0, 0, 0, None))
                got = fast.by_area[area]
                assert (got.persons, got.improved, got.same, got.worse) == (persons, improved, same, worse), area
                assert got.mean_change == (round_half_away(int(change), persons) if persons else None), area
                compared += persons

            total, by_reason, reopened = plain_closures(period, provider)
            closures = results.closures
            assert (closures.total, closures.reopened) == (total, reopened)
            assert {k: v for k, v in closures.by_reason.items() if v} == by_reason
            compared += total + reopened
    assert compared > 50  # the random casework gave something to compare

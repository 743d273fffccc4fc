"""Figures step: reporting's figures of each period, cold against the SQL lower bound, then through the cache.

Two bounds are timed (bench/lower_bound.py): version 1's statement, and report-figures/2's (version 1's with
`results` in the same statement). The application's figures are timed against the bound of the schema they
come in, and compared with it key by key (`equal`; `results_equal` for `results` alone)."""

from __future__ import annotations

import argparse
import datetime
import time

from django.conf import settings
from django.db import connection
from django.db.utils import OperationalError

from bench import lower_bound
from bench.common import PERIODS, Run, cancelled, canonical, log, median
from reporting.figures import figures_for
from reporting.figures_cache import cached_figures_for
from reporting.models import CachedFigures


def run(bench: Run) -> None:
    args = bench.args
    timeout_ms = int(args.figures_timeout * 1000)
    out = {}
    for name, (start_s, end_s) in PERIODS.items():
        start, end = datetime.date.fromisoformat(start_s), datetime.date.fromisoformat(end_s)
        row: dict = {"start": start_s, "end": end_s, "provider": None}
        # The lower bound: the same figures by one SQL statement.
        sql_times, sql_json = [], None
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {timeout_ms}")
            # As the project's settings give them to every connection (libpq options), not set here.
            for setting in ("jit", "work_mem"):
                cursor.execute(f"SHOW {setting}")
                row[setting] = cursor.fetchone()[0]
            for _ in range(args.repeat):
                began = time.perf_counter()
                raw = lower_bound.run(cursor, start, end, None)
                sql_times.append(time.perf_counter() - began)
                sql_json = lower_bound.shape(raw, start, end)
                if sum(sql_times) > args.figures_budget:
                    break
            # The whole of report-figures/2 (`results` too) by one statement.
            v2_times, results_json = [], None
            for _ in range(args.repeat):
                began = time.perf_counter()
                raw = lower_bound.run_v2(cursor, start, end, None, settings.TIME_ZONE)
                v2_times.append(time.perf_counter() - began)
                results_json = lower_bound.results_shape(raw["results"])
                if sum(v2_times) > args.figures_budget:
                    break
        # The application, cold: reporting.figures.figures_for, repeated while within the budget.
        app_times, app_json = [], None
        spent = 0.0
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {timeout_ms}")
            for _ in range(args.repeat):
                began = time.perf_counter()
                app_json = figures_for(start=start, end=end, provider=None).as_json()
                app_times.append(time.perf_counter() - began)
                spent += app_times[-1]
                if spent > args.figures_budget:
                    break
        except OperationalError as exc:
            if not cancelled(exc):
                raise
            row["app_timeout"] = args.figures_timeout
            connection.close()
        row["sql_runs_s"] = [round(t, 3) for t in sql_times]
        row["sql_v2_runs_s"] = [round(t, 3) for t in v2_times]
        row["sql_v2_median_s"] = round(median(v2_times), 3)
        row["sql_v1_median_s"] = round(median(sql_times), 3)
        v2 = app_json is not None and "results" in app_json
        row["schema"] = app_json.get("schema") if app_json is not None else None
        bound = median(v2_times) if v2 else median(sql_times)
        row["sql_median_s"] = round(bound, 3)  # the bound of the schema the application gives
        if app_times:
            row["app_runs_s"] = [round(t, 3) for t in app_times]
            row["app_median_s"] = round(median(app_times), 3)
            row["ratio"] = round(median(app_times) / bound, 2)
        if app_json is not None:
            diffs = lower_bound.differences(app_json, sql_json)
            if v2:
                results_diffs = lower_bound.results_differences(app_json, results_json)
                row["results_equal"] = not results_diffs
                diffs += results_diffs
            row["equal"] = not diffs
            if diffs:
                row["differences"] = [d[:400] for d in diffs[:5]]
            _cached(args, row, start, end, app_json, timeout_ms)
        else:
            row["cache_skipped"] = "the cold run timed out"
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
        row["unique_persons"] = sql_json["unique_persons"]
        row["contacts"] = sql_json["contacts"]["total"]
        row["referrals"] = results_json["referrals"]["total"]
        row["goals_set"] = results_json["goals"]["set"]["total"]
        row["persons_assessed_twice"] = results_json["self_sufficiency"]["persons_assessed_twice"]
        out[name] = row
        log(
            f"figures {name} ({row['schema']}): app {row.get('app_median_s')} s, sql {row['sql_median_s']} s "
            f"(v1 {row['sql_v1_median_s']} s, v2 {row['sql_v2_median_s']} s), ratio {row.get('ratio')}, "
            f"equal {row.get('equal')}; "
            f"cache fill {row.get('cache_fill_s')} s, "
            f"cached {row.get('cached_median_s')} s, cached equal {row.get('cached_equal')}"
        )
        bench.result["figures"] = out
        bench.save()


def _cached(
    args: argparse.Namespace, row: dict, start: datetime.date, end: datetime.date, cold: dict, timeout_ms: int
) -> None:
    """The figures cache for one period: the fill on an empty cache, then --repeat warm calls."""
    # An empty cache, so that the first call computes and stores the period's figures.
    CachedFigures.objects.all().delete()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {timeout_ms}")
        began = time.perf_counter()
        cached_figures_for(start=start, end=end, provider=None).as_json()
        row["cache_fill_s"] = round(time.perf_counter() - began, 3)
        stored = list(CachedFigures.objects.values_list("pk", "computed_at"))
        times, cached = [], None
        for _ in range(args.repeat):
            began = time.perf_counter()
            cached = cached_figures_for(start=start, end=end, provider=None).as_json()
            times.append(time.perf_counter() - began)
            if sum(times) > args.figures_budget:
                break
    except OperationalError as exc:
        if not cancelled(exc):
            raise
        row["cache_timeout"] = args.figures_timeout
        connection.close()
        return
    row["cached_runs_s"] = [round(t, 4) for t in times]
    row["cached_median_s"] = round(median(times), 4)
    # Served from the table: the one entry the fill stored was not computed again by the warm calls.
    row["cached_from_table"] = len(stored) == 1 and stored == list(
        CachedFigures.objects.values_list("pk", "computed_at")
    )
    warm, cold = canonical(cached), canonical(cold)
    row["cached_equal"] = warm == cold
    if warm != cold:
        row["cached_differences"] = [
            f"{key}: cached {warm.get(key)!r} != cold {cold.get(key)!r}"[:400]
            for key in sorted(set(warm) | set(cold))
            if warm.get(key) != cold.get(key)
        ][:5]

"""Prints a results file of bench/run.py as the Markdown tables of docs/performance.md.

.venv/bin/python bench/report_md.py bench/results/<timestamp>.json [bench/results/<other>.json ...]

Of any further results files only the load test is printed, as rows of the same table: a second
load test with another think time (bench/run.py --think) beside the first run's. A run's further load
tests (bench/run.py --load-also: case workers' pace, 200 users) are rows of it too, with the capacity
of the server in users that they give.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Run as bench/report_md.py: the project's root first, so that `bench.x` imports as it does for bench/run.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.summary import capacity  # noqa: E402

MET = {True: "met", False: "**not met**", None: "–"}


def _ms(row: dict | None, key: str) -> str:
    if not row or row.get(key) is None:
        return "–"
    return f"{row[key]:.0f}" if row[key] >= 10 else f"{row[key]:.1f}"


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "**NO**"}.get(value, "–")


def _count(value: int | None) -> str:
    return f"{value:,}" if isinstance(value, int) else "–"


def figures_table(part: dict) -> list[str]:
    """Cold figures_for against the SQL lower bound, then the figures cache: its fill and warm calls."""
    lines = [
        "| report (figures) | persons | contacts | cold median s | SQL lower bound s | ratio | same figures "
        "| cache fill s | cached median s | cached same figures | JIT | work_mem |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in (part.get("figures") or {}).items():
        app = row.get("app_median_s")
        app_text = f"{app}" if app is not None else f"> {row.get('app_timeout')} (timed out)"
        fill = row.get("cache_fill_s")
        if fill is not None:
            fill_text = f"{fill}"
        elif row.get("cache_timeout"):
            fill_text = f"> {row['cache_timeout']} (timed out)"
        else:
            fill_text = row.get("cache_skipped") or "–"
        cached = row.get("cached_median_s")
        lines.append(
            f"| {name.replace('_', ' ')} ({row['start']}..{row['end']}; {row.get('schema') or 'report-figures/1'}) | "
            f"{_count(row.get('unique_persons'))} | "
            f"{_count(row.get('contacts'))} | {app_text} | {row.get('sql_median_s')} | {row.get('ratio', '–')} | "
            f"{_yes(row.get('equal'))} | {fill_text} | {cached if cached is not None else '–'} | "
            f"{_yes(row.get('cached_equal'))} | {row.get('jit', '–')} | {row.get('work_mem', '–')} |"
        )
    return lines


def pages_table(report: dict) -> list[str]:
    small, large = report.get("small", {}).get("pages") or {}, report.get("large", {}).get("pages") or {}
    lines = [
        "| page | role | small median / p95 ms | large median / p95 ms | p95 large/small | queries small / large |",
        "|---|---|---|---|---|---|",
    ]
    for name in {**small, **large}:
        s, g = small.get(name, {}), large.get(name, {})
        ratio = round(g["p95_ms"] / s["p95_ms"], 2) if g.get("p95_ms") and s.get("p95_ms") else "–"
        note = ""
        bad = {k: v for k, v in (g.get("statuses") or {}).items() if str(k) not in ("200", "302")}
        if bad:
            note = f" ({bad})"
        lines.append(
            f"| {name} | {g.get('role') or s.get('role')} | {_ms(s, 'median_ms')} / {_ms(s, 'p95_ms')} | "
            f"{_ms(g, 'median_ms')} / {_ms(g, 'p95_ms')}{note} | {ratio} | "
            f"{s.get('queries', '–')} / {g.get('queries', '–')} |"
        )
    return lines


def _think(row: dict) -> str:
    think = row.get("think_seconds") or row.get("think")
    return f"think {think[0]:g}–{think[1]:g} s" if think else "think –"


def load_table(runs: list[tuple[str, dict]]) -> list[str]:
    """One block of rows a load test: (where it comes from, the large set's results)."""
    lines = ["| load test | requests | req/s | median ms | p95 ms | errors |", "|---|---|---|---|---|---|"]
    for source, part in runs:
        for row in [part.get("load"), *(part.get("load_also") or [])]:
            if row:
                lines += _load_rows(source, row)
    return lines


def _load_rows(source: str, row: dict) -> list[str]:
    lines = [
        f"| load{source} ({row.get('users')} users, {_think(row)}, {row.get('seconds')} s, "
        f"{row.get('workers')} {row.get('worker_class', 'sync')} workers × {row.get('threads', 1)} threads; "
        f"server CPU {row.get('server_cpu_ms_per_request', '–')} ms a request) | "
        f"{row.get('requests')} | {row.get('requests_per_second')} | {row.get('median_ms')} | "
        f"{row.get('p95_ms')} | "
        f"{row.get('errors')} {', '.join(row.get('error_kinds') or [])} |"
    ]
    for name, r in (row.get("by_request") or {}).items():
        lines.append(f"| &nbsp;&nbsp;{name} | {r['requests']} | | {r['median_ms']} | {r['p95_ms']} | {r['errors']} |")
    return lines


def main(path: str, *more: str) -> None:
    with open(path) as f:
        report = json.load(f)
    out: list[str] = []
    m = report.get("machine", {})
    out.append(
        f"Results file: `{path}`; started {report.get('started')}, finished {report.get('finished', '(unfinished)')}."
    )
    out.append(
        f"Machine: {m.get('nproc')} cores ({m.get('cpu')}), {m.get('memory')} memory, {m.get('postgres')}, "
        f"Python {m.get('python')}; load average at start {m.get('load_average_at_start')}; "
        f"speed (best of five, ms; lower is faster) at start {m.get('speed') or 'not measured'}, "
        f"at end {m.get('speed_at_end') or 'not measured'}; "
        f"code at {m.get('git_head')}"
        + (" plus uncommitted changes of the application." if m.get("git_modified") else ", nothing uncommitted.")
    )
    out.append("")
    for kind in ("small", "large"):
        imp = report.get(kind, {}).get("import") or {}
        if imp:
            out.append(
                f"- Import, {kind} set ({report[kind].get('persons'):,} persons): {imp['rows']:,} rows in "
                f"{imp['seconds']} s = **{imp['rows_per_second']:,} rows/s** via {imp['how']}; peak RSS "
                f"{imp.get('peak_rss_mb')} MB; VACUUM ANALYZE {imp.get('analyze_seconds')} s."
            )
    out.append("")
    if report.get("large", {}).get("figures"):
        out += figures_table(report["large"]) + [""]
    pdf = report.get("large", {}).get("pdf") or {}
    if pdf:
        out.append("| PDF, six months | median s | runs s | tracemalloc peak MB | RSS peak growth MB | bytes |")
        out.append("|---|---|---|---|---|---|")
        for name in ("job", "with_charts", "without_charts"):
            r = pdf.get(name) or {}
            out.append(
                f"| {name.replace('_', ' ')} | {r.get('median_s')} | {r.get('runs_s')} | "
                f"{r.get('tracemalloc_peak_mb')} | {r.get('rss_peak_growth_mb')} | {r.get('bytes')} |"
            )
        out.append("")
    if report.get("large", {}).get("pages") or report.get("small", {}).get("pages"):
        out += pages_table(report) + [""]
    runs = [("", report.get("large", {}))]
    for other in more:
        with open(other) as f:
            runs.append((f", `{other}`", json.load(f).get("large", {})))
    out += load_table(runs) + [""]
    if cap := capacity(report.get("large", {})):
        out.append(
            f"Capacity of this server: **{cap['requests_per_second']} requests a second** at saturation (the first "
            "load test); at a realistic pace that is about "
            + ", ".join(f"**{users} users** ({pace} between clicks)" for pace, users in cap["users"].items())
            + "."
        )
        out.append("")
    out.append("| target | result | |")
    out.append("|---|---|---|")
    for key, value in (report.get("verdicts") or {}).items():
        met = value[-1] if isinstance(value, list) else None
        out.append(f"| {key} | {value[:-1] if isinstance(value, list) else value} | {MET.get(met, met)} |")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(*sys.argv[1:])

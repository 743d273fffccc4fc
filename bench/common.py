"""What the benchmark's parent and child processes share: paths, periods, small measures, one set's run."""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
RESULTS = BENCH / "results"

# The report periods measured, all providers; the data run from 2016-01-01 to 2025-12-31.
PERIODS = {
    "one_month": ("2025-11-01", "2025-11-30"),
    "six_months": ("2025-01-01", "2025-06-30"),
    "ten_years": ("2016-01-01", "2025-12-31"),
}


@dataclass
class Run:
    """One data set in one database (the child process): its arguments, what setup made, what was measured."""

    args: argparse.Namespace
    kind: str  # "small" or "large"
    data: Path
    part: Path  # the child's results file, read back by the parent
    result: dict = field(default_factory=dict)
    # Filled by the setup step, used by the pages and the load test.
    provider: Any = None
    users: dict[str, list] = field(default_factory=dict)
    manager: Any = None
    coordinator: Any = None

    def save(self) -> None:
        self.part.write_text(json.dumps(self.result, indent=2, default=str))

    def session_sql(self) -> str:
        """Session settings of new connections of the pages and the load test: the statement timeout.

        JIT and work_mem come from the project's settings (libpq `options` of every connection).
        """
        return f"SET statement_timeout = {int(self.args.page_timeout * 1000)}"


def log(message: str) -> None:
    print(f"[{datetime.datetime.now(datetime.UTC):%H:%M:%S}] {message}", flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(0.95 * (len(ordered) - 1))))]


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS since the last reset) of this process in MB, from /proc."""
    rss = hwm = 0.0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    return rss, hwm


def reset_peak_rss() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS (Linux 4.0+)
    except OSError:
        pass


def parse_think(text: str) -> tuple[float, float]:
    """The load test's think time from "min,max" seconds."""
    parts = [float(p) for p in text.split(",")]
    if len(parts) != 2 or not 0 <= parts[0] <= parts[1]:
        raise ValueError(f"expected min,max seconds with 0 <= min <= max, not {text!r}")
    return parts[0], parts[1]


def parse_load_also(text: str) -> list[tuple[int, tuple[float, float]]]:
    """The further load tests from "users:min,max;users:min,max" (users and think seconds each)."""
    runs = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        users, sep, think = part.partition(":")
        if not sep or not users.isdigit() or int(users) < 1:
            raise ValueError(f"expected users:min,max, not {part!r}")
        runs.append((int(users), parse_think(think)))
    return runs


def cancelled(exc: Exception) -> bool:
    """Whether a database error is the statement timeout (or another cancel) rather than a fault."""
    return "statement timeout" in str(exc) or "canceling statement" in str(exc)


def canonical(data: dict) -> dict:
    """A report's JSON as JSON text gives it back (tuples as lists, dates as text), for comparing."""
    return json.loads(json.dumps(data, sort_keys=True, default=str))

"""The performance benchmark (issue 8): generate, import, and measure figures, PDF, pages and load on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseapp_bench .venv/bin/python bench/run.py

DATABASE_URL names a dedicated database (its name must contain "bench"): it is DROPPED and
made anew, migrated and loaded through `import_dataset`. The small set goes to the same
server in "<name>_small". Results are printed and written to bench/results/<timestamp>.json.
See docs/performance.md for what each figure means and the targets.

This file parses the arguments. Without --child it runs the parent (bench/orchestrate.py), which
needs no Django: it generates the data sets, then runs this file once a set with --child (Django
is bound to one database per process) and compares the two (bench/summary.py). With --child it
runs the steps of bench/steps/ in order, one module each, on that set's database.

The load test's virtual users wait --think min,max seconds between requests (0.5,2 by default).
A second load test at case workers' own pace, on the large set as the last run left it:

    .venv/bin/python bench/run.py --only large --steps setup,load --think 5,15

`bench/report_md.py FIRST.json SECOND.json` puts its load rows beside the first run's.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from pathlib import Path
from urllib.parse import urlsplit

# Run as bench/run.py: the project's root first, so that imports read `bench.x` as they do for manage.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django
import psycopg
from django.core.management import call_command

from bench import orchestrate
from bench.common import Run, log, parse_load_also, parse_think
from bench.steps import LARGE_ONLY, MODULES, STEPS


def _recreate_database(maintenance: str, db_url: str) -> None:
    name = urlsplit(db_url).path.lstrip("/")
    assert "bench" in name, name
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_child(args: argparse.Namespace) -> int:
    """One data set in one database: the steps in order, each one's results saved as soon as it ends."""
    bench = Run(args=args, kind=args.child, data=Path(args.data), part=Path(args.part))
    steps = set((args.steps or ",".join(STEPS)).split(","))
    if args.skip_import:
        steps.discard("import")
    if "import" in steps:
        log("recreating the database")
        _recreate_database(args.maintenance_url, os.environ["DATABASE_URL"])
    django.setup()
    log("migrating")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    for name in STEPS:
        if getattr(args, f"skip_{name}", False) or name not in steps:
            continue
        if name in LARGE_ONLY and bench.kind == "small":
            continue
        try:
            # Imported here, after django.setup(): the step's modules import the models.
            importlib.import_module(MODULES[name]).run(bench)
        except Exception as exc:  # noqa: BLE001 - record and go on with the next measurement
            traceback.print_exc()
            # Keyed "do_<step>" as the results files before the split were.
            bench.result.setdefault("failures", {})[f"do_{name}"] = f"{type(exc).__name__}: {exc}"
        bench.save()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The performance benchmark; see docs/performance.md.")
    parser.add_argument("--persons", type=int, default=250_000, help="persons of the large set (default 250,000)")
    parser.add_argument("--small-persons", type=int, default=5_000, help="persons of the small set (default 5,000)")
    parser.add_argument("--only", choices=("small", "large"), help="run one set only")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--regenerate", action="store_true", help="generate the data even if it is there")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each report figure (median)")
    parser.add_argument(
        "--figures-budget",
        type=float,
        default=120.0,
        help="stop repeating a report's figures once its runs took this many seconds",
    )
    parser.add_argument("--figures-timeout", type=float, default=600.0, help="statement timeout of one run, s")
    parser.add_argument("--page-requests", type=int, default=50, help="timed requests of each page")
    parser.add_argument(
        "--page-budget",
        type=float,
        default=60.0,
        help="stop timing a page once its requests took this many seconds (at least 3)",
    )
    parser.add_argument(
        "--page-timeout", type=float, default=60.0, help="statement timeout of the pages and the load test, s"
    )
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=180.0)
    parser.add_argument(
        "--think",
        default="0.5,2",
        help="min,max seconds a virtual user of the load test waits between requests (default 0.5,2; "
        "case workers' own pace is more like 5,15)",
    )
    parser.add_argument(
        "--load-also",
        default="50:5,15;200:5,15",
        help="more load tests after the first, as users:min,max think seconds separated by ; (default "
        "50:5,15;200:5,15: case workers' own pace, and four times as many of them); empty for none",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers of the load test (threads: bench/gunicorn_conf.py)"
    )
    parser.add_argument("--port", type=int, default=8765)
    for step in ("import", "figures", "pdf", "load"):
        parser.add_argument(f"--skip-{step}", action="store_true")
    parser.add_argument(
        "--reuse-large",
        action="store_true",
        help="keep the large database as an earlier run loaded it (no drop, no import); "
        "its import figures are taken from that run",
    )
    parser.add_argument(
        "--loader",
        choices=("import", "copy"),
        default="import",
        help="how the large set is loaded: import_dataset (default) or bench/fastload.py (COPY); "
        "the small set always goes through import_dataset",
    )
    parser.add_argument(
        "--steps",
        help=f"comma-separated subset of {','.join(STEPS)} "
        "(without import the database is kept as the last run left it)",
    )
    # Internal: the child process of one set.
    parser.add_argument("--child", choices=("small", "large"), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--part", help=argparse.SUPPRESS)
    parser.add_argument("--maintenance-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        parse_think(args.think)
    except ValueError as exc:
        parser.error(f"--think: {exc}")
    try:
        parse_load_also(args.load_also)
    except ValueError as exc:
        parser.error(f"--load-also: {exc}")
    if args.child:
        return run_child(args)
    return orchestrate.run(args)


if __name__ == "__main__":
    sys.exit(main())

"""The benchmark's parent process: generates the data sets, runs one child process a set, writes the results.

It needs no Django: each child (bench/run.py --child small|large) binds Django to its own database.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench import generate
from bench.common import BENCH, RESULTS, ROOT, WORK
from bench.summary import TARGETS, compare, print_summary, verdicts


def _db_urls(url: str) -> tuple[str, str, str]:
    """(large, small, maintenance) URLs from DATABASE_URL."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql", "pgsql") or "bench" not in name:
        sys.exit(
            "DATABASE_URL must be a PostgreSQL URL of a dedicated database whose name contains 'bench' "
            "(it is dropped and made anew), e.g. postgres://postgres@127.0.0.1:5432/caseapp_bench"
        )
    small = urlunsplit(parts._replace(path=f"/{name}_small"))
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return url, small, maintenance


def _libpq_url(url: str) -> str:
    """A URL libpq takes (postgres://, not Django's pgsql:// or postgresql+... spellings)."""
    return urlunsplit(urlsplit(url)._replace(scheme="postgresql"))


def _ensure_data(persons: int, seed: int, regenerate: bool) -> Path:
    folder = BENCH / "data" / f"p{persons}-s{seed}"
    manifest = folder / "manifest.json"
    # A set generated before the casework of version 2 (no plans.csv) is generated again.
    if manifest.exists() and not regenerate and "plans" in json.loads(manifest.read_text())["counts"]:
        print(f"data: {folder} (already generated)", flush=True)
        return folder
    print(f"data: generating {persons:,} persons into {folder} ...", flush=True)
    began = time.perf_counter()
    counts = generate.Generator(
        folder, persons=persons, contacts_per_person=generate.DEFAULT_CONTACTS_PER_PERSON, seed=seed
    ).run()
    seconds = time.perf_counter() - began
    manifest.write_text(
        json.dumps({"persons": persons, "seed": seed, "counts": counts, "seconds": round(seconds, 1)}, indent=2)
    )
    print(f"data: {counts} in {seconds:.0f} s", flush=True)
    return folder


def _child_env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": db_url,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            # Production settings (DEBUG off: no query log, manifest static files), served over plain http.
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            # Production's shared cache (sessions, counters): the local Redis unless CACHE_URL names another.
            "CACHE_URL": os.environ.get("CACHE_URL") or "redis://127.0.0.1:6379/1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "STATIC_ROOT": str(WORK / "static"),
            "MEDIA_ROOT": str(WORK / "media"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "CELERY_BROKER_URL": "",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
        }
    )
    if not env.get("DJANGO_SECRET_KEY") and not (ROOT / ".env").exists():
        env["DJANGO_SECRET_KEY"] = "bench-" + secrets.token_urlsafe(48)
    if not env.get("FUND_MATCH_KEY"):  # the loader and the served application hash with the same key
        env["FUND_MATCH_KEY"] = "bench-" + secrets.token_urlsafe(48)
    return env


def _previous_import(kind: str, data: Path) -> dict | None:
    """The import of the same data measured by the latest earlier run of this set (for --reuse-large)."""
    rows = sum(json.loads((data / "manifest.json").read_text())["counts"].values())
    for part in sorted(WORK.glob(f"*-{kind}.json"), reverse=True):
        try:
            found = json.loads(part.read_text()).get("import")
        except (OSError, ValueError):
            continue
        if found and found.get("rows") == rows:
            return {**found, "measured_by": part.name}
    return None


def _run_child(kind: str, db_url: str, maintenance: str, data: Path, args: argparse.Namespace, part: Path) -> dict:
    reuse = kind == "large" and args.reuse_large
    command = [
        sys.executable,
        str(BENCH / "run.py"),
        "--child",
        kind,
        "--data",
        str(data),
        "--part",
        str(part),
        "--maintenance-url",
        maintenance,
        "--page-requests",
        str(args.page_requests),
        "--repeat",
        str(args.repeat),
        "--figures-budget",
        str(args.figures_budget),
        "--figures-timeout",
        str(args.figures_timeout),
        "--load-users",
        str(args.load_users),
        "--page-budget",
        str(args.page_budget),
        "--page-timeout",
        str(args.page_timeout),
        "--load-seconds",
        str(args.load_seconds),
        "--workers",
        str(args.workers),
        "--port",
        str(args.port),
        "--seed",
        str(args.seed),
        "--think",
        args.think,
        "--load-also",
        args.load_also,
    ]
    for flag in ("skip_figures", "skip_pdf", "skip_load", "skip_import"):
        if getattr(args, flag) or (flag == "skip_import" and reuse):
            command.append("--" + flag.replace("_", "-"))
    if args.steps:
        command += ["--steps", args.steps]
    command += ["--loader", args.loader if kind == "large" else "import"]
    print(f"\n=== {kind} set: {data.name} -> {urlsplit(db_url).path.lstrip('/')}", flush=True)
    # Our own interpreter running bench/run.py: no untrusted input.
    result = subprocess.run(command, cwd=ROOT, env=_child_env(db_url), check=False)  # noqa: S603
    if part.exists():
        found = json.loads(part.read_text())
        if reuse and "import" not in found:
            found["import"] = _previous_import(kind, data)
        return found
    return {"error": f"child exited with {result.returncode} and wrote no results"}


def _speed(maintenance_url: str) -> dict:
    """How fast this machine's one core is, to compare runs on machines of the same kind that are not the same
    (two machines of this kind, a Xeon and an EPYC, gave pages and load 1.5-1.8x apart with the same code, and the
    EPYC's own speed changed by up to 2x within minutes): measured at the start and at the end of a run,
    the best of five of a fixed piece of Python and of a fixed PostgreSQL query, in ms."""

    def best(run) -> float:
        times = []
        for _ in range(5):
            began = time.perf_counter()
            run()
            times.append((time.perf_counter() - began) * 1000)
        return round(min(times), 1)

    def python() -> None:
        table: dict[str, int] = {}
        for i in range(300_000):
            key = f"k{i % 5000}"
            table[key] = table.get(key, 0) + len(key) * i % 7

    try:
        with psycopg.connect(maintenance_url, autocommit=True) as conn:
            postgres = best(lambda: conn.execute("SELECT sum(i % 7) FROM generate_series(1, 1000000) AS i").fetchone())
    except psycopg.Error:
        postgres = None
    return {"python_ms": best(python), "postgres_ms": postgres}


def _machine() -> dict:
    def run(*command: str) -> str:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    def first(path: str, prefix: str) -> str:
        try:
            with open(path) as f:
                return next((line.split(":", 1)[1].strip() for line in f if line.startswith(prefix)), "")
        except OSError:
            return ""

    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return {
        "nproc": os.cpu_count(),
        "memory": first("/proc/meminfo", "MemTotal"),
        "cpu": first("/proc/cpuinfo", "model name"),
        "postgres": run("psql", "--version"),
        "python": sys.version.split()[0],
        "load_average_at_start": load,
        # Others change the application while it is measured: the commit and the files changed since.
        "git_head": run("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"),
        "git_modified": run(
            "git", "-C", str(ROOT), "status", "--short", "--", "reporting", "plans", "clients", "accounts", "caseapp"
        )[:3000],
    }


def run(args: argparse.Namespace) -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit(
            "Set DATABASE_URL to a dedicated PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/caseapp_bench"
        )
    large_url, small_url, maintenance = _db_urls(url)
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    report: dict = {"started": stamp, "machine": _machine(), "targets": TARGETS, "arguments": vars(args)}
    report["machine"]["speed"] = _speed(_libpq_url(maintenance))
    sizes = [("small", args.small_persons, small_url), ("large", args.persons, large_url)]
    if args.only:
        sizes = [s for s in sizes if s[0] == args.only]
    for kind, persons, db_url in sizes:
        data = _ensure_data(persons, args.seed, args.regenerate)
        report[kind] = {
            "persons": persons,
            "data": str(data.relative_to(ROOT)),
            **_run_child(kind, db_url, maintenance, data, args, WORK / f"{stamp}-{kind}.json"),
        }
        # Written after each set, so that a stopped run keeps what it measured.
        report.setdefault("small", {})
        report.setdefault("large", {})
        report["comparison"] = compare(report["small"], report["large"])
        report["verdicts"] = verdicts(report["large"])
        (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2, default=str))
    # Again at the end: a machine of this kind was seen to change speed by up to 2x within minutes, idle.
    report["machine"]["speed_at_end"] = _speed(_libpq_url(maintenance))
    report["finished"] = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2, default=str))
    print_summary(report)
    print(f"\nwritten: {(RESULTS / f'{stamp}.json').relative_to(ROOT)}")
    return 0

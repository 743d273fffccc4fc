"""The performance benchmark (issue 8): generate, import, and measure figures, PDF, pages and load on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseapp_bench .venv/bin/python bench/run.py

DATABASE_URL names a dedicated database (its name must contain "bench"): it is DROPPED and
made anew, migrated and loaded through `import_dataset`. The small set goes to the same
server in "<name>_small". Results are printed and written to bench/results/<timestamp>.json.
See docs/performance.md for what each figure means and the targets.

The orchestrator (this file without --child) needs no Django: it generates the data sets,
then runs one child process a set (Django is bound to one database per process) and
compares the two.

The load test's virtual users wait --think min,max seconds between requests (0.5,2 by default).
A second load test at case workers' own pace, on the large set as the last run left it:

    .venv/bin/python bench/run.py --only large --steps setup,load --think 5,15

`bench/report_md.py FIRST.json SECOND.json` puts its load rows beside the first run's.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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
TARGETS = {
    "figures_ratio_max": 1.5,
    "figures_ten_years_s_max": 2.0,
    # Through reporting.figures_cache: every period, once the cache holds it.
    "figures_cached_s_max": 2.0,
    "pdf_s_max": 5.0,
    "page_p95_ms_one_user_max": 150.0,
    "page_p95_ms_50_users_max": 500.0,
    "import_rows_per_s_min": 5000.0,
}


# Orchestrator ---------------------------------------------------------------------------------------


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


def _ensure_data(persons: int, seed: int, regenerate: bool) -> Path:
    sys.path.insert(0, str(BENCH))
    import generate

    folder = BENCH / "data" / f"p{persons}-s{seed}"
    manifest = folder / "manifest.json"
    if manifest.exists() and not regenerate:
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
        str(Path(__file__).resolve()),
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
    ]
    for flag in ("skip_figures", "skip_pdf", "skip_load", "skip_import"):
        if getattr(args, flag) or (flag == "skip_import" and reuse):
            command.append("--" + flag.replace("_", "-"))
    if args.steps:
        command += ["--steps", args.steps]
    command += ["--loader", args.loader if kind == "large" else "import"]
    print(f"\n=== {kind} set: {data.name} -> {urlsplit(db_url).path.lstrip('/')}", flush=True)
    # Our own interpreter running this very file: no untrusted input.
    result = subprocess.run(command, cwd=ROOT, env=_child_env(db_url), check=False)  # noqa: S603
    if part.exists():
        found = json.loads(part.read_text())
        if reuse and "import" not in found:
            found["import"] = _previous_import(kind, data)
        return found
    return {"error": f"child exited with {result.returncode} and wrote no results"}


def _compare(small: dict, large: dict) -> dict:
    """Large-to-small ratios of the pages' median and p95."""
    out = {}
    for name, row in (large.get("pages") or {}).items():
        base = (small.get("pages") or {}).get(name)
        if not base or not row.get("median_ms") or not base.get("median_ms"):
            continue
        out[name] = {
            "median_ratio": round(row["median_ms"] / base["median_ms"], 2),
            "p95_ratio": round(row["p95_ms"] / base["p95_ms"], 2),
            "queries_small": base.get("queries"),
            "queries_large": row.get("queries"),
        }
    return out


def _verdicts(large: dict) -> dict:
    v: dict[str, object] = {}
    imp = large.get("import") or {}
    if imp.get("rows_per_second"):
        v["import_rows_per_s"] = [imp["rows_per_second"], imp["rows_per_second"] >= TARGETS["import_rows_per_s_min"]]
    for name, row in (large.get("figures") or {}).items():
        # Cold: reporting.figures.figures_for against the SQL lower bound.
        if row.get("ratio") is not None:
            ok = row["ratio"] <= TARGETS["figures_ratio_max"]
            if name == "ten_years":
                ok = ok and row["app_median_s"] <= TARGETS["figures_ten_years_s_max"]
            v[f"figures_{name}"] = [row.get("app_median_s"), row["ratio"], ok]
        elif row.get("app_timeout"):
            v[f"figures_{name}"] = [f"> {row['app_timeout']} s (timed out)", None, False]
        # Warm: reporting.figures_cache.cached_figures_for once the cache holds the period.
        if row.get("cached_median_s") is not None:
            ok = row["cached_median_s"] <= TARGETS["figures_cached_s_max"] and row.get("cached_equal") is True
            v[f"figures_{name}_cached"] = [row["cached_median_s"], row.get("cached_equal"), ok]
        elif row.get("cache_timeout"):
            v[f"figures_{name}_cached"] = [f"> {row['cache_timeout']} s (fill timed out)", None, False]
    for name, row in (large.get("pdf") or {}).items():
        if isinstance(row, dict) and row.get("median_s") is not None:
            v[f"pdf_{name}"] = [row["median_s"], row["median_s"] <= TARGETS["pdf_s_max"]]
    for name, row in (large.get("pages") or {}).items():
        if row.get("p95_ms") is not None:
            v[f"page_{name}_p95_ms"] = [row["p95_ms"], row["p95_ms"] <= TARGETS["page_p95_ms_one_user_max"]]
    load = large.get("load") or {}
    if load.get("p95_ms") is not None:
        v["load_p95_ms"] = [
            load["p95_ms"],
            load["p95_ms"] <= TARGETS["page_p95_ms_50_users_max"] and not load["errors"],
        ]
    return v


def _print_summary(report: dict) -> None:
    large, small = report["large"], report["small"]
    print("\n================ RESULTS ================")
    print(f"machine: {report['machine']}")
    for label, part in (("small", small), ("large", large)):
        imp = part.get("import") or {}
        if imp:
            print(
                f"import [{label}]: {imp.get('rows'):,} rows in {imp.get('seconds')} s = "
                f"{imp.get('rows_per_second')} rows/s (peak RSS {imp.get('peak_rss_mb')} MB); "
                f"ANALYZE {imp.get('analyze_seconds')} s"
            )
    for label, part in (("small", small), ("large", large)):
        for name, row in (part.get("figures") or {}).items():
            print(
                f"[{label}] figures {name}: app {row.get('app_median_s')} s, SQL lower bound "
                f"{row.get('sql_median_s')} s, ratio {row.get('ratio')}, equal {row.get('equal')}"
                + (f", app timed out > {row['app_timeout']} s" if row.get("app_timeout") else "")
                + f"; cache fill {row.get('cache_fill_s')} s, cached median {row.get('cached_median_s')} s, "
                f"cached equal {row.get('cached_equal')}"
                + (f", cache fill timed out > {row['cache_timeout']} s" if row.get("cache_timeout") else "")
                + f" (jit {row.get('jit')}, work_mem {row.get('work_mem')})"
            )
    for label, part in (("small", small), ("large", large)):
        for name, row in (part.get("pdf") or {}).items():
            if isinstance(row, dict):
                print(
                    f"pdf [{label}] {name}: median {row.get('median_s')} s, tracemalloc peak "
                    f"{row.get('tracemalloc_peak_mb')} MB, RSS growth {row.get('rss_peak_growth_mb')} MB"
                )
    if large.get("pages") or small.get("pages"):
        comparison = report.get("comparison") or {}
        print(f"{'pages':28} {'small med/p95 ms':>18} {'large med/p95 ms':>18} {'ratio p95':>9} {'queries s/l':>12}")
        for name in {**(small.get("pages") or {}), **(large.get("pages") or {})}:
            base = (small.get("pages") or {}).get(name, {})
            row = (large.get("pages") or {}).get(name, {})
            cmp = comparison.get(name, {})
            print(
                f"  {name:26} {base.get('median_ms', '-'):>8}/{base.get('p95_ms', '-'):<9} "
                f"{row.get('median_ms', '-'):>8}/{row.get('p95_ms', '-'):<9} {cmp.get('p95_ratio', '-'):>9} "
                f"{base.get('queries', '-'):>5}/{row.get('queries', '-'):<6}"
            )
    load = large.get("load") or {}
    if load:
        print(
            f"load: {load.get('users')} users {load.get('seconds')} s, think {load.get('think_seconds')} s: "
            f"{load.get('requests')} requests, {load.get('requests_per_second')} req/s, "
            f"median {load.get('median_ms')} ms, p95 {load.get('p95_ms')} ms, "
            f"errors {load.get('errors')} {load.get('error_kinds') or ''}"
        )
        for name, row in (load.get("by_request") or {}).items():
            print(
                f"  {name:14} n={row['requests']:<6} median {row['median_ms']} ms  p95 {row['p95_ms']} ms  "
                f"errors {row['errors']}"
            )
    print("targets (value, [ratio,] met):")
    for key, value in report["verdicts"].items():
        print(f"  {key}: {value}")


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


def orchestrate(args: argparse.Namespace) -> int:
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
        report["comparison"] = _compare(report["small"], report["large"])
        report["verdicts"] = _verdicts(report["large"])
        (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2, default=str))
    report["finished"] = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2, default=str))
    _print_summary(report)
    print(f"\nwritten: {(RESULTS / f'{stamp}.json').relative_to(ROOT)}")
    return 0


# Child: one data set in one database -------------------------------------------------------------------


def _log(message: str) -> None:
    print(f"[{datetime.datetime.now(datetime.UTC):%H:%M:%S}] {message}", flush=True)


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(0.95 * (len(ordered) - 1))))]


def _rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS since the last reset) of this process in MB, from /proc."""
    rss = hwm = 0.0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    return rss, hwm


def _think(text: str) -> tuple[float, float]:
    """The load test's think time from "min,max" seconds."""
    parts = [float(p) for p in text.split(",")]
    if len(parts) != 2 or not 0 <= parts[0] <= parts[1]:
        raise ValueError(f"expected min,max seconds with 0 <= min <= max, not {text!r}")
    return parts[0], parts[1]


def _cancelled(exc: Exception) -> bool:
    """Whether a database error is the statement timeout (or another cancel) rather than a fault."""
    return "statement timeout" in str(exc) or "canceling statement" in str(exc)


def _canonical(data: dict) -> dict:
    """A report's JSON as JSON text gives it back (tuples as lists, dates as text), for comparing."""
    return json.loads(json.dumps(data, sort_keys=True, default=str))


def _reset_peak_rss() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS (Linux 4.0+)
    except OSError:
        pass


def _recreate_database(maintenance: str, db_url: str) -> None:
    import psycopg

    name = urlsplit(db_url).path.lstrip("/")
    assert "bench" in name, name
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Child:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.kind = args.child
        self.data = Path(args.data)
        self.part = Path(args.part)
        self.result: dict = {}

    def save(self) -> None:
        self.part.write_text(json.dumps(self.result, indent=2, default=str))

    def run(self) -> int:
        import django

        self.steps = set((self.args.steps or "import,setup,figures,pdf,pages,load").split(","))
        if self.args.skip_import:
            self.steps.discard("import")
        if "import" in self.steps:
            _log("recreating the database")
            _recreate_database(self.args.maintenance_url, os.environ["DATABASE_URL"])
        django.setup()
        from django.core.management import call_command

        _log("migrating")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        steps = [
            ("import", self.do_import),
            ("setup", self.do_setup),
            ("figures", self.do_figures),
            ("pdf", self.do_pdf),
            ("pages", self.do_pages),
            ("load", self.do_load),
        ]
        for name, step in steps:
            if getattr(self.args, f"skip_{name}", False) or name not in self.steps:
                continue
            if name in ("pdf", "load") and self.kind == "small":
                continue  # only the large set is asked for; the small set gives the pages' baseline
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - record and go on with the next measurement
                import traceback

                traceback.print_exc()
                self.result.setdefault("failures", {})[step.__name__] = f"{type(exc).__name__}: {exc}"
            self.save()
        return 0

    def _session_sql(self) -> str:
        """Session settings of new connections of the pages and the load test: the statement timeout.

        JIT and work_mem come from the project's settings (libpq `options` of every connection).
        """
        return f"SET statement_timeout = {int(self.args.page_timeout * 1000)}"

    # Import -----------------------------------------------------------------------------------------

    def do_import(self) -> None:
        import io

        from django.core.management import call_command, get_commands
        from django.db import connection

        manifest = json.loads((self.data / "manifest.json").read_text())
        rows = sum(manifest["counts"].values())
        _log(f"importing {rows:,} rows from {self.data}")
        _reset_peak_rss()
        rss_before, _ = _rss_mb()
        out = io.StringIO()
        began = time.perf_counter()
        if self.args.loader == "copy":
            from django.db import transaction

            from bench import fastload

            how = "bench/fastload.py (PostgreSQL COPY, not import_dataset)"
            with transaction.atomic():
                connection.ensure_connection()
                fastload.load(self.data, connection.connection)
        elif "import_dataset" in get_commands():
            how = "manage.py import_dataset"
            call_command("import_dataset", str(self.data), stdout=out, stderr=out)
        else:  # the command is not there yet: its service, the same code path under it
            from clients.exchange import dataset_import

            how = "clients.exchange.dataset_import (no import_dataset command found)"
            outcome = dataset_import(path=self.data)
            if not outcome.ok:
                raise RuntimeError(f"import refused: {outcome.errors[:5]}")
        seconds = time.perf_counter() - began
        _, peak = _rss_mb()
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        analyze = time.perf_counter() - began
        from clients.models import Client
        from plans.models import Contact

        self.result["import"] = {
            "how": how,
            "rows": rows,
            "files": manifest["counts"],
            "seconds": round(seconds, 1),
            "rows_per_second": round(rows / seconds),
            "peak_rss_mb": round(peak, 0),
            "rss_growth_mb": round(peak - rss_before, 0),
            "analyze_seconds": round(analyze, 1),
            "clients_in_db": Client.objects.count(),
            "contacts_in_db": Contact.objects.count(),
            "command_output_tail": out.getvalue()[-600:],
        }
        _log(f"import: {self.result['import']['rows_per_second']} rows/s in {seconds:.0f} s")

    # Users, plans and tasks for the pages -------------------------------------------------------------

    def do_setup(self) -> None:
        import random

        from django.db.models import Count, Q
        from django.utils import timezone
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts.models import Role, User
        from clients.models import Client, Provider, Staff
        from plans.models import Goal, Plan, Task

        rng = random.Random(self.args.seed)
        today = timezone.localdate()
        provider = Provider.objects.annotate(n=Count("clients")).order_by("-n", "code").first()
        recent = datetime.date(2025, 1, 1)

        def current_staff(role: str, related: str) -> list[Staff]:
            # The staff of the latest year: those assigned to clients whose service started in 2025.
            return list(
                Staff.objects.filter(provider=provider, role=role)
                .annotate(n=Count(related, filter=Q(**{f"{related}__service_start__gte": recent})))
                .filter(n__gt=0)
                .order_by("-n", "staff_ref")[:25]
            )

        users: dict[str, list] = {"social_worker": [], "mentor": []}
        for role, related in (("social_worker", "social_work_clients"), ("mentor", "mentored_clients")):
            for i, staff in enumerate(current_staff(role, related)):
                user, _ = User.objects.get_or_create(username=f"bench-{role}-{i}", role=role, provider=provider)
                staff.user = user
                staff.save(update_fields=["user"])
                users[role].append(user)
        manager, _ = User.objects.get_or_create(username="bench-manager", role=Role.MANAGER, provider=provider)
        coordinator, _ = User.objects.get_or_create(username="bench-coordinator", role=Role.COORDINATOR, provider=None)
        for user in (manager, coordinator):
            TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})

        # Inclusion plans are not part of the exchange format: give each benchmark user's clients some,
        # with open tasks due around today, so that the home pages have tasks to show.
        plans, goals, tasks = [], [], []
        for role, role_users in users.items():
            for user in role_users:
                field = "social_worker" if role == "social_worker" else "mentor"
                clients = list(Client.objects.filter(**{f"{field}__user": user}).order_by("-service_start")[:8])
                for client in clients if not Plan.objects.exists() else []:
                    plans.append(Plan(client=client, status="active", start_date=client.service_start or today))
        Plan.objects.bulk_create(plans, batch_size=1000)
        for plan in plans:
            for area in ("documents", "housing"):
                goals.append(Goal(plan=plan, area=area, description=f"Bench goal: {area}"))
        Goal.objects.bulk_create(goals, batch_size=1000)
        staff_of = {p.pk: (p.client.mentor or p.client.social_worker) for p in plans}
        for goal in goals:
            responsible = staff_of[goal.plan_id]
            if responsible is None:
                continue
            for k in range(2):
                tasks.append(
                    Task(
                        goal=goal,
                        title=f"Bench task {k + 1}",
                        responsible=responsible,
                        due_date=today + datetime.timedelta(days=rng.randint(-10, 20)),
                        status="open",
                    )
                )
        Task.objects.bulk_create(tasks, batch_size=1000)
        self.users = users
        self.manager, self.coordinator = manager, coordinator
        self.provider = provider
        self.result["setup"] = {
            "provider": provider.code,
            "provider_clients": Client.objects.filter(provider=provider).count(),
            "social_worker_accounts": len(users["social_worker"]),
            "mentor_accounts": len(users["mentor"]),
            "caseload_of_first_social_worker": Client.objects.filter(
                social_worker__user=users["social_worker"][0]
            ).count()
            if users["social_worker"]
            else 0,
            "clients_of_first_mentor": Client.objects.filter(mentor__user=users["mentor"][0]).count()
            if users["mentor"]
            else 0,
            "plans": len(plans),
            "goals": len(goals),
            "tasks": len(tasks),
        }
        _log(f"setup: {self.result['setup']}")

    # Report figures against the SQL lower bound ----------------------------------------------------------

    def do_figures(self) -> None:
        sys.path.insert(0, str(BENCH))
        import lower_bound
        from django.db import connection
        from django.db.utils import OperationalError

        from reporting.figures import figures_for

        timeout_ms = int(self.args.figures_timeout * 1000)
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
                for _ in range(self.args.repeat):
                    began = time.perf_counter()
                    raw = lower_bound.run(cursor, start, end, None)
                    sql_times.append(time.perf_counter() - began)
                    sql_json = lower_bound.shape(raw, start, end)
                    if sum(sql_times) > self.args.figures_budget:
                        break
            # The application, cold: reporting.figures.figures_for, repeated while within the budget.
            app_times, app_json = [], None
            spent = 0.0
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"SET statement_timeout = {timeout_ms}")
                for _ in range(self.args.repeat):
                    began = time.perf_counter()
                    app_json = figures_for(start=start, end=end, provider=None).as_json()
                    app_times.append(time.perf_counter() - began)
                    spent += app_times[-1]
                    if spent > self.args.figures_budget:
                        break
            except OperationalError as exc:
                if not _cancelled(exc):
                    raise
                row["app_timeout"] = self.args.figures_timeout
                connection.close()
            row["sql_runs_s"] = [round(t, 3) for t in sql_times]
            row["sql_median_s"] = round(_median(sql_times), 3)
            if app_times:
                row["app_runs_s"] = [round(t, 3) for t in app_times]
                row["app_median_s"] = round(_median(app_times), 3)
                row["ratio"] = round(_median(app_times) / _median(sql_times), 2)
            if app_json is not None:
                diffs = lower_bound.differences(app_json, sql_json)
                row["equal"] = not diffs
                if diffs:
                    row["differences"] = [d[:400] for d in diffs[:5]]
                self._figures_cached(row, start, end, app_json, timeout_ms)
            else:
                row["cache_skipped"] = "the cold run timed out"
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
            row["unique_persons"] = sql_json["unique_persons"]
            row["contacts"] = sql_json["contacts"]["total"]
            out[name] = row
            _log(
                f"figures {name}: app {row.get('app_median_s')} s, sql {row['sql_median_s']} s, "
                f"ratio {row.get('ratio')}, equal {row.get('equal')}; cache fill {row.get('cache_fill_s')} s, "
                f"cached {row.get('cached_median_s')} s, cached equal {row.get('cached_equal')}"
            )
            self.result["figures"] = out
            self.save()

    def _figures_cached(self, row: dict, start: datetime.date, end: datetime.date, cold: dict, timeout_ms: int) -> None:
        """The figures cache for one period: the fill on an empty cache, then --repeat warm calls."""
        from django.db import connection
        from django.db.utils import OperationalError

        from reporting.figures_cache import cached_figures_for
        from reporting.models import CachedFigures

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
            for _ in range(self.args.repeat):
                began = time.perf_counter()
                cached = cached_figures_for(start=start, end=end, provider=None).as_json()
                times.append(time.perf_counter() - began)
                if sum(times) > self.args.figures_budget:
                    break
        except OperationalError as exc:
            if not _cancelled(exc):
                raise
            row["cache_timeout"] = self.args.figures_timeout
            connection.close()
            return
        row["cached_runs_s"] = [round(t, 4) for t in times]
        row["cached_median_s"] = round(_median(times), 4)
        # Served from the table: the one entry the fill stored was not computed again by the warm calls.
        row["cached_from_table"] = len(stored) == 1 and stored == list(
            CachedFigures.objects.values_list("pk", "computed_at")
        )
        warm, cold = _canonical(cached), _canonical(cold)
        row["cached_equal"] = warm == cold
        if warm != cold:
            row["cached_differences"] = [
                f"{key}: cached {warm.get(key)!r} != cold {cold.get(key)!r}"[:400]
                for key in sorted(set(warm) | set(cold))
                if warm.get(key) != cold.get(key)
            ][:5]

    # PDF ----------------------------------------------------------------------------------------------------

    def do_pdf(self) -> None:
        import functools
        import tracemalloc
        from unittest import mock

        from reporting import render_pdf as pdf_module
        from reporting.figures import figures_for

        start, end = (datetime.date.fromisoformat(d) for d in PERIODS["six_months"])
        figures = figures_for(start=start, end=end, provider=None)  # not timed: only the rendering is
        narrative = {"thematic": "Tematiskā informācija. " * 40, "challenges": "Izaicinājumi un grūtības. " * 40}
        original = pdf_module.build_report
        out: dict = {"period": PERIODS["six_months"]}
        for label, with_charts in (("with_charts", True), ("without_charts", False)):

            def build(fig, *, suppressed=False, with_charts=True, _charts=with_charts):
                return original(fig, suppressed=suppressed, with_charts=_charts)

            with mock.patch.object(pdf_module, "build_report", functools.partial(build)):
                times, size = [], 0
                for _ in range(max(3, self.args.repeat)):
                    began = time.perf_counter()
                    size = len(pdf_module.render_pdf(figures, language="lv", suppressed=False, narrative=narrative))
                    times.append(time.perf_counter() - began)
                _reset_peak_rss()
                rss_before, _ = _rss_mb()
                tracemalloc.start()
                pdf_module.render_pdf(figures, language="lv", suppressed=False, narrative=narrative)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                _, hwm = _rss_mb()
            out[label] = {
                "runs_s": [round(t, 3) for t in times],
                "median_s": round(_median(times), 3),
                "bytes": size,
                "tracemalloc_peak_mb": round(peak / 2**20, 1),
                "rss_peak_growth_mb": round(hwm - rss_before, 1),
            }
            _log(f"pdf {label}: {out[label]}")
        self.result["pdf"] = out

    # Pages, one user, in-process ----------------------------------------------------------------------------

    def _signed_in(self, user):
        from django.test import Client as TestClient
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        import accounts.middleware  # noqa: F401 - connects the sign-in time receiver that a request would load

        client = TestClient()
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    def do_pages(self) -> None:
        import random

        from django.db import connection
        from django.db.utils import OperationalError
        from django.urls import reverse
        from django.utils import timezone

        from clients.models import Client

        rng = random.Random(self.args.seed)
        # A page's query is cut after --page-timeout seconds (new connections read PGOPTIONS).
        # The project's settings pass libpq `options`, which override PGOPTIONS: a receiver sets them.
        from bench.session import install

        install(self._session_sql())
        connection.close()
        sw, mentor = self.users["social_worker"][0], self.users["mentor"][0]
        provider_clients = list(Client.objects.filter(provider=self.provider).values_list("pk", flat=True))
        sample = rng.sample(provider_clients, min(200, len(provider_clients)))
        today = timezone.localdate().isoformat()
        # The client list's search, by a sampled client's surname as a user types it (lower case, loose match).
        surnames = dict(Client.objects.filter(pk__in=sample).values_list("pk", "last_name"))

        def contact_post(client, pk):
            return client.post(
                reverse("plans:contact_create", args=[pk]),
                {
                    "date": today,
                    "members": [pk],
                    "form": "in_person",
                    "duration_minutes": 30,
                    "topics": ["documents"],
                    "place": "",
                    "note": "Benchmark contact.",
                },
            )

        pages = {
            "client_list": (sw, lambda c, pk: c.get(reverse("clients:list")), 200),
            "client_page": (sw, lambda c, pk: c.get(reverse("clients:detail", args=[pk])), 200),
            "contact_post": (sw, contact_post, 302),
            "home_social_worker": (sw, lambda c, pk: c.get(reverse("home")), 200),
            "home_mentor": (mentor, lambda c, pk: c.get(reverse("home")), 200),
            "home_manager": (self.manager, lambda c, pk: c.get(reverse("home")), 200),
            "home_coordinator": (self.coordinator, lambda c, pk: c.get(reverse("home")), 200),
            "client_list_mentor": (mentor, lambda c, pk: c.get(reverse("clients:list")), 200),
            "client_search": (sw, lambda c, pk: c.get(reverse("clients:list"), {"q": surnames[pk].lower()}), 200),
            "timeline": (sw, lambda c, pk: c.get(reverse("plans:timeline", args=[pk])), 200),
        }
        out = {}
        n = self.args.page_requests
        for name, (user, fetch, expected) in pages.items():
            client = self._signed_in(user)
            for _ in range(3):  # warm-up: template and query caches
                try:
                    fetch(client, rng.choice(sample))
                except OperationalError:
                    break
            executed: list[str] = []

            def count(execute, sql, params, many, context, executed=executed):
                executed.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count), contextlib.suppress(OperationalError):
                response = fetch(client, rng.choice(sample))
            times, statuses = [], {}
            for _ in range(n):
                pk = rng.choice(sample)
                began = time.perf_counter()
                try:
                    response = fetch(client, pk)
                    code = response.status_code
                except OperationalError as exc:  # the statement timeout of --page-timeout
                    code = "timeout" if "statement timeout" in str(exc) else "db-error"
                times.append((time.perf_counter() - began) * 1000)
                statuses[code] = statuses.get(code, 0) + 1
                if sum(times) / 1000 > self.args.page_budget and len(times) >= 3:
                    break  # a very slow page: a few samples tell enough
            out[name] = {
                "role": str(user.role),
                "requests": len(times),
                "median_ms": round(_median(times), 1),
                "p95_ms": round(_p95(times), 1),
                "max_ms": round(max(times), 1),
                "queries": len(executed),
                "statuses": statuses,
                "unexpected": sum(v for k, v in statuses.items() if k != expected),
                "bytes": len(response.content),
            }
            _log(f"pages {name}: {out[name]}")
        self.result["pages"] = out

    # Load: 50 users against gunicorn on 127.0.0.1 ---------------------------------------------------------------

    def do_load(self) -> None:
        import random

        from clients.models import Client

        sys.path.insert(0, str(BENCH))
        from load import VirtualUser

        rng = random.Random(self.args.seed + 1)
        os.environ["BENCH_SESSION_SQL"] = self._session_sql()
        provider_clients = list(Client.objects.filter(provider=self.provider).values_list("pk", flat=True))
        virtual = []
        for i in range(self.args.load_users):
            role = "social_worker" if i % 2 == 0 else "mentor"
            accounts = self.users[role]
            user = accounts[(i // 2) % len(accounts)]
            if role == "mentor":
                ids = list(Client.objects.filter(mentor__user=user).values_list("pk", flat=True))
            else:
                ids = rng.sample(provider_clients, min(200, len(provider_clients)))
            cookie = self._signed_in(user).cookies["sessionid"].value
            virtual.append(VirtualUser(role=role, session_cookie=cookie, client_ids=ids))
        think = _think(self.args.think)
        with open(WORK / f"gunicorn-{self.kind}-load.log", "w") as log:
            summary = self._serve_and_load(log, virtual, think)
        summary.pop("think", None)  # load.py's tuple; the same as think_seconds
        summary["workers"] = self.args.workers
        summary["think_seconds"] = list(think)
        self.result["load"] = summary
        _log(
            f"load (think {think[0]}-{think[1]} s): {summary['requests_per_second']} req/s, "
            f"p95 {summary['p95_ms']} ms, errors {summary['errors']}"
        )

    def _serve_and_load(self, log, virtual: list, think: tuple[float, float]) -> dict:
        """Starts gunicorn on 127.0.0.1, runs the load test against it, stops it."""
        import urllib.request

        from django.utils import timezone
        from load import LoadTest

        server = subprocess.Popen(  # noqa: S603 - our own gunicorn on the loopback address
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "caseapp.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.args.port}",
                "--workers",
                str(self.args.workers),
                "--timeout",
                "120",
                "--graceful-timeout",
                "10",
                "-c",
                "python:bench.gunicorn_conf",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=log,
            stderr=log,
        )
        try:
            for _ in range(120):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{self.args.port}/accounts/login/", timeout=5) as r:
                        if r.status == 200:
                            break
                except Exception:  # noqa: BLE001 - not up yet
                    time.sleep(0.5)
            else:
                raise RuntimeError("gunicorn did not answer on 127.0.0.1")
            _log(
                f"load: {len(virtual)} users for {self.args.load_seconds} s against 127.0.0.1:{self.args.port} "
                f"({self.args.workers} gunicorn workers, think {think[0]}-{think[1]} s)"
            )
            test = LoadTest(
                host="127.0.0.1",
                port=self.args.port,
                users=virtual,
                seconds=self.args.load_seconds,
                max_requests=200_000,
                think=think,
                seed=self.args.seed,
                today=timezone.localdate().isoformat(),
            )
            summary = test.run()
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        return summary


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
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers of the load test")
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
        help="comma-separated subset of import,setup,figures,pdf,pages,load "
        "(without import the database is kept as the last run left it)",
    )
    # Internal: the child process of one set.
    parser.add_argument("--child", choices=("small", "large"), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--part", help=argparse.SUPPRESS)
    parser.add_argument("--maintenance-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        _think(args.think)
    except ValueError as exc:
        parser.error(f"--think: {exc}")
    if args.child:
        sys.path.insert(0, str(ROOT))
        return Child(args).run()
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())

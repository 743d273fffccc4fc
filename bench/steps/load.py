"""Load step: virtual users (bench/load.py) against gunicorn on 127.0.0.1, started and stopped here."""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

from django.utils import timezone

from bench import gunicorn_conf
from bench.common import ROOT, WORK, Run, log, parse_load_also, parse_think
from bench.load import LoadTest, VirtualUser
from bench.steps.setup import signed_in
from clients.models import Client


def run(bench: Run) -> None:
    """The load test at the pace of --think, then each of --load-also (users at their own pace), on one server."""
    args = bench.args
    os.environ["BENCH_SESSION_SQL"] = bench.session_sql()
    tests = [(args.load_users, parse_think(args.think)), *parse_load_also(args.load_also)]
    virtual = _virtual_users(bench, max(users for users, _ in tests))
    summaries = []
    with open(WORK / f"gunicorn-{bench.kind}-load.log", "w") as server_log:
        for users, think in tests:
            summary = _serve_and_load(args, server_log, virtual[:users], think)
            summary.pop("think", None)  # load.py's tuple; the same as think_seconds
            summary["workers"] = args.workers
            summary["worker_class"], summary["threads"] = _worker_model()
            summary["think_seconds"] = list(think)
            summaries.append(summary)
            log(
                f"load ({users} users, think {think[0]}-{think[1]} s): {summary['requests_per_second']} req/s, "
                f"p95 {summary['p95_ms']} ms, errors {summary['errors']}"
            )
            # Saved as each one ends: the first is "load" (the target's), the others "load_also".
            bench.result["load"], bench.result["load_also"] = summaries[0], summaries[1:]
            bench.save()


def _worker_model() -> tuple[str, int]:
    """bench/gunicorn_conf.py's worker class and threads, or GUNICORN_CMD_ARGS's for a comparison."""
    given = os.environ.get("GUNICORN_CMD_ARGS", "")
    worker_class = re.search(r"--worker-class[ =](\S+)", given)
    threads = re.search(r"--threads[ =](\d+)", given)
    return (
        worker_class.group(1) if worker_class else gunicorn_conf.worker_class,
        int(threads.group(1)) if threads else gunicorn_conf.threads,
    )


def _virtual_users(bench: Run, count: int) -> list[VirtualUser]:
    """`count` signed-in users, social workers and mentors in turn (an account serves several, each its session)."""
    rng = random.Random(bench.args.seed + 1)
    provider_clients = list(Client.objects.filter(provider=bench.provider).values_list("pk", flat=True))
    virtual = []
    for i in range(count):
        role = "social_worker" if i % 2 == 0 else "mentor"
        accounts = bench.users[role]
        user = accounts[(i // 2) % len(accounts)]
        if role == "mentor":
            ids = list(Client.objects.filter(mentor__user=user).values_list("pk", flat=True))
        else:
            ids = rng.sample(provider_clients, min(200, len(provider_clients)))
        cookie = signed_in(user).cookies["sessionid"].value
        virtual.append(VirtualUser(role=role, session_cookie=cookie, client_ids=ids))
    return virtual


def _serve_and_load(args: argparse.Namespace, server_log: IO[str], virtual: list, think: tuple[float, float]) -> dict:
    """Starts gunicorn on 127.0.0.1, runs the load test against it, stops it."""
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn on the loopback address
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "caseapp.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "-c",
            "python:bench.gunicorn_conf",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=server_log,
        stderr=server_log,
    )
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/accounts/login/", timeout=5) as r:
                    if r.status == 200:
                        break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.5)
        else:
            raise RuntimeError("gunicorn did not answer on 127.0.0.1")
        log(
            f"load: {len(virtual)} users for {args.load_seconds} s against 127.0.0.1:{args.port} "
            f"({args.workers} gunicorn workers, think {think[0]}-{think[1]} s)"
        )
        test = LoadTest(
            host="127.0.0.1",
            port=args.port,
            users=virtual,
            seconds=args.load_seconds,
            max_requests=200_000,
            think=think,
            seed=args.seed,
            today=timezone.localdate().isoformat(),
        )
        cpu_before = _server_cpu_seconds(server.pid)
        summary = test.run()
        cpu = _server_cpu_seconds(server.pid) - cpu_before
        # The web server's own CPU (its workers; not PostgreSQL's, not the load generator's): the part of the
        # two cores one request costs, steadier on a busy machine than the latencies.
        summary["server_cpu_ms_per_request"] = (
            round(cpu * 1000 / summary["requests"], 1) if summary["requests"] else None
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return summary


def _server_cpu_seconds(master: int) -> float:
    """CPU seconds (user + system) of gunicorn's master and its workers so far, from /proc (Linux)."""
    pids = [master]
    try:
        for task in Path(f"/proc/{master}/task").iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of stat)
    return total

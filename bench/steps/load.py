"""Load step: virtual users (bench/load.py) against gunicorn on 127.0.0.1, started and stopped here."""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

from django.utils import timezone

from bench.common import ROOT, WORK, Run, log, parse_think
from bench.load import LoadTest, VirtualUser
from bench.steps.setup import signed_in
from clients.models import Client


def run(bench: Run) -> None:
    args = bench.args
    rng = random.Random(args.seed + 1)
    os.environ["BENCH_SESSION_SQL"] = bench.session_sql()
    provider_clients = list(Client.objects.filter(provider=bench.provider).values_list("pk", flat=True))
    virtual = []
    for i in range(args.load_users):
        role = "social_worker" if i % 2 == 0 else "mentor"
        accounts = bench.users[role]
        user = accounts[(i // 2) % len(accounts)]
        if role == "mentor":
            ids = list(Client.objects.filter(mentor__user=user).values_list("pk", flat=True))
        else:
            ids = rng.sample(provider_clients, min(200, len(provider_clients)))
        cookie = signed_in(user).cookies["sessionid"].value
        virtual.append(VirtualUser(role=role, session_cookie=cookie, client_ids=ids))
    think = parse_think(args.think)
    with open(WORK / f"gunicorn-{bench.kind}-load.log", "w") as server_log:
        summary = _serve_and_load(args, server_log, virtual, think)
    summary.pop("think", None)  # load.py's tuple; the same as think_seconds
    summary["workers"] = args.workers
    summary["think_seconds"] = list(think)
    bench.result["load"] = summary
    log(
        f"load (think {think[0]}-{think[1]} s): {summary['requests_per_second']} req/s, "
        f"p95 {summary['p95_ms']} ms, errors {summary['errors']}"
    )


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
        summary = test.run()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return summary

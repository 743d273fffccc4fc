"""Where one request's time goes: the load test's pages, each through the real WSGI handler, per middleware and view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseapp_bench .venv/bin/python bench/profile_request.py

Run on a benchmark database after its setup step (the bench-* users must exist). Each request goes through
Django's WSGIHandler as gunicorn calls it (request_started / request_finished, so a connection is closed or kept
as CONN_MAX_AGE says); each middleware is wrapped to time its own part (its time minus the layers inside it), and
a database execute wrapper counts and times the queries of each layer. Opening a connection, its health check
and COMMIT are timed too (they do not pass through the execute wrapper).

--rollback runs everything in one transaction that is rolled back (for a database that must stay as it is, such
as the national set being measured): nothing is written, connections are then kept for the whole run, so the
cost of opening one is measured on its own (the "connect" line), and a POST counts two queries more (the
SAVEPOINT and RELEASE of its transaction, nested in the outer one). Prints a Markdown table; --json writes the rows.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/1")

import django  # noqa: E402

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VIEW = "view"


class Recorder:
    """The layer running now (a middleware or the view) and what each layer spent in this request."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.reset()

    def reset(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)  # own time of each layer, s
        self.queries: dict[str, int] = defaultdict(int)
        self.query_time: dict[str, float] = defaultdict(float)
        self.extra: dict[str, float] = defaultdict(float)  # connect, health check, commit, template
        self.extra_count: dict[str, int] = defaultdict(int)

    @property
    def layer(self) -> str:
        return self.stack[-1] if self.stack else "handler"

    def execute(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries[self.layer] += 1
            self.query_time[self.layer] += time.perf_counter() - began

    def timed(self, name: str, func: Callable) -> Callable:
        """`func` timed under `name`; a call inside another of the same name (a template a template renders,
        such as a crispy form's) is counted once, in the outer one."""
        depth = {"n": 0}

        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            depth["n"] += 1
            try:
                return func(*args, **kwargs)
            finally:
                depth["n"] -= 1
                if not depth["n"]:
                    self.extra[name] += time.perf_counter() - began
                    self.extra_count[name] += 1

        return wrapper


REC = Recorder()


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _timed_middleware(path: str, factory: Callable) -> Callable:
    """A middleware factory whose instance times its own part: its __call__ minus the layers inside."""
    name = _short(path)

    def make(get_response):
        inner_time = {"s": 0.0}

        def inner(request):
            began = time.perf_counter()
            REC.stack.append(VIEW)
            try:
                return get_response(request)
            finally:
                REC.stack.pop()
                inner_time["s"] += time.perf_counter() - began

        real = factory(inner)

        class Timed:
            sync_capable = True
            async_capable = False

            def __call__(self, request):
                inner_time["s"] = 0.0
                outermost = not REC.stack
                REC.stack.append(name)
                began = time.perf_counter()
                try:
                    return real(request)
                finally:
                    REC.stack.pop()
                    spent = time.perf_counter() - began
                    REC.wall[name] += spent - inner_time["s"]
                    if outermost:
                        REC.extra["chain"] += spent

        timed = Timed()
        for hook in ("process_view", "process_exception", "process_template_response"):
            if hasattr(real, hook):
                setattr(timed, hook, _hook(name, getattr(real, hook)))
        return timed

    return make


def _hook(name: str, method: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        REC.stack.append(name)
        began = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            REC.stack.pop()
            spent = time.perf_counter() - began
            REC.wall[name] += spent
            REC.extra["hooks"] += spent  # inside the view's layer: taken off it below

    return wrapper


def build_handler():
    from django.core.handlers import base  # noqa: PLC0415
    from django.core.handlers.wsgi import WSGIHandler  # noqa: PLC0415

    real_import = base.import_string
    base.import_string = lambda path: _timed_middleware(path, real_import(path))
    try:
        return WSGIHandler()
    finally:
        base.import_string = real_import


def instrument_connection() -> None:
    from django.db import connection  # noqa: PLC0415
    from django.template.backends.django import Template  # noqa: PLC0415

    connection.connect = REC.timed("connect", connection.connect)
    connection.is_usable = REC.timed("health check", connection.is_usable)
    connection.commit = REC.timed("commit", connection.commit)
    Template.render = REC.timed("template", Template.render)


def environ_for(method: str, path: str, cookies: dict[str, str], body: dict | None = None) -> dict:
    path, _, query = path.partition("?")
    data = urlencode(body or {}, doseq=True).encode()
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8765",
        "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if method == "POST":
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        env["CONTENT_LENGTH"] = str(len(data))
        env["HTTP_REFERER"] = f"http://127.0.0.1:8765{path}"
    return env


def call(handler, method: str, path: str, cookies: dict[str, str], body: dict | None = None) -> tuple[int, str, dict]:
    """One request as gunicorn makes it; the response's cookies are kept in `cookies`. Returns the row."""
    REC.reset()
    status_line = {}

    def start_response(status, headers, exc_info=None):
        status_line["status"] = int(status.split()[0])
        for header, value in headers:
            if header.lower() == "set-cookie":
                k, _, rest = value.partition("=")
                if v := rest.split(";", 1)[0]:
                    cookies[k.strip()] = v

    began_cpu, began = time.process_time(), time.perf_counter()
    chunks = handler(environ_for(method, path, cookies, body), start_response)
    try:
        text = b"".join(chunks).decode()
    finally:
        chunks.close()  # request_finished: the connection is closed or kept here
    row = {
        "wall_ms": (time.perf_counter() - began) * 1000,
        "cpu_ms": (time.process_time() - began_cpu) * 1000,
        "queries": sum(REC.queries.values()),
        "query_ms": sum(REC.query_time.values()) * 1000,
        "layers": {
            layer: {
                "ms": REC.wall.get(layer, 0.0) * 1000,
                "queries": REC.queries.get(layer, 0),
                "query_ms": REC.query_time.get(layer, 0.0) * 1000,
            }
            for layer in set(REC.wall) | set(REC.queries)
        },
        **{f"{k}_ms": v * 1000 for k, v in REC.extra.items() if k not in ("hooks", "chain")},
    }
    # The view's own time: the middleware chain's, less each middleware's own part (process_view included).
    view_ms = (REC.extra["chain"] - sum(v for k, v in REC.wall.items() if k != VIEW)) * 1000
    row["layers"].setdefault(VIEW, {"ms": 0.0, "queries": 0, "query_ms": 0.0})["ms"] = view_ms
    row["layers"]["WSGIHandler"] = {"ms": row["wall_ms"] - REC.extra["chain"] * 1000, "queries": 0, "query_ms": 0.0}
    return status_line.get("status", 0), text, row


def pages(user_kind: str, client_id: int, today: str) -> list[tuple[str, str, str]]:
    contact = f"/plans/clients/{client_id}/contacts/new/"
    rows = [
        ("home", "GET", "/"),
        ("client_list", "GET", "/clients/?page=2"),
        ("client_page", "GET", f"/clients/{client_id}/"),
        ("contact_form", "GET", contact),
        ("contact_post", "POST", contact),
    ]
    if user_kind == "social_worker":
        rows.append(("timeline", "GET", f"/plans/clients/{client_id}/timeline/"))
    return rows


def profile(handler, user, client_id: int, repeat: int, today: str) -> dict[str, list[dict]]:
    from bench.steps.setup import signed_in  # noqa: PLC0415

    cookies = {"sessionid": signed_in(user).cookies["sessionid"].value}
    results: dict[str, list[dict]] = defaultdict(list)
    steps = pages(user.role, client_id, today)
    for i in range(repeat + 2):  # the first two rounds warm the caches (templates, translations, URL resolver)
        csrf = ""
        for name, method, path in steps:
            body = None
            if method == "POST":
                body = {
                    "csrfmiddlewaretoken": csrf,
                    "date": today,
                    "members": [client_id],
                    "form": "in_person",
                    "duration_minutes": 30,
                    "topics": ["documents"],
                    "place": "",
                    "note": "Profile contact.",
                }
            status, text, row = call(handler, method, path, cookies, body)
            expected = 302 if method == "POST" else 200
            if status != expected:
                raise RuntimeError(f"{name}: HTTP {status} (expected {expected})")
            if match := CSRF_RE.search(text):
                csrf = match.group(1)
            if i >= 2:
                results[f"{user.role}:{name}"].append(row)
    return results


def median_row(rows: list[dict]) -> dict:
    def med(values):
        return statistics.median(values) if values else 0.0

    layers = sorted({layer for r in rows for layer in r["layers"]})
    extras = sorted({k for r in rows for k in r if k.endswith("_ms") and k not in ("wall_ms", "cpu_ms", "query_ms")})
    return {
        "requests": len(rows),
        "wall_ms": med([r["wall_ms"] for r in rows]),
        "cpu_ms": med([r["cpu_ms"] for r in rows]),
        "queries": med([r["queries"] for r in rows]),
        "query_ms": med([r["query_ms"] for r in rows]),
        **{k: med([r.get(k, 0.0) for r in rows]) for k in extras},
        "layers": {
            layer: {
                key: med([r["layers"].get(layer, {}).get(key, 0.0) for r in rows])
                for key in ("ms", "queries", "query_ms")
            }
            for layer in layers
        },
    }


def connect_cost(repeat: int) -> float:
    """Median ms to open (and close) one connection with the project's settings, its session SQL included."""
    from django.db import connection  # noqa: PLC0415

    times = []
    for _ in range(repeat):
        connection.close()
        began = time.perf_counter()
        connection.ensure_connection()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def markdown(summary: dict[str, dict], connect_ms: float, label: str) -> str:
    lines = [
        f"Profile: {label}. Medians of each request; ms of wall time, one request at a time in one process.",
        "",
        "| request | wall ms | CPU ms | queries | query ms | connect ms | commit ms | template ms |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, row in summary.items():
        lines.append(
            f"| {name} | {row['wall_ms']:.1f} | {row['cpu_ms']:.1f} | {row['queries']:.0f} | {row['query_ms']:.1f} "
            f"| {row.get('connect_ms', 0):.1f} | {row.get('commit_ms', 0):.1f} | {row.get('template_ms', 0):.1f} |"
        )
    lines += ["", f"Opening one connection (connect + session settings): {connect_ms:.1f} ms.", ""]
    layers = sorted({layer for row in summary.values() for layer in row["layers"]}, key=_layer_order)
    names = list(summary)
    lines.append("Own time of each layer, ms (queries in brackets):")
    lines.append("")
    lines.append("| layer | " + " | ".join(n.split(":", 1)[1] + f" ({n.split(':')[0][:2]})" for n in names) + " |")
    lines.append("|---|" + "--:|" * len(names))
    for layer in layers:
        cells = []
        for n in names:
            cell = summary[n]["layers"].get(layer, {"ms": 0, "queries": 0})
            cells.append(f"{cell['ms']:.2f}" + (f" ({cell['queries']:.0f})" if cell["queries"] else ""))
        lines.append(f"| {layer} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _layer_order(layer: str) -> tuple[int, str]:
    from django.conf import settings  # noqa: PLC0415

    order = [_short(p) for p in settings.MIDDLEWARE] + [VIEW]
    return (order.index(layer) if layer in order else len(order), layer)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="timed rounds of the pages (after two warm-up rounds)")
    parser.add_argument("--rollback", action="store_true", help="write nothing: one transaction, rolled back")
    parser.add_argument("--label", default="", help="what this run measures (a line above the table)")
    parser.add_argument("--json", help="also write the medians to this file")
    args = parser.parse_args(argv)
    django.setup()

    from django.conf import settings  # noqa: PLC0415
    from django.core.signals import request_finished, request_started  # noqa: PLC0415
    from django.db import close_old_connections, connection, transaction  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from accounts.models import User  # noqa: PLC0415
    from bench.session import install  # noqa: PLC0415
    from clients.models import Client  # noqa: PLC0415

    install("SET statement_timeout = '60s'")  # as the load test's workers do (bench/gunicorn_conf.py)
    handler = build_handler()
    instrument_connection()
    # For the whole run (a wrapper on the connection object survives its reconnections).
    connection.execute_wrappers.append(REC.execute)
    today = timezone.localdate().isoformat()
    social_worker = User.objects.get(username="bench-social_worker-0")
    mentor = User.objects.get(username="bench-mentor-0")
    sw_client = Client.objects.filter(social_worker__user=social_worker).order_by("-service_start").first()
    mentor_client = Client.objects.filter(mentor__user=mentor).order_by("-service_start").first()
    atomic = None
    if args.rollback:
        # In a transaction, request_finished would close the connection (autocommit differs): keep it.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        summary: dict[str, dict] = {}
        for user, client in ((social_worker, sw_client), (mentor, mentor_client)):
            for name, rows in profile(handler, user, client.pk, args.repeat, today).items():
                summary[name] = median_row(rows)
    finally:
        if atomic is not None:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
    connect_ms = connect_cost(10) if not args.rollback or not connection.in_atomic_block else 0.0
    db = settings.DATABASES["default"]
    label = args.label or (
        f"{db['NAME']}, CONN_MAX_AGE={db.get('CONN_MAX_AGE')}, SESSION_ENGINE={settings.SESSION_ENGINE}"
        + (", rolled back" if args.rollback else "")
    )
    print(markdown(summary, connect_ms, label))
    if args.json:
        Path(args.json).write_text(json.dumps({"label": label, "connect_ms": connect_ms, "pages": summary}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Pages step: each page of the mix, one signed-in user, in-process: median, p95 and the queries of one request."""

from __future__ import annotations

import contextlib
import random
import time

from django.db import connection
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils import timezone

from bench.common import Run, log, median, p95
from bench.session import install
from bench.steps.setup import signed_in
from clients.models import Client


def run(bench: Run) -> None:
    args = bench.args
    rng = random.Random(args.seed)
    # A page's query is cut after --page-timeout seconds (new connections read PGOPTIONS).
    # The project's settings pass libpq `options`, which override PGOPTIONS: a receiver sets them.
    install(bench.session_sql())
    connection.close()
    sw, mentor = bench.users["social_worker"][0], bench.users["mentor"][0]
    provider_clients = list(Client.objects.filter(provider=bench.provider).values_list("pk", flat=True))
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
        "home_manager": (bench.manager, lambda c, pk: c.get(reverse("home")), 200),
        "home_coordinator": (bench.coordinator, lambda c, pk: c.get(reverse("home")), 200),
        "client_list_mentor": (mentor, lambda c, pk: c.get(reverse("clients:list")), 200),
        "client_search": (sw, lambda c, pk: c.get(reverse("clients:list"), {"q": surnames[pk].lower()}), 200),
        "timeline": (sw, lambda c, pk: c.get(reverse("plans:timeline", args=[pk])), 200),
    }
    out = {}
    n = args.page_requests
    for name, (user, fetch, expected) in pages.items():
        client = signed_in(user)
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
            if sum(times) / 1000 > args.page_budget and len(times) >= 3:
                break  # a very slow page: a few samples tell enough
        out[name] = {
            "role": str(user.role),
            "requests": len(times),
            "median_ms": round(median(times), 1),
            "p95_ms": round(p95(times), 1),
            "max_ms": round(max(times), 1),
            "queries": len(executed),
            "statuses": statuses,
            "unexpected": sum(v for k, v in statuses.items() if k != expected),
            "bytes": len(response.content),
        }
        log(f"pages {name}: {out[name]}")
    bench.result["pages"] = out

"""A bounded load generator: N virtual users (threads) against a live server on the loopback address only.

Each virtual user holds a signed-in session (its cookie is made beforehand) and loops over a
weighted mix of a social worker's or a mentor's work, with a think time between requests, until
the time is up or the request budget is spent. Standard library only (http.client).
"""

from __future__ import annotations

import http.client
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

LOOPBACK = ("127.0.0.1", "localhost", "::1")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class VirtualUser:
    role: str  # social_worker or mentor
    session_cookie: str
    client_ids: list[int]  # clients this user may open and log contacts for
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cookies["sessionid"] = self.session_cookie


@dataclass
class Sample:
    name: str
    status: int
    seconds: float
    error: str = ""


# What each role does, by weight: (action, weight).
MIXES = {
    "social_worker": [("home", 20), ("client_list", 20), ("client_page", 30), ("contact_post", 20), ("timeline", 10)],
    "mentor": [("home", 30), ("client_list", 15), ("client_page", 35), ("contact_post", 20)],
}


class LoadTest:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        users: list[VirtualUser],
        seconds: float,
        max_requests: int,
        think: tuple[float, float],
        seed: int,
        today: str,
        timeout: float = 30.0,
    ) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"the load test only targets the loopback address, not {host}")
        self.host, self.port = host, port
        self.users = users
        self.seconds = seconds
        self.max_requests = max_requests
        self.think = think
        self.seed = seed
        self.today = today
        self.timeout = timeout
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.sent = 0
        self.deadline = 0.0

    # One request -------------------------------------------------------------------------------

    def _request(
        self, user: VirtualUser, name: str, method: str, path: str, body: dict | None = None
    ) -> tuple[int, str]:
        with self.lock:
            if self.sent >= self.max_requests or time.monotonic() > self.deadline:
                raise TimeoutError("budget spent")
            self.sent += 1
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in user.cookies.items()), "Host": f"{self.host}:{self.port}"}
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        began = time.perf_counter()
        status, text, error = 0, "", ""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    k, _, rest = value.partition("=")
                    v = rest.split(";", 1)[0]
                    if v:
                        user.cookies[k.strip()] = v
        except Exception as exc:  # noqa: BLE001 - every failure is a counted error
            error = f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()
        seconds = time.perf_counter() - began
        expected = (302,) if method == "POST" else (200,)
        if not error and status not in expected:
            error = f"HTTP {status}"
        with self.lock:
            self.samples.append(Sample(name, status, seconds, error))
        return status, text

    # One virtual user's loop ------------------------------------------------------------------------

    def _user_loop(self, index: int, user: VirtualUser) -> None:
        rng = random.Random(self.seed * 1000 + index)
        actions = [a for a, _ in MIXES[user.role]]
        weights = [w for _, w in MIXES[user.role]]
        time.sleep(rng.uniform(0, self.think[1]))  # spread the start
        try:
            while time.monotonic() < self.deadline:
                action = rng.choices(actions, weights)[0]
                client = rng.choice(user.client_ids) if user.client_ids else None
                if action == "home":
                    self._request(user, "home", "GET", "/")
                elif action == "client_list":
                    page = rng.randint(1, 3)
                    self._request(user, "client_list", "GET", f"/clients/?page={page}")
                elif action == "client_page" and client:
                    self._request(user, "client_page", "GET", f"/clients/{client}/")
                elif action == "timeline" and client:
                    self._request(user, "timeline", "GET", f"/plans/clients/{client}/timeline/")
                elif action == "contact_post" and client:
                    path = f"/plans/clients/{client}/contacts/new/"
                    status, text = self._request(user, "contact_form", "GET", path)
                    match = CSRF_RE.search(text)
                    if status == 200 and match:
                        pause = rng.uniform(*self.think)  # filling the form in
                        if time.monotonic() + pause >= self.deadline:
                            return  # the form would be sent after the time is up
                        time.sleep(pause)
                        self._request(
                            user,
                            "contact_post",
                            "POST",
                            path,
                            {
                                "csrfmiddlewaretoken": match.group(1),
                                "date": self.today,
                                "members": [client],
                                "form": rng.choice(["in_person", "phone", "accompaniment", "electronic"]),
                                "duration_minutes": rng.choice([15, 30, 45, 60]),
                                "topics": [rng.choice(["documents", "housing", "health", "employment"])],
                                "place": "",
                                "note": "Load test contact.",
                            },
                        )
                # Not past the deadline: a long think time would only stretch the elapsed time (and cut req/s).
                time.sleep(min(rng.uniform(*self.think), max(0.0, self.deadline - time.monotonic())))
        except TimeoutError:
            return

    def run(self) -> dict:
        self.deadline = time.monotonic() + self.seconds
        began = time.monotonic()
        threads = [threading.Thread(target=self._user_loop, args=(i, u), daemon=True) for i, u in enumerate(self.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=self.seconds + self.timeout + 30)
        elapsed = time.monotonic() - began
        return summarise(self.samples, elapsed, users=len(self.users), think=self.think)


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summarise(samples: list[Sample], elapsed: float, **extra) -> dict:
    by_name: dict[str, list[Sample]] = {}
    for s in samples:
        by_name.setdefault(s.name, []).append(s)
    ms = [s.seconds * 1000 for s in samples]
    errors = [s for s in samples if s.error]
    return {
        **extra,
        "seconds": round(elapsed, 1),
        "requests": len(samples),
        "requests_per_second": round(len(samples) / elapsed, 2) if elapsed else None,
        "median_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": round(percentile(ms, 95), 1) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
        "errors": len(errors),
        "error_kinds": sorted({e.error for e in errors})[:10],
        "by_request": {
            name: {
                "requests": len(rows),
                "median_ms": round(statistics.median(r.seconds * 1000 for r in rows), 1),
                "p95_ms": round(percentile([r.seconds * 1000 for r in rows], 95), 1),
                "errors": sum(1 for r in rows if r.error),
            }
            for name, rows in sorted(by_name.items())
        },
    }

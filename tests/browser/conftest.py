"""A real Chromium (Debian's, driven by Playwright) against the live server: pages, screenshots, axe checks.

Screenshots and axe results of every step are kept under `artifacts/browser/<test>/` in the project root, or
under `$BROWSER_ARTIFACTS/<test>/`; the folder is printed at the end of the run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from axe_playwright_python.sync_playwright import Axe
from celery.contrib.testing.worker import start_worker
from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect, sync_playwright

from caseapp.celery import app
from reporting import tasks  # noqa: F401  (registers the tasks with the app)
from tests.conftest import need_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Long enough for a loaded CI machine, short enough that a broken step fails the test soon.
TIMEOUT_MS = 15_000
BLOCKING_IMPACTS = ("serious", "critical")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS") or PROJECT_ROOT / "artifacts" / "browser").resolve()
_USED = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Chromium")


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if config.stash.get(_USED, False):
        terminalreporter.write_sep("-", "browser journeys")
        terminalreporter.write_line(f"screenshots and accessibility results: {ARTIFACTS}")


# The browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(pytestconfig: pytest.Config):
    """One Chromium per module: Playwright's event loop (and the ORM switch below) must not outlive the journeys."""
    if not Path(CHROMIUM).exists():
        need_service(f"{CHROMIUM} is not installed (apt-get install chromium)")

    pytestconfig.stash[_USED] = True
    expect.set_options(timeout=TIMEOUT_MS)
    # Playwright's sync API keeps an event loop in this thread; Django's ORM must still be usable from the test.
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


def _new_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.script_errors = errors  # type: ignore[attr-defined]
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A desktop-sized tab."""
    context, tab = _new_page(browser, live_server, viewport=DESKTOP)
    yield tab
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized tab (390×844, touch), as a mentor's phone."""
    context, tab = _new_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield tab
    context.close()


# Artifacts ---------------------------------------------------------------------------------------


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    """This test's folder of screenshots, axe results and downloads (emptied at the start)."""
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def shot(artifacts: Path) -> Callable:
    """`shot(page, name)`: a numbered full-page PNG of the step, in the test's folder."""
    counter = iter(range(1, 100))

    def take(page, name: str) -> Path:
        path = artifacts / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary}")
            lines.append(f"       {node.get('html', '')[:200]}")
    return "\n".join(lines)


def axe_check(page, save_to: Path | None = None) -> list[dict]:
    """Run axe-core on the page; fail on any serious or critical violation, listing them readably.

    All violations (minor and moderate too) are written to `save_to` as JSON when given, and returned.
    """

    violations = Axe().run(page).response["violations"]
    if save_to is not None:
        save_to.write_text(json.dumps(violations, indent=2, ensure_ascii=False), encoding="utf-8")
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"accessibility violations on {page.url}:\n{describe_violations(blocking)}"
    return violations


@pytest.fixture
def step(shot: Callable) -> Callable:
    """`step(page, name)`: the screenshot of a step, then the axe check of its page (results beside the PNG)."""

    def run(page, name: str) -> None:
        path = shot(page, name)
        axe_check(page, save_to=path.with_suffix(".axe.json"))
        errors = getattr(page, "script_errors", [])
        assert not errors, f"script errors on {page.url}: {errors}"

    return run


# Language ----------------------------------------------------------------------------------------


@pytest.fixture(params=["lv", "en"])
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def t(lang: str) -> Callable[[str], str]:
    """The application's own text in the journey's language (its gettext catalogue)."""

    def translate(message: str) -> str:
        with translation.override(lang):
            return translation.gettext(message)

    return translate


# A second factor ---------------------------------------------------------------------------------


def totp_device(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def totp_code(device) -> str:
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:06d}"


@pytest.fixture
def report_worker(live_server, transactional_db, settings, tmp_path) -> Iterator[str]:
    """How report jobs run: in the request when there is no broker, else by a real worker on Redis.

    With CELERY_BROKER_URL set (CI), a Celery worker runs in a thread of this process, as in
    tests/reporting/test_celery_worker.py; an unreachable Redis fails under CI and skips elsewhere.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url:
        settings.CELERY_TASK_ALWAYS_EAGER = True
        yield "eager"
        return
    if not url.startswith("redis"):
        need_service("CELERY_BROKER_URL does not point at Redis")

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        need_service(f"Redis not reachable at {url}: {exc}")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=url)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield "worker"
    finally:
        app.conf.update(**saved)

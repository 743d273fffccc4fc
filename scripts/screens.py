"""Screenshots of every page of every role at 1366 and 390 px, in Latvian and English, into docs/screens/ (issue 17).

    make screens        # or: .venv/bin/python scripts/screens.py [--roles manager,mentor] [--pages clients:detail]

It never touches the developer's data: it DROPS and re-creates a scratch database (its name must contain
"screens"): SCREENS_DATABASE_URL when set (`make screens` passes it), else the database "caseapp_screens" on the
project's embedded server. There it migrates, loads `manage.py demo_data` and asks for one report as the demo
manager; then it serves the project with `runserver` on a free port (reports made in a temporary MEDIA_ROOT,
without Celery), signs in through the sign-in and two-factor pages as each demo account (one browser context
per role, the language switched by Django's language cookie, since a two-factor code is accepted once) and
visits every page that role may GET: the URL names and who may use them come from the POLICY table of
tests/security/test_url_policy.py, so a new URL is photographed as soon as it has its rule, with the demo
records as arguments (a client assigned to the demo mentor and social worker, its family, plan, goal and task,
the report job). Downloads and redirects are listed, not photographed. A few forms are also sent empty, to show
their errors.

Each picture is a full page, reduced to 64 colours (PNG): docs/screens/<role>/<page>-<lang>-<width>.png, and
docs/screens/README.md indexes them with what the run noticed (an error status, script errors, a page wider
than the phone, a menu taller than one line).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from PIL import Image  # noqa: E402

from caseapp import embedded_db  # noqa: E402

SCRATCH_DATABASE = "caseapp_screens"
OUT = ROOT / "docs" / "screens"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
WIDTHS = {1366: 900, 390: 844}
LANGUAGES = ("lv", "en")
# The browser's locale of each language: date fields show dd.mm.yyyy in Latvian.
LOCALES = {"lv": "lv-LV", "en": "en-GB"}
PASSWORD = "demo-parole-2026"  # noqa: S105 - the demo accounts' password, printed by demo_data
# The demo accounts (home/management/commands/demo_data.py) by the POLICY table's role names.
ACCOUNTS = {"social_worker": "socialais", "mentor": "mentors", "manager": "vaditajs", "coordinator": "koordinators"}
# Not pages: the language switch, signing out and the health check answer a request, they show nothing.
NOT_PAGES = {"set_language", "accounts:logout", "healthz"}
# Sent empty once shown, to photograph their errors ("<page>-errors-<lang>-<width>.png").
FORMS_WITH_ERRORS = {"clients:create", "plans:contact_create", "clients:family_create"}
ONE_LINE_MENU_PX = 70
MAX_HEIGHT_PX = 12_000  # a longer page is cut there (and the index says so)
COLOURS = 64
Image.MAX_IMAGE_PIXELS = None  # our own screenshots, however tall
BASE_URL = [""]  # the server's, once it runs


def log(message: str) -> None:
    print(f"[screens {time.strftime('%H:%M:%S')}] {message}", flush=True)


# The scratch database ----------------------------------------------------------------------------


def scratch_database_url() -> str:
    """SCREENS_DATABASE_URL, or the scratch database on the embedded server (never the developer's DATABASE_URL)."""
    url = os.environ.get("SCREENS_DATABASE_URL", "")
    if url:
        return url
    settings = embedded_db.database(SCRATCH_DATABASE)
    return f"postgres://{settings['USER']}@/{SCRATCH_DATABASE}?host={settings['HOST']}&port={settings['PORT']}"


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "screens" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the scratch database's name must contain 'screens'")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    conninfo = {
        "host": query.get("host") or parts.hostname or "127.0.0.1",
        "port": query.get("port") or parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or "",
        "dbname": "postgres",
    }
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# Django, on the scratch database: set up here, before the project's modules are imported, so that nothing
# this process or the server does can reach the developer's database or media. Reports are made in the request
# (no Celery) into a temporary MEDIA_ROOT.
MEDIA = Path(tempfile.mkdtemp(prefix="caseapp-screens-media-"))
os.environ.update(
    DATABASE_URL=scratch_database_url(),
    DJANGO_DEBUG="1",
    DJANGO_LOG_LEVEL="WARNING",
    CELERY_BROKER_URL="",
    MEDIA_ROOT=str(MEDIA),
    DJANGO_SETTINGS_MODULE="caseapp.settings",
)
# The ORM beside Playwright's event loop in this thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.oath import TOTP  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from accounts.models import User  # noqa: E402
from clients.models import Client  # noqa: E402
from plans.models import Plan, Task  # noqa: E402
from reporting.models import ReportJob  # noqa: E402
from reporting.periods import add_months  # noqa: E402
from reporting.services import report_job_create, report_job_run  # noqa: E402
from tests.security.test_url_policy import POLICY, url_patterns  # noqa: E402

# The records the pages are shown with ------------------------------------------------------------


@dataclass
class Demo:
    """The demo records each kind of URL argument is filled with (by the POLICY table's kinds)."""

    records: dict[str, object] = field(default_factory=dict)
    devices: dict[str, object] = field(default_factory=dict)


def load_demo() -> Demo:
    """Migrate, load the demo data, make one report; return the records the pages are shown with."""

    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo_data", verbosity=0)

    users = {role: User.objects.get(username=username) for role, username in ACCOUNTS.items()}
    mentor, social_worker = users["mentor"], users["social_worker"]
    # A client of the demo mentor and the demo social worker with a family and a plan, if the demo has one.
    candidates = Client.objects.for_user(mentor).order_by("pk")
    client = (
        candidates.filter(social_worker__user=social_worker, family__isnull=False, plans__isnull=False).first()
        or candidates.filter(family__isnull=False, plans__isnull=False).first()
        or candidates.filter(plans__isnull=False).first()
        or candidates.first()
    )
    plan = Plan.objects.filter(client=client).order_by("pk").first() if client else None
    task = Task.objects.filter(goal__plan=plan).order_by("due_date", "pk").first() if plan else None
    first_of_month = timezone.localdate().replace(day=1)
    start = add_months(first_of_month, -1)
    job = report_job_create(
        requested_by=users["manager"],
        provider=users["manager"].provider,
        start=start,
        end=first_of_month - datetime.timedelta(days=1),
        kind="month",
    )
    report_job_run(job_id=job.pk)
    job = ReportJob.objects.get(pk=job.pk)
    demo = Demo()
    demo.records = {
        "client": client,
        "family": client.family if client else None,
        "plan": plan,
        "goal": task.goal if task else None,
        "task": task,
        "job": job,
        "staff": client.mentor if client else None,
    }
    demo.devices = {role: TOTPDevice.objects.filter(user=user, confirmed=True).first() for role, user in users.items()}
    log(f"demo records: client {client.pk if client else '-'}, plan {plan.pk if plan else '-'}, job {job.state}")
    return demo


def totp_code(device) -> str:

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


# The pages ---------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str  # the URL name, e.g. "clients:detail"
    url: str | None
    note: str = ""


def pages_for(role: str, demo: Demo) -> list[Page]:
    """Every URL the role may GET, by the POLICY table, with the demo records as arguments."""

    patterns = dict(url_patterns())
    pages = []
    for name, rule in POLICY.items():
        if name in NOT_PAGES or "GET" not in rule.methods or role not in rule.allowed:
            continue
        keywords = list(patterns[name].pattern.regex.groupindex)
        record = demo.records.get(rule.kind) if rule.kind != "none" else None
        if keywords and record is None:
            pages.append(Page(name, None, f"no demo record of kind {rule.kind!r}"))
            continue
        try:
            url = reverse(name, kwargs={keyword: record.pk for keyword in keywords}) if keywords else reverse(name)
        except NoReverseMatch as exc:
            pages.append(Page(name, None, f"cannot build its URL: {exc}"))
            continue
        pages.append(Page(name, url + rule.query))
    return pages


def file_stem(name: str) -> str:
    return name.replace(":", "-").replace("_", "-")


# The server --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], port: int, log_file: Path) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    with open(log_file, "wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {log_file.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):  # noqa: S310 - our own server
                return server
        except urllib.error.HTTPError:
            return server  # it answers, if not well: the pages will say more
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the server did not answer within 90 s: {log_file.read_text(errors='replace')[-3000:]}")


# The browser -------------------------------------------------------------------------------------


@dataclass
class Shot:
    role: str
    page: str
    files: dict[str, str] = field(default_factory=dict)  # "<lang>-<width>" -> file name under the role's folder
    notes: list[str] = field(default_factory=list)


def save_picture(png: bytes, path: Path) -> str:
    """The screenshot reduced to a few colours (UI pictures lose nothing visible), cut at MAX_HEIGHT_PX."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    note = ""
    if image.height > MAX_HEIGHT_PX:
        note = f"{image.height} px tall, cut at {MAX_HEIGHT_PX}"
        image = image.crop((0, 0, image.width, MAX_HEIGHT_PX))
    image.quantize(colors=COLOURS, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
    return note


# The outermost elements that reach past the right edge with no scrolling box around them (or positioned out of it).
OVERFLOWING = r"""() => {
  const width = document.documentElement.clientWidth, found = [];
  const clipped = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o !== 'visible') return true; } return false; };
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    const loose = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
    if (box.width === 0 || box.right <= width + 1 || (clipped(el) && !loose)) continue;
    if (found.some((other) => other.contains(el))) continue;
    found.push(el);
  }
  return found.slice(0, 3).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 3).map((c) => '.' + c).join('')
    + ' "' + el.textContent.trim().replace(/\s+/g, ' ').slice(0, 30) + '"');
}"""


def look(tab, width: int) -> list[str]:
    """What is wrong with the page shown, as far as a script can tell."""
    notes = []
    scroll_width = tab.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width + 1:
        culprits = tab.evaluate(OVERFLOWING)
        notes.append(f"wider than the screen at {width} px ({scroll_width} px: {', '.join(culprits) or '?'})")
    if width >= 992:
        navbar = tab.locator("nav.navbar").first
        if navbar.count() and (box := navbar.bounding_box()) and box["height"] >= ONE_LINE_MENU_PX:
            notes.append(f"menu {box['height']:.0f} px tall at {width} px")
    return notes


@dataclass
class Tab:
    """A browser context in one language (its locale too: date fields show the browser's format) and its tab."""

    context: object
    page: object
    errors: list[str]


def new_tab(browser, base_url: str, lang: str, cookies: list | None = None) -> Tab:
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900}, locale=LOCALES[lang])
    context.set_default_timeout(30_000)
    context.add_cookies([*(cookies or []), {"name": "django_language", "value": lang, "url": base_url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return Tab(context, page, errors)


def photograph(tabs: dict[str, Tab], page: Page, folder: Path, with_errors: bool) -> Shot:
    shot = Shot(folder.name, page.name)
    if page.url is None:
        shot.notes.append(page.note)
        return shot
    answer = tabs[LANGUAGES[0]].context.request.get(page.url, max_redirects=0)
    kind = answer.headers.get("content-type", "")
    if 300 <= answer.status < 400:
        shot.notes.append(f"redirects to {answer.headers.get('location', '?')}")
        return shot
    if not kind.startswith("text/html"):
        shot.notes.append(f"a download ({kind.split(';')[0]})")
        return shot
    for lang, tab in tabs.items():
        for width, height in WIDTHS.items():
            tab.page.set_viewport_size({"width": width, "height": height})
            tab.errors.clear()
            response = tab.page.goto(page.url, wait_until="load")
            if response is not None and response.status >= 500:
                # Django's debug page (DEBUG is on for runserver's static files) shows settings: never kept.
                shot.notes.append(f"HTTP {response.status}, not photographed ({lang}, {width} px)")
                continue
            if response is not None and response.status >= 400:
                shot.notes.append(f"HTTP {response.status} ({lang}, {width} px)")
            shot.notes += [f"{note} ({lang})" for note in look(tab.page, width)]
            stem = f"{file_stem(page.name)}-{lang}-{width}"
            note = save_picture(tab.page.screenshot(full_page=True), folder / f"{stem}.png")
            shot.files[f"{lang}-{width}"] = f"{stem}.png"
            if note:
                shot.notes.append(f"{note} ({lang}, {width} px)")
            if with_errors:
                sent = tab.page.evaluate(
                    """() => { const form = document.querySelector('main form[method=post]');
                        if (!form) return false; form.noValidate = true; form.requestSubmit(); return true; }"""
                )
                if sent:
                    tab.page.wait_for_load_state("load")
                    stem = f"{file_stem(page.name)}-errors-{lang}-{width}"
                    save_picture(tab.page.screenshot(full_page=True), folder / f"{stem}.png")
                    shot.files[f"errors-{lang}-{width}"] = f"{stem}.png"
            if tab.errors:
                shot.notes.append(f"script errors ({lang}, {width} px): {'; '.join(sorted(set(tab.errors)))[:300]}")
    return shot


def sign_in(tab, username: str, device) -> None:
    """Through the sign-in page and the two-factor page, as a person does."""
    tab.goto("/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    with tab.expect_navigation():
        tab.locator("#id_password").press("Enter")
    if "/two-factor/verify" in tab.url:
        field = tab.locator("main form input:not([type=hidden])").first
        field.fill(totp_code(device))
        with tab.expect_navigation():
            field.press("Enter")
    if "/accounts/" in tab.url:
        tab.screenshot(path=str(MEDIA.parent / f"screens-sign-in-{username}.png"))
        raise SystemExit(f"{username} could not sign in: still on {tab.url}")


def photograph_anonymous(browser, base_url: str, out: Path) -> list[Shot]:
    tabs = {lang: new_tab(browser, base_url, lang) for lang in LANGUAGES}
    folder = out / "anonymous"
    folder.mkdir(parents=True, exist_ok=True)
    shot = photograph(tabs, Page("accounts:login", "/accounts/login/"), folder, False)
    for tab in tabs.values():
        tab.context.close()
    return [shot]


def photograph_role(browser, base_url: str, role: str, demo: Demo, out: Path, only: set[str]) -> list[Shot]:
    """Signed in once (a two-factor code is good once); the other language's context shares the session cookie."""
    first = new_tab(browser, base_url, LANGUAGES[0])
    sign_in(first.page, ACCOUNTS[role], demo.devices[role])
    tabs = {LANGUAGES[0]: first}
    for lang in LANGUAGES[1:]:
        tabs[lang] = new_tab(browser, base_url, lang, cookies=first.context.cookies())
    folder = out / role
    folder.mkdir(parents=True, exist_ok=True)
    shots = []
    for page in pages_for(role, demo):
        if only and page.name not in only:
            continue
        log(f"{role}: {page.name}")
        try:
            shots.append(photograph(tabs, page, folder, page.name in FORMS_WITH_ERRORS))
        except Exception as exc:  # noqa: BLE001 - one page's failure is noted in the index; the others go on
            shots.append(Shot(role, page.name, notes=[f"failed: {type(exc).__name__}: {str(exc)[:200]}"]))
    for tab in tabs.values():
        tab.context.close()
    return shots


# The index ---------------------------------------------------------------------------------------


def git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603, S607
    return result.stdout.strip()


def write_index(out: Path, shots: list[Shot], started: datetime.datetime) -> None:
    commit = git("rev-parse", "--short", "HEAD")
    dirty = (
        " (with uncommitted changes in the working tree)"
        if git("status", "--porcelain", "--untracked-files=no")
        else ""
    )
    lines = [
        "# Screenshots of every page of every role",
        "",
        f"Made by `make screens` (`scripts/screens.py`) on {started:%Y-%m-%d %H:%M} UTC from commit {commit}{dirty},",
        "with the demo data (`manage.py demo_data`) in a scratch database. Full pages, 1366 px (a laptop) and",
        "390 px (a phone) wide, in Latvian and English, reduced to 64 colours. Notes are what the script noticed;",
        "pages that redirect or download a file are listed without a picture.",
        "",
    ]
    for role in dict.fromkeys(shot.role for shot in shots):
        lines += [
            f"## {role}",
            "",
            "| page | lv 1366 | lv 390 | en 1366 | en 390 | notes |",
            "|---|---|---|---|---|---|",
        ]
        for shot in (shot for shot in shots if shot.role == role):
            cells = []
            for key in ("lv-1366", "lv-390", "en-1366", "en-390"):
                name = shot.files.get(key)
                errors = shot.files.get(f"errors-{key}")
                cell = f"[page]({role}/{name})" if name else ""
                cells.append(cell + (f" · [errors]({role}/{errors})" if errors else ""))
            notes = "; ".join(dict.fromkeys(shot.notes)).replace("|", "\\|")
            lines.append(f"| `{shot.page}` | {' | '.join(cells)} | {notes} |")
        lines.append("")
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")


# The run -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of every page of every role into docs/screens/.")
    parser.add_argument("--roles", default=",".join(ACCOUNTS), help="comma-separated, of " + ", ".join(ACCOUNTS))
    parser.add_argument("--pages", default="", help="comma-separated URL names (default: all)")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    started = datetime.datetime.now(tz=datetime.UTC)
    out = Path(args.out)
    roles = [role for role in args.roles.split(",") if role]
    only = {name for name in args.pages.split(",") if name}

    url = os.environ["DATABASE_URL"]
    log(f"re-creating the scratch database {urlsplit(url).path.lstrip('/')}")
    recreate_database(url)
    log("migrating and loading the demo data")
    demo = load_demo()

    # A whole run replaces the folder and its index; a narrowed one (--roles, --pages) only its own pictures.
    whole = not only and set(roles) == set(ACCOUNTS)
    if whole:
        shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = start_server(dict(os.environ), port, MEDIA / "server.log")
    base_url = f"http://127.0.0.1:{port}"
    BASE_URL[0] = base_url
    log(f"serving on {base_url}")
    shots: list[Shot] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            if not only or "accounts:login" in only:
                shots += photograph_anonymous(browser, base_url, out)
            for role in roles:
                shots += photograph_role(browser, base_url, role, demo, out, only)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(MEDIA, ignore_errors=True)
    if whole:
        write_index(out, shots, started)
    else:
        for shot in shots:
            log(f"{shot.role} {shot.page}: {'; '.join(shot.notes) or 'ok'}")
    size = sum(path.stat().st_size for path in out.rglob("*.png"))
    log(f"{sum(len(shot.files) for shot in shots)} pictures, {size / 1e6:.1f} MB in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A fund coordinator reaches figures only: seeded canary names and birth dates appear nowhere they can go."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
from html.parser import HTMLParser

import openpyxl
import pytest
from django.urls import reverse

from clients.choices import StaffRole
from plans.models import Contact
from reporting.models import JobState, ReportJob
from tests.factories import ClientFactory, ContractFactory, FamilyFactory, StaffFactory

CANARY_FIRST, CANARY_LAST = "Zubeidaqx", "Canarovicz"
CANARY_BIRTH = datetime.date(1931, 7, 13)
CANARY_FORMS = (CANARY_FIRST, CANARY_LAST, "1931-07-13", "13.07.1931", "13/07/1931", "13 Jul 1931", "C-CANARY")
MARCH = "?kind=month&month=2026-03&language=lv"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.links.append(href)


def assert_no_canary(where: str, text: str) -> None:
    found = [canary for canary in CANARY_FORMS if canary.lower() in text.lower()]
    assert found == [], f"{where} shows {found}"


@pytest.fixture
def canaries(provider, social_worker, mentor):
    """Persons served this March by the provider, with unmistakable names and birth dates."""
    ContractFactory(provider=provider, number="S-SIF-CANARY", planned_persons_per_month=10)
    family = FamilyFactory(family_ref="F-CANARY", name=CANARY_LAST, provider=provider)
    staff = StaffFactory(role=StaffRole.MENTOR, provider=provider)
    for index in range(3):
        client = ClientFactory(
            client_ref=f"C-CANARY-{index}",
            first_name=CANARY_FIRST,
            last_name=CANARY_LAST,
            birth_date=CANARY_BIRTH,
            provider=provider,
            family=family,
        )
        contact = Contact.objects.create(
            contact_ref=f"K-CANARY-{index}",
            date=datetime.date(2026, 3, 10 + index),
            staff=staff,
            form="in_person",
            duration_minutes=60,
            note=f"Met {CANARY_FIRST} {CANARY_LAST}",
        )
        contact.clients.add(client)


def test_a_coordinator_crawling_every_page_finds_no_person(client, coordinator, canaries, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(coordinator)
    start_pages = [
        reverse("home"),
        reverse("reporting:index") + MARCH,
        reverse("reporting:archive"),
        reverse("reporting:compare") + MARCH,  # the providers compared (issue 21), and its XLSX link
    ]
    seen: set[str] = set()
    queue = list(start_pages)
    while queue and len(seen) < 200:
        url = queue.pop(0)
        if url in seen or url.startswith(reverse("accounts:logout")):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        content_type = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if content_type.startswith("text/html"):
            text = body.decode()
            assert_no_canary(url, text)
            parser = Links()
            parser.feed(text)
            queue.extend(link for link in parser.links if link not in seen)
        elif "spreadsheetml" in content_type:
            workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
            cells = " ".join(str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row)
            assert_no_canary(url, cells)
        else:
            assert_no_canary(url, body.decode("utf-8", "replace"))
    assert len(seen) > 5
    # The figures did count the canaries: the crawl looked at a report that holds them.
    figures = client.get(reverse("reporting:figures_json") + MARCH + "&provider=")
    assert figures.status_code == 200


def test_a_coordinators_pdf_and_downloads_hold_no_person(
    client, coordinator, provider, canaries, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(coordinator)
    for suffix in ("", f"&provider={provider.pk}"):
        for download in ("reporting:figures_json", "reporting:figures_xlsx", "reporting:compare_xlsx"):
            response = client.get(reverse(download) + MARCH + suffix)
            assert response.status_code == 200
            body = response.content
            if download.endswith("xlsx"):
                workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
                body = " ".join(
                    str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row
                ).encode()
            assert_no_canary(download, body.decode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reporting:job_create"),
            # No narrative is written: the coordinator confirms a draft (issue 17).
            {"kind": "month", "month": "2026-03", "provider": provider.pk, "language": "lv", "draft": "1"},
        )
    job = ReportJob.objects.get()
    assert job.state == JobState.DONE
    pdf = b"".join(client.get(reverse("reporting:job_download", args=[job.pk])).streaming_content)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"\b3\b", text), "the report counts the three canaries"
    assert_no_canary("PDF", text)

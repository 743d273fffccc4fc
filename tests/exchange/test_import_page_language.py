"""The import page speaks Latvian: its field's label and help were marked under an alias makemessages skips."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_import_page_names_its_files_field_in_latvian(client, manager):
    client.force_login(manager)
    page = client.get(reverse("exchange:import")).content.decode()
    assert "Faili" in page
    assert "Viena .xlsx darbgrāmata ar atsevišķu lapu katram failam" in page
    assert "Files" not in page
    assert "One .xlsx workbook" not in page


def test_the_import_page_in_english_says_files(client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("exchange:import")).content.decode()
    assert "Files" in page
    assert "One .xlsx workbook with a sheet for each file" in page

"""The contact form's errors are visible: beside each field whatever its widget, and summed up at the top."""

import datetime
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _post_without_a_form(client, person):
    data = {"date": datetime.date.today().isoformat(), "members": [person.pk], "duration_minutes": 15}
    return client.post(reverse("plans:contact_create", args=[person.pk]), data)


def _block(page: str, element_id: str) -> str:
    """The HTML from the element with this id to the end of the field's wrapper."""
    start = page.index(f'id="{element_id}"')
    return page[start : page.index('<div id="div_', start + 1)]


def test_the_missing_form_of_contact_is_shown_beside_the_radio_group(client, social_worker, assigned_client):
    client.force_login(social_worker)
    page = _post_without_a_form(client, assigned_client).content.decode()
    group = _block(page, "div_id_form")
    # Bootstrap hides .invalid-feedback unless it follows an .is-invalid sibling: inline radios have none, so d-block.
    error = re.search(r'<div id="id_form_error" class="([^"]*)">(.*?)</div>', group, re.S)
    assert error, group
    assert "invalid-feedback" in error.group(1).split()
    assert "d-block" in error.group(1).split()
    assert "This field is required." in error.group(2)
    assert '<fieldset aria-describedby="id_form_error">' in group
    assert group.count('aria-invalid="true"') == 4


def test_the_summary_at_the_top_links_each_error_to_its_field(client, social_worker, assigned_client):
    client.force_login(social_worker)
    page = _post_without_a_form(client, assigned_client).content.decode()
    summary = re.search(r'<div class="alert alert-danger form-errors" role="alert"([^>]*)>(.*?)</div>', page, re.S)
    assert summary
    assert "autofocus" in summary.group(1)
    assert 'tabindex="-1"' in summary.group(1)
    assert '<a class="alert-link" href="#id_form_0">Form</a>: This field is required.' in summary.group(2)
    assert page.index("form-errors") < page.index('id="div_id_date"')


def test_a_valid_form_shows_no_summary(client, social_worker, assigned_client):
    client.force_login(social_worker)
    page = client.get(reverse("plans:contact_create", args=[assigned_client.pk])).content.decode()
    assert "form-errors" not in page
    assert "invalid-feedback" not in page

"""Django's own messages on the sign-in and password pages, in the Latvian the rest of the app speaks (issue 17)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_wrong_current_password_is_named_formally_in_latvian(client, social_worker):
    client.force_login(social_worker)
    new = "a-new-long-passphrase"
    form = {"old_password": "not-it", "new_password1": new, "new_password2": new}
    page = client.post(reverse("accounts:password_change"), form).content.decode()
    assert "Pašreizējā parole ievadīta nepareizi. Lūdzu, ievadiet to vēlreiz." in page
    assert "Tava" not in page


def test_a_password_like_the_last_name_names_the_field_in_the_right_case(social_worker):
    with translation.override("lv"), pytest.raises(ValidationError) as refused:
        validate_password(f"{social_worker.last_name}12345", social_worker)
    assert "Parole ir pārāk līdzīga laukam „uzvārds”." in refused.value.messages


def test_a_too_short_password_has_its_latvian_plural(social_worker):
    with translation.override("lv"), pytest.raises(ValidationError) as refused:
        validate_password("short", social_worker)
    assert any("vismaz" in message and "zīmēm" in message for message in refused.value.messages)

"""Sign-in, sign-out, each role's home page and the language switch."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLE_HEADINGS = {
    "social_worker": ("Mans klientu loks", "My caseload"),
    "mentor": ("Mani uzdevumi un klienti", "My tasks and clients"),
    "manager": ("Mēnesis īsumā", "The month at a glance"),
    "coordinator": ("Pakalpojuma sniedzēju ziņojumi", "Providers' reports"),
}


def test_the_login_page_is_in_latvian_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Pierakstīties" in response.content.decode()


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_signs_in_with_a_password(client, social_worker):
    response = client.post(reverse("accounts:login"), {"username": "sw", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_wrong_password_is_refused_with_a_message(client, social_worker):
    response = client.post(reverse("accounts:login"), {"username": "sw", "password": "wrong-password-1"})
    assert response.status_code == 200
    assert "Nepareizs lietotājvārds vai parole." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", sorted(ROLE_HEADINGS))
def test_each_role_lands_on_its_own_home_page(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert ROLE_HEADINGS[role][0] in response.content.decode()


def test_sign_out_ends_the_session(client, social_worker):
    client.force_login(social_worker)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("role", sorted(ROLE_HEADINGS))
def test_the_language_switch_shows_the_page_in_english(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert ROLE_HEADINGS[role][1] in page
    assert '<html lang="en">' in page


def test_signed_in_pages_are_never_stored_by_the_browser(client, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_an_english_browser_still_gets_latvian_until_the_switch_is_used(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="lv">' in response.content.decode()

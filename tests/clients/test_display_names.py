"""One way of writing a name on every screen: "Surname First", as the lists sort; the family labelled as such."""

import pytest
from django.urls import reverse

from clients.choices import StaffRole
from clients.forms import ClientForm, FamilyAddMemberForm
from tests.factories import ClientFactory, FamilyFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def amina(provider, mentor, social_worker):
    family = FamilyFactory(provider=provider, name="Darwish")
    return ClientFactory(
        provider=provider,
        first_name="Amina",
        last_name="Darwish",
        family=family,
        mentor=mentor.staff,
        social_worker=social_worker.staff,
    )


def test_a_client_is_surname_first(amina):
    assert amina.display_name == "Darwish Amina"
    assert str(amina) == "Darwish Amina"


@pytest.mark.parametrize("who", ["social_worker", "mentor"])
def test_every_page_of_the_client_writes_the_name_surname_first(client, request, amina, who):
    client.force_login(request.getfixturevalue(who))
    pages = [
        reverse("home"),
        reverse("clients:list"),
        reverse("clients:detail", args=[amina.pk]),
        reverse("clients:family_detail", args=[amina.family_id]),
        reverse("plans:timeline", args=[amina.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Darwish Amina" in html, url
        assert "Amina Darwish" not in html, url


def test_the_family_is_labelled_as_the_family(client, social_worker, amina):
    client.force_login(social_worker)
    for url in (reverse("home"), reverse("clients:detail", args=[amina.pk])):
        html = client.get(url).content.decode()
        assert "Family: Darwish" in html, url
        assert "· Darwish<" not in html, url


def test_the_staff_choices_are_in_latvian_alphabetical_order_surname_first(social_worker, provider):
    for first, last in [("Zane", "Zariņa"), ("Ēriks", "Čakste"), ("Ilze", "Cīrule"), ("Anna", "Dārziņa")]:
        StaffFactory(provider=provider, role=StaffRole.MENTOR, first_name=first, last_name=last)
    StaffFactory(provider=provider, role=StaffRole.MENTOR, first_name="Old", last_name="Aaa", is_active=False)
    form = ClientForm(user=social_worker)
    labels = [label for value, label in form.fields["mentor"].choices if value]
    assert labels == ["Cīrule Ilze", "Čakste Ēriks", "Dārziņa Anna", "Zariņa Zane"]


def test_a_choice_of_clients_is_in_name_order_surname_first(social_worker, provider):
    family = FamilyFactory(provider=provider)
    ClientFactory(provider=provider, first_name="Omar", last_name="Šarifi", client_ref="R2")
    ClientFactory(provider=provider, first_name="Ali", last_name="Sadiq", client_ref="R1")
    form = FamilyAddMemberForm(user=social_worker, family=family)
    labels = [label for value, label in form.fields["client"].choices if value]
    assert labels == ["R1 · Sadiq Ali", "R2 · Šarifi Omar"]

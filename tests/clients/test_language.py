"""Language and interpretation (casework.md): a client's languages (ISO 639-1, named in the user's language), level
of Latvian and need of an interpreter on the form, the page and the list's filters; a contact's interpreter."""

import datetime

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation

from clients.filters import ClientFilter
from clients.languages import language_choices, language_codes, language_name
from clients.models import Client
from clients.selectors import client_list
from plans.models import Contact
from privacy.services import client_anonymise, client_data_export
from tests.factories import ClientFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


# The list of languages ------------------------------------------------------------------------


def test_the_languages_are_iso_639_1_named_in_the_users_language():
    codes = language_codes()
    assert {"ar", "ru", "uk", "fa", "ps", "ku", "ti", "so", "lv", "en"} <= codes
    assert all(len(code) == 2 for code in codes)
    assert language_name("ar", "en") == "Arabic" and language_name("ar", "lv") == "Arābu"
    assert language_name("uk", "lv") == "Ukraiņu"
    with translation.override("lv"):
        assert language_name("ru") == "Krievu"


def test_the_choices_are_in_alphabetical_order_of_the_latvian_names():
    names = [name for _code, name in language_choices("lv")]
    # Latvian: c before č, s before š.
    assert names.index("Čehu") > max(i for i, n in enumerate(names) if n.startswith("C"))
    assert names.index("Šonu") > max(i for i, n in enumerate(names) if n.startswith("S"))


# The form and the page --------------------------------------------------------------------------


def _edit_data(client, person, **changes):
    form = client.get(reverse("clients:edit", args=[person.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, [])}
    data.update(birth_date="1990-05-17", service_start="2026-01-10", interpreter_needed="unknown")
    data["social_worker"] = person.social_worker_id
    data["mentor"] = person.mentor_id
    data.update(changes)
    return data


def test_the_record_keeps_the_languages_the_level_and_the_interpreter(client, social_worker, assigned_client, settings):
    client.force_login(social_worker)
    url = reverse("clients:edit", args=[assigned_client.pk])
    data = _edit_data(
        client,
        assigned_client,
        languages=["ar", "ru"],
        latvian_level="A2",
        interpreter_needed="true",
        interpreter_language="ar",
    )
    assert client.post(url, data).status_code == 302
    assigned_client.refresh_from_db()
    assert assigned_client.languages == ["ar", "ru"]
    assert (assigned_client.latvian_level, assigned_client.interpreter_needed) == ("A2", True)
    assert assigned_client.interpreter_language == "ar"
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert "Arabic, Russian" in page and "needed: Arabic" in page
    # In the user's language.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lv"
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert "Arābu, Krievu" in page


def test_an_unknown_language_is_refused(client, social_worker, assigned_client):
    client.force_login(social_worker)
    url = reverse("clients:edit", args=[assigned_client.pk])
    response = client.post(url, _edit_data(client, assigned_client, languages=["xx"]))
    assert response.status_code == 200 and "languages" in response.context["form"].errors
    assigned_client.refresh_from_db()
    assert assigned_client.languages == []


def test_an_interpreters_language_only_when_one_is_needed(client, social_worker, assigned_client):
    client.force_login(social_worker)
    url = reverse("clients:edit", args=[assigned_client.pk])
    response = client.post(
        url, _edit_data(client, assigned_client, interpreter_needed="false", interpreter_language="ar")
    )
    assert response.status_code == 200 and "interpreter_language" in response.context["form"].errors


def test_intake_takes_the_languages_too(client, social_worker):
    client.force_login(social_worker)
    data = {
        "first_name": "Muhammad",
        "last_name": "Haddad",
        "gender": "M",
        "birth_date": "1988-04-02",
        "country": "SY",
        "arrival_route": "relocation",
        "service_start": "2026-03-01",
        "languages": ["ar", "ku"],
        "latvian_level": "none",
        "interpreter_needed": "true",
        "interpreter_language": "ar",
    }
    response = client.post(reverse("clients:create"), data)
    assert response.status_code == 302, response.context["form"].errors
    person = social_worker.provider.clients.get(last_name="Haddad")
    assert (person.languages, person.latvian_level, person.interpreter_needed) == (["ar", "ku"], "none", True)


# The client list's filters ---------------------------------------------------------------------


@pytest.fixture
def speakers(provider, other_provider):
    return {
        "arabic": ClientFactory(
            provider=provider,
            first_name="Arabic",
            languages=["ar", "en"],
            latvian_level="A1",
            interpreter_needed=True,
            interpreter_language="ar",
        ),  # fmt: skip
        "russian": ClientFactory(
            provider=provider, first_name="Russian", languages=["ru"], latvian_level="B1", interpreter_needed=False
        ),  # fmt: skip
        "unknown": ClientFactory(provider=provider, first_name="Unknown"),
        "foreign": ClientFactory(provider=other_provider, first_name="Foreign", languages=["ar", "ti"]),
    }


def _listed(client, **query):
    page = client.get(reverse("clients:list"), query)
    return sorted(c.first_name for c in page.context["page"].object_list), page


def test_the_list_filters_by_language_spoken(client, social_worker, speakers):
    client.force_login(social_worker)
    assert _listed(client, language="ar")[0] == ["Arabic"]
    assert _listed(client, language="ru")[0] == ["Russian"]
    # Only the languages the provider's clients speak are offered (not another provider's Tigrinya).
    offered = dict(_listed(client)[1].context["filter"].filters["language"].extra["choices"])
    assert set(offered) == {"ar", "en", "ru"} and offered["ar"] == "Arabic"


def test_the_list_filters_by_latvian_level_and_interpreter(client, social_worker, speakers):
    client.force_login(social_worker)
    assert _listed(client, latvian_level="B1")[0] == ["Russian"]
    assert _listed(client, interpreter_needed="true")[0] == ["Arabic"]
    assert _listed(client, interpreter_needed="false")[0] == ["Russian"]


def test_the_language_filter_is_served_by_the_gin_index(social_worker, speakers):
    found = ClientFilter({"language": "ar"}, queryset=client_list(user=social_worker), user=social_worker).qs
    assert "@>" in str(found.query)
    # The filter's condition, as the list asks it, is one the GIN index answers.
    sql, params = Client.objects.filter(languages__contains=["ar"]).values("pk").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "client_languages_gin" in plan


# A contact's interpreter -----------------------------------------------------------------------


def test_a_contact_records_whether_an_interpreter_took_part(client, mentor, assigned_client):
    client.force_login(mentor)
    data = {"date": datetime.date.today().isoformat(), "members": [assigned_client.pk], "form": "in_person"}
    url = reverse("plans:contact_create", args=[assigned_client.pk])
    assert client.post(url, {**data, "interpreter": "on"}).status_code == 302
    assert client.post(url, data).status_code == 302
    assert sorted(Contact.objects.values_list("interpreter", flat=True)) == [False, True]
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert page.count('data-testid="contact-interpreter"') == 1
    timeline = client.get(reverse("plans:timeline", args=[assigned_client.pk])).content.decode()
    assert timeline.count('data-testid="contact-interpreter"') == 1


def test_a_contact_without_an_interpreter_says_nothing_of_one(client, mentor, assigned_client):
    contact = ContactFactory(staff=mentor.staff, interpreter=False)
    contact.clients.set([assigned_client])
    client.force_login(mentor)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert 'data-testid="contact-interpreter"' not in page


# The person's data ----------------------------------------------------------------------------


def test_the_export_holds_the_language_fields_and_anonymisation_keeps_them(provider):
    person = ClientFactory(
        provider=provider,
        languages=["fa", "en"],
        latvian_level="A1",
        interpreter_needed=True,
        interpreter_language="fa",
        service_start=datetime.date(2015, 1, 1),
        service_end=datetime.date(2016, 1, 1),
    )
    exported = client_data_export(client=person)["person"]
    assert [row["code"] for row in exported["languages"]] == ["fa", "en"]
    assert exported["languages"][0]["label"] == "Persian"
    assert (exported["latvian_level"], exported["interpreter_needed"], exported["interpreter_language"]) == (
        "A1",
        True,
        "fa",
    )
    client_anonymise(client=person, by=None, today=datetime.date.today())
    person.refresh_from_db()
    assert person.anonymised_at is not None
    # Not identifying (like the country), and counted: kept.
    assert (person.languages, person.latvian_level, person.interpreter_language) == (["fa", "en"], "A1", "fa")


def test_the_edit_form_shows_the_stored_interpreter_need_and_keeps_it(client, social_worker, assigned_client):
    assigned_client.interpreter_needed, assigned_client.interpreter_language = True, "ar"
    assigned_client.languages = ["ar"]
    assigned_client.save()
    client.force_login(social_worker)
    url = reverse("clients:edit", args=[assigned_client.pk])
    page = client.get(url).content.decode()
    assert '<option value="true" selected>' in page
    # Saved again as shown, nothing changes.
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, [], "")}
    data["interpreter_needed"] = form["interpreter_needed"].value()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assigned_client.refresh_from_db()
    assert (assigned_client.interpreter_needed, assigned_client.interpreter_language) == (True, "ar")
    assert assigned_client.languages == ["ar"]

"""The client-record pages: who may open each, what they show, what they write."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client, Family, LegalStatusEntry, ProviderHandover, ResidenceEntry

from ..factories import ClientFactory, FamilyFactory, LegalStatusEntryFactory, ResidenceEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The fixtures' users are made for every test; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


ROLES = ["social_worker", "mentor", "manager", "coordinator", "outsider", "anonymous"]

# url name -> (takes: "client" | "family" | None, the wrong method, status per role)
ACCESS = {
    "list": (None, "post", [200, 200, 200, 404, 200, 302]),
    "detail": ("client", "post", [200, 200, 200, 404, 404, 302]),
    "create": (None, "put", [200, 403, 200, 404, 200, 302]),
    "edit": ("client", "delete", [200, 403, 200, 404, 404, 302]),
    "status_change": ("client", "put", [200, 403, 200, 404, 404, 302]),
    "residence_change": ("client", "put", [200, 403, 200, 404, 404, 302]),
    "handover": ("client", "put", [403, 403, 200, 404, 404, 302]),
    "merge": ("client", "put", [403, 403, 200, 404, 404, 302]),
    "family_list": (None, "post", [200, 200, 200, 404, 200, 302]),
    "family_detail": ("family", "post", [200, 200, 200, 404, 404, 302]),
    "family_create": (None, "put", [200, 403, 200, 404, 200, 302]),
    "family_add_member": ("family", "put", [200, 403, 200, 404, 404, 302]),
}

CASES = [(name, role, statuses[i]) for name, (_, _, statuses) in ACCESS.items() for i, role in enumerate(ROLES)]


@pytest.fixture
def family(assigned_client):
    family = FamilyFactory(name="Haddad", provider=assigned_client.provider)
    assigned_client.family = family
    assigned_client.save()
    return family


def _url(name, assigned_client, family):
    takes = ACCESS[name][0]
    if takes == "client":
        return reverse(f"clients:{name}", args=[assigned_client.pk])
    if takes == "family":
        return reverse(f"clients:{name}", args=[family.pk])
    return reverse(f"clients:{name}")


@pytest.mark.parametrize(("name", "role", "status"), CASES)
def test_each_role_gets_what_the_access_table_allows(client, request, assigned_client, family, name, role, status):
    for other in ("social_worker", "mentor", "manager", "coordinator", "outsider"):
        request.getfixturevalue(other)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(_url(name, assigned_client, family))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_a_wrong_http_method_is_refused(client, manager, assigned_client, family, name):
    client.force_login(manager)
    method = ACCESS[name][1]
    response = getattr(client, method)(_url(name, assigned_client, family))
    assert response.status_code == 405


def test_a_mentor_does_not_see_an_unassigned_client(client, mentor, unassigned_client):
    client.force_login(mentor)
    assert client.get(reverse("clients:detail", args=[unassigned_client.pk])).status_code == 404
    listing = client.get(reverse("clients:list"))
    assert [c.pk for c in listing.context["page"]] == []


def test_a_mentor_sees_the_assigned_client_in_the_list(client, mentor, assigned_client, unassigned_client):
    client.force_login(mentor)
    response = client.get(reverse("clients:list"))
    assert [c.pk for c in response.context["page"]] == [assigned_client.pk]


def test_the_list_shows_the_providers_clients_and_never_another_providers(
    client, social_worker, assigned_client, unassigned_client, foreign_client
):
    client.force_login(social_worker)
    response = client.get(reverse("clients:list"))
    shown = {c.pk for c in response.context["page"]}
    assert shown == {assigned_client.pk, unassigned_client.pk}


def test_an_outsider_gets_404_for_another_providers_client(client, outsider, assigned_client):
    client.force_login(outsider)
    for name in ("detail", "edit", "status_change", "residence_change"):
        assert client.get(reverse(f"clients:{name}", args=[assigned_client.pk])).status_code == 404


def test_a_mentor_sees_the_family_of_an_assigned_client_but_not_others(client, mentor, family, unassigned_client):
    other_family = FamilyFactory(provider=unassigned_client.provider)
    unassigned_client.family = other_family
    unassigned_client.save()
    client.force_login(mentor)
    assert client.get(reverse("clients:family_detail", args=[family.pk])).status_code == 200
    assert client.get(reverse("clients:family_detail", args=[other_family.pk])).status_code == 404


def test_the_list_searches_by_name_loosely_and_by_reference(client, social_worker, provider):
    muhammad = ClientFactory(provider=provider, first_name="Muhammad", last_name="Haddad", client_ref="LSK-0101")
    ClientFactory(provider=provider, first_name="Zahra", last_name="Rahimi", client_ref="LSK-0102")
    client.force_login(social_worker)
    by_name = client.get(reverse("clients:list"), {"q": "mohammed"})
    assert [c.pk for c in by_name.context["page"]] == [muhammad.pk]
    by_ref = client.get(reverse("clients:list"), {"q": "0101"})
    assert [c.pk for c in by_ref.context["page"]] == [muhammad.pk]


def test_the_list_filters_on_the_current_legal_status(client, social_worker, provider):
    refugee = ClientFactory(provider=provider)
    LegalStatusEntryFactory(client=refugee, legal_status="asylum_seeker", since=datetime.date(2025, 1, 1))
    LegalStatusEntryFactory(client=refugee, legal_status="refugee", since=datetime.date(2026, 2, 1))
    seeker = ClientFactory(provider=provider)
    LegalStatusEntryFactory(client=seeker, legal_status="asylum_seeker", since=datetime.date(2026, 1, 1))
    client.force_login(social_worker)
    response = client.get(reverse("clients:list"), {"legal_status": "asylum_seeker"})
    assert [c.pk for c in response.context["page"]] == [seeker.pk]
    response = client.get(reverse("clients:list"), {"legal_status": "refugee"})
    assert [c.pk for c in response.context["page"]] == [refugee.pk]


def test_the_list_filters_on_country_family_assignment_and_closed_cases(
    client, social_worker, provider, assigned_client, unassigned_client, family
):
    closed = ClientFactory(provider=provider, country="SY", service_end=datetime.date(2026, 6, 30))
    client.force_login(social_worker)

    def shown(**params):
        return {c.pk for c in client.get(reverse("clients:list"), params).context["page"]}

    assert shown(country="SY") == {closed.pk}
    assert shown(family=family.family_ref) == {assigned_client.pk}
    assert shown(mine="on") == {assigned_client.pk}
    assert shown(case="closed") == {closed.pk}
    assert shown(case="active") == {assigned_client.pk, unassigned_client.pk}


def test_the_list_is_paginated_by_25(client, social_worker, provider):
    ClientFactory.create_batch(30, provider=provider)
    client.force_login(social_worker)
    first = client.get(reverse("clients:list"))
    assert len(first.context["page"]) == 25
    second = client.get(reverse("clients:list"), {"page": 2})
    assert len(second.context["page"]) == 5


def _list_queries(client, user):
    cache.clear()  # the clients' countries and languages read each time (kept a few minutes otherwise)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("clients:list"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["social_worker", "mentor", "manager"])
def test_the_list_needs_as_many_queries_for_30_clients_as_for_5(client, request, provider, family, role):
    user = request.getfixturevalue(role)
    social_worker = request.getfixturevalue("social_worker")
    mentor = request.getfixturevalue("mentor")

    def add(n):
        for _ in range(n):
            c = ClientFactory(provider=provider, family=family, social_worker=social_worker.staff, mentor=mentor.staff)
            LegalStatusEntryFactory(client=c)
            ResidenceEntryFactory(client=c)

    client.force_login(user)
    add(4)
    few = _list_queries(client, user)
    add(25)
    many = _list_queries(client, user)
    assert few == many


def test_the_countries_and_languages_of_the_filters_are_read_once_in_a_while(
    client, social_worker, assigned_client, provider
):
    # They are read from every client the person sees: kept CODES_KEPT_SECONDS, codes only, no person.
    assigned_client.languages = ["ar"]
    assigned_client.country = "SY"
    assigned_client.save()
    cache.clear()
    client.force_login(social_worker)

    def choices():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("clients:list"))
        names = [q["sql"] for q in queries]
        reads = sum("unnest" in sql or 'DISTINCT "clients_client"."country"' in sql for sql in names)
        form = page.context["filter"].form
        return reads, [c for c, _ in form.fields["language"].choices], [c for c, _ in form.fields["country"].choices]

    assert choices() == (2, ["", "ar"], ["", "SY"])
    ClientFactory(provider=provider, languages=["fa"], country="AF")
    assert choices() == (0, ["", "ar"], ["", "SY"])  # kept: the new ones show within the time
    cache.clear()
    assert choices() == (2, ["", "ar", "fa"], ["", "AF", "SY"])


def test_the_list_shows_current_status_and_staff_in_english(client, social_worker, assigned_client):
    LegalStatusEntryFactory(client=assigned_client, legal_status="refugee")
    client.cookies["django_language"] = "en"
    client.force_login(social_worker)
    page = client.get(reverse("clients:list")).content.decode()
    assert "Refugee status" in page
    assert assigned_client.client_ref in page
    assert str(assigned_client.mentor) in page


def test_the_client_page_shows_the_record_histories_and_family(client, social_worker, assigned_client, family):
    sister = ClientFactory(provider=assigned_client.provider, family=family, first_name="Noor")
    LegalStatusEntryFactory(client=assigned_client, legal_status="asylum_seeker", since=datetime.date(2025, 3, 1))
    LegalStatusEntryFactory(client=assigned_client, legal_status="refugee", since=datetime.date(2026, 2, 1))
    ResidenceEntryFactory(client=assigned_client, residence="Rīga", since=datetime.date(2026, 3, 1))
    client.cookies["django_language"] = "en"
    client.force_login(social_worker)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert "Asylum seeker" in page and "Refugee status" in page
    assert "Rīga" in page
    assert "Noor" in page and reverse("clients:detail", args=[sister.pk]) in page
    assert "01/02/2026" in page


def test_the_client_page_shows_dates_in_latvian_format_by_default(client, social_worker, assigned_client):
    LegalStatusEntryFactory(client=assigned_client, since=datetime.date(2026, 2, 1))
    client.force_login(social_worker)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert "01.02.2026" in page


def test_a_mentor_sees_no_edit_buttons_on_the_client_page(client, mentor, assigned_client):
    client.force_login(mentor)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert reverse("clients:edit", args=[assigned_client.pk]) not in page
    assert reverse("clients:status_change", args=[assigned_client.pk]) not in page


def _intake(**overrides):
    data = {
        "client_ref": "LSK-0500",
        "first_name": "Muhammad",
        "last_name": "Haddad",
        "gender": "M",
        "birth_date": "1988-04-02",
        "country": "SY",
        "arrival_route": "relocation",
        "service_start": "2026-03-01",
        "legal_status": "asylum_seeker",
        "in_reception_centre": "on",
    }
    data.update(overrides)
    return data


def test_intake_opens_a_record_with_its_first_status_and_residence(client, social_worker):
    client.force_login(social_worker)
    response = client.post(reverse("clients:create"), _intake())
    new = Client.objects.get(first_name="Muhammad", last_name="Haddad")
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[new.pk])
    assert new.provider == social_worker.provider
    assert list(new.legal_statuses.values_list("legal_status", "since")) == [
        ("asylum_seeker", datetime.date(2026, 3, 1))
    ]
    assert list(new.residences.values_list("residence", flat=True)) == ["reception_centre"]


def test_intake_shows_possible_duplicates_and_saves_nothing_until_confirmed(client, social_worker, provider):
    existing = ClientFactory(
        provider=provider, first_name="Mohammed", last_name="Hadad", birth_date=datetime.date(1988, 4, 2), country="SY"
    )
    client.force_login(social_worker)
    response = client.post(reverse("clients:create"), _intake())
    assert response.status_code == 200
    assert [d.pk for d in response.context["duplicates"]] == [existing.pk]
    assert not Client.objects.filter(first_name="Muhammad").exists()

    response = client.post(reverse("clients:create"), _intake(confirm_new_person="on"))
    assert response.status_code == 302
    assert Client.objects.filter(first_name="Muhammad").exists()


def test_intake_does_not_show_another_providers_client_as_a_duplicate(client, social_worker, other_provider):
    ClientFactory(
        provider=other_provider,
        first_name="Muhammad",
        last_name="Haddad",
        birth_date=datetime.date(1988, 4, 2),
        country="SY",
    )
    client.force_login(social_worker)
    response = client.post(reverse("clients:create"), _intake())
    assert response.status_code == 302


def test_intake_refuses_a_reference_of_the_provider_beside_the_field(client, manager, unassigned_client):
    client.cookies["django_language"] = "en"
    client.force_login(manager)
    response = client.post(reverse("clients:create"), _intake(client_ref=unassigned_client.client_ref))
    assert response.status_code == 200
    assert "Your provider already has a client with the reference" in response.context["form"].errors["client_ref"][0]


def test_intake_takes_a_reference_another_provider_uses_and_says_nothing_of_it(client, manager, foreign_client):
    client.force_login(manager)
    response = client.post(reverse("clients:create"), _intake(client_ref=foreign_client.client_ref))
    assert response.status_code == 302
    made = Client.objects.get(provider=manager.provider, client_ref=foreign_client.client_ref)
    assert made.pk != foreign_client.pk
    foreign_client.refresh_from_db()
    assert foreign_client.provider_id != manager.provider_id


def test_editing_the_record_saves_the_changed_fields(client, social_worker, assigned_client):
    client.force_login(social_worker)
    url = reverse("clients:edit", args=[assigned_client.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(first_name="Aminah", birth_date="1990-05-17", service_start="2026-01-10")
    data["social_worker"] = assigned_client.social_worker_id
    data["mentor"] = assigned_client.mentor_id
    response = client.post(url, data)
    assert response.status_code == 302
    assigned_client.refresh_from_db()
    assert assigned_client.first_name == "Aminah"


def test_a_mentor_cannot_post_an_edit(client, mentor, assigned_client):
    client.force_login(mentor)
    response = client.post(reverse("clients:edit", args=[assigned_client.pk]), {"first_name": "X"})
    assert response.status_code == 403
    assigned_client.refresh_from_db()
    assert assigned_client.first_name == "Amina"


def test_the_edit_form_offers_only_the_providers_staff_and_visible_families(
    client, social_worker, outsider, assigned_client, family, foreign_client
):
    foreign_family = FamilyFactory(provider=foreign_client.provider)
    foreign_client.family = foreign_family
    foreign_client.save()
    client.force_login(social_worker)
    form = client.get(reverse("clients:edit", args=[assigned_client.pk])).context["form"]
    assert outsider.staff not in form.fields["social_worker"].queryset
    assert social_worker.staff in form.fields["social_worker"].queryset
    assert list(form.fields["family"].queryset) == [family]


def test_a_legal_status_change_adds_an_entry_and_keeps_the_earlier(client, social_worker, assigned_client):
    LegalStatusEntryFactory(client=assigned_client, legal_status="asylum_seeker", since=datetime.date(2026, 1, 10))
    client.force_login(social_worker)
    url = reverse("clients:status_change", args=[assigned_client.pk])
    response = client.post(url, {"legal_status": "refugee", "since": "2026-05-04"})
    assert response.status_code == 302
    assert list(assigned_client.legal_statuses.order_by("since").values_list("legal_status", flat=True)) == [
        "asylum_seeker",
        "refugee",
    ]


def test_a_second_status_on_the_same_day_is_refused(client, social_worker, assigned_client):
    LegalStatusEntryFactory(client=assigned_client, since=datetime.date(2026, 5, 4))
    client.force_login(social_worker)
    url = reverse("clients:status_change", args=[assigned_client.pk])
    response = client.post(url, {"legal_status": "refugee", "since": "2026-05-04"})
    assert response.status_code == 200
    assert "since" in response.context["form"].errors
    assert LegalStatusEntry.objects.filter(client=assigned_client).count() == 1


def test_a_residence_change_adds_an_entry(client, social_worker, assigned_client):
    ResidenceEntryFactory(client=assigned_client)
    client.force_login(social_worker)
    url = reverse("clients:residence_change", args=[assigned_client.pk])
    response = client.post(url, {"municipality": "Jūrmala", "since": "2026-06-01"})
    assert response.status_code == 302
    assert list(
        ResidenceEntry.objects.filter(client=assigned_client).order_by("since").values_list("residence", flat=True)
    ) == [
        "reception_centre",
        "Jūrmala",
    ]


def test_a_manager_hands_a_client_over_and_it_leaves_the_list(client, manager, assigned_client, other_provider):
    client.force_login(manager)
    url = reverse("clients:handover", args=[assigned_client.pk])
    response = client.post(url, {"to_provider": other_provider.pk, "date": "2026-07-01"})
    assert response.status_code == 302
    assert ProviderHandover.objects.filter(client=assigned_client, to_provider=other_provider).exists()
    assert client.get(reverse("clients:detail", args=[assigned_client.pk])).status_code == 404
    assert assigned_client.pk not in [c.pk for c in client.get(reverse("clients:list")).context["page"]]


def test_the_new_provider_sees_the_handed_over_client_with_its_history(
    client, manager, outsider, assigned_client, other_provider
):
    LegalStatusEntryFactory(client=assigned_client, legal_status="refugee")
    client.force_login(manager)
    client.post(
        reverse("clients:handover", args=[assigned_client.pk]), {"to_provider": other_provider.pk, "date": "2026-07-01"}
    )
    client.force_login(outsider)
    response = client.get(reverse("clients:detail", args=[assigned_client.pk]))
    assert response.status_code == 200
    assert [e.legal_status for e in response.context["client"].legal_statuses.all()] == ["refugee"]
    assert len(response.context["client"].handovers.all()) == 1


def test_a_manager_merges_a_second_record_into_the_first(client, manager, assigned_client, unassigned_client):
    client.force_login(manager)
    url = reverse("clients:merge", args=[assigned_client.pk])
    response = client.post(url, {"other": unassigned_client.pk, "confirm": "on"})
    assert response.status_code == 302
    assert not Client.objects.filter(pk=unassigned_client.pk).exists()


def test_merge_offers_no_other_providers_record(client, manager, assigned_client, foreign_client):
    client.force_login(manager)
    url = reverse("clients:merge", args=[assigned_client.pk])
    response = client.post(url, {"other": foreign_client.pk, "confirm": "on"})
    assert response.status_code == 200
    assert "other" in response.context["form"].errors
    assert Client.objects.filter(pk=foreign_client.pk).exists()


def test_a_social_worker_forms_a_family_and_adds_a_member(client, social_worker, assigned_client, unassigned_client):
    client.force_login(social_worker)
    response = client.post(reverse("clients:family_create"), {"name": "Haddad", "members": [assigned_client.pk]})
    family = Family.objects.get(name="Haddad")
    assert response.status_code == 302
    assert family.family_ref.startswith("LSK-F")
    response = client.post(reverse("clients:family_add_member", args=[family.pk]), {"client": unassigned_client.pk})
    assert response.status_code == 302
    assert set(family.members.values_list("pk", flat=True)) == {assigned_client.pk, unassigned_client.pk}


def test_a_family_cannot_take_another_providers_client(client, social_worker, family, foreign_client):
    client.force_login(social_worker)
    response = client.post(reverse("clients:family_add_member", args=[family.pk]), {"client": foreign_client.pk})
    assert response.status_code == 200
    foreign_client.refresh_from_db()
    assert foreign_client.family_id is None


def test_the_nav_shows_clients_to_a_social_worker_and_my_clients_to_a_mentor(client, social_worker, mentor):
    client.cookies["django_language"] = "en"
    client.force_login(social_worker)
    page = client.get(reverse("home")).content.decode()
    assert reverse("clients:list") in page and reverse("clients:family_list") in page
    client.force_login(mentor)
    page = client.get(reverse("home")).content.decode()
    assert "My clients" in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_client_page_needs_as_many_queries_for_a_long_history_as_for_a_short_one(
    client, social_worker, assigned_client, family, provider
):
    client.force_login(social_worker)
    url = reverse("clients:detail", args=[assigned_client.pk])
    LegalStatusEntryFactory(client=assigned_client, since=datetime.date(2025, 1, 1))
    short = _queries(client, url)
    for day in range(2, 12):
        LegalStatusEntryFactory(client=assigned_client, since=datetime.date(2025, 1, day))
        ResidenceEntryFactory(client=assigned_client, since=datetime.date(2025, 1, day))
        ClientFactory(provider=provider, family=family)
    assert _queries(client, url) == short


def test_the_family_list_needs_as_many_queries_for_many_families_as_for_one(client, social_worker, provider, family):
    client.force_login(social_worker)
    url = reverse("clients:family_list")
    one = _queries(client, url)
    for _ in range(10):
        ClientFactory.create_batch(2, provider=provider, family=FamilyFactory(provider=provider))
    assert _queries(client, url) == one

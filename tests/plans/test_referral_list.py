"""The provider's referral list (issue 19): who sees which rows, the filters, the order and pages, the outcome
recorded in place from the list, and a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import referrals, selectors
from plans.models import Institution, Referral
from tests.factories import ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
URL = "/plans/referrals/"


def _refer(staff, person, day, kind="employment", **kwargs):
    return Referral.objects.create(staff=staff, client=person, date=day, institution_kind=kind, **kwargs)


def _listed(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("plans:referral_list") + query)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


@pytest.fixture
def rows(social_worker, mentor, outsider, assigned_client, unassigned_client, foreign_client, today):
    """Referrals of an assigned client (by the social worker and by the mentor), of an unassigned client, and of
    another provider's client."""
    return {
        "assigned": _refer(social_worker.staff, assigned_client, today - 3 * DAY),
        "by_mentor": _refer(mentor.staff, assigned_client, today - DAY, kind="health"),
        "unassigned": _refer(social_worker.staff, unassigned_client, today - 2 * DAY, kind="housing"),
        "foreign": _refer(outsider.staff, foreign_client, today),
    }


def test_the_url_is_the_referral_list():
    assert reverse("plans:referral_list") == URL


# Who sees which rows --------------------------------------------------------------------------------


def test_a_social_worker_sees_the_providers_referrals_newest_first(client, social_worker, rows):
    assert _listed(client, social_worker) == [rows["by_mentor"], rows["unassigned"], rows["assigned"]]


def test_a_manager_without_a_staff_record_sees_the_providers_referrals(client, manager, rows):
    assert _listed(client, manager) == [rows["by_mentor"], rows["unassigned"], rows["assigned"]]


def test_a_mentor_sees_only_the_referrals_of_their_assigned_clients(client, mentor, rows):
    # The social worker's referral of the mentor's client is listed; the unassigned client's is not.
    assert _listed(client, mentor) == [rows["by_mentor"], rows["assigned"]]


def test_a_mentor_no_longer_sees_a_referral_they_made_once_the_client_is_not_theirs(
    client, mentor, assigned_client, rows
):
    assigned_client.mentor = None
    assigned_client.save(update_fields=["mentor"])
    assert _listed(client, mentor) == []


def test_another_provider_sees_only_its_own(client, outsider, rows):
    assert _listed(client, outsider) == [rows["foreign"]]


def test_a_coordinator_has_no_referral_list(client, coordinator, rows):
    client.force_login(coordinator)
    assert client.get(URL).status_code == 404


def test_the_list_is_read_only(client, social_worker, rows):
    client.force_login(social_worker)
    assert client.post(URL).status_code == 405


# Filters ----------------------------------------------------------------------------------------------


def test_it_filters_by_status(client, social_worker, rows, today):
    referrals.referral_outcome(referral=rows["assigned"], actor=social_worker, status="completed", outcome_date=today)
    assert _listed(client, social_worker, "?status=completed") == [rows["assigned"]]
    assert _listed(client, social_worker, "?status=made") == [rows["by_mentor"], rows["unassigned"]]


def test_it_filters_by_kind_and_by_institution(client, social_worker, assigned_client, provider, today):
    nva = Institution.objects.create(provider=provider, name="NVA Rīga", kind="employment")
    named = _refer(social_worker.staff, assigned_client, today, institution=nva)
    unnamed = _refer(social_worker.staff, assigned_client, today - DAY)
    _refer(social_worker.staff, assigned_client, today, kind="bank")
    assert _listed(client, social_worker, "?institution_kind=employment") == [named, unnamed]
    assert _listed(client, social_worker, f"?institution={nva.pk}") == [named]


def test_another_providers_institution_is_not_a_choice(client, social_worker, other_provider, rows):
    foreign = Institution.objects.create(provider=other_provider, name="Elsewhere", kind="employment")
    client.force_login(social_worker)
    response = client.get(URL + f"?institution={foreign.pk}")
    assert "Elsewhere" not in response.content.decode()
    assert list(response.context["page"].object_list) == []
    assert response.context["filter"].form.errors["institution"]


def test_it_lists_the_referrals_waiting_more_than_14_days(client, social_worker, assigned_client, today):
    old = _refer(social_worker.staff, assigned_client, today - 15 * DAY)
    _refer(social_worker.staff, assigned_client, today - 14 * DAY)  # 14 days: not yet
    done = _refer(social_worker.staff, assigned_client, today - 30 * DAY)
    referrals.referral_outcome(referral=done, actor=social_worker, status="cancelled", outcome_date=today)
    assert _listed(client, social_worker, "?waiting=on") == [old]
    page = client.get(URL).content.decode()
    assert page.count('data-testid="referral-waiting-long"') == 1


def test_it_filters_by_who_made_it_and_by_dates(client, social_worker, mentor, rows, today):
    assert _listed(client, social_worker, f"?staff={mentor.staff.pk}") == [rows["by_mentor"]]
    dates = f"?date_from={(today - 2 * DAY).isoformat()}&date_to={(today - DAY).isoformat()}"
    assert _listed(client, social_worker, dates) == [rows["by_mentor"], rows["unassigned"]]


# The page ---------------------------------------------------------------------------------------------


def test_it_is_paged_by_50(client, social_worker, assigned_client, today):
    Referral.objects.bulk_create(
        Referral(
            staff=social_worker.staff,
            provider=social_worker.staff.provider,
            client=assigned_client,
            date=today - n * DAY,
            institution_kind="bank",
            referral_ref=f"R{n}",
        )
        for n in range(51)
    )
    assert len(_listed(client, social_worker)) == 50
    assert [r.referral_ref for r in _listed(client, social_worker, "?page=2")] == ["R50"]


def test_each_row_links_to_the_client_and_stacks_on_a_phone(client, social_worker, rows):
    client.force_login(social_worker)
    page = client.get(URL).content.decode()
    assert "table-stack" in page
    assert reverse("clients:detail", args=[rows["assigned"].client_id]) in page
    assert reverse("plans:referral_outcome", args=[rows["assigned"].pk]) in page


def test_the_outcome_starts_with_no_choice_in_the_list(client, social_worker, rows):
    client.force_login(social_worker)
    page = client.get(URL).content.decode()
    assert '<option value="completed" selected>' not in page
    assert page.count('<option value="" selected>') >= 3


def test_an_outcome_recorded_from_the_list_comes_back_to_it(client, social_worker, rows, today):
    client.force_login(social_worker)
    back = URL + "?status=made&page=1"
    response = client.post(
        reverse("plans:referral_outcome", args=[rows["unassigned"].pk]),
        {"status": "completed", "outcome_date": today.isoformat(), "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    rows["unassigned"].refresh_from_db()
    assert rows["unassigned"].status == "completed"


def test_an_outcome_never_sends_the_user_to_another_address(client, social_worker, rows, today):
    client.force_login(social_worker)
    for elsewhere in ("https://evil.example/plans/referrals/", "//evil.example/", "/clients/"):
        referral = _refer(social_worker.staff, rows["assigned"].client, today)
        response = client.post(
            reverse("plans:referral_outcome", args=[referral.pk]),
            {"status": "cancelled", "outcome_date": today.isoformat(), "next": elsewhere},
        )
        assert response["Location"] == reverse("clients:detail", args=[referral.client_id])


def test_a_mentor_has_the_outcome_in_place_for_their_clients_rows(client, mentor, rows):
    client.force_login(mentor)
    page = client.get(URL).content.decode()
    assert page.count('data-testid="referral-list-outcome"') == 2


def test_a_manager_without_a_staff_record_records_an_outcome_from_the_list(client, manager, rows, today):
    client.force_login(manager)
    page = client.get(URL).content.decode()
    assert page.count('data-testid="referral-list-outcome"') == 3
    response = client.post(
        reverse("plans:referral_outcome", args=[rows["assigned"].pk]),
        {"status": "refused", "outcome_date": today.isoformat(), "outcome_reason": "no_capacity", "next": URL},
    )
    assert response.status_code == 302
    rows["assigned"].refresh_from_db()
    assert (rows["assigned"].status, rows["assigned"].outcome_reason) == ("refused", "no_capacity")


@pytest.mark.parametrize("who", ["social_worker", "mentor", "manager"])
def test_the_home_pages_link_to_the_list(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert URL in client.get(reverse("home")).content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["social_worker", "mentor", "manager"])
def test_the_list_takes_the_same_queries_for_3_and_30_referrals(client, request, provider, mentor, today, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    makers = [StaffFactory(provider=provider, role="social_worker"), mentor.staff]

    def build(n):
        person = ClientFactory(provider=provider, mentor=mentor.staff)
        institution = Institution.objects.create(provider=provider, name=f"Iestāde {n}", kind="bank")
        _refer(makers[n % 2], person, today - n * DAY, kind="bank", institution=institution if n % 3 else None)

    for n in range(3):
        build(n)
    before = _count(client, URL)
    for n in range(3, 30):
        build(n)
    assert _count(client, URL) == before
    assert len(_listed(client, user)) == 30


def test_the_selector_reads_only_what_the_user_may_see(social_worker, coordinator, rows):
    assert set(selectors.referral_list(user=social_worker)) == {rows["assigned"], rows["by_mentor"], rows["unassigned"]}
    assert list(selectors.referral_list(user=coordinator)) == []

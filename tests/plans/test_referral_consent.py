"""A referral needs the person's valid consent to share with institutions of its kind on its day (casework.md
"Referrals", "Consent"): the service refuses it, the form names who lacks it and offers to record it, and comes
back with its fields kept."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients import consents
from plans import referrals
from plans.models import Referral
from tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _refer(user, people, day, kind="employment"):
    return referrals.referral_create(staff=user.staff, actor=user, clients=people, date=day, institution_kind=kind)


def test_a_referral_without_consent_is_refused(social_worker, assigned_client, today):
    with pytest.raises(ValidationError) as error:
        _refer(social_worker, [assigned_client], today)
    [refusal] = error.value.error_list
    assert refusal.code == "consent_missing" and "Amina" in refusal.message
    assert not Referral.objects.exists()


def test_a_referral_with_a_withdrawn_consent_is_refused(social_worker, assigned_client, today):
    consent = ConsentFactory(client=assigned_client, given_on=today - 30 * DAY)
    consents.consent_withdraw(consent=consent, actor=social_worker, withdrawn_on=today - DAY)
    with pytest.raises(ValidationError):
        _refer(social_worker, [assigned_client], today)
    # Made before the withdrawal, it was allowed.
    assert len(_refer(social_worker, [assigned_client], today - 2 * DAY)) == 1


def test_a_referral_with_a_consent_for_another_kind_is_refused(social_worker, assigned_client, today):
    ConsentFactory(client=assigned_client, institution_kinds=["health", "bank"])
    with pytest.raises(ValidationError):
        _refer(social_worker, [assigned_client], today, kind="employment")
    assert len(_refer(social_worker, [assigned_client], today, kind="bank")) == 1


def test_a_consent_to_something_else_is_not_one_to_share(social_worker, assigned_client, today):
    ConsentFactory(client=assigned_client, kind="data_processing", institution_kinds=[])
    ConsentFactory(client=assigned_client, kind="photos", institution_kinds=[])
    with pytest.raises(ValidationError):
        _refer(social_worker, [assigned_client], today)


def test_a_referral_before_the_consent_was_given_is_refused(social_worker, assigned_client, today):
    ConsentFactory(client=assigned_client, given_on=today)
    with pytest.raises(ValidationError):
        _refer(social_worker, [assigned_client], today - DAY)
    assert len(_refer(social_worker, [assigned_client], today)) == 1


def test_a_family_referral_is_refused_when_one_member_lacks_consent(social_worker, assigned_client, family, today):
    members = list(family.members.order_by("birth_date", "pk"))
    for member in members:
        if member.first_name != "Yusuf":
            ConsentFactory(client=member)
    with pytest.raises(ValidationError) as error:
        _refer(social_worker, members, today)
    assert "Yusuf" in str(error.value) and "Amina" not in str(error.value)
    assert not Referral.objects.exists()


# The form --------------------------------------------------------------------------------------


def test_the_form_says_consent_is_missing_and_offers_to_record_it(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    url = reverse("plans:referral_create", args=[assigned_client.pk])
    response = client.post(url, {"date": today.isoformat(), "institution_kind": "employment", "accompanied": "on"})
    assert response.status_code == 200 and not Referral.objects.exists()
    page = response.content.decode()
    assert "has no valid consent to share data with institutions of the kind “State Employment Agency”" in page
    [(person, link)] = response.context["consent_offers"]
    assert person == assigned_client
    parts = urlsplit(link)
    assert parts.path == reverse("clients:consent_create", args=[assigned_client.pk])
    query = parse_qs(parts.query)
    assert query["kind"] == ["share_with_institutions"] and query["institution_kind"] == ["employment"]
    back = query["next"][0]
    assert urlsplit(back).path == url
    assert parse_qs(urlsplit(back).query) == {
        "date": [today.isoformat()],
        "institution_kind": ["employment"],
        "accompanied": ["on"],
    }


def test_recording_the_consent_comes_back_to_the_form_with_its_fields_kept(
    client, social_worker, assigned_client, today
):
    client.force_login(social_worker)
    url = reverse("plans:referral_create", args=[assigned_client.pk])
    day = today - 3 * DAY
    response = client.post(url, {"date": day.isoformat(), "institution_kind": "employment", "accompanied": "on"})
    [(_person, link)] = response.context["consent_offers"]
    back = parse_qs(urlsplit(link).query)["next"][0]
    data = {"kind": "share_with_institutions", "institution_kinds": ["employment"], "given_on": day.isoformat()}
    response = client.post(link, {**data, "how": "signed", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    form = client.get(back).context["form"]
    assert form.initial["date"] == day.isoformat() and form.initial["institution_kind"] == "employment"
    assert form.initial["accompanied"] == "on"
    response = client.post(url, {"date": day.isoformat(), "institution_kind": "employment", "accompanied": "on"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.date, referral.accompanied) == (day, True)


def test_a_family_referral_names_each_member_who_lacks_consent(client, social_worker, assigned_client, family, today):
    ConsentFactory(client=assigned_client)
    client.force_login(social_worker)
    url = reverse("plans:referral_create_family", args=[family.pk])
    response = client.post(url, {"date": today.isoformat(), "institution_kind": "health"})
    assert response.status_code == 200 and not Referral.objects.exists()
    offered = [person.first_name for person, _link in response.context["consent_offers"]]
    assert sorted(offered) == ["Sara", "Yusuf"]
    page = response.content.decode()
    assert page.count('data-testid="record-consent"') == 2


def test_a_mentor_is_told_to_ask_a_social_worker(client, mentor, assigned_client, today):
    client.force_login(mentor)
    url = reverse("plans:referral_create", args=[assigned_client.pk])
    response = client.post(url, {"date": today.isoformat(), "institution_kind": "employment"})
    assert response.status_code == 200 and not Referral.objects.exists()
    assert response.context["consent_offers"] == [(assigned_client, None)]
    page = response.content.decode()
    assert "ask a social worker to record the consent" in page
    assert reverse("clients:consent_create", args=[assigned_client.pk]) not in page


def test_with_a_valid_consent_the_form_makes_the_referral(client, mentor, assigned_client, today):
    ConsentFactory(client=assigned_client, institution_kinds=["employment"])
    client.force_login(mentor)
    url = reverse("plans:referral_create", args=[assigned_client.pk])
    assert client.post(url, {"date": today.isoformat(), "institution_kind": "employment"}).status_code == 302
    assert Referral.objects.get().client == assigned_client

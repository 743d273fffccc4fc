"""Closing and reopening a case in the browser: the pages, who may use them, the client page and the timeline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.capabilities import can_close_case
from clients.models import CaseEpisode, Client
from clients.services import client_handover
from plans import closure, selectors
from plans.choices import PlanStatus
from plans.models import Assessment
from plans.services import plan_activate
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _close(client, actor, day, **kwargs):
    kwargs.setdefault("reason", "left_latvia")
    kwargs.setdefault("skip_assessment_reason", "Left the country")
    return closure.case_close(client=client, actor=actor, date=day, **kwargs)


def _close_form(day, **overrides):
    data = {
        "date": day.isoformat(),
        "reason": "moved_within_latvia",
        "note": "Moved to Daugavpils",
        "follow_up_date": "",
        "skip_assessment": "on",
        "skip_assessment_reason": "Moved before we could meet",
    }
    data.update(overrides)
    return data


# Who may --------------------------------------------------------------------------------------------


def test_social_workers_and_managers_of_the_provider_may_close_others_may_not(
    assigned_client, social_worker, manager, mentor, coordinator, outsider
):
    assert can_close_case(social_worker, assigned_client)
    assert can_close_case(manager, assigned_client)
    assert not can_close_case(mentor, assigned_client)
    assert not can_close_case(coordinator, assigned_client)
    assert not can_close_case(outsider, assigned_client)


@pytest.mark.parametrize("name", ["plans:case_close", "plans:case_reopen"])
def test_another_providers_social_worker_gets_404(client, outsider, assigned_client, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[assigned_client.pk])).status_code == 404
    assert client.post(reverse(name, args=[assigned_client.pk]), _close_form(timezone.localdate())).status_code == 404


def test_a_mentor_is_refused_on_an_assigned_client_and_gets_404_on_another(
    client, mentor, assigned_client, unassigned_client
):
    client.force_login(mentor)
    assert client.get(reverse("plans:case_close", args=[assigned_client.pk])).status_code == 403
    assert (
        client.post(
            reverse("plans:case_close", args=[assigned_client.pk]), _close_form(timezone.localdate())
        ).status_code
        == 403
    )
    assert client.get(reverse("plans:case_close", args=[unassigned_client.pk])).status_code == 404
    assert Client.objects.get(pk=assigned_client.pk).service_end is None


def test_a_coordinator_never_sees_the_page(client, coordinator, assigned_client):
    client.force_login(coordinator)
    for name in ("plans:case_close", "plans:case_reopen"):
        assert client.get(reverse(name, args=[assigned_client.pk])).status_code == 404
    assert client.post(reverse("plans:follow_up_done", args=[assigned_client.pk])).status_code == 404


def test_the_wrong_method_is_refused(client, social_worker, assigned_client):
    client.force_login(social_worker)
    assert client.put(reverse("plans:case_close", args=[assigned_client.pk])).status_code == 405
    assert client.get(reverse("plans:follow_up_done", args=[assigned_client.pk])).status_code == 405


# The closing page -----------------------------------------------------------------------------------


def test_the_closing_page_says_what_closing_does_and_defaults_to_today(client, social_worker, assigned_client, today):
    plan = PlanFactory(client=assigned_client, start_date=today - 10 * DAY)
    client.force_login(social_worker)
    response = client.get(reverse("plans:case_close", args=[assigned_client.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="plan-closed-with-case"' in html and str(plan) in html
    assert f'value="{today.isoformat()}"' in html
    assert 'name="form_token"' in html
    assert 'name="skip_assessment_reason"' in html


def test_a_social_worker_closes_the_case_and_the_client_page_says_so(client, social_worker, assigned_client, today):
    plan = PlanFactory(client=assigned_client, start_date=today - 10 * DAY)
    plan_activate(plan=plan, actor=social_worker, version=plan.version)
    client.force_login(social_worker)
    response = client.post(
        reverse("plans:case_close", args=[assigned_client.pk]),
        _close_form(today - DAY, follow_up_date=(today + 20 * DAY).isoformat()),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[assigned_client.pk])
    stored = Client.objects.get(pk=assigned_client.pk)
    assert (stored.service_end, stored.closure_reason) == (today - DAY, "moved_within_latvia")
    assert stored.follow_up_date == today + 20 * DAY
    assert "Moved before we could meet" in stored.closure_note and "Moved to Daugavpils" in stored.closure_note
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert 'data-testid="case-closed"' in page
    assert "Moved elsewhere in Latvia" in page
    assert reverse("plans:case_reopen", args=[assigned_client.pk]) in page
    assert reverse("plans:case_close", args=[assigned_client.pk]) not in page


def test_without_an_assessment_or_a_reason_to_skip_it_nothing_is_closed(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    response = client.post(
        reverse("plans:case_close", args=[assigned_client.pk]),
        _close_form(today, skip_assessment="", skip_assessment_reason=""),
    )
    assert response.status_code == 200
    assert "skip_assessment_reason" in response.context["form"].errors
    assert Client.objects.get(pk=assigned_client.pk).service_end is None


def test_skipping_without_a_reason_is_refused_beside_the_field(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    response = client.post(
        reverse("plans:case_close", args=[assigned_client.pk]), _close_form(today, skip_assessment_reason=" ")
    )
    assert response.context["form"].errors["skip_assessment_reason"] == ["Say why the closure assessment is skipped."]
    assert Client.objects.get(pk=assigned_client.pk).service_end is None


def test_a_closing_before_the_start_is_refused_beside_the_date(client, social_worker, assigned_client):
    client.force_login(social_worker)
    day = assigned_client.service_start - DAY
    response = client.post(reverse("plans:case_close", args=[assigned_client.pk]), _close_form(day))
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert Client.objects.get(pk=assigned_client.pk).service_end is None


def test_a_future_closing_and_an_early_follow_up_are_refused(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    url = reverse("plans:case_close", args=[assigned_client.pk])
    errors = client.post(url, _close_form(today + DAY)).context["form"].errors
    assert "date" in errors
    errors = client.post(url, _close_form(today, follow_up_date=today.isoformat())).context["form"].errors
    assert "follow_up_date" in errors
    assert Client.objects.get(pk=assigned_client.pk).service_end is None


def test_an_already_closed_case_is_not_closed_again(client, social_worker, assigned_client, today):
    _close(assigned_client, social_worker, today - 3 * DAY)
    client.force_login(social_worker)
    response = client.post(reverse("plans:case_close", args=[assigned_client.pk]), _close_form(today))
    assert response.status_code == 302
    assert Client.objects.get(pk=assigned_client.pk).service_end == today - 3 * DAY


def test_the_client_page_offers_closing_to_writers_only(client, social_worker, mentor, assigned_client):
    url = reverse("plans:case_close", args=[assigned_client.pk])
    client.force_login(social_worker)
    assert url in client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    client.force_login(mentor)
    assert url not in client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()


# Reopening ------------------------------------------------------------------------------------------


def test_a_manager_reopens_a_closed_case_and_the_episodes_are_listed(client, manager, assigned_client, today):
    _close(assigned_client, manager, today - 10 * DAY)
    client.force_login(manager)
    url = reverse("plans:case_reopen", args=[assigned_client.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"start_date": (today - 2 * DAY).isoformat()})
    assert response.status_code == 302
    stored = Client.objects.get(pk=assigned_client.pk)
    assert (stored.service_start, stored.service_end) == (today - 2 * DAY, None)
    assert CaseEpisode.objects.filter(client=assigned_client).count() == 1
    page = client.get(reverse("clients:detail", args=[assigned_client.pk]))
    html = page.content.decode()
    assert html.count('data-testid="case-episode"') == 2
    assert "Left Latvia" in html


def test_a_reopening_overlapping_the_closed_episode_is_refused_beside_the_date(
    client, social_worker, assigned_client, today
):
    _close(assigned_client, social_worker, today - 10 * DAY)
    client.force_login(social_worker)
    url = reverse("plans:case_reopen", args=[assigned_client.pk])
    response = client.post(url, {"start_date": (today - 11 * DAY).isoformat()})
    assert response.status_code == 200
    assert "start_date" in response.context["form"].errors
    assert not CaseEpisode.objects.exists()


def test_an_open_case_is_not_reopened(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    response = client.post(reverse("plans:case_reopen", args=[assigned_client.pk]), {"start_date": today.isoformat()})
    assert response.status_code == 302
    assert not CaseEpisode.objects.exists()


def test_a_mentor_cannot_reopen(client, social_worker, mentor, assigned_client, today):
    _close(assigned_client, social_worker, today - 10 * DAY)
    client.force_login(mentor)
    url = reverse("plans:case_reopen", args=[assigned_client.pk])
    assert client.post(url, {"start_date": today.isoformat()}).status_code == 403
    assert not CaseEpisode.objects.exists()


# The timeline ---------------------------------------------------------------------------------------


def test_a_closing_heads_its_day_on_the_timeline_above_the_plans_it_closed(social_worker, assigned_client, today):
    plan = PlanFactory(client=assigned_client, status="active", start_date=today - 20 * DAY)
    closed = _close(assigned_client, social_worker, today)
    entries = selectors.timeline_for(client=closed, user=social_worker)
    assert entries[0].kind == "case_closed"
    assert any(e.kind == "plan_event" and e.obj.plan_id == plan.pk and e.date == today for e in entries[1:])


def test_the_timeline_shows_every_episode_opened_and_closed(client, social_worker, assigned_client, today):
    first_start = assigned_client.service_start
    _close(assigned_client, social_worker, today - 10 * DAY, reason="lost_contact")
    closure.case_reopen(client=assigned_client, actor=social_worker, start_date=today - 5 * DAY)
    closed = _close(assigned_client, social_worker, today - DAY, reason="deceased")
    entries = [
        (e.kind, e.date)
        for e in selectors.timeline_for(client=closed, user=social_worker)
        if e.kind.startswith("case_")
    ]
    assert entries == [
        ("case_closed", today - DAY),
        ("case_opened", today - 5 * DAY),
        ("case_closed", today - 10 * DAY),
        ("case_opened", first_start),
    ]
    client.force_login(social_worker)
    html = client.get(reverse("plans:timeline", args=[assigned_client.pk])).content.decode()
    assert html.count('data-testid="timeline-case_opened"') == 2
    assert html.count('data-testid="timeline-case_closed"') == 2
    assert "Contact lost" in html and "Deceased" in html
    # Each closing's note too: why the assessment was skipped.
    assert html.count("Closure assessment skipped: Left the country") == 2


def test_a_hand_over_is_not_a_closure(client, manager, assigned_client, other_provider, today):
    client_handover(client=assigned_client, to_provider=other_provider, by=manager, date=today)
    stored = Client.objects.get(pk=assigned_client.pk)
    assert stored.service_end is None and stored.closure_reason == ""
    assert not CaseEpisode.objects.exists()


# The closure assessment on the closing page ---------------------------------------------------------


def _scored(**scores):
    return {f"assessment-score_{area}": str(score) for area, score in scores.items()}


def test_the_closing_page_embeds_the_closure_assessment(client, social_worker, assigned_client):
    client.force_login(social_worker)
    html = client.get(reverse("plans:case_close", args=[assigned_client.pk])).content.decode()
    assert html.count('data-testid="assessment-area"') == 10
    assert 'name="assessment-score_housing"' in html


def test_a_social_worker_closes_with_the_closure_assessment(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    data = _close_form(today, skip_assessment="", skip_assessment_reason="", **_scored(housing=4, employment=2))
    data["assessment-note_housing"] = "Own flat"
    response = client.post(reverse("plans:case_close", args=[assigned_client.pk]), data)
    assert response.status_code == 302
    assessment = Assessment.objects.get(client=assigned_client)
    assert (assessment.kind, assessment.date, assessment.staff_id) == ("closure", today, social_worker.staff.pk)
    assert {s.area: s.score for s in assessment.scores.all()} == {"housing": 4, "employment": 2}
    assert Client.objects.get(pk=assigned_client.pk).service_end == today


def test_scores_with_a_skip_are_refused_and_nothing_is_kept(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    response = client.post(
        reverse("plans:case_close", args=[assigned_client.pk]), _close_form(today, **_scored(housing=4))
    )
    assert response.status_code == 200
    assert "skip_assessment" in response.context["form"].errors
    assert Client.objects.get(pk=assigned_client.pk).service_end is None
    assert not Assessment.objects.exists()


def test_a_manager_without_a_staff_record_names_who_assessed(client, manager, social_worker, assigned_client, today):
    client.force_login(manager)
    url = reverse("plans:case_close", args=[assigned_client.pk])
    assert 'name="assessment-staff"' in client.get(url).content.decode()
    data = _close_form(today, skip_assessment="", skip_assessment_reason="", **_scored(health=3))
    response = client.post(url, data)
    assert response.status_code == 200
    assert "staff" in response.context["assessment_form"].errors
    assert Client.objects.get(pk=assigned_client.pk).service_end is None
    data["assessment-staff"] = str(social_worker.staff.pk)
    assert client.post(url, data).status_code == 302
    assert Assessment.objects.get(client=assigned_client).staff_id == social_worker.staff.pk

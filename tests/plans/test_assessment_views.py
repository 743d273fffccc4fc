"""Self-sufficiency assessments in the browser: recording one, at a plan review (each family member), the client
page's section with its chart, the timeline, and who may do what (casework.md, domain.md "Who may see what")."""

import base64
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.assessments import assessment_record
from plans.models import Assessment, PlanReview
from tests.factories import PlanFactory, StaffFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _token(client, url):
    return client.get(url).content.decode().split('name="form_token" value="')[1].split('"')[0]


def _assess(client_, staff, actor, day, scores, kind="intake"):
    return assessment_record(client=client_, staff=staff, date=day, kind=kind, scores=scores, actor=actor)


# Recording one ---------------------------------------------------------------------------------------------------


def test_a_closed_case_is_not_assessed_until_it_is_reopened(client, social_worker, assigned_client, today):
    assigned_client.service_end = today
    assigned_client.closure_reason = "left_latvia"
    assigned_client.save()
    client.force_login(social_worker)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    url = reverse("plans:assessment_create", args=[assigned_client.pk])
    assert url not in page
    response = client.post(url, {"date": today.isoformat(), "kind": "review", "score_housing": "3"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("clients:detail", args=[assigned_client.pk])
    assert "The case is closed: reopen it to assess self-sufficiency." in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_social_worker_records_an_assessment_from_the_client_page(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    url = reverse("plans:assessment_create", args=[assigned_client.pk])
    assert url in page
    form = client.get(url).content.decode()
    assert form.count('data-testid="assessment-area"') == 10
    assert "coping with support" in form
    data = {
        "form_token": _token(client, url),
        "date": today.isoformat(),
        "kind": "intake",
        "score_housing": "2",
        "note_housing": "Shelter until March",
        "score_language": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("clients:detail", args=[assigned_client.pk]) + "#self-sufficiency")
    assessment = Assessment.objects.get()
    assert (assessment.client, assessment.staff, assessment.kind) == (assigned_client, social_worker.staff, "intake")
    assert {(r.area, r.score, r.note) for r in assessment.scores.all()} == {
        ("housing", 2, "Shelter until March"),
        ("language", 1, ""),
    }
    # The same form sent twice (a double click) records one assessment.
    client.post(url, data)
    assert Assessment.objects.count() == 1


def test_an_assessment_without_a_score_is_refused_beside_the_fields(client, social_worker, assigned_client, today):
    client.force_login(social_worker)
    url = reverse("plans:assessment_create", args=[assigned_client.pk])
    response = client.post(url, {"date": (today + DAY).isoformat(), "kind": "intake", "note_health": "x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "An assessment cannot be dated in the future." in page
    assert not Assessment.objects.exists()
    response = client.post(url, {"date": today.isoformat(), "kind": "intake"})
    assert "Score at least one area." in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_manager_without_a_staff_record_names_who_assessed(client, manager, assigned_client, social_worker, today):
    client.force_login(manager)
    url = reverse("plans:assessment_create", args=[assigned_client.pk])
    assert 'name="staff"' in client.get(url).content.decode()
    response = client.post(url, {"date": today.isoformat(), "kind": "review", "score_health": "4"})
    assert response.status_code == 200  # who assessed is missing
    response = client.post(
        url, {"date": today.isoformat(), "kind": "review", "score_health": "4", "staff": social_worker.staff.pk}
    )
    assert response.status_code == 302
    assert Assessment.objects.get().staff == social_worker.staff


def test_the_assessment_page_shows_every_area_with_its_note(client, social_worker, mentor, assigned_client, today):
    assessment = _assess(assigned_client, social_worker.staff, social_worker, today, {"housing": (3, "A room")})
    client.force_login(mentor)  # the assigned mentor reads it
    page = client.get(reverse("plans:assessment_detail", args=[assessment.pk])).content.decode()
    assert "A room" in page
    assert page.count("<tr data-area=") == 10
    assert "coping with support" in page


# Who may -----------------------------------------------------------------------------------------------------------


def test_scope_of_recording(client, social_worker, mentor, outsider, coordinator, assigned_client, unassigned_client):
    url = reverse("plans:assessment_create", args=[assigned_client.pk])
    client.force_login(outsider)  # another provider's client does not exist for them
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 404
    client.force_login(mentor)
    assert client.get(url).status_code == 403  # their client, but mentors read only
    assert client.post(url, {"score_housing": "3"}).status_code == 403
    assert client.get(reverse("plans:assessment_create", args=[unassigned_client.pk])).status_code == 404
    assert not Assessment.objects.exists()


def test_scope_of_reading(
    client, social_worker, mentor, outsider, coordinator, assigned_client, unassigned_client, today
):
    mine = _assess(assigned_client, social_worker.staff, social_worker, today, {"housing": (3, "")})
    theirs = _assess(unassigned_client, social_worker.staff, social_worker, today, {"housing": (3, "")})
    for user, allowed in ((mentor, {mine}), (outsider, set()), (coordinator, set()), (social_worker, {mine, theirs})):
        client.force_login(user)
        for assessment in (mine, theirs):
            status = client.get(reverse("plans:assessment_detail", args=[assessment.pk])).status_code
            assert status == (200 if assessment in allowed else 404), (user, assessment)


# The client page -------------------------------------------------------------------------------------------------


def test_the_client_page_shows_the_latest_scores_and_the_chart(client, social_worker, assigned_client, today):
    sw = social_worker.staff
    _assess(assigned_client, sw, social_worker, today - 90 * DAY, {"housing": (1, ""), "health": (2, "")})
    _assess(assigned_client, sw, social_worker, today, {"housing": (4, ""), "language": (3, "")}, kind="review")
    client.force_login(social_worker)
    response = client.get(reverse("clients:detail", args=[assigned_client.pk]))
    page = response.content.decode()
    section = page.split('data-testid="self-sufficiency"')[1].split("</section>")[0]
    latest = section.split('data-testid="assessment-scores"')[1].split("</table>")[0]
    assert 'data-area="housing"' in latest and "stable" in latest
    assert 'data-area="health"' not in latest  # not scored in the latest one
    # The chart: one line an area scored at least once, the dates along the bottom; and its text alternative.
    svg = base64.b64decode(section.split('src="data:image/svg+xml;base64,')[1].split('"')[0]).decode()
    assert "<script" not in svg
    for label in ("Housing", "Health", "Language"):
        assert label in svg
    assert "Documents" not in svg
    assert "Housing 1 → 4" in section and "Language 3" in section
    series = section.split('data-testid="assessment-series"')[1]
    assert series.count("<tr data-area=") == 3
    assert "table-stack" in series


def test_the_mentor_reads_the_section_without_the_action(client, mentor, social_worker, assigned_client, today):
    _assess(assigned_client, social_worker.staff, social_worker, today, {"housing": (2, "")})
    client.force_login(mentor)
    page = client.get(reverse("clients:detail", args=[assigned_client.pk])).content.decode()
    assert 'data-testid="self-sufficiency"' in page
    assert 'data-testid="assessment-scores"' in page
    assert reverse("plans:assessment_create", args=[assigned_client.pk]) not in page


def test_the_client_page_reads_the_same_number_of_queries_for_one_or_five(
    client, social_worker, assigned_client, today
):
    sw = social_worker.staff
    url = reverse("clients:detail", args=[assigned_client.pk])
    client.force_login(social_worker)
    _assess(assigned_client, sw, social_worker, today - 100 * DAY, {"housing": (1, "a"), "health": (2, "")})
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(4):
        scores = {"housing": (2, ""), "health": (3, ""), "language": (i + 1, ""), "documents": (4, "")}
        _assess(assigned_client, sw, social_worker, today - (80 - 10 * i) * DAY, scores)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert response.content.decode().count('data-testid="timeline-assessment"') == 5
    assert len(five) == len(one)


# The timeline ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["plans:timeline", "clients:detail"])
def test_the_timeline_names_the_assessment_its_kind_who_and_the_scored_areas(
    client, social_worker, mentor, assigned_client, today, where
):
    # The client page's recent timeline uses the assessments its section read, with every score row (issue 22).
    _assess(assigned_client, social_worker.staff, social_worker, today, {"housing": (2, "x"), "health": (None, "n")})
    client.force_login(mentor)
    page = client.get(reverse(where, args=[assigned_client.pk])).content.decode()
    entry = page.split('data-testid="timeline-assessment"')[1].split("</li>")[0]
    assert "Self-sufficiency assessment" in entry
    assert "at intake" in entry
    assert social_worker.staff.display_name in entry
    areas = entry.split('data-testid="assessment-areas"')[1]
    assert "Housing 2" in areas and "Health" not in areas


# At a plan review ------------------------------------------------------------------------------------------------


def _review_post(plan, today, **extra):
    data = {
        "date": today.isoformat(),
        "next_review_date": (today + 60 * DAY).isoformat(),
        "note": "",
        "goals-TOTAL_FORMS": "0",
        "goals-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


@pytest.fixture
def family_plan(family, social_worker, today):
    plan = PlanFactory(client=None, family=family, drafted_by=social_worker, start_date=today - 30 * DAY)
    plan.status = "active"
    plan.save(update_fields=["status"])
    return plan


def test_a_family_plans_review_assesses_each_member(client, social_worker, family, family_plan, today):
    members = list(family.members.order_by("birth_date", "pk"))
    assert len(members) == 3
    client.force_login(social_worker)
    url = reverse("plans:plan_review", args=[family_plan.pk])
    page = client.get(url).content.decode()
    assert page.count('data-testid="review-assessment"') == 3
    first, second, third = members
    data = _review_post(
        family_plan,
        today,
        **{f"assess-{first.pk}-score_housing": "2", f"assess-{second.pk}-score_children": "4"},
        **{f"assess-{second.pk}-note_children": "Kindergarten place"},
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    review = PlanReview.objects.get()
    assessed = {a.client_id: a for a in Assessment.objects.all()}
    assert set(assessed) == {first.pk, second.pk}  # the third left without scores: not assessed
    for assessment in assessed.values():
        assert (assessment.kind, assessment.review, assessment.date) == ("review", review, today)
        assert assessment.staff == social_worker.staff
    assert assessed[second.pk].scores.get().note == "Kindergarten place"


def test_an_individual_review_may_leave_the_assessment_out(client, social_worker, plan, today):
    plan.status = "active"
    plan.save(update_fields=["status"])
    client.force_login(social_worker)
    url = reverse("plans:plan_review", args=[plan.pk])
    assert client.get(url).content.decode().count('data-testid="review-assessment"') == 1
    assert client.post(url, _review_post(plan, today)).status_code == 302
    assert PlanReview.objects.count() == 1
    assert not Assessment.objects.exists()


def test_a_scored_assessment_at_a_review_is_validated_and_keeps_nothing(client, manager, plan, social_worker, today):
    plan.status = "active"
    plan.save(update_fields=["status"])
    client.force_login(manager)  # no staff record: must name who assessed once an area is scored
    url = reverse("plans:plan_review", args=[plan.pk])
    prefix = f"assess-{plan.client_id}"
    response = client.post(url, _review_post(plan, today, **{f"{prefix}-score_housing": "3"}))
    assert response.status_code == 200
    assert not PlanReview.objects.exists() and not Assessment.objects.exists()
    # A staff member of another provider is not among the choices.
    other = StaffFactory()
    response = client.post(
        url, _review_post(plan, today, **{f"{prefix}-score_housing": "3", f"{prefix}-staff": other.pk})
    )
    assert response.status_code == 200
    chosen = {f"{prefix}-score_housing": "3", f"{prefix}-staff": social_worker.staff.pk}
    response = client.post(url, _review_post(plan, today, **chosen))
    assert response.status_code == 302
    assert Assessment.objects.get().review == PlanReview.objects.get()

"""The data subject's rights: a person's export (JSON, PDF) and anonymisation after the retention period."""

import datetime
import io
import json
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import Action, AuditEntry
from clients.models import Client, Family, NameWord, Provider
from plans.choices import GoalStatus, InstitutionKind
from plans.models import Contact, ContactTopic, Goal, GoalReview, Plan, PlanCloseReason, PlanReview, Task, TaskNote
from plans.referrals import referral_create
from plans.services import plan_close, plan_review_record
from privacy.services import (
    client_anonymise,
    client_data_export,
    clients_anonymise_due,
    clients_due_for_anonymisation,
)
from reporting.figures import SCHEMA_V1, figures_for
from reporting.figures.types import figures_json
from tests.reporting.sample import SAMPLE_DATA, expected_reports

from ..factories import (
    ClientFactory,
    ContactFactory,
    FamilyFactory,
    GoalFactory,
    LegalStatusEntryFactory,
    PlanFactory,
    ResidenceEntryFactory,
    StaffFactory,
    TaskFactory,
    TaskNoteFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=3000)


@pytest.fixture
def person(assigned_client, social_worker):
    """Amina, in a family with Zainab, with a contact, a family contact, a plan and histories."""
    family = FamilyFactory(family_ref="F-0042", name="Haddad", provider=assigned_client.provider)
    assigned_client.family = family
    assigned_client.last_name = "Haddad"
    assigned_client.birth_date = datetime.date(1991, 2, 3)
    assigned_client.save()
    ClientFactory(provider=assigned_client.provider, family=family, client_ref="C-SISTER", first_name="Zainab")
    LegalStatusEntryFactory(client=assigned_client, legal_status="refugee", since=datetime.date(2026, 2, 1))
    ResidenceEntryFactory(client=assigned_client, residence="Saldus", since=datetime.date(2026, 2, 1))
    own = ContactFactory(staff=social_worker.staff, note="Amina asked about the flat", place="Saldus novada dome")
    own.clients.set([assigned_client])
    ContactTopic.objects.create(contact=own, topic="housing")
    ContactFactory(staff=social_worker.staff, family=family, note="Visited the whole family", form="phone")
    task = TaskFactory(goal=GoalFactory(plan=PlanFactory(client=assigned_client), description="A flat for Amina"))
    TaskNoteFactory(task=task, text="Amina signed the lease")
    return assigned_client


@pytest.fixture
def stranger(provider, social_worker):
    """Another person of the same provider, with a contact of their own."""
    other = ClientFactory(provider=provider, first_name="Yusuf", last_name="Rahimi")
    ContactFactory(staff=social_worker.staff, note="Yusuf's own appointment").clients.set([other])
    return other


def _close(client, day=LONG_AGO):
    Client.objects.filter(pk=client.pk).update(service_start=day - datetime.timedelta(days=30), service_end=day)
    client.refresh_from_db()
    return client


# --- The export -----------------------------------------------------------------------------------------


def test_the_export_holds_the_person_their_histories_contacts_and_plans(person, stranger):
    data = client_data_export(client=person)

    assert data["person"]["first_name"] == "Amina"
    assert data["person"]["last_name"] == "Haddad"
    assert data["person"]["birth_date"] == datetime.date(1991, 2, 3)
    assert data["family"] == {"family_ref": "F-0042", "name": "Haddad", "other_members": ["C-SISTER"]}
    assert [e["legal_status"] for e in data["legal_status_history"]] == ["refugee"]
    assert [e["residence"] for e in data["residence_history"]] == ["Saldus"]
    notes = {c["note"]: c for c in data["contacts"]}
    assert set(notes) == {"Amina asked about the flat", "Visited the whole family"}
    assert notes["Amina asked about the flat"]["topics"] == ["housing"]
    assert notes["Amina asked about the flat"]["place"] == "Saldus novada dome"
    assert notes["Amina asked about the flat"]["staff"] == "Ozoliņš Jānis"
    assert notes["Visited the whole family"]["with"] == "family"
    [plan] = data["plans"]
    assert plan["goals"][0]["description"] == "A flat for Amina"
    assert plan["goals"][0]["tasks"][0]["notes"][0]["text"] == "Amina signed the lease"
    assert {e["action"] for e in data["record_history"]} >= {Action.CREATE, Action.UPDATE}


def test_the_export_says_why_and_when_a_plan_was_closed(person, manager):
    plan = Plan.objects.get(client=person)
    plan_close(plan=plan, actor=manager, version=plan.version, reason=PlanCloseReason.MOVED_AWAY, note="Left for Rīga")

    [closed] = client_data_export(client=person)["plans"]

    assert closed["closed_reason"] == PlanCloseReason.MOVED_AWAY
    assert closed["closed_note"] == "Left for Rīga"
    assert closed["closed_at"] is not None


def test_the_export_holds_the_goals_outcomes_the_plan_reviews_and_the_referrals(person, social_worker):
    plan = Plan.objects.get(client=person)
    goal = plan.goals.get()
    review_day = max(plan.start_date, goal.created_at.date())
    plan_review_record(
        plan=plan,
        actor=social_worker,
        date=review_day,
        next_review_date=review_day + datetime.timedelta(days=90),
        note="Amina is settling in",
        goals={goal.pk: (GoalStatus.ACHIEVED, "The lease is signed")},
    )
    referral_create(
        staff=social_worker.staff,
        actor=social_worker,
        clients=[person],
        date=review_day,
        institution_kind=InstitutionKind.EMPLOYMENT,
        accompanied=True,
    )

    data = client_data_export(client=person)

    [exported] = data["plans"]
    assert exported["goals"][0]["status"] == GoalStatus.ACHIEVED
    [review] = exported["reviews"]
    assert review["note"] == "Amina is settling in"
    assert review["goals"] == [
        {
            "goal": "A flat for Amina",
            "status": GoalStatus.ACHIEVED,
            "status_label": GoalStatus.ACHIEVED.label,
            "note": "The lease is signed",
        }
    ]
    [referral] = data["referrals"]
    assert (referral["institution_kind"], referral["accompanied"]) == (InstitutionKind.EMPLOYMENT, True)


def test_anonymisation_clears_the_notes_of_plan_reviews(person, manager, social_worker):
    plan = Plan.objects.get(client=person)
    goal = plan.goals.get()
    review_day = max(plan.start_date, goal.created_at.date())
    plan_review_record(
        plan=plan,
        actor=social_worker,
        date=review_day,
        next_review_date=review_day + datetime.timedelta(days=90),
        note="Amina is settling in",
        goals={goal.pk: (GoalStatus.PARTLY_ACHIEVED, "Amina still looks for a flat")},
    )
    _close(person)

    client_anonymise(client=person, by=manager)

    review = PlanReview.objects.get(plan=plan)
    assert review.note == ""
    assert list(GoalReview.objects.filter(review=review).values_list("note", "status")) == [
        ("", GoalStatus.PARTLY_ACHIEVED)
    ]


def test_the_export_names_other_people_only_by_their_reference(person, stranger):
    text = json.dumps(client_data_export(client=person), default=str)

    assert "C-SISTER" in text
    assert "Zainab" not in text
    assert "Yusuf" not in text
    assert stranger.client_ref not in text


def test_a_contact_shared_with_another_person_does_not_name_them_in_the_export(
    client, manager, person, stranger, social_worker
):
    shared = ContactFactory(staff=social_worker.staff, note="Both went to the PMLP office")
    shared.clients.set([person, stranger])
    client.force_login(manager)

    text = client.get(reverse("privacy:export_json", args=[person.pk])).content.decode()

    assert "Both went to the PMLP office" in text
    assert "Yusuf" not in text
    assert "Rahimi" not in text
    assert stranger.client_ref not in text
    if shutil.which("pdftotext") is not None:
        pdf = client.get(reverse("privacy:export_pdf", args=[person.pk])).content
        pdf_text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert "Both went to the PMLP office" in pdf_text
        assert "Yusuf" not in pdf_text
        assert "Rahimi" not in pdf_text


def test_the_export_takes_as_many_queries_for_many_contacts_as_for_one(person, social_worker):
    with CaptureQueriesContext(connection) as few:
        client_data_export(client=person)
    for _ in range(5):
        contact = ContactFactory(staff=social_worker.staff)
        contact.clients.set([person])
        ContactTopic.objects.create(contact=contact, topic="health")
        TaskNoteFactory(task=TaskFactory(goal=GoalFactory(plan=PlanFactory(client=person))))

    with CaptureQueriesContext(connection) as many:
        client_data_export(client=person)

    assert len(many) == len(few)


def test_the_manager_downloads_the_export_as_json(client, manager, person):
    client.force_login(manager)

    response = client.get(reverse("privacy:export_json", args=[person.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Amina" not in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["person"]["first_name"] == "Amina"
    assert data["person"]["birth_date"] == "1991-02-03"
    entry = AuditEntry.objects.filter(action=Action.EXPORT).get()
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("clients.client", str(person.pk), manager.pk)
    assert "Amina" not in entry.detail and "Haddad" not in entry.detail


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) is not installed")
def test_the_manager_downloads_the_export_as_a_pdf_that_names_the_person(client, manager, person):
    client.force_login(manager)

    response = client.get(reverse("privacy:export_pdf", args=[person.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    text = text.decode()
    assert "Amina" in text
    assert "Amina asked about the flat" in text
    assert "Amina signed the lease" in text
    assert "Zainab" not in text
    assert AuditEntry.objects.filter(action=Action.EXPORT, object_id=str(person.pk)).count() == 1


def test_the_client_page_offers_data_protection_to_the_manager_only(client, manager, social_worker, person):
    url = reverse("clients:detail", args=[person.pk])
    client.force_login(manager)
    assert 'data-testid="data-protection"' in client.get(url).content.decode()

    client.force_login(social_worker)
    page = client.get(url).content.decode()
    assert 'data-testid="data-protection"' not in page
    assert reverse("privacy:export_json", args=[person.pk]) not in page


# --- Who may ---------------------------------------------------------------------------------------------

PERSON_URLS = ["export_json", "export_pdf", "anonymise"]
OTHER_ROLES = ["social_worker", "mentor", "coordinator", "outsider"]


def _urls(person):
    return [reverse(f"privacy:{name}", args=[person.pk]) for name in PERSON_URLS] + [reverse("privacy:anonymise_due")]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_other_role_finds_nothing_there(client, request, role, person):
    _close(person)
    client.force_login(request.getfixturevalue(role))

    for url in _urls(person):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"confirm": "on"}).status_code in (404, 405), url

    person.refresh_from_db()
    assert person.first_name == "Amina" and person.anonymised_at is None
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, person):
    for url in _urls(person):
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]


def test_the_manager_finds_nothing_of_another_provider(client, manager, foreign_client):
    _close(foreign_client)
    client.force_login(manager)

    for name in PERSON_URLS:
        assert client.get(reverse(f"privacy:{name}", args=[foreign_client.pk])).status_code == 404, name
    assert client.post(reverse("privacy:anonymise", args=[foreign_client.pk]), {"confirm": "on"}).status_code == 404
    foreign_client.refresh_from_db()
    assert foreign_client.anonymised_at is None


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("export_json", "post"),
        ("export_pdf", "post"),
        ("export_json", "delete"),
        ("anonymise", "put"),
        ("anonymise", "delete"),
        ("anonymise_due", "put"),
    ],
)
def test_the_wrong_method_is_refused(client, manager, person, name, method):
    client.force_login(manager)
    url = reverse(f"privacy:{name}", args=[] if name == "anonymise_due" else [person.pk])

    assert getattr(client, method)(url).status_code == 405


# --- Anonymisation ---------------------------------------------------------------------------------------


def test_the_manager_anonymises_a_person_whose_case_closed_long_ago(client, manager, person, stranger):
    _close(person)
    client.force_login(manager)
    url = reverse("privacy:anonymise", args=[person.pk])
    assert 'name="confirm"' in client.get(url).content.decode()

    response = client.post(url, {"confirm": "on"})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.anonymised_at is not None
    assert "Amina" not in (person.first_name + person.last_name + person.client_ref + person.name_key)
    assert person.client_ref == f"ANON-{person.pk}"
    # What the reports count is kept.
    assert (person.gender, person.birth_date, str(person.country)) == ("M", datetime.date(1991, 2, 3), "AF")
    assert person.family.family_ref == "F-0042"
    assert person.legal_statuses.get().legal_status == "refugee"
    own = Contact.objects.get(clients=person)
    assert (own.note, own.place, own.form, own.duration_minutes) == ("", "", "in_person", 60)
    assert list(own.topics.values_list("topic", flat=True)) == ["housing"]
    assert not TaskNote.objects.filter(text__contains="Amina").exists()
    assert not Goal.objects.filter(description__contains="Amina").exists()
    # Zainab's case is still kept: the family's contact and name stay until she is anonymised too.
    assert Contact.objects.get(family=person.family).note == "Visited the whole family"
    assert Family.objects.get(pk=person.family_id).name == "Haddad"
    # Someone else's record is untouched.
    stranger.refresh_from_db()
    assert stranger.first_name == "Yusuf"
    assert Contact.objects.get(clients=stranger).note == "Yusuf's own appointment"
    entry = AuditEntry.objects.filter(object_id=str(person.pk), detail="anonymised").get()
    assert entry.actor_id == manager.pk
    assert "Amina" not in json.dumps(entry.changes) + entry.detail


def test_the_last_member_clears_the_familys_name_contacts_and_plans(person, manager):
    _close(person)
    sister = _close(Client.objects.get(client_ref="C-SISTER"))
    family_plan = PlanFactory(client=None, family=person.family, summary="The Haddads move to Rīga")
    plan_close(
        plan=family_plan,
        actor=manager,
        version=family_plan.version,
        reason=PlanCloseReason.GOALS_ACHIEVED,
        note="Amina found work in Rīga",
    )

    client_anonymise(client=person, by=manager)
    client_anonymise(client=sister, by=manager)

    assert Family.objects.get(pk=person.family_id).name == ""
    assert Contact.objects.get(family=person.family).note == ""
    closed = Plan.objects.get(pk=family_plan.pk)
    assert (closed.summary, closed.closed_note) == ("", "")
    assert closed.closed_reason == PlanCloseReason.GOALS_ACHIEVED


def test_no_audit_entry_written_by_anonymisation_holds_the_names(person, manager):
    _close(person)
    before = set(AuditEntry.objects.values_list("pk", flat=True))

    client_anonymise(client=person, by=manager)

    written = AuditEntry.objects.exclude(pk__in=before)
    assert written.count() == 1
    assert "Amina" not in json.dumps(list(written.values("changes", "detail")))


def test_anonymisation_leaves_no_word_of_the_name_that_no_other_name_has(person, manager, stranger):
    Client.objects.filter(pk=stranger.pk).update(last_name="Haddad", name_key="yusuf haddad")
    _close(person)

    client_anonymise(client=person, by=manager)

    words = set(NameWord.objects.values_list("word", flat=True))
    assert "amina" not in words  # her first name: nobody else's
    assert "haddad" in words  # the family name the stranger shares


def test_a_case_closed_too_recently_is_refused(client, manager, person):
    _close(person, TODAY - datetime.timedelta(days=10))
    client.force_login(manager)
    url = reverse("privacy:anonymise", args=[person.pk])
    assert 'data-testid="anonymise-refusal"' in client.get(url).content.decode()

    response = client.post(url, {"confirm": "on"}, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert 'name="confirm"' not in response.content.decode()
    person.refresh_from_db()
    assert (person.first_name, person.anonymised_at) == ("Amina", None)


def test_an_open_case_is_refused(manager, person):
    with translation.override("en"), pytest.raises(ValidationError, match="still open"):
        client_anonymise(client=person, by=manager)

    person.refresh_from_db()
    assert person.anonymised_at is None


def test_the_retention_period_comes_from_the_settings(settings, manager, person):
    _close(person, TODAY - datetime.timedelta(days=10))
    settings.RETENTION_DAYS = 9

    assert list(clients_due_for_anonymisation(today=TODAY)) == [person]
    client_anonymise(client=person, by=manager)

    assert Client.objects.get(pk=person.pk).anonymised_at is not None


def test_an_anonymised_person_is_not_anonymised_again(manager, person):
    _close(person)
    client_anonymise(client=person, by=manager)

    with translation.override("en"), pytest.raises(ValidationError, match="already"):
        client_anonymise(client=person, by=manager)
    assert list(clients_due_for_anonymisation(today=TODAY)) == []


def test_unconfirmed_anonymisation_changes_nothing(client, manager, person):
    _close(person)
    client.force_login(manager)

    response = client.post(reverse("privacy:anonymise", args=[person.pk]), {})

    assert response.status_code == 200
    assert response.context["form"].errors
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_the_manager_anonymises_every_record_due_of_their_provider(client, manager, person, foreign_client):
    _close(person)
    _close(foreign_client)
    recent = _close(ClientFactory(provider=person.provider, first_name="Recent"), TODAY - datetime.timedelta(days=5))
    client.force_login(manager)
    url = reverse("privacy:anonymise_due")
    page = client.get(url).content.decode()
    assert person.client_ref in page
    assert foreign_client.client_ref not in page and recent.client_ref not in page

    response = client.post(url, {"confirm": "on"})

    assert response.status_code == 302
    assert Client.objects.get(pk=person.pk).anonymised_at is not None
    assert Client.objects.get(pk=foreign_client.pk).anonymised_at is None
    assert Client.objects.get(pk=recent.pk).anonymised_at is None
    assert 'data-testid="nothing-due"' in client.get(url).content.decode()


def test_the_commands_dry_run_changes_nothing(person, foreign_client):
    _close(person)
    _close(foreign_client)
    out = io.StringIO()

    call_command("anonymise_clients", "--dry-run", stdout=out)

    assert "Clients due: 2." in out.getvalue()
    assert Client.objects.filter(anonymised_at__isnull=False).count() == 0
    assert Client.objects.filter(first_name__in=["Amina", "Leyla"]).count() == 2


def test_the_command_anonymises_every_provider_and_prints_no_names(person, foreign_client, unassigned_client):
    _close(person)
    _close(foreign_client)
    out = io.StringIO()

    call_command("anonymise_clients", stdout=out)

    assert "Anonymised: 2." in out.getvalue()
    assert not any(name in out.getvalue() for name in ("Amina", "Leyla", "Haddad", person.client_ref))
    assert set(Client.objects.filter(anonymised_at__isnull=False)) == {person, foreign_client}
    assert Client.objects.get(pk=unassigned_client.pk).first_name == "Omar"
    assert AuditEntry.objects.filter(detail="anonymised", actor_id__isnull=True).count() == 2


# --- Past reports keep their figures ---------------------------------------------------------------------


def test_past_reports_keep_every_figure_and_no_name_remains(django_user_model):
    if not (SAMPLE_DATA / "clients.csv").exists():
        pytest.skip(f"the sample data is not at {SAMPLE_DATA}")
    call_command("import_dataset", str(SAMPLE_DATA), stdout=io.StringIO())
    names = set(Client.objects.values_list("first_name", flat=True)) | set(
        Client.objects.values_list("last_name", flat=True)
    )
    assert len(names) > 50
    # A plan with a progress note naming someone, so that the notes are tested too.
    somebody = Client.objects.order_by("pk").first()
    staff = StaffFactory(provider=somebody.provider, role="mentor")
    task = TaskFactory(goal=GoalFactory(plan=PlanFactory(client=somebody)), responsible=staff)
    TaskNoteFactory(task=task, text=f"{somebody.first_name} {somebody.last_name} found a job")
    Client.objects.update(service_end=datetime.date(2022, 12, 31))
    reports = [
        (start, end, Provider.objects.get(code=code) if code else None) for _, start, end, code in expected_reports()
    ]
    assert len(reports) == 5
    before = [figures_json(figures_for(start=s, end=e, provider=p), schema=SCHEMA_V1) for s, e, p in reports]

    done = clients_anonymise_due(today=datetime.date(2030, 1, 1), by=None)

    assert done == Client.objects.count() == 360
    after = [figures_json(figures_for(start=s, end=e, provider=p), schema=SCHEMA_V1) for s, e, p in reports]
    assert after == before
    for (name, *_), figures in zip(expected_reports(), after, strict=True):
        expected = json.loads((SAMPLE_DATA / "expected" / name).read_text(encoding="utf-8"))
        assert {key: json.loads(json.dumps(figures[key])) for key in expected} == expected, name
    texts = [
        *Client.objects.values_list("first_name", "last_name", "client_ref", "name_key"),
        *Contact.objects.values_list("note", "place"),
        *TaskNote.objects.values_list("text", flat=False),
        *Task.objects.values_list("title", flat=False),
        *Goal.objects.values_list("description", flat=False),
        *Plan.objects.values_list("summary", "closed_note"),
        *Family.objects.values_list("name", flat=False),
    ]
    words = {word for row in texts for value in row for word in value.replace("-", " ").split()}
    assert not names & words

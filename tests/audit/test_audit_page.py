"""The audit page as a manager reads it: labels, before → after, pages, filters, the export, and never another
provider's entries or a record the manager may not see."""

import csv
import datetime
import io
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from openpyxl import load_workbook

from audit.context import Actor, reset_actor, set_actor
from audit.models import Action, AuditEntry
from audit.services import unaudited_rows
from clients.models import Client
from tests.factories import ContactFactory, LegalStatusEntryFactory, TaskFactory, TaskNoteFactory

pytestmark = pytest.mark.django_db


@contextmanager
def acting_as(user):
    """Changes written as if `user` made them in a request: the entries are their provider's."""
    token = set_actor(
        Actor(user_id=user.pk, username=user.username, provider_id=user.provider_id, ip="10.0.0.1", request_id="r1")
    )
    try:
        yield
    finally:
        reset_actor(token)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    return client


def _page(client, **params):
    response = client.get(reverse("audit:list"), params)
    assert response.status_code == 200
    return response


def _entry(provider_id, **fields):
    return AuditEntry.objects.create(provider_id=provider_id, **fields)


# --- reading an entry -------------------------------------------------------------------------------------------


def test_a_change_reads_as_field_labels_with_before_and_after(manager_client, social_worker, assigned_client):
    with acting_as(social_worker):
        assigned_client.first_name = "Amira"
        assigned_client.gender = "F"
        assigned_client.save()
    html = _page(manager_client).content.decode()
    assert "First name" in html
    assert "Amina" in html and "Amira" in html
    assert "Male" in html and "Female" in html  # choice labels, not the codes
    assert "→" in html
    assert "{&#x27;before" not in html and "'before'" not in html  # no raw dictionaries


def test_the_lines_are_label_before_after(manager_client, social_worker, assigned_client):
    with acting_as(social_worker):
        assigned_client.first_name = "Amira"
        assigned_client.save()
    row = _page(manager_client).context["rows"][0]
    assert row.action == "Changed"
    assert row.kind == "Client"
    assert row.record == str(Client.objects.get(pk=assigned_client.pk))
    assert "Amira" in row.record
    assert [(line.label, line.before, line.after) for line in row.changes] == [("First name", "Amina", "Amira")]
    assert row.actor == "Bērziņa Anna (sw)"
    assert row.record_url == reverse("clients:detail", args=[assigned_client.pk])


def test_a_foreign_key_reads_as_the_records_label(manager_client, social_worker, mentor, unassigned_client):
    with acting_as(social_worker):
        unassigned_client.mentor = mentor.staff
        unassigned_client.save()
    row = _page(manager_client).context["rows"][0]
    assert [(line.label, line.before, line.after) for line in row.changes] == [("Mentor", "—", str(mentor.staff))]


def test_a_created_record_lists_its_values_with_dates_in_local_form(manager_client, social_worker, assigned_client):
    with acting_as(social_worker):
        LegalStatusEntryFactory(client=assigned_client, legal_status="refugee", since=datetime.date(2026, 2, 3))
    row = _page(manager_client).context["rows"][0]
    assert row.action == "Created"
    lines = {line.label: line.after for line in row.changes}
    assert lines["Legal status"] == "Refugee status"
    with translation.override("en"):
        assert lines["Since"] == formats.date_format(datetime.date(2026, 2, 3), "SHORT_DATE_FORMAT")
    assert lines["Client"] == str(assigned_client)


def test_long_text_is_shortened(manager_client, social_worker, assigned_client):
    with acting_as(social_worker):
        contact = ContactFactory(staff=social_worker.staff, note="word " * 200)
        contact.clients.add(assigned_client)
    rows = _page(manager_client).context["rows"]
    created = next(row for row in rows if row.action == "Created" and row.kind == "Contact")
    note = next(line.after for line in created.changes if line.label == "Note")
    assert len(note) <= 80
    assert note.endswith("…")


def test_a_many_to_many_change_names_the_records(manager_client, social_worker, assigned_client):
    with acting_as(social_worker):
        contact = ContactFactory(staff=social_worker.staff)
        contact.clients.add(assigned_client)
    rows = _page(manager_client).context["rows"]
    added = next(row for row in rows if row.action == "Changed" and row.kind == "Contact")
    assert [(line.label, line.after) for line in added.changes] == [("Clients: added", str(assigned_client))]
    assert added.detail == ""


def test_secrets_and_hashes_are_never_shown(manager_client, manager, social_worker):
    _entry(
        manager.provider_id,
        action=Action.UPDATE,
        object_type="accounts.user",
        object_id=str(social_worker.pk),
        changes={
            "before": {"password": "md5$old-hash", "email": "a@x.lv"},
            "after": {"password": "md5$new-hash", "email": "b@x.lv"},
        },
    )
    _entry(
        manager.provider_id,
        action=Action.CREATE,
        object_type="reporting.reportjob",
        object_id="1",
        detail="reports/a.pdf sha256=" + "ab" * 32,
    )
    response = _page(manager_client)
    html = response.content.decode()
    assert "hash" not in html
    assert "ab" * 32 not in html
    assert "b@x.lv" in html  # the other change is shown
    assert "reports/a.pdf" in html


# --- whose records are named ------------------------------------------------------------------------------------


def test_a_client_handed_to_another_provider_is_shown_by_kind_and_id_only(
    manager_client, social_worker, assigned_client, other_provider
):
    with acting_as(social_worker):
        assigned_client.first_name = "Amira"
        assigned_client.save()
    with unaudited_rows():
        Client.objects.filter(pk=assigned_client.pk).update(provider=other_provider)
    html = _page(manager_client).content.decode()
    row = _page(manager_client).context["rows"][0]
    assert row.record == f"Client #{assigned_client.pk}"
    assert not row.record_named
    assert row.record_url == ""
    assert [(line.label, line.before, line.after, line.kind) for line in row.changes] == [
        ("First name", None, None, "withheld")
    ]
    assert "Amina" not in html and "Amira" not in html and assigned_client.last_name not in html


def test_an_anonymised_client_is_shown_by_kind_and_id_only(manager_client, social_worker, assigned_client):
    with acting_as(social_worker):
        assigned_client.first_name = "Amira"
        assigned_client.save()
    with unaudited_rows():
        Client.objects.filter(pk=assigned_client.pk).update(anonymised_at=timezone.now())
    html = _page(manager_client).content.decode()
    assert f"Client #{assigned_client.pk}" in html
    assert "Amina" not in html and "Amira" not in html


def test_a_deleted_record_is_shown_by_kind_and_id_without_its_values(manager_client, social_worker, assigned_client):
    with acting_as(social_worker):
        note = TaskNoteFactory(task=TaskFactory(goal__plan__client=assigned_client), text="Private words")
        note_pk = note.pk
        type(note).objects.filter(pk=note_pk).delete()
    rows = _page(manager_client).context["rows"]
    deleted = next(row for row in rows if row.action == "Deleted")
    assert deleted.record == f"Progress note #{note_pk}"
    assert all(line.kind == "withheld" for line in deleted.changes)
    # Its creation too: the record is gone, so are its values.
    assert "Private words" not in _page(manager_client).content.decode()


def test_another_providers_entries_are_absent(manager_client, outsider, foreign_client):
    with acting_as(outsider):
        foreign_client.first_name = "Samira"
        foreign_client.save()
    response = _page(manager_client)
    assert [row for row in response.context["rows"] if row.entry.action != Action.SIGN_IN] == []
    html = response.content.decode()
    assert "Samira" not in html and "Leyla" not in html and "outsider" not in html


def test_an_entry_of_ours_about_another_providers_record_does_not_name_it(manager_client, manager, foreign_client):
    _entry(manager.provider_id, action=Action.VIEW, object_type="clients.client", object_id=str(foreign_client.pk))
    html = _page(manager_client).content.decode()
    assert f"Client #{foreign_client.pk}" in html
    assert "Leyla" not in html


# --- pages and filters ------------------------------------------------------------------------------------------


def test_entries_come_fifty_a_page_with_the_filters_kept_in_the_links(manager_client, manager):
    AuditEntry.objects.bulk_create(
        [AuditEntry(provider_id=manager.provider_id, action=Action.VIEW, actor_username="sw") for _ in range(120)]
    )
    first = _page(manager_client, action="view")
    assert len(first.context["rows"]) == 50
    html = first.content.decode()
    assert "action=view&amp;page=2" in html or "page=2&amp;action=view" in html
    last = _page(manager_client, action="view", page=3)
    assert len(last.context["rows"]) == 20


def test_the_filters_narrow_by_dates_user_action_and_record_kind(manager_client, manager, social_worker, mentor):
    provider_id = manager.provider_id
    old = timezone.now() - datetime.timedelta(days=40)
    _entry(provider_id, action=Action.VIEW, actor_username="sw", object_type="clients.client", object_id="1", at=old)
    _entry(provider_id, action=Action.VIEW, actor_username="sw", object_type="plans.plan", object_id="2")
    _entry(provider_id, action=Action.UPDATE, actor_username="mentor", object_type="plans.task", object_id="3")

    def shown(**params):
        rows = _page(manager_client, **params).context["rows"]
        return sorted(row.entry.object_type for row in rows if row.entry.action != Action.SIGN_IN)

    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert shown(since=since) == ["plans.plan", "plans.task"]
    assert shown(until=since) == ["clients.client"]
    assert shown(actor_username="mentor") == ["plans.task"]
    assert shown(action="view") == ["clients.client", "plans.plan"]
    assert shown(object_type="plans.plan") == ["plans.plan"]


def test_the_user_filter_offers_only_the_providers_people(manager_client, social_worker, outsider):
    form = _page(manager_client).context["filter"].form
    usernames = [value for value, _label in form.fields["actor_username"].choices]
    assert "sw" in usernames
    assert "outsider" not in usernames


def test_the_page_has_no_wide_table_and_no_raw_values(manager_client, social_worker, assigned_client):
    with acting_as(social_worker):
        assigned_client.first_name = "Amira"
        assigned_client.save()
    html = _page(manager_client).content.decode()
    assert "<table" not in html  # one stacked entry a row on a phone, a grid on a desktop
    assert "<code" not in html
    assert 'class="audit-entry"' in html


def test_the_page_takes_a_constant_number_of_queries(manager_client, manager, social_worker, mentor, assigned_client):
    def make(count):
        with acting_as(social_worker):
            for n in range(count):
                client = Client.objects.get(pk=assigned_client.pk)
                client.first_name = f"Name{n}"
                client.mentor = mentor.staff if n % 2 else None
                client.save()
                TaskNoteFactory(task=TaskFactory(goal__plan__client=assigned_client, responsible=mentor.staff))
                _entry(
                    manager.provider_id,
                    action=Action.VIEW,
                    actor_id=mentor.pk,
                    actor_username="mentor",
                    object_type="clients.client",
                    object_id=str(assigned_client.pk),
                )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            _page(manager_client, action="")
        return len(captured)

    make(1)
    few = AuditEntry.objects.filter(provider_id=manager.provider_id).count()
    five = queries()
    make(8)
    many = AuditEntry.objects.filter(provider_id=manager.provider_id).count()
    assert few < 20 and many >= 50
    assert queries() == five


# --- the export -------------------------------------------------------------------------------------------------


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_export_has_the_filtered_entries_as_the_page_reads_them(manager_client, social_worker, assigned_client):
    with acting_as(social_worker):
        assigned_client.first_name = "Amira"
        assigned_client.save()
        LegalStatusEntryFactory(client=assigned_client)
    response = manager_client.get(reverse("audit:export"), {"action": "update"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = _csv(response)
    assert rows[0] == ["Time", "User", "Action", "Record kind", "Record label", "Changes", "Detail", "IP address"]
    assert len(rows) == 2
    assert rows[1][1:6] == [
        "Bērziņa Anna (sw)",
        "Changed",
        "Client",
        str(Client.objects.get(pk=assigned_client.pk)),
        "First name: Amina → Amira",
    ]


def test_the_export_as_xlsx(manager_client, social_worker, assigned_client):
    with acting_as(social_worker):
        assigned_client.last_name = "=HYPERLINK(1)"
        assigned_client.save()
    response = manager_client.get(reverse("audit:export"), {"format": "xlsx", "action": "update"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Time"
    assert values[1][5].startswith("Last name: ")
    assert values[1][5].endswith(" → =HYPERLINK(1)")
    assert values[1][4].startswith("'=HYPERLINK(1)")  # the record's label cannot run as a formula


def test_the_export_is_audited_and_leaves_out_its_own_entry(manager_client, manager):
    rows = _csv(manager_client.get(reverse("audit:export")))
    entry = AuditEntry.objects.get(action=Action.EXPORT, object_type="audit")
    assert entry.actor_id == manager.pk and entry.provider_id == manager.provider_id
    assert entry.detail == "CSV; no filter"
    assert all(row[2] != "Exported" for row in rows[1:])


def test_the_export_holds_no_entry_of_another_provider(manager_client, outsider, foreign_client):
    with acting_as(outsider):
        foreign_client.first_name = "Samira"
        foreign_client.save()
    rows = _csv(manager_client.get(reverse("audit:export")))
    assert [row[2] for row in rows[1:]] == ["Signed in"]  # the manager's own sign-in only
    assert "Samira" not in str(rows) and "outsider" not in str(rows)


@pytest.mark.parametrize("role", ["social_worker", "mentor", "coordinator", "outsider"])
def test_only_managers_export(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("audit:export")).status_code == 404
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_the_export_takes_no_post(manager_client):
    assert manager_client.post(reverse("audit:export")).status_code == 405


def test_an_anonymisation_names_the_fields_it_removed_never_their_values(manager_client, manager, assigned_client):
    with unaudited_rows():
        Client.objects.filter(pk=assigned_client.pk).update(anonymised_at=timezone.now())
    _entry(
        manager.provider_id,
        action=Action.UPDATE,
        object_type="clients.client",
        object_id=str(assigned_client.pk),
        changes={"anonymised": ["client_ref", "first_name", "last_name"], "contacts_cleared": 2},
        detail="anonymised",
    )
    row = next(row for row in _page(manager_client).context["rows"] if row.detail == "anonymised")
    assert row.record == f"Client #{assigned_client.pk}"
    assert [(line.label, line.after) for line in row.changes] == [
        ("Anonymised fields", "Client reference, First name, Last name"),
        ("Contacts cleared", "2"),
    ]


def test_a_record_of_no_model_reads_by_its_kind(manager_client, manager):
    _entry(manager.provider_id, action=Action.IMPORT, object_type="exchange", detail="clients: +3 ~0")
    row = next(row for row in _page(manager_client).context["rows"] if row.entry.action == Action.IMPORT)
    assert (row.action, row.kind, row.record, row.detail) == ("Imported", "Exchange format", "", "clients: +3 ~0")

"""Property-based: arbitrary text in every cell of each import file and in every field of every form.

The import answers with a clean import or errors naming file, row and column; a form never answers 500.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.forms import SignInForm
from clients.forms import (
    FamilyAddMemberForm,
    FamilyForm,
    HandoverForm,
    IntakeForm,
    LegalStatusChangeForm,
    MergeForm,
    ResidenceChangeForm,
)
from exchange.services import FILE_SPECS, dataset_import, read_upload
from plans.forms import ContactLogForm, GoalForm, PlanEditForm, PlanForm, TaskEditForm, TaskNoteForm, TaskStatusForm
from reporting.forms import NarrativeForm, ReportForm
from tests.exchange.exchange_helpers import HEADERS, client_row, contact_row, staff_row
from tests.factories import FamilyFactory, GoalFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

NASTY = [
    "",
    " ",
    "\x00",
    "0",
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "'; DROP TABLE clients_client; --",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "\u202eRTL",
    "Ā" * 2000,
]
TEXT = st.one_of(st.text(max_size=120), st.sampled_from(NASTY))

# --- the import ----------------------------------------------------------------------------------------------

ROWS = {
    "providers": {"code": "LSK", "name": "Latvijas Sarkanais Krusts"},
    "staff": staff_row("S1", "social_worker"),
    "clients": client_row("C1"),
    "contacts": contact_row("K1"),
}


def _csv(headers: list[str], row: dict[str, str]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerow([row[h] for h in headers])
    return stream.getvalue().encode("utf-8")


@pytest.mark.parametrize("target", list(ROWS))
@SETTINGS
@given(data=st.data())
def test_arbitrary_text_in_any_cell_of_an_import_file_gives_an_import_or_errors_naming_the_cell(target, data, db):
    headers = HEADERS.get(target) or list(FILE_SPECS[target].columns)
    row = dict(ROWS[target])
    for column in headers:
        if data.draw(st.booleans(), label=f"change {column}"):
            row[column] = data.draw(TEXT, label=column)
    files = [(f"{name}.csv", _csv(HEADERS.get(name) or list(r), r)) for name, r in ROWS.items() if name != target]
    files.append((f"{target}.csv", _csv(headers, row)))
    with translation.override("en"), transaction.atomic():
        sheets, read_errors = read_upload(files)
        result = dataset_import(sheets=sheets, read_errors=read_errors)
        transaction.set_rollback(True)
    for error in result.errors:
        assert error.file in FILE_SPECS, error
        assert error.message.strip(), error
        assert error.row is None or error.row >= 1, error
        assert error.column == "" or error.column in FILE_SPECS[error.file].columns, error
        if error.row is None:  # only a whole file is refused without a row: one that cannot be read
            assert error.file == target, error


# --- every form ----------------------------------------------------------------------------------------------


@pytest.fixture
def world(provider, other_provider, social_worker, mentor, manager, assigned_client, unassigned_client):
    family = FamilyFactory(family_ref="FAM-1", name="Ahmadi", provider=assigned_client.provider)
    assigned_client.family = family
    assigned_client.save(update_fields=["family"])
    plan = PlanFactory(client=assigned_client, drafted_by=social_worker, start_date=datetime.date(2026, 1, 1))
    goal = GoalFactory(plan=plan)
    task = TaskFactory(goal=goal, responsible=mentor.staff)
    return {"client": assigned_client, "family": family, "plan": plan, "goal": goal, "task": task}


def _fields(form_class, *extra: str) -> list[str]:
    return [*form_class.base_fields, *extra]


# (URL name, its arguments from the world, the role that uses it, the fields posted, query string)
FORMS = [
    ("clients:create", None, "social_worker", _fields(IntakeForm)),
    ("clients:edit", "client", "social_worker", _fields(IntakeForm)),
    ("clients:status_change", "client", "social_worker", _fields(LegalStatusChangeForm)),
    ("clients:residence_change", "client", "social_worker", _fields(ResidenceChangeForm)),
    ("clients:handover", "client", "manager", _fields(HandoverForm)),
    ("clients:merge", "client", "manager", _fields(MergeForm)),
    ("clients:family_create", None, "social_worker", _fields(FamilyForm)),
    ("clients:family_add_member", "family", "social_worker", _fields(FamilyAddMemberForm)),
    ("plans:contact_create", "client", "social_worker", _fields(ContactLogForm)),
    ("plans:contact_create_family", "family", "social_worker", _fields(ContactLogForm)),
    ("plans:plan_create", "client", "social_worker", _fields(PlanForm)),
    ("plans:plan_edit", "plan", "social_worker", _fields(PlanEditForm)),
    ("plans:goal_add", "plan", "social_worker", _fields(GoalForm)),
    ("plans:task_add", "goal", "social_worker", _fields(TaskEditForm)),
    ("plans:task_edit", "task", "social_worker", _fields(TaskEditForm)),
    ("plans:task_update", "task", "mentor", _fields(TaskStatusForm)),
    ("plans:task_note_add", "task", "mentor", _fields(TaskNoteForm)),
    ("reporting:job_create", None, "manager", _fields(ReportForm)),
    ("reporting:narrative", None, "manager", _fields(NarrativeForm)),
    pytest.param(
        "accounts:login",
        None,
        None,
        _fields(SignInForm),
    ),
    ("accounts:password_change", None, "social_worker", ["old_password", "new_password1", "new_password2"]),
]

FORM_IDS = [f.values[0] if hasattr(f, "values") else f[0] for f in FORMS]


@pytest.mark.parametrize(("name", "target", "role", "fields"), FORMS, ids=FORM_IDS)
@settings(SETTINGS, max_examples=15)
@given(data=st.data())
def test_arbitrary_text_in_every_field_of_a_form_never_gives_a_server_error(
    request, client, world, settings, name, target, role, fields, data
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # a job asked for is made here, not sent
    if role is not None and "_auth_user_id" not in client.session:
        client.force_login(request.getfixturevalue(role))
    url = reverse(name, args=[world[target].pk] if target else [])
    if name == "reporting:narrative":
        url += "?kind=month&month=2026-03&language=en"
    posted = {field: data.draw(TEXT, label=field) for field in fields}
    with transaction.atomic():
        response = client.post(url, posted)
        transaction.set_rollback(True)
    assert response.status_code < 500, (url, posted)
    assert response.status_code not in (403, 404), (url, response.status_code)  # the role may use the form

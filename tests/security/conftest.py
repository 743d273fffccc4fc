"""Fixtures of the security walks: each kind of record in three relations to the user, and a user of every role."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile

from accounts.models import Role
from clients.choices import StaffRole
from clients.models import Document
from plans.group_sessions import group_session_record
from plans.models import Assessment, Institution, Referral
from reminders.services import calendar_address_make
from reporting.models import JobState, ReportJob
from tests.factories import (
    ClientFactory,
    ConsentFactory,
    FamilyFactory,
    GoalFactory,
    PlanFactory,
    ProviderFactory,
    StaffFactory,
    TaskFactory,
    UserFactory,
)


@dataclass(frozen=True)
class CalendarKey:
    """A calendar address's key, as the walker names a URL's record (`token`)."""

    token: str

    @property
    def pk(self) -> str:
        return self.token


@pytest.fixture
def world(db, settings, tmp_path, documents_root):
    """Each kind of record in the three relations, and a user of every role."""
    settings.MEDIA_ROOT = tmp_path
    provider = ProviderFactory(code="LSK")
    other = ProviderFactory(code="CARITAS")
    users = {
        "social_worker": UserFactory(username="sw", role=Role.SOCIAL_WORKER, provider=provider),
        "mentor": UserFactory(username="mentor", role=Role.MENTOR, provider=provider),
        "manager": UserFactory(username="manager", role=Role.MANAGER, provider=provider),
        "coordinator": UserFactory(username="coordinator", role=Role.COORDINATOR, provider=None),
    }
    sw = StaffFactory(role=StaffRole.SOCIAL_WORKER, provider=provider, user=users["social_worker"])
    mentor = StaffFactory(role=StaffRole.MENTOR, provider=provider, user=users["mentor"])
    other_mentor = StaffFactory(role=StaffRole.MENTOR, provider=provider)
    foreign_mentor = StaffFactory(role=StaffRole.MENTOR, provider=other)
    records: dict[str, dict[str, object]] = {}
    calendar_owners = {
        "A": users["mentor"],
        "S": UserFactory(username="other-mentor", role=Role.MENTOR, provider=provider),
        "F": UserFactory(username="foreign-mentor", role=Role.MENTOR, provider=other),
    }
    for relation, owner, assigned_mentor, assigned_sw in (
        ("A", provider, mentor, sw),
        ("S", provider, other_mentor, None),
        ("F", other, foreign_mentor, None),
    ):
        calendar_owner = calendar_owners[relation]
        family = FamilyFactory(provider=owner)
        client = ClientFactory(provider=owner, family=family, mentor=assigned_mentor, social_worker=assigned_sw)
        plan = PlanFactory(client=client)
        goal = GoalFactory(plan=plan)
        task = TaskFactory(goal=goal, responsible=assigned_mentor)
        job = ReportJob.objects.create(
            requested_by=users["manager"] if owner == provider else None,
            provider=owner,
            start="2026-01-01",
            end="2026-01-31",
            state=JobState.DONE,
        )
        job.file.save(f"policy-{relation}.pdf", ContentFile(b"%PDF-1.7 policy"))
        # Issue 19: a referral of the client by its provider's social worker, and an institution of the provider's
        # catalogue ("S": another of the same provider).
        referral = Referral.objects.create(
            date="2026-01-05", staff=sw if owner == provider else foreign_mentor, client=client, institution_kind="bank"
        )
        institution = Institution.objects.create(provider=owner, name=f"Institution {relation}", kind="bank")
        # Issue 19: a self-sufficiency assessment of the client by its provider's staff.
        assessment = Assessment.objects.create(
            date="2026-01-06", staff=sw if owner == provider else foreign_mentor, client=client, kind="intake"
        )
        # Issue 20: a group session with the client listed present, run by the client's mentor (A: the signed-in one).
        session = group_session_record(
            staff=assigned_mentor,
            date=datetime.date(2026, 1, 7),
            kind="language_lesson",
            attendance={client: True},
            actor=users["social_worker"],
        )
        # Issue 20: the client's consent to share with institutions.
        consent = ConsentFactory(client=client)
        # Issue 20: a document kept with the client (in the test's own DOCUMENTS_ROOT).
        document = Document(client=client, provider=owner, kind="residence_permit", content_type="application/pdf")
        document.size = 15
        document.file.save("policy", ContentFile(b"%PDF-1.7 policy"))
        records[relation] = {
            "client": client,
            "family": family,
            "plan": plan,
            "goal": goal,
            "task": task,
            "job": job,
            # A staff member: the mentor of A (the signed-in mentor), of S, of F.
            "staff": assigned_mentor,
            "referral": referral,
            "institution": institution,
            "assessment": assessment,
            "group_session": session,
            # Issue 20: a staff member's calendar address (its key): the mentor's, another mentor's, a foreign one's.
            "calendar": CalendarKey(calendar_address_make(user=calendar_owner)),
            "consent": consent,
            "document": document,
        }
    return users, records

"""Closing a client's case and reopening it (shared/spec/casework.md "Closing and reopening a case").

The current episode is on the client (`service_start`, `service_end`, `closure_reason`, `closure_note`,
`follow_up_date`); reopening moves it into a `CaseEpisode`, so that every episode is kept. Closing closes
the client's own active (or draft) plan, and their family's plan once no member's case stays open; it
lives in plans because it changes plans. A hand-over to another provider is not a closure
(clients.services.client_handover does not come here).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can_close_case
from accounts.models import User
from clients.choices import ClosureReason
from clients.models import CaseEpisode, Client, Staff

from . import selectors
from .assessments import AssessmentsRefused, assessment_record
from .choices import AssessmentKind
from .models import PlanCloseReason
from .services import plan_close

# The plan's reason for closing, from the case's: only "the goals were achieved" says more than that it ended.
PLAN_REASON_OF_CLOSURE = {ClosureReason.GOALS_ACHIEVED: PlanCloseReason.GOALS_ACHIEVED}


def _short(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def closure_note_text(*, note: str, skip_assessment_reason: str) -> str:
    """The note kept on the closing: the reason the assessment was skipped first, then the note."""
    parts = []
    if skip_assessment_reason.strip():
        parts.append(_("Closure assessment skipped: %(reason)s") % {"reason": skip_assessment_reason.strip()})
    if note.strip():
        parts.append(note.strip())
    return "\n\n".join(parts)


def _lock(client: Client) -> Client:
    """The client's row locked, with their family's: two members closed at once see each other's closing
    (the family plan closes with the last one). One statement, in the order of the keys, as every closing."""
    family = Q(family_id=client.family_id) if client.family_id else Q(pk__in=[])
    rows = Client.objects.select_for_update().filter(Q(pk=client.pk) | family).order_by("pk")
    return next(row for row in rows if row.pk == client.pk)


@transaction.atomic
def case_close(
    *,
    client: Client,
    actor: User,
    date: datetime.date,
    reason: str,
    note: str = "",
    follow_up_date: datetime.date | None = None,
    assessment_scores: Mapping[str, tuple[int | None, str]] | None = None,
    assessment_staff: Staff | None = None,
    skip_assessment_reason: str = "",
) -> Client:
    """Close the client's current episode on `date`, saying why, all or nothing.

    The closure assessment (`assessment_scores`, by `assessment_staff`, dated `date`) is recorded with it
    (`assessments.assessment_record`; refused: `AssessmentsRefused`, and nothing is kept), unless skipped
    with a reason, which is kept in the closing's note. The client's live plans close as the plan-closing
    rule closes them (`services.plan_close`): open goals stay open, open tasks leave the task lists.
    A family plan closes with the last member whose case was open. Returns the client as now stored.
    """
    stored = _lock(client)
    # Asked of the locked row: a hand-over meanwhile made it another provider's.
    if not can_close_case(actor, stored):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if stored.service_end is not None:
        raise ValidationError(
            _("This case was already closed on %(date)s.") % {"date": _short(stored.service_end)}, code="closed"
        )
    if reason not in ClosureReason.values:
        errors["reason"] = [_("Choose why the case is closed.")]
    if date > timezone.localdate():
        errors["date"] = [_("The date cannot be in the future.")]
    elif stored.service_start and date < stored.service_start:
        errors["date"] = [
            _("The case cannot close before the service started (%(date)s).") % {"date": _short(stored.service_start)}
        ]
    if follow_up_date is not None and follow_up_date <= date:
        errors["follow_up_date"] = [_("The follow-up comes after the closing date.")]
    skipped = bool(skip_assessment_reason.strip())
    if assessment_scores is None and not skipped:
        errors["skip_assessment_reason"] = [_("Record the closure assessment, or say why it is skipped.")]
    elif assessment_scores is not None and skipped:
        errors["skip_assessment_reason"] = [_("Clear the assessment's scores, or do not skip it.")]
    if assessment_scores is not None and assessment_staff is None:
        raise ValueError("A closure assessment is recorded by a staff member.")
    if errors:
        raise ValidationError(errors)

    stored.service_end = date
    stored.closure_reason = reason
    stored.closure_note = closure_note_text(note=note, skip_assessment_reason=skip_assessment_reason)
    stored.follow_up_date = follow_up_date
    stored.save(update_fields=["service_end", "closure_reason", "closure_note", "follow_up_date", "updated_at"])

    plan_reason = PLAN_REASON_OF_CLOSURE.get(ClosureReason(reason), PlanCloseReason.SERVICE_ENDED)
    plan_note = _("The case was closed on %(date)s: %(reason)s") % {
        "date": _short(date),
        "reason": ClosureReason(reason).label,
    }
    for plan in selectors.plans_closed_with_case(client=stored).select_for_update(no_key=True, of=("self",)):
        plan_close(plan=plan, actor=actor, version=plan.version, reason=plan_reason, note=plan_note)

    if assessment_scores is not None and assessment_staff is not None:
        _record_closure_assessment(
            client=stored, staff=assessment_staff, date=date, scores=assessment_scores, actor=actor
        )
    return stored


def _record_closure_assessment(
    *, client: Client, staff: Staff, date: datetime.date, scores: Mapping[str, tuple[int | None, str]], actor: User
) -> None:
    """The closure assessment, dated the closing day; refused, it keeps nothing of the closing either."""
    try:
        assessment_record(
            client=client, staff=staff, date=date, kind=AssessmentKind.CLOSURE, scores=scores, actor=actor
        )
    except ValidationError as exc:
        raise AssessmentsRefused({client.pk: exc}) from None


@transaction.atomic
def case_reopen(*, client: Client, actor: User, start_date: datetime.date) -> Client:
    """Open a new episode of a closed case from `start_date`: the closed one is kept as a `CaseEpisode`.

    The new start comes after the previous end (episodes never overlap) and not in the future. The
    episode is the client's provider's (a hand-over is not a closure). Plans closed with the case stay
    closed: a new episode drafts a new plan.
    """
    stored = _lock(client)
    # Asked of the locked row: a hand-over meanwhile made it another provider's.
    if not can_close_case(actor, stored):
        raise PermissionDenied
    if stored.service_end is None:
        raise ValidationError(_("This case is open: only a closed case can be reopened."), code="open")
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": [_("The date cannot be in the future.")]})
    if start_date <= stored.service_end:
        raise ValidationError(
            {
                "start_date": [
                    _("The new episode starts after the previous one ended (%(date)s).")
                    % {"date": _short(stored.service_end)}
                ]
            }
        )
    CaseEpisode.objects.create(
        client=stored,
        provider_id=stored.provider_id,
        # An imported case may have ended without a recorded start: the episode is then its last day.
        service_start=stored.service_start or stored.service_end,
        service_end=stored.service_end,
        # An imported end may have no reason: "other" is the honest one left.
        closure_reason=stored.closure_reason or ClosureReason.OTHER,
        closure_note=stored.closure_note,
    )
    stored.service_start = start_date
    stored.service_end = None
    stored.closure_reason = ""
    stored.closure_note = ""
    stored.follow_up_date = None
    stored.save(
        update_fields=["service_start", "service_end", "closure_reason", "closure_note", "follow_up_date", "updated_at"]
    )
    return stored


@transaction.atomic
def follow_up_done(*, client: Client, actor: User) -> Client:
    """The social worker followed the closed case up: the follow-up leaves their home page."""
    stored = _lock(client)
    # Asked of the locked row: a hand-over meanwhile made it another provider's.
    if not can_close_case(actor, stored):
        raise PermissionDenied
    if stored.follow_up_date is not None:
        stored.follow_up_date = None
        stored.save(update_fields=["follow_up_date", "updated_at"])
    return stored

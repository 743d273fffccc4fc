"""Referrals and the provider's catalogue of institutions: each change in one transaction (casework.md "Referrals")."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import can_manage_institutions
from accounts.models import User
from clients.choices import ConsentKind
from clients.models import Client, Staff
from clients.selectors import without_valid_consent

from .choices import REFERRAL_STATUSES_WITH_REASON, InstitutionKind, ReferralStatus
from .models import Goal, Institution, Plan, Referral


def referral_consent_lacking(clients: Iterable[Client], institution_kind: str, on: datetime.date) -> list[Client]:
    """Those of `clients` who may not be referred to an institution of `institution_kind` on `on` (casework.md
    "Referrals", "Consent"): a referral passes the person's data to the institution and needs their consent to
    share with institutions of that kind, valid on the referral's day (`clients.selectors.consent_valid`'s rule,
    one query for a whole family). `referral_create` refuses them; the form names them, each with an offer to
    record the consent. (The exchange import of referrals.csv does not ask: it brings in the history, made before.)
    """
    return without_valid_consent(list(clients), ConsentKind.SHARE_WITH_INSTITUTIONS, on, institution_kind)


def consent_lacking_message(client: Client, institution_kind: str, on: datetime.date) -> str:
    """What the form and the service say of a person referred without the consent it needs."""
    return _(
        "%(name)s has no valid consent to share data with institutions of the kind “%(kind)s” on %(day)s: "
        "record the consent first."
    ) % {
        "name": client.display_name,
        "kind": InstitutionKind(institution_kind).label,
        "day": date_format(on, "SHORT_DATE_FORMAT"),
    }


def goals_serving(client: Client) -> Q:
    """The goals a referral of `client` may serve: of a plan of the client or of their family."""
    plans = Plan.objects.filter(
        Q(client=client) | Q(family_id=client.family_id) if client.family_id else Q(client=client)
    )
    return Q(plan__in=plans.values("pk"))


@transaction.atomic
def referral_create(
    *,
    staff: Staff,
    actor: User,
    clients: Iterable[Client],
    date: datetime.date,
    institution_kind: str,
    institution: Institution | None = None,
    goal: Goal | None = None,
    accompanied: bool = False,
) -> list[Referral]:
    """One referral for each of `clients` (a whole family in one go: one each), all or none.

    The goal is kept on the referral of each person it serves (a plan of theirs or their family's): a goal of
    one member's own plan is not another member's goal. Every referral belongs to `staff`, who made it, and to
    their provider; `actor` recorded it (themselves, or their manager naming them).
    """
    clients = list(clients)
    if not clients:
        raise ValueError("A referral is for at least one client.")
    if staff.provider_id != actor.provider_id or not staff.is_active:
        # The maker is the actor's own staff record, or (a manager without one) one of their provider's staff.
        raise ValidationError({"staff": _("Choose an active staff member of your provider.")})
    if institution_kind not in InstitutionKind.values:
        raise ValidationError({"institution_kind": _("Choose the kind of institution.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("A referral cannot be dated in the future.")})
    if institution is not None and institution.provider_id != staff.provider_id:
        raise ValidationError({"institution": _("Choose an institution of your provider's catalogue.")})
    if lacking := referral_consent_lacking(clients, institution_kind, date):
        raise ValidationError(
            [
                ValidationError(consent_lacking_message(client, institution_kind, date), code="consent_missing")
                for client in lacking
            ]
        )
    referrals = []
    for client in clients:
        serves = goal is not None and Goal.objects.filter(goals_serving(client), pk=goal.pk).exists()
        referral = Referral(
            date=date,
            staff=staff,
            provider_id=staff.provider_id,
            client=client,
            institution_kind=institution_kind,
            institution=institution,
            goal=goal if serves else None,
            accompanied=accompanied,
            created_by=actor,
        )
        referral.full_clean()
        referral.save()
        referrals.append(referral)
    return referrals


@transaction.atomic
def referral_outcome(
    *, referral: Referral, actor: User, status: str, outcome_date: datetime.date | None, outcome_reason: str = ""
) -> Referral:
    """Set what came of the referral, in place: its status, the day and (for not_successful and refused) why.

    Back to `made` clears the outcome. Raises ValidationError by field, for the form to show.
    """
    errors: dict[str, Any] = {}
    if status not in ReferralStatus.values:
        errors["status"] = _("Choose what came of the referral.")
    elif status == ReferralStatus.MADE:
        outcome_date, outcome_reason = None, ""
    else:
        if outcome_date is None:
            errors["outcome_date"] = _("Enter the day of the outcome.")
        elif outcome_date < referral.date:
            errors["outcome_date"] = _("The outcome cannot be before the referral was made.")
        elif outcome_date > timezone.localdate():
            errors["outcome_date"] = _("The outcome cannot be dated in the future.")
        if status in REFERRAL_STATUSES_WITH_REASON and not outcome_reason:
            errors["outcome_reason"] = _("Say why.")
        if status not in REFERRAL_STATUSES_WITH_REASON:
            outcome_reason = ""
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    referral.status, referral.outcome_date, referral.outcome_reason = status, outcome_date, outcome_reason
    referral.save(update_fields=["status", "outcome_date", "outcome_reason"])
    return referral


def _require_manager(actor: User) -> None:
    if not can_manage_institutions(actor):
        raise PermissionDenied


@transaction.atomic
def institution_create(*, actor: User, name: str, kind: str, municipality: str = "") -> Institution:
    """A new institution in the manager's provider's catalogue."""
    _require_manager(actor)
    assert actor.provider_id is not None  # a manager works for a provider (can_manage_institutions)
    institution = Institution(provider_id=actor.provider_id, name=name.strip(), kind=kind, municipality=municipality)
    institution.full_clean()
    institution.save()
    return institution


@transaction.atomic
def institution_update(
    *, institution: Institution, actor: User, name: str, kind: str, municipality: str = ""
) -> Institution:
    _require_manager(actor)
    if institution.provider_id != actor.provider_id:
        raise PermissionDenied
    institution.name, institution.kind, institution.municipality = name.strip(), kind, municipality
    institution.full_clean()
    institution.save(update_fields=["name", "kind", "municipality"])
    return institution

"""Reads for the staff accounts page: whose sign-in a manager (or the admin) may look after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import lockout
from .capabilities import can_manage_staff_accounts
from .grace import grace_period_end
from .models import Role, User


def staff_accounts_for(user: Any) -> QuerySet[User]:
    """A manager: the people of their own provider, but no admin; the admin: everyone."""
    if user.is_superuser:
        return User.objects.all()
    if can_manage_staff_accounts(user):
        return User.objects.filter(provider_id=user.provider_id, is_superuser=False).exclude(role=Role.COORDINATOR)
    return User.objects.none()


def get_staff_account_for_user(user: Any, account_id: int) -> User:
    """Another provider's account does not exist for a manager."""
    try:
        return staff_accounts_for(user).get(pk=account_id)
    except User.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class StaffAccountRow:
    account: User
    has_authenticator: bool
    set_up_by: datetime | None  # the end of the grace period, while it lasts without an authenticator
    locked: bool


def staff_account_rows(user: Any) -> list[StaffAccountRow]:
    authenticator = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    accounts = list(
        staff_accounts_for(user)
        .filter(is_active=True)
        .annotate(has_authenticator=Exists(authenticator))
        .order_by("last_name", "first_name", "username")
    )
    locked = lockout.locked_usernames([account.username for account in accounts])
    return [
        StaffAccountRow(
            account=account,
            has_authenticator=account.has_authenticator,
            set_up_by=None if account.has_authenticator else grace_period_end(account),
            locked=account.username in locked,
        )
        for account in accounts
    ]

"""When the second factor becomes required: at once for some roles, after a grace period for the others."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_otp import user_has_device

from .models import Role

# Roles that work with many people's records or reports set up the second factor before anything else.
NO_GRACE_ROLES = {Role.MANAGER, Role.COORDINATOR}
GRACE_PERIOD = timedelta(days=7)


def two_factor_required(user: Any) -> bool:
    """Everyone who signs in needs a second factor (some after a grace period)."""
    return bool(user.is_authenticated)


def has_second_factor(user: Any) -> bool:
    """Whether the person has set up a second factor (a confirmed device), read once a request: the middleware
    and the page's reminder both ask, of the request's own user object (two queries, one a device kind)."""
    known = getattr(user, "_has_second_factor", None)
    if known is None:
        known = user._has_second_factor = user_has_device(user)
    return bool(known)


def grace_period_end(user: Any) -> datetime | None:
    """Until when this person may work without a second factor; None if they may not at all.

    The grace starts when the account was made, or when the requirement was rolled out
    (settings.TWO_FACTOR_GRACE_FROM) if that is later: accounts older than the rollout get their days too.
    """
    if user.is_superuser or user.role in NO_GRACE_ROLES:
        return None
    start = user.date_joined
    rollout = settings.TWO_FACTOR_GRACE_FROM
    if rollout is not None and rollout > start:
        start = rollout
    return start + GRACE_PERIOD


def grace_days_left(user: Any) -> int:
    """Whole days, rounded up, of the grace period left (0 when it is over or there is none)."""
    end = grace_period_end(user)
    if end is None:
        return 0
    return max(0, math.ceil((end - timezone.now()) / timedelta(days=1)))

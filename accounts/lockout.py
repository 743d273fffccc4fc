"""Sign-in lockout rules on top of django-axes: the pair (user name, address), and an address that fails too often.

Axes counts every failed sign-in in AccessAttempt rows (one per user name, address and browser). The rules:

- six failures of one user name from one address in the cool-off lock that pair, so nobody elsewhere can lock a
  colleague out by typing their name;
- `ACCOUNTS_ADDRESS_FAILURE_LIMIT` failures from one address over any names lock the whole address, so guessing
  across many names is throttled too. Axes has one failure limit, so the parameters callable below switches to
  the address alone once it is over its own, higher limit.

A signed-in person's wrong current password (password change, second-factor setup) and wrong second-factor code
count as failures too: they are sent as Django's `user_login_failed`, which axes and the audit both record.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_cool_off, get_credentials, get_lockout_response
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

PAIR = ["username", "ip_address"]


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: REMOTE_ADDR, or behind N trusted proxies the address the outermost one saw.

    Each proxy appends the address it was reached from to X-Forwarded-For, so the Nth entry from the right is
    the last one no client can forge. Without this, behind a proxy every sign-in would share its address.
    """
    count = settings.ACCOUNTS_TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def _address(request: Any) -> str | None:
    address = getattr(request, "axes_ip_address", None)
    return address if address is not None else get_client_ip_address(request)


def _threshold(request: Any):
    attempt_time = getattr(request, "axes_attempt_time", None) or timezone.now()
    return attempt_time - get_cool_off(request)


def _failures(request: Any, **filters: Any) -> int:
    attempts = AccessAttempt.objects.filter(attempt_time__gte=_threshold(request), **filters)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_failures(request: Any) -> int:
    return _failures(request, ip_address=_address(request))


def lockout_parameters(request_or_attempt: Any, credentials: dict | None = None) -> list:
    """AXES_LOCKOUT_PARAMETERS: the pair, or the address alone once it failed over many names."""
    if isinstance(request_or_attempt, AccessAttempt):
        return [PAIR]
    if address_failures(request_or_attempt) >= settings.ACCOUNTS_ADDRESS_FAILURE_LIMIT:
        return ["ip_address"]
    return [PAIR]


def attempts_left(request: HttpRequest, username: str | None) -> int:
    """How many more failures this user name from this address may have before sign-in locks."""
    pair = _failures(request, username=username, ip_address=_address(request))
    left_for_pair = settings.AXES_FAILURE_LIMIT - pair
    left_for_address = settings.ACCOUNTS_ADDRESS_FAILURE_LIMIT - address_failures(request)
    return max(0, min(left_for_pair, left_for_address))


def cool_off_minutes() -> int:
    """How long a lock lasts, in whole minutes (AXES_COOLOFF_TIME), for the warnings that name it."""
    return max(1, int(get_cool_off(None).total_seconds() // 60))


def is_locked(request: HttpRequest, username: str) -> bool:
    return AxesProxyHandler.is_locked(request, get_credentials(username))


def count_failure(request: HttpRequest) -> bool:
    """Count a signed-in person's wrong password or code; sign them out and return True when that locks them."""
    user_login_failed.send(sender=__name__, credentials=get_credentials(request.user.get_username()), request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return True
    return False


def refuse_if_locked(request: HttpRequest) -> HttpResponse | None:
    """A signed-in person whose user name is locked at this address is signed out and told so."""
    username = request.user.get_username()
    if not is_locked(request, username):
        return None
    logout(request)
    return lockout_response(request, username)


def lockout_response(request: HttpRequest, username: str | None = None) -> HttpResponse:
    return get_lockout_response(request, None, get_credentials(username))


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these user names are locked at some address now (the manager's unlock page)."""
    threshold = timezone.now() - get_cool_off(None)
    pairs = (
        AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=threshold)
        .values("username", "ip_address")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {pair["username"] for pair in pairs}

"""Session timeout: the warning before it ends, and the typed work kept when a form arrives after it.

A form sent after the idle limit (or the 12-hour limit) reaches a signed-out request: the view's
`login_required` sends it to the sign-in page. `KeptWorkMiddleware` keeps the posted fields then (never the
CSRF or form token, passwords or files) in the new, signed-out session, tagged with an HMAC of the user who
was signed in on this browser (the `kept_work_owner` cookie, set while signed in; opaque, it names nobody),
with the form's path. The sign-in page says so. After signing in again (and the second factor), the form's
view calls `kept_work(request)` on its GET and binds the form to the kept fields, with a message to check
and save them. Another user signing in on this browser never sees them: they are dropped at that user's
first page.

Why the session and not a table: the fields live only as long as the signed-out session (the idle limit) and
at most KEEP_SECONDS, go with the browser, and leave no personal data behind in a table that export and
anonymisation would have to know about; when sessions move to a cache, this moves with them unchanged.
"""

from __future__ import annotations

import math
import time
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseRedirectBase
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import resolve_url
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .formtokens import FIELD as FORM_TOKEN_FIELD
from .middleware import SIGNED_IN_AT, session_saved_at

OWNER_COOKIE = "kept_work_owner"
SESSION_KEY = "kept_work"
KEEP_SECONDS = 30 * 60
MAX_CHARS = 100_000
# The warning comes this long before the end (or at half the idle limit, if that is shorter).
WARN_SECONDS = 5 * 60
_NEVER_KEPT = ("csrfmiddlewaretoken", FORM_TOKEN_FIELD)
_NEVER_KEPT_PARTS = ("password", "token", "otp")


def expired_sessions_clear() -> None:
    """Expired sessions, with any work kept in them, leave the session store (run hourly by accounts.tasks).

    Without it the database backend keeps an expired session's row, and the fields kept in it, for good.
    """
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def owner_tag(user) -> str:
    return salted_hmac("accounts.session_timeout.owner", str(user.pk)).hexdigest()[:32]


def seconds_left(request: HttpRequest) -> int:
    """Until the session ends without another request: the idle limit, or the 12-hour limit if sooner.

    The idle limit runs from the session's last save, which may be up to a minute before this request.
    """
    now = time.time()
    saved_at = session_saved_at(request)
    left = settings.SESSION_COOKIE_AGE - (now - saved_at if saved_at is not None else 0)
    signed_in_at = request.session.get(SIGNED_IN_AT)
    if signed_in_at is not None:
        left = min(left, signed_in_at + settings.SESSION_MAX_LIFETIME_SECONDS - now)
    return max(math.ceil(left), 0)


def warn_seconds() -> int:
    return min(WARN_SECONDS, settings.SESSION_COOKIE_AGE // 2)


def _kept_fields(request: HttpRequest) -> list[list]:
    fields = [
        [name, values]
        for name, values in request.POST.lists()
        if name not in _NEVER_KEPT and not any(part in name.lower() for part in _NEVER_KEPT_PARTS)
    ]
    if sum(len(value) for _name, values in fields for value in values) > MAX_CHARS:
        return []
    return fields


def _csrf_passed(request: HttpRequest) -> bool:
    # Behind `login_required` the check ran already; the 12-hour limit answers before it.
    return CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {}) is None


def keep_posted_work(request: HttpRequest, owner: str) -> bool:
    """Keeps a signed-out POST's fields for `owner`; whether anything was kept."""
    fields = _kept_fields(request)
    if not fields or not _csrf_passed(request):
        return False
    request.session[SESSION_KEY] = {"owner": owner, "path": request.path, "at": int(time.time()), "fields": fields}
    return True


def kept_work(request: HttpRequest) -> QueryDict | None:
    """For a form view's GET: the fields kept for this user and this form when the session ended, once.

    `form = SomeForm(request.POST or kept_work(request) or None, ...)`
    """
    kept = request.session.get(SESSION_KEY) if request.method == "GET" else None
    if not kept or kept.get("path") != request.path or not request.user.is_authenticated:
        return None
    del request.session[SESSION_KEY]
    if not _is_theirs(request, kept):
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["fields"]:
        data.setlist(name, values)
    messages.info(request, _("What you typed before the session ended is filled in again. Check it and save it."))
    return data


def _is_theirs(request: HttpRequest, kept: dict) -> bool:
    fresh = time.time() - kept.get("at", 0) < KEEP_SECONDS
    return fresh and constant_time_compare(kept.get("owner", ""), owner_tag(request.user))


def _sends_to_sign_in(response: HttpResponse) -> bool:
    if not isinstance(response, HttpResponseRedirectBase):
        return False
    return response.url.split("?")[0] == resolve_url(settings.LOGIN_URL)


class KeptWorkMiddleware:
    """Marks the browser's signed-in user, keeps a form that arrives signed out, and says so at sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._mark_owner(request, response, owner_tag(user))
        elif getattr(request.resolver_match, "view_name", "") == "accounts:logout":
            # Signing out on purpose: nothing of this browser is kept for anybody any more.
            response.delete_cookie(OWNER_COOKIE, samesite="Lax")
        elif request.method in ("GET", "POST") and _sends_to_sign_in(response):
            self._session_ended(request)
        return response

    @staticmethod
    def _mark_owner(request: HttpRequest, response: HttpResponse, tag: str) -> None:
        kept = request.session.get(SESSION_KEY)
        if kept and not _is_theirs(request, kept):
            del request.session[SESSION_KEY]
        if request.COOKIES.get(OWNER_COOKIE) != tag:
            response.set_cookie(OWNER_COOKIE, tag, secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")

    @staticmethod
    def _session_ended(request: HttpRequest) -> None:
        owner = request.COOKIES.get(OWNER_COOKIE)
        # A page's script (asking for JSON) keeps what it sent on its page and says the save failed itself.
        if not owner or "application/json" in request.headers.get("Accept", ""):
            return
        if request.method == "POST" and keep_posted_work(request, owner):
            messages.warning(
                request,
                _(
                    "Your session ended after a while without activity. What you typed was kept: sign in "
                    "again and you return to the form with it filled in."
                ),
            )
        else:
            messages.info(request, _("Your session ended after a while without activity. Sign in again to go on."))

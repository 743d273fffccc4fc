"""The reminders page of the signed-in person (language, calendar address) and the calendar feed itself."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import services as account_services
from accounts.capabilities import works_with_clients
from accounts.formtokens import once_per_form_token
from accounts.lockout import client_address

from . import selectors, services
from .forms import LanguageForm
from .ics import calendar_ics

SESSION_NEW_CALENDAR = "reminders_new_calendar"
# A calendar address answers this many requests a window (calendar apps fetch every few minutes to hours);
# an address (of the network) that asks for this many unknown calendars a window is refused for the rest of it.
FEED_REQUESTS_PER_WINDOW = 30
FEED_MISSES_PER_WINDOW = 20
FEED_WINDOW_SECONDS = 600


def _only_staff(request: HttpRequest) -> None:
    # Reminders list clients' records: only for those who work with clients (never a coordinator).
    if not works_with_clients(request.user):
        raise Http404


def _feed_url(token: str) -> str:
    return settings.SITE_URL + reverse("reminders:calendar_feed", args=[token])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """The person's reminders: the language of their morning message and calendar, and their calendar address."""
    _only_staff(request)
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            account_services.language_set(user=request.user, language=form.cleaned_data["language"])
            messages.success(request, _("Saved."))
            return redirect("reminders:settings")
    else:
        form = LanguageForm(initial={"language": request.user.language})
    token = request.session.pop(SESSION_NEW_CALENDAR, None)
    context = {
        "form": form,
        "has_calendar": selectors.has_calendar(user=request.user),
        "new_calendar_url": _feed_url(token) if token else None,
        "address": selectors.recipient_address(request.user),
    }
    return render(request, "reminders/settings.html", context)


@login_required
@require_POST
@once_per_form_token
def calendar_address(request: HttpRequest) -> HttpResponse:
    """Make (or replace) the person's calendar address, or revoke it. A double click makes one address."""
    _only_staff(request)
    if request.POST.get("action") == "revoke":
        if services.calendar_address_revoke(user=request.user):
            messages.success(request, _("The calendar address no longer works."))
    else:
        # Shown once on the next page: only its hash is kept.
        request.session[SESSION_NEW_CALENDAR] = services.calendar_address_make(user=request.user)
    return redirect("reminders:settings")


def _over_limit(key: str, limit: int) -> bool:
    cache.add(key, 0, FEED_WINDOW_SECONDS)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between the two calls
        return False


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's calendar, reachable without signing in: the random key in the address is the key to it.

    Only the key's hash is looked up; an unknown or revoked key is not found. Each address, and each network address
    asking for unknown ones, is limited per window (429).
    """
    network = client_address(request) or "unknown"
    misses_key = f"reminders:feed-misses:{network}"
    if (cache.get(misses_key) or 0) >= FEED_MISSES_PER_WINDOW:
        return _private(HttpResponse(status=429))
    token_hash = services.calendar_token_hash(token)
    user = selectors.feed_user(token_hash=token_hash)
    if user is None:
        _over_limit(misses_key, FEED_MISSES_PER_WINDOW)
        raise Http404
    if _over_limit(f"reminders:feed:{token_hash}", FEED_REQUESTS_PER_WINDOW):
        return _private(HttpResponse(status=429))
    items = selectors.calendar_items(user=user, today=timezone.localdate())
    response = HttpResponse(calendar_ics(user=user, items=items), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["X-Robots-Tag"] = "noindex"
    return _private(response)

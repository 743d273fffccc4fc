"""Session limits and caching rules for signed-in pages, which carry personal data."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from .grace import grace_days_left, has_second_factor

SIGNED_IN_AT = "signed_in_at"
# When the session was last saved by a request: its idle expiry runs from then.
SAVED_AT = "saved_at"


def remember_sign_in_time(sender, request, user, **kwargs):
    """Connected to `user_logged_in` in AccountsConfig.ready(). Signing in saves the session: the idle limit runs
    from then (session_renew)."""
    now = time.time()
    request.session[SIGNED_IN_AT] = int(now)
    request.session[SAVED_AT] = now


def session_renew(request, *, now: float | None = None, force: bool = False) -> None:
    """Saves the session again (renewing its idle expiry) if its last save is SESSION_RENEW_AFTER_SECONDS old.

    Saving on every request wrote a row on every page; a save a minute keeps the idle limit within a minute
    of exact (within a tenth of it, if the limit is under ten minutes). A request without a session (none
    sent, or an expired one) gets none from here.
    """
    session = request.session
    now = time.time() if now is None else now
    saved_at = session.get(SAVED_AT)  # loads the session, which sets its key if it exists
    if session.session_key is None:
        return
    every = min(settings.SESSION_RENEW_AFTER_SECONDS, settings.SESSION_COOKIE_AGE / 10)
    if force or saved_at is None or now - saved_at >= every:
        session[SAVED_AT] = now


def session_saved_at(request) -> float | None:
    return request.session.get(SAVED_AT)


class SessionLifetimeMiddleware:
    """Ends a session 12 hours after sign-in, however active it is; renews its idle expiry (session_renew)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None or time.time() - signed_in_at > settings.SESSION_MAX_LIFETIME_SECONDS:
                logout(request)
                # Back to this page after signing in; a form sent now is kept (accounts/session_timeout.py).
                return redirect_to_login(request.get_full_path())
        session_renew(request)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Nothing but these pages until the second factor is confirmed.

    Whoever has an authenticator confirms it; whoever has none sets one up, at once for managers,
    coordinators and the admin, after the grace period for everyone else.
    """

    ALLOWED = {
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "accounts:logout",
        "accounts:session_keepalive",
        "set_language",
        "healthz",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = ""
            if view_name not in self.ALLOWED:
                if has_second_factor(user):
                    # The page asked for comes after the code, as after the password.
                    verify = reverse("accounts:two_factor_verify")
                    home = resolve_url(settings.LOGIN_REDIRECT_URL)
                    if request.method == "GET" and view_name and request.path != home:
                        verify += "?" + urlencode({"next": request.get_full_path()})
                    return redirect(verify)
                if not grace_days_left(user):
                    return redirect("accounts:two_factor_setup")
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Signed-in pages and downloads: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
        return response


class LatvianFirstLocaleMiddleware(LocaleMiddleware):
    """Latvian unless the person chose another language with the switch.

    Browsers in Latvian offices are often set to English; the product speaks Latvian first, so the
    Accept-Language header is not consulted. The switch's cookie is.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

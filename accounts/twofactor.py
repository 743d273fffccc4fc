"""Two-factor sign-in (TOTP and recovery codes, django-otp): required of everyone.

Managers, coordinators and the admin set it up before anything else; social workers and mentors have a grace
period after their account was made. Whoever has an authenticator confirms it at every sign-in, and only a
session confirmed with it may replace it: a lost one is recovered with a recovery code, or reset by the
person's manager (or the admin), after which they set up a new one.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import lockout, services
from .grace import grace_days_left, grace_period_end
from .recovery import is_authenticator_code, normalised, recovery_code_key

# Recovery codes are shown once, on the page the setup (or regeneration) leads to.
NEW_RECOVERY_CODES = "new_recovery_codes"


class TokenForm(forms.Form):
    """The authenticator's six digits, or one of the recovery codes."""

    token = forms.CharField(
        label=_("Code from the authenticator app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_token(self) -> str:
        token = normalised(self.cleaned_data["token"])
        # A recovery code is compared as the keyed hash it is kept as (`recovery`).
        self.device = match_token(self.user, token if is_authenticator_code(token) else recovery_code_key(token))
        if self.device is None:
            raise forms.ValidationError(_("The code is wrong or has expired. Enter the current code."))
        return token


class SetupForm(forms.Form):
    """Setting up or replacing the second factor asks for the password again."""

    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device
        self.wrong_password = False

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            self.wrong_password = True
            raise forms.ValidationError(_("The password is wrong."))
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Only a right password spends the code: a code is accepted once.
        if "password" in cleaned and "token" in cleaned and not self.device.verify_token(cleaned["token"]):
            self.add_error("token", _("The code is wrong or has expired. Enter the current code."))
        return cleaned


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "home"


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if not user_has_device(request.user):
        return redirect("accounts:two_factor_setup")
    if request.method == "POST" and (refused := lockout.refuse_if_locked(request)):
        return refused
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            otp_login(request, form.device)
            if isinstance(form.device, StaticDevice):
                services.recovery_code_used(user=request.user, codes_left=form.device.token_set.count())
            return redirect(_next_url(request))
        # A wrong code means someone knows the password: it counts towards the lockout like a wrong password.
        if request.POST.get("token") and lockout.count_failure(request):
            return lockout.lockout_response(request)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    # Replacing an authenticator needs a session confirmed with it; else the password alone would replace it.
    if user_has_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={reverse('accounts:two_factor_setup')}")
    if request.method == "POST" and (refused := lockout.refuse_if_locked(request)):
        return refused
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = SetupForm(request.POST or None, user=request.user, device=device)
    if request.method == "POST":
        if form.is_valid():
            request.session[NEW_RECOVERY_CODES] = services.two_factor_enable(user=request.user, device=device)
            otp_login(request, device)
            return redirect("accounts:recovery_codes")
        if form.wrong_password and lockout.count_failure(request):
            return lockout.lockout_response(request)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "has_device": user_has_device(request.user),
        "required": grace_period_end(request.user) is None,
        "days_left": grace_days_left(request.user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New codes are shown once, right after setup or here on request; a confirmed session may make new ones."""
    if not request.user.is_verified():
        return redirect("accounts:two_factor_setup")
    if request.method == "POST":
        request.session[NEW_RECOVERY_CODES] = services.recovery_codes_regenerate(user=request.user)
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    device = StaticDevice.objects.filter(user=request.user).first()
    context = {"codes": codes, "codes_left": device.token_set.count() if device else 0}
    return render(request, "accounts/recovery_codes.html", context)

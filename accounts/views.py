"""The sign-in, the password change, the session keep-alive and the manager's staff accounts page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST, require_safe

from . import lockout, services, session_timeout
from .capabilities import can_manage_staff_accounts
from .forms import SignInForm, StaffAccountForm
from .middleware import session_renew
from .selectors import get_staff_account_for_user, staff_account_rows


class SignInView(auth_views.LoginView):
    """Django's sign-in. On a browser where no language was chosen yet (a new phone), the pages speak the language
    the person saved with the switch; a choice made on this browser stays."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES and language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; a wrong current password counts towards the sign-in lockout."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def post(self, request, *args, **kwargs):
        return lockout.refuse_if_locked(request) or super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect") and lockout.count_failure(self.request):
            return lockout.lockout_response(self.request)
        return super().form_invalid(form)


@login_required
@require_POST
def session_keepalive(request: HttpRequest) -> HttpResponse:
    """The "Stay signed in" button: renews the session now; the page learns how long it has."""
    session_renew(request, force=True)
    return JsonResponse({"seconds_left": session_timeout.seconds_left(request)})


@login_required
@require_safe
def staff_accounts(request: HttpRequest) -> HttpResponse:
    if not can_manage_staff_accounts(request.user):
        raise Http404
    return render(request, "accounts/staff_accounts.html", {"rows": staff_account_rows(request.user)})


def _staff_account_from_post(request: HttpRequest):
    if not can_manage_staff_accounts(request.user):
        raise Http404
    form = StaffAccountForm(request.POST)
    if not form.is_valid():
        return None
    return get_staff_account_for_user(request.user, form.cleaned_data["user"])


@login_required
@require_POST
def staff_two_factor_reset(request: HttpRequest) -> HttpResponse:
    account = _staff_account_from_post(request)
    if account is None:
        return HttpResponseBadRequest()
    services.two_factor_reset(user=account)
    messages.success(
        request,
        _("The second factor of %(name)s was reset. At the next sign-in they set up a new one.")
        % {"name": account.get_full_name() or account.username},
    )
    return redirect("accounts:staff")


@login_required
@require_POST
def staff_unlock(request: HttpRequest) -> HttpResponse:
    account = _staff_account_from_post(request)
    if account is None:
        return HttpResponseBadRequest()
    services.sign_in_unlock(user=account)
    messages.success(request, _("%(name)s may sign in again.") % {"name": account.get_full_name() or account.username})
    return redirect("accounts:staff")


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also keeps the signed-in person's choice for what is sent to them."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        services.language_set(user=request.user, language=request.POST.get("language", ""))
    return response

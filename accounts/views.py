"""The home page (each role lands on its own), the password change and the manager's staff accounts page."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from plans import selectors
from plans.choices import TaskStatus

from . import lockout, services
from .capabilities import can_manage_staff_accounts, works_with_clients
from .forms import StaffAccountForm
from .models import Role
from .selectors import get_staff_account_for_user, staff_account_rows

# The mentor's home page shows the soonest tasks; "my tasks" shows them all.
MENTOR_HOME_TASKS = 10


def _social_worker_home(user, page_number: str | None) -> dict:
    return {
        "caseload": selectors.caseload_page(user=user, number=page_number),
        "tasks_due": selectors.tasks_due_this_week(user=user),
        "week_end": selectors.week_end(timezone.localdate()),
        "no_contact_days": selectors.NO_CONTACT_DAYS,
    }


def _mentor_home(user, page_number: str | None) -> dict:
    return {
        "tasks": selectors.my_tasks(user=user)[:MENTOR_HOME_TASKS],
        "status_choices": TaskStatus.choices,
        "clients": selectors.mentor_clients_page(user=user, number=page_number),
    }


def _manager_home(user, page_number: str | None) -> dict:
    return {"glance": selectors.month_at_a_glance(provider_id=user.provider_id)}


# Each role lands on its own page, with what it shows (a fixed number of queries whatever the rows).
# A page, not an access rule: what the pages link to asks `accounts.capabilities`.
HOME_PAGES: dict[str, tuple[str, Callable[..., dict] | None]] = {
    Role.SOCIAL_WORKER: ("home/social_worker.html", _social_worker_home),
    Role.MENTOR: ("home/mentor.html", _mentor_home),
    Role.MANAGER: ("home/manager.html", _manager_home),
    Role.COORDINATOR: ("home/coordinator.html", None),
}


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    template, home_context = HOME_PAGES.get(request.user.role, ("home/no_role.html", None))
    if home_context is None or not works_with_clients(request.user):
        return render(request, template, {})
    return render(request, template, home_context(request.user, request.GET.get("page")))


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

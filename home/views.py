"""The home page: each role lands on its own, with what needs them (above every app whose rows it shows)."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.capabilities import can_read_staff_caseloads, can_report_on_all_providers, works_with_clients
from accounts.models import Role
from clients.models import Staff
from clients.selectors import documents_expiring
from plans import selectors
from plans.choices import TaskStatus
from reporting.selectors import providers_overview

# The mentor's home page shows the soonest tasks; "my tasks" shows them all.
MENTOR_HOME_TASKS = 10


def _social_worker_home(user, page_number: str | None) -> dict:
    return {
        "caseload": selectors.caseload_page(user=user, number=page_number),
        "tasks_due": selectors.tasks_due_this_week(user=user),
        "week_end": selectors.week_end(timezone.localdate()),
        "reviews_due": selectors.reviews_due(user=user, mine_only=True),
        "waiting_referrals": selectors.waiting_referrals(user=user),
        "expiring_documents": documents_expiring(user=user, today=timezone.localdate()),
    }


def _mentor_home(user, page_number: str | None) -> dict:
    return {
        "tasks": selectors.my_tasks(user=user)[:MENTOR_HOME_TASKS],
        "status_choices": TaskStatus.choices,
        "clients": selectors.mentor_clients_page(user=user, number=page_number),
        "waiting_referrals": selectors.waiting_referrals(user=user),
        "expiring_documents": documents_expiring(user=user, today=timezone.localdate()),
    }


def _manager_home(user, page_number: str | None) -> dict:
    return {
        "glance": selectors.month_at_a_glance(provider_id=user.provider_id),
        "reviews_due": selectors.reviews_due(user=user, mine_only=False),
        # A manager with a staff record makes referrals too.
        "waiting_referrals": selectors.waiting_referrals(user=user),
    }


def _coordinator_home(user, page_number: str | None) -> dict:
    return {"overview": providers_overview(user=user, today=timezone.localdate())}


# Each role lands on its own page, with what it shows (a fixed number of queries whatever the rows).
# A page, not an access rule: what the pages link to asks `accounts.capabilities`.
HOME_PAGES: dict[str, tuple[str, Callable[..., dict] | None]] = {
    Role.SOCIAL_WORKER: ("home/social_worker.html", _social_worker_home),
    Role.MENTOR: ("home/mentor.html", _mentor_home),
    Role.MANAGER: ("home/manager.html", _manager_home),
    Role.COORDINATOR: ("home/coordinator.html", _coordinator_home),
}


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    template, home_context = HOME_PAGES.get(request.user.role, ("home/no_role.html", None))
    if home_context is None or not (works_with_clients(request.user) or can_report_on_all_providers(request.user)):
        return render(request, template, {})
    return render(request, template, home_context(request.user, request.GET.get("page")))


def _get_staff_for_manager(user, pk: int) -> Staff:
    # Only a provider's manager follows their staff's work; for anyone else the page does not exist.
    if not can_read_staff_caseloads(user):
        raise Http404
    return get_object_or_404(Staff.objects.for_user(user), pk=pk)


@login_required
@require_safe
def staff_caseload(request: HttpRequest, pk: int) -> HttpResponse:
    """A staff member's clients (the longest without a contact first) and open tasks, for their manager."""
    staff = _get_staff_for_manager(request.user, pk)
    context = {
        "staff": staff,
        "clients": selectors.staff_clients_page(user=request.user, staff=staff, number=request.GET.get("page")),
        "tasks": selectors.staff_open_tasks_page(user=request.user, staff=staff, number=request.GET.get("tasks")),
    }
    return render(request, "home/staff_caseload.html", context)

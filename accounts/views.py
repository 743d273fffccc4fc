"""The home page: each role lands on its own."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from plans import selectors
from plans.choices import TaskStatus

from .models import Role

HOME_TEMPLATES = {
    Role.SOCIAL_WORKER: "home/social_worker.html",
    Role.MENTOR: "home/mentor.html",
    Role.MANAGER: "home/manager.html",
    Role.COORDINATOR: "home/coordinator.html",
}

# The mentor's home page shows the soonest tasks; "my tasks" shows them all.
MENTOR_HOME_TASKS = 10


def _home_context(user, page_number: str | None) -> dict:
    """What each role's home page shows; a fixed number of queries whatever the rows."""
    if not user.works_with_clients:
        return {}
    if user.is_social_worker:
        return {
            "caseload": selectors.caseload_page(user=user, number=page_number),
            "tasks_due": selectors.tasks_due_this_week(user=user),
            "week_end": selectors.week_end(timezone.localdate()),
            "no_contact_days": selectors.NO_CONTACT_DAYS,
        }
    if user.is_mentor:
        return {
            "tasks": selectors.my_tasks(user=user)[:MENTOR_HOME_TASKS],
            "status_choices": TaskStatus.choices,
            "clients": selectors.mentor_clients_page(user=user, number=page_number),
        }
    if user.is_manager:
        return {"glance": selectors.month_at_a_glance(provider_id=user.provider_id)}
    return {}


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    template = HOME_TEMPLATES.get(request.user.role, "home/no_role.html")
    return render(request, template, _home_context(request.user, request.GET.get("page")))

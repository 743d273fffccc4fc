"""The daily work in the browser: the contact log, plans and tasks, my tasks, a client's timeline."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import can_edit_plans, can_log_contact, can_review_plans, works_with_clients
from accounts.formtokens import once_per_form_token
from accounts.models import User
from accounts.session_timeout import kept_work
from clients.models import Client, Family, Staff
from clients.selectors import _get_client_for_user, _get_family_for_user

from . import selectors, services
from .assessment_forms import ReviewAssessments
from .assessments import AssessmentsRefused
from .choices import GoalStatus
from .filters import MyTaskFilter
from .forms import (
    ContactLogForm,
    GoalForm,
    GoalReviewFormSet,
    GoalStatusForm,
    PlanCloseForm,
    PlanEditForm,
    PlanForm,
    PlanReviewForm,
    TaskEditForm,
    TaskForm,
    TaskNoteForm,
    TaskStatusForm,
)
from .models import Goal, Plan, Task

# Entries a page of a client's full timeline (the client page shows the latest few).
TIMELINE_PAGE_SIZE = 50


def _get_plan_for_user(user: User, pk: int) -> Plan:
    try:
        return Plan.objects.for_user(user).select_related("client", "family").get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404 from None


def _get_goal_for_user(user: User, pk: int) -> Goal:
    try:
        return Goal.objects.select_related("plan__client", "plan__family").get(
            pk=pk, plan__in=Plan.objects.for_user(user)
        )
    except Goal.DoesNotExist:
        raise Http404 from None


def _get_task_for_user(user: User, pk: int) -> Task:
    try:
        return Task.objects.for_user(user).select_related("goal__plan", "responsible", "updated_by").get(pk=pk)
    except Task.DoesNotExist:
        raise Http404 from None


def _require_plan_editor(user: User) -> None:
    """Mentors see plans and update tasks but do not change plans: 403 once the row is known visible."""
    if not can_edit_plans(user):
        raise PermissionDenied


def _staff_of(user: User) -> Staff:
    """The user's own staff record: a contact is always delivered by a staff member."""
    if not can_log_contact(user):
        raise PermissionDenied(_("Only a social worker or a mentor can log a contact."))
    return user.staff


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = default
    return redirect(target)


# The contact log ---------------------------------------------------------------------------------


def _contact_page(request: HttpRequest, *, client: Client | None, family: Family | None) -> HttpResponse:
    staff = _staff_of(request.user)
    form = ContactLogForm(request.POST or kept_work(request) or None, user=request.user, client=client, family=family)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.contact_log(
            staff=staff,
            actor=request.user,
            date=data["date"],
            form=data["form"],
            duration_minutes=data["duration_minutes"],
            topics=data["topics"],
            place=data["place"],
            note=data["note"],
            family=form.family if data.get("whole_family") else None,
            clients=[] if data.get("whole_family") else data["members"],
            interpreter=data["interpreter"],
        )
        messages.success(request, _("The contact was logged."))
        if client is not None:
            return redirect("clients:detail", client.pk)
        return redirect("home")
    ctx = {"form": form, "client": client, "family": form.family, "staff": staff}
    return render(request, "plans/contact_form.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def contact_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    return _contact_page(request, client=_get_client_for_user(request.user, client_pk), family=None)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def contact_create_family(request: HttpRequest, family_pk: int) -> HttpResponse:
    return _contact_page(request, client=None, family=_get_family_for_user(request.user, family_pk))


@login_required
@require_GET
def timeline(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client_for_user(request.user, client_pk)
    plans = list(selectors.plans_of_client(client=client))
    entries = selectors.timeline_for(client=client, user=request.user, read=selectors.TimelineRead(plans=plans))
    page = Paginator(entries, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {"client": client, "page": page, "entries": page.object_list, "plans": plans}
    return render(request, "plans/timeline.html", ctx)


# Plans -------------------------------------------------------------------------------------------


def _plan_create_page(request: HttpRequest, *, client: Client | None, family: Family | None) -> HttpResponse:
    _require_plan_editor(request.user)
    form = PlanForm(request.POST or kept_work(request) or None)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(actor=request.user, client=client, family=family, **form.cleaned_data)
        messages.success(request, _("The plan was drafted. Add its goals and tasks."))
        return redirect("plans:plan_detail", plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "client": client, "family": family})


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def plan_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    return _plan_create_page(request, client=_get_client_for_user(request.user, client_pk), family=None)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def plan_create_family(request: HttpRequest, family_pk: int) -> HttpResponse:
    return _plan_create_page(request, client=None, family=_get_family_for_user(request.user, family_pk))


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        plan = selectors.plan_with_goals(plan_id=pk, user=request.user)
    except Plan.DoesNotExist:
        raise Http404 from None
    editable = can_edit_plans(request.user) and not plan.is_closed
    workable: set[int] = set()
    if not plan.is_closed:  # a closed plan is read-only for everyone (plans.services refuses any change)
        workable = set(Task.objects.for_user(request.user).filter(goal__plan=plan).values_list("pk", flat=True))
    ctx = {
        "plan": plan,
        "editable": editable,
        "reviewable": can_review_plans(request.user) and not plan.is_closed,
        "workable": workable,
        "status_choices": TaskStatusForm.base_fields["status"].choices,
        "goal_status_choices": GoalStatus.choices,
    }
    return render(request, "plans/plan_detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    _require_plan_editor(request.user)
    if refused := _refuse_closed(request, plan):
        return refused
    # The form gets a copy, so that `plan` keeps the saved values the service compares against.
    form = PlanEditForm(request.POST or kept_work(request) or None, instance=copy.copy(plan))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            fields = {k: form.cleaned_data[k] for k in ("start_date", "review_date", "summary")}
            services.plan_update(plan=plan, actor=request.user, version=form.cleaned_data["version"], **fields)
        except services.ConflictError as exc:
            conflict = exc.current
            form = _conflict_form(PlanEditForm, request, conflict)
        except services.PlanClosedError:
            return _closed(request, plan)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("plans:plan_detail", plan.pk)
    return render(request, "plans/plan_edit.html", {"form": form, "plan": plan, "conflict": conflict})


def _conflict_form(form_class, request: HttpRequest, current, **kwargs):
    """The editor's input kept, the version moved on, and an error saying what happened."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    # A copy: validating the form writes the editor's input onto its instance, and `current` is shown as is.
    form = form_class(data, instance=copy.copy(current), **kwargs)
    form.is_valid()
    form.add_error(
        None,
        _(
            "Someone else saved this meanwhile. Their version is shown beside yours; nothing of yours "
            "was saved. Check the fields and save again to keep your changes."
        ),
    )
    return form


def _plan_status(request: HttpRequest, pk: int, change) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    _require_plan_editor(request.user)
    try:
        change(plan=plan, actor=request.user, version=int(request.POST.get("version", "0") or 0))
    except services.ConflictError as exc:
        messages.error(
            request,
            _("Someone else changed this plan meanwhile; it is now “%(status)s”. Check it and try again.")
            % {"status": exc.current.get_status_display()},
        )
    except services.TransitionError:
        status = plan.get_status_display()
        messages.error(request, _("A plan that is “%(status)s” cannot change so.") % {"status": status})
    else:
        messages.success(request, _("The plan is now “%(status)s”.") % {"status": plan.get_status_display()})
    return redirect("plans:plan_detail", plan.pk)


@login_required
@require_POST
def plan_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_status(request, pk, services.plan_activate)


@login_required
@require_http_methods(["GET", "POST"])
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Closing asks first: why, with a note, after saying what closing does."""
    plan = _get_plan_for_user(request.user, pk)
    _require_plan_editor(request.user)
    if refused := _refuse_closed(request, plan):
        return refused
    open_goals = list(plan.goals.filter(status=GoalStatus.OPEN).order_by("id"))
    form = PlanCloseForm(request.POST or None, initial={"version": plan.version}, open_goals=open_goals)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_close(
                plan=plan,
                actor=request.user,
                version=data["version"],
                reason=data["reason"],
                note=data["note"],
                goal_statuses=form.goal_statuses(),
            )
        except services.ConflictError as exc:
            if exc.current.is_closed:
                return _closed(request, exc.current)
            # Their reason and note kept; the plan as it is now is shown, to be closed again on purpose.
            plan = exc.current
            form = PlanCloseForm({**request.POST.dict(), "version": plan.version}, open_goals=open_goals)
            form.is_valid()
            form.add_error(None, _("Someone else changed this plan meanwhile. Check it and close it again."))
        except services.TransitionError:
            return _closed(request, plan)
        else:
            messages.success(request, _("The plan was closed. It is kept, read-only, with the client's history."))
            return redirect("plans:plan_detail", plan.pk)
    ctx = {"plan": plan, "form": form, "open_tasks": selectors.plan_open_task_count(plan=plan)}
    return render(request, "plans/plan_close.html", ctx)


def _closed(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Back to the plan, saying that it is closed (the services refuse every change: `PlanClosedError`)."""
    messages.error(request, str(services.PlanClosedError().message))
    return redirect("plans:plan_detail", plan.pk)


def _refuse_closed(request: HttpRequest, plan: Plan) -> HttpResponse | None:
    return _closed(request, plan) if plan.is_closed else None


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    _require_plan_editor(request.user)
    if refused := _refuse_closed(request, plan):
        return refused
    form = GoalForm(request.POST or kept_work(request) or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_add(plan=plan, actor=request.user, **form.cleaned_data)
        except services.PlanClosedError:
            return _closed(request, plan)
        messages.success(request, _("The goal was added."))
        return redirect("plans:plan_detail", plan.pk)
    return render(request, "plans/goal_form.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def task_add(request: HttpRequest, goal_pk: int) -> HttpResponse:
    goal = _get_goal_for_user(request.user, goal_pk)
    _require_plan_editor(request.user)
    plan = goal.plan
    if refused := _refuse_closed(request, plan):
        return refused
    form = TaskForm(request.POST or kept_work(request) or None, user=request.user, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_add(goal=goal, actor=request.user, **form.cleaned_data)
        except services.PlanClosedError:
            return _closed(request, plan)
        messages.success(request, _("The task was added."))
        return redirect("plans:plan_detail", plan.pk)
    return render(request, "plans/task_form.html", {"form": form, "plan": plan, "goal": goal})


# Goals' outcomes and plan reviews ----------------------------------------------------------------


def _require_reviewer(user: User) -> None:
    """Mentors read goals' outcomes and reviews but do not change them: 403 once the row is known visible."""
    if not can_review_plans(user):
        raise PermissionDenied


@login_required
@require_POST
def goal_status(request: HttpRequest, goal_pk: int) -> HttpResponse:
    """A goal's status changed in place on the plan page."""
    goal = _get_goal_for_user(request.user, goal_pk)
    _require_reviewer(request.user)
    plan = goal.plan
    form = GoalStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(reverse("plans:plan_detail", args=[plan.pk]) + f"#goal-{goal.pk}")
    try:
        services.goal_status_set(
            goal=goal,
            actor=request.user,
            status=form.cleaned_data["status"],
            status_date=form.cleaned_data["status_date"],
        )
    except services.PlanClosedError:
        return _closed(request, plan)
    messages.success(request, _("The goal is now “%(status)s”.") % {"status": goal.get_status_display()})
    return redirect(reverse("plans:plan_detail", args=[plan.pk]) + f"#goal-{goal.pk}")


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Review the plan": one form, the date, each goal's new status and note, the overall note, the next review."""
    plan = _get_plan_for_user(request.user, pk)
    _require_reviewer(request.user)
    if refused := _refuse_closed(request, plan):
        return refused
    goals = list(plan.goals.order_by("id"))
    data = request.POST or kept_work(request) or None
    form = PlanReviewForm(data, plan=plan)
    formset = GoalReviewFormSet(data, goals=goals, prefix="goals")
    # The self-sufficiency assessments made at the review (issue 19): the client's, or each family member's.
    assessed = ReviewAssessments(data, plan=plan, user=request.user)
    if request.method == "POST" and all([form.is_valid(), formset.is_valid(), assessed.is_valid()]):
        try:
            services.plan_review_record(
                plan=plan,
                actor=request.user,
                goals=formset.by_goal(),
                assessments=assessed.inputs(),
                **form.cleaned_data,
            )
        except services.PlanClosedError:
            return _closed(request, plan)
        except AssessmentsRefused as exc:
            assessed.add_errors(exc)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The review was recorded."))
            return redirect(reverse("plans:plan_detail", args=[plan.pk]) + "#reviews")
    ctx = {
        "plan": plan,
        "form": form,
        "formset": formset,
        "rows": list(zip(goals, formset.forms, strict=True)),
        "assessed": assessed,
    }
    return render(request, "plans/plan_review.html", ctx)


# Tasks -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _get_task_for_user(request.user, pk)
    _require_plan_editor(request.user)
    plan = task.goal.plan
    if refused := _refuse_closed(request, plan):
        return refused
    form = TaskEditForm(
        request.POST or kept_work(request) or None, instance=copy.copy(task), user=request.user, plan=plan
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_update(
                task=task,
                actor=request.user,
                version=data["version"],
                status=data["status"],
                title=data["title"],
                responsible=data["responsible"],
                due_date=data["due_date"],
                clear_due_date=data["due_date"] is None,
            )
        except services.ConflictError as exc:
            conflict = exc.current
            form = _conflict_form(TaskEditForm, request, conflict, user=request.user, plan=plan)
        except services.PlanClosedError:
            return _closed(request, plan)
        else:
            messages.success(request, _("The task was saved."))
            return redirect("plans:plan_detail", plan.pk)
    return render(request, "plans/task_edit.html", {"form": form, "task": task, "plan": plan, "conflict": conflict})


@login_required
@require_POST
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    """The task card's "Save": the status and the note typed with it, in one service call.

    JSON for the page's script, else back to the page.
    """
    task = _get_task_for_user(request.user, pk)
    form = TaskStatusForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": form.errors}, status=400)
        messages.error(request, _("Choose a status."))
        return _back(request, reverse("plans:my_tasks"))
    data = form.cleaned_data
    try:
        note = services.task_record_progress(
            task=task, actor=request.user, version=data["version"], status=data["status"], note=data["note"]
        )
    except services.ConflictError as exc:
        current = exc.current
        error = _("%(who)s changed this task meanwhile: it is now “%(status)s”. Yours was not saved.") % {
            "who": current.updated_by or _("Someone"),
            "status": current.get_status_display(),
        }
        return _task_refused(request, error, _task_state(current))
    except services.PlanClosedError as exc:
        return _task_refused(request, str(exc.message), {})
    if _wants_json(request):
        html = render_to_string("plans/includes/task_note.html", {"note": note}, request=request) if note else ""
        return JsonResponse({"ok": True, "message": _("Saved."), "html": html, **_task_state(task)})
    status = task.get_status_display()
    messages.success(request, _("“%(task)s” is now “%(status)s”.") % {"task": task, "status": status})
    return _back(request, reverse("plans:my_tasks"))


def _task_refused(request: HttpRequest, error: str, state: dict) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": error, **state}, status=409)
    messages.error(request, error)
    return _back(request, reverse("plans:my_tasks"))


def _task_state(task: Task) -> dict:
    return {
        "status": task.status,
        "status_display": str(task.get_status_display()),
        "version": task.version,
        "is_open": task.is_open,
    }


@login_required
@require_POST
@once_per_form_token
def task_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = _get_task_for_user(request.user, pk)
    form = TaskNoteForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": form.errors}, status=400)
        messages.error(request, _("Write the note first."))
        return _back(request, reverse("plans:my_tasks"))
    try:
        note = services.task_note_add(task=task, actor=request.user, text=form.cleaned_data["text"])
    except services.PlanClosedError as exc:
        return _task_refused(request, str(exc.message), {})
    if _wants_json(request):
        html = render_to_string("plans/includes/task_note.html", {"note": note}, request=request)
        return JsonResponse({"ok": True, "html": html, "message": _("Note added.")})
    messages.success(request, _("The note was added."))
    return _back(request, reverse("plans:my_tasks"))


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    if not works_with_clients(request.user):
        raise Http404
    tasks = MyTaskFilter(request.GET or None, queryset=selectors.my_tasks(user=request.user), user=request.user)
    ctx = {"filter": tasks, "tasks": tasks.qs, "status_choices": TaskStatusForm.base_fields["status"].choices}
    return render(request, "plans/my_tasks.html", ctx)

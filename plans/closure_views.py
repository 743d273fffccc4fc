"""Closing a client's case, reopening it and marking its follow-up done, in the browser (plans/closure.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.capabilities import can_close_case
from accounts.formtokens import once_per_form_token
from accounts.models import User
from clients.models import Client, Staff
from clients.selectors import _get_client_for_user

from . import assessments, closure, selectors
from .assessment_forms import AssessmentForm
from .assessments import AssessmentsRefused
from .closure_forms import CaseCloseForm, CaseReopenForm


def _get_client_to_close(user: User, pk: int) -> Client:
    """The client if the user sees them (404 otherwise) and may close their case (403: a mentor)."""
    client = _get_client_for_user(user, pk)
    if not can_close_case(user, client):
        raise PermissionDenied
    return client


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _closure_assessment(form: CaseCloseForm, assessment: AssessmentForm, staff: Staff | None) -> dict | None:
    """What `case_close` takes of the closure assessment: its scores and who assessed, none when skipped or
    left unscored (the service then asks why it is skipped); a skip with scores is refused beside the skip."""
    if not assessment.is_filled():
        return None
    if form.cleaned_data["skip_assessment"]:
        form.add_error("skip_assessment", _("Clear the assessment's scores, or do not skip it."))
        return None
    return {"assessment_scores": assessment.scores(), "assessment_staff": staff or assessment.cleaned_data["staff"]}


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def case_close(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Closing asks first: the date, why, the follow-up and the closure assessment (or why it is skipped)."""
    client = _get_client_to_close(request.user, client_pk)
    if not client.is_active:
        messages.info(request, _("This case is already closed."))
        return redirect("clients:detail", client.pk)
    data = request.POST or None
    staff = assessments.assessing_staff(request.user, client)
    form = CaseCloseForm(data)
    # Dated the closing day; optional here, because it may be skipped (the service asks for one or the other).
    assessment = AssessmentForm(
        data,
        prefix="assessment",
        with_date=False,
        optional=True,
        staff_queryset=None if staff is not None else assessments.staff_who_may_assess(client),
    )
    if request.method == "POST" and all([form.is_valid(), assessment.is_valid()]):
        recorded = _closure_assessment(form, assessment, staff)
        if not form.errors:
            cleaned = form.cleaned_data
            try:
                closure.case_close(
                    client=client,
                    actor=request.user,
                    date=cleaned["date"],
                    reason=cleaned["reason"],
                    note=cleaned["note"],
                    follow_up_date=cleaned["follow_up_date"],
                    skip_assessment_reason=cleaned["skip_assessment_reason"],
                    **(recorded or {}),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            except AssessmentsRefused as refused:
                assessment.add_service_errors(refused.errors[client.pk])
            else:
                messages.success(request, _("The case was closed."))
                return redirect("clients:detail", client.pk)
    ctx = {
        "client": client,
        "form": form,
        "assessment_form": assessment,
        "staff": staff,
        "plans": selectors.plans_closed_with_case(client=client),
    }
    return render(request, "plans/case_close.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def case_reopen(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A closed case opens a new episode from a start date; the closed one is kept."""
    client = _get_client_to_close(request.user, client_pk)
    if client.is_active:
        messages.info(request, _("This case is open: only a closed case can be reopened."))
        return redirect("clients:detail", client.pk)
    form = CaseReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure.case_reopen(client=client, actor=request.user, start_date=form.cleaned_data["start_date"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The case was reopened."))
            return redirect("clients:detail", client.pk)
    return render(request, "plans/case_reopen.html", {"client": client, "form": form})


@login_required
@require_POST
def follow_up_done(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The follow-up of a closed case was done: it leaves the home page."""
    client = _get_client_to_close(request.user, client_pk)
    closure.follow_up_done(client=client, actor=request.user)
    messages.success(request, _("The follow-up was marked done."))
    return redirect("home")

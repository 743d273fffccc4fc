"""Self-sufficiency assessments in the browser: "Assess self-sufficiency" from the client page, and one assessment.

Scope first: the client through `Client.objects.for_user` (another provider's, a mentor's unassigned client or a
coordinator: 404), then the capability (`can_assess`: a mentor reads on the client page but is refused here).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.capabilities import can_assess, can_write_client
from accounts.formtokens import once_per_form_token
from accounts.models import User
from accounts.session_timeout import kept_work
from clients.models import Client
from clients.selectors import _get_client_for_user

from . import assessments
from .assessment_forms import AssessmentForm
from .models import Assessment


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def assessment_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """ "Assess self-sufficiency": at intake or at a review outside a plan review (kind chosen on the form)."""
    client = _get_client_for_user(request.user, client_pk)
    if client.service_end is not None and can_write_client(request.user, client):
        messages.error(request, _("The case is closed: reopen it to assess self-sufficiency."))
        return redirect("clients:detail", pk=client.pk)
    if not can_assess(request.user, client):
        raise PermissionDenied(_("Only a social worker or a manager can assess self-sufficiency."))
    staff = assessments.assessing_staff(request.user, client)
    has_any = Assessment.objects.filter(client=client).exists()
    form = AssessmentForm(
        request.POST or kept_work(request) or None,
        with_kind=True,
        initial={"kind": "review" if has_any else "intake"},
        staff_queryset=None if staff is not None else assessments.staff_who_may_assess(client),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessments.assessment_record(
                client=client,
                staff=staff or data["staff"],
                date=data["date"],
                kind=data["kind"],
                scores=form.scores(),
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The assessment was recorded."))
            return redirect(reverse("clients:detail", args=[client.pk]) + "#self-sufficiency")
    return render(request, "plans/assessment_form.html", {"form": form, "client": client, "staff": staff})


def _get_assessment_for_user(user: User, pk: int) -> Assessment:
    """An assessment of a client the user may see (their history goes with them, whichever provider assessed)."""
    try:
        return (
            Assessment.objects.filter(client__in=Client.objects.for_user(user).values("pk"))
            .select_related("client", "staff", "review__plan")
            .prefetch_related("scores")
            .get(pk=pk)
        )
    except Assessment.DoesNotExist:
        raise Http404 from None


@login_required
@require_safe
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request.user, pk)
    ctx = {"assessment": assessment, "client": assessment.client, "rows": assessments.area_scores(assessment)}
    return render(request, "plans/assessment_detail.html", ctx)

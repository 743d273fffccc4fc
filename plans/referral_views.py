"""Referrals in the browser: the short form (from the client, a family, a plan goal, the home page), the outcome
recorded in place, the provider's referral list, and the managers' catalogue of institutions."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from accounts.capabilities import (
    can_manage_consents,
    can_manage_institutions,
    can_record_referral_outcome,
    can_refer,
    refers_naming_staff,
    works_with_clients,
)
from accounts.formtokens import once_per_form_token
from accounts.models import User
from accounts.session_timeout import kept_work
from clients.choices import ConsentKind
from clients.models import Client, Family, Staff
from clients.selectors import _get_client_for_user, _get_family_for_user

from . import referrals, selectors
from .choices import ReferralOutcomeReason, ReferralStatus
from .filters import ReferralFilter
from .models import Goal, Institution, Plan, Referral
from .referral_forms import InstitutionForm, ReferralForm, ReferralOutcomeForm


def _referrer(user: User) -> Staff | None:
    """The user's own staff record, who makes the referral; None for a manager without one, who chooses on the
    form which of their staff made it (403 once the client is known visible, for anyone who may not refer)."""
    if not can_refer(user):
        raise PermissionDenied(_("Only a social worker or a mentor can make a referral."))
    return None if refers_naming_staff(user) else user.staff


def _goal_from_query(request: HttpRequest) -> Goal | None:
    """The plan goal named by `?goal=`, when the user may see its plan; otherwise none (no error: a pre-fill)."""
    pk = request.GET.get("goal", "")
    if not pk.isdigit():
        return None
    return Goal.objects.filter(pk=int(pk), plan__in=Plan.objects.for_user(request.user)).first()


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# The referral form's fields a link back to it keeps (`?date=…&institution_kind=…`): from recording a consent.
KEPT_FIELDS = ("staff", "date", "whole_family", "institution_kind", "institution", "goal", "accompanied")


def _kept_fields(request: HttpRequest) -> dict:
    """The form's fields as a link back to it gave them (an unbound form's initial values)."""
    return {name: request.GET[name] for name in KEPT_FIELDS if name in request.GET and name != "goal"}


def _consent_offers(request: HttpRequest, form: ReferralForm) -> list[tuple[Client, str | None]]:
    """Each person referred without the consent the referral needs, with the link recording it (for those who may)
    that comes back to this form with its fields kept; None where the user may not record consents (a mentor)."""
    if not form.consent_lacking:
        return []
    kept = {name: request.POST.getlist(name) for name in KEPT_FIELDS if request.POST.getlist(name)}
    back = request.path + ("?" + urlencode(kept, doseq=True) if kept else "")
    offers = []
    for person in form.consent_lacking:
        query = {"kind": ConsentKind.SHARE_WITH_INSTITUTIONS, "next": back}
        if kind := form.cleaned_data.get("institution_kind"):
            query["institution_kind"] = kind
        url = reverse("clients:consent_create", args=[person.pk]) + "?" + urlencode(query)
        offers.append((person, url if can_manage_consents(request.user, person) else None))
    return offers


def _referral_page(request: HttpRequest, *, client: Client | None, family: Family | None) -> HttpResponse:
    staff = _referrer(request.user)
    goal = _goal_from_query(request)
    form = ReferralForm(
        request.POST or kept_work(request) or None,
        user=request.user,
        client=client,
        family=family,
        goal=goal,
        choose_staff=staff is None,
        initial=_kept_fields(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = referrals.referral_create(
                staff=staff or data["staff"],
                actor=request.user,
                clients=form.referred(),
                date=data["date"],
                institution_kind=data["institution_kind"],
                institution=data["institution"],
                goal=data["goal"],
                accompanied=data["accompanied"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The referral was recorded.") if len(made) == 1 else _("A referral was recorded for each member."),
            )
            if client is not None:
                return redirect("clients:detail", client.pk)
            return redirect("clients:family_detail", form.family.pk)
    ctx = {
        "form": form,
        "client": client,
        "family": form.family,
        "staff": staff,
        "consent_offers": _consent_offers(request, form) if form.is_bound else [],
    }
    return render(request, "plans/referral_form.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def referral_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    return _referral_page(request, client=_get_client_for_user(request.user, client_pk), family=None)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def referral_create_family(request: HttpRequest, family_pk: int) -> HttpResponse:
    return _referral_page(request, client=None, family=_get_family_for_user(request.user, family_pk))


def _get_referral_for_user(user: User, pk: int) -> Referral:
    try:
        return Referral.objects.for_user(user).select_related("client", "institution", "staff").get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404 from None


def _back_to_list(request: HttpRequest) -> str | None:
    """The referral list (with its filters and page) that the outcome was recorded from, if it was: only a path of
    that list is followed, never another address."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    list_path = reverse("plans:referral_list")
    return back if back == list_path or back.startswith(list_path + "?") else None


@login_required
@require_http_methods(["GET", "POST"])
def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcome, set in place: the client page and the referral list post here; errors are shown on this page."""
    referral = _get_referral_for_user(request.user, pk)
    if not can_record_referral_outcome(request.user, referral):
        raise PermissionDenied
    # A referral still waiting starts with no outcome chosen: the user says what came of it.
    initial = {} if referral.is_waiting else {"status": referral.status, "outcome_reason": referral.outcome_reason}
    if referral.outcome_date:
        initial["outcome_date"] = referral.outcome_date
    form = ReferralOutcomeForm(request.POST or None, initial=initial)
    back = _back_to_list(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referrals.referral_outcome(
                referral=referral,
                actor=request.user,
                status=data["status"],
                outcome_date=data["outcome_date"],
                outcome_reason=data["outcome_reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The outcome of the referral was saved."))
            return redirect(back) if back else redirect("clients:detail", referral.client_id)
    ctx = {
        "form": form,
        "referral": referral,
        "status_choices": ReferralStatus.choices,
        "reason_choices": ReferralOutcomeReason.choices,
        "date_value": form["outcome_date"].value() or "",
        "back": back,
    }
    return render(request, "plans/referral_outcome.html", ctx)


@login_required
@require_safe
def referral_list(request: HttpRequest) -> HttpResponse:
    """The provider's referrals, newest first, filtered; each with its outcome in place where the user may record it.

    Managers and social workers: their provider's; mentors: their assigned clients'; coordinators: no page (the
    rows are persons' data).
    """
    if not works_with_clients(request.user):
        raise Http404
    found = ReferralFilter(request.GET or None, queryset=selectors.referral_list(user=request.user), user=request.user)
    # A filter the form refuses (another provider's institution, a day that is not one) lists nothing, beside its
    # error, rather than every referral as if it had not been asked.
    rows = found.qs.none() if found.form.errors else found.qs
    page = Paginator(rows, selectors.REFERRAL_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    ctx = {
        "filter": found,
        "page": page,
        "filters_active": any(request.GET.get(name) for name in found.form.fields),
        "waiting_since": today - datetime.timedelta(days=selectors.REFERRAL_WAITING_DAYS),
        "status_choices": ReferralStatus.choices,
        "reason_choices": ReferralOutcomeReason.choices,
        "today_iso": today.isoformat(),
    }
    return render(request, "plans/referral_list.html", ctx)


# The catalogue of institutions ---------------------------------------------------------------------


def _require_catalogue_keeper(user: User) -> None:
    if not can_manage_institutions(user):
        raise Http404


@login_required
@require_GET
def institution_list(request: HttpRequest) -> HttpResponse:
    _require_catalogue_keeper(request.user)
    institutions = Institution.objects.for_user(request.user).order_by("kind", "name")
    return render(request, "plans/institution_list.html", {"institutions": institutions})


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def institution_create(request: HttpRequest) -> HttpResponse:
    _require_catalogue_keeper(request.user)
    return _institution_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def institution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_catalogue_keeper(request.user)
    try:
        institution = Institution.objects.for_user(request.user).get(pk=pk)
    except Institution.DoesNotExist:
        raise Http404 from None
    return _institution_page(request, institution)


def _institution_page(request: HttpRequest, institution: Institution | None) -> HttpResponse:
    form = InstitutionForm(request.POST or kept_work(request) or None, instance=institution)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if institution is None:
                referrals.institution_create(actor=request.user, **data)
            else:
                # A fresh row: the form has written the input onto `institution` while validating.
                current = Institution.objects.get(pk=institution.pk)
                referrals.institution_update(institution=current, actor=request.user, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The catalogue was saved."))
            return redirect("plans:institution_list")
    return render(request, "plans/institution_form.html", {"form": form, "institution": institution})

"""Consents in the browser: recorded from the client page (or from a referral that needs one, which it returns to),
withdrawn in place on the client page. Shown on the client page (templates/clients/_consents.html)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from accounts.capabilities import can_manage_consents, records_naming_staff
from accounts.formtokens import once_per_form_token
from accounts.session_timeout import kept_work

from .. import consents, selectors
from ..choices import ConsentKind, InstitutionKind
from ..consent_forms import ConsentForm, ConsentWithdrawForm
from ..models import Client, Consent
from .documents import LimitedUploadHandler


def _next_path(request: HttpRequest) -> str:
    """Where to go back to once the consent is recorded (the referral form that needed it): a path of this site
    only, never another address."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if back.startswith("/") and not back.startswith("//") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return back
    return ""


def _initial(request: HttpRequest) -> dict:
    """A pre-fill from the link that offers the consent: `?kind=share_with_institutions&institution_kind=employment`."""
    initial: dict = {}
    if request.GET.get("kind") in ConsentKind.values:
        initial["kind"] = request.GET["kind"]
    kinds = [k for k in request.GET.getlist("institution_kind") if k in InstitutionKind.values]
    if kinds:
        initial["institution_kinds"] = kinds
    return initial


@csrf_exempt  # checked by `_consent_create` once the upload handler is in place
@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    # Before anything reads the body: the signed form's upload is kept in memory up to the documents' limit, counted
    # beyond it (clients/views/documents.py); the CSRF check reads the form, so it runs after this.
    request.upload_handlers = [LimitedUploadHandler(request)]
    return _consent_create(request, pk)


@csrf_protect
@once_per_form_token
def _consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = selectors._get_client_for_user(request.user, pk)
    if not can_manage_consents(request.user, client):
        raise PermissionDenied
    choose_staff = records_naming_staff(request.user)
    staff = None if choose_staff else request.user.staff
    form = ConsentForm(
        request.POST or kept_work(request) or None,
        request.FILES or None,
        user=request.user,
        choose_staff=choose_staff,
        initial=_initial(request),
    )
    back = _next_path(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consents.consent_record(
                client=client,
                actor=request.user,
                staff=staff or data["staff"],
                kind=data["kind"],
                given_on=data["given_on"],
                how=data["how"],
                institution_kinds=data["institution_kinds"],
                upload=data.get("signed_form") or None,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect(back) if back else redirect(client)
    ctx = {"form": form, "client": client, "staff": staff, "back": back}
    return render(request, "clients/consent_form.html", ctx)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The person withdrew a consent: posted from the client page; a refused day is shown on a page of its own."""
    try:
        consent = (
            Consent.objects.filter(client__in=Client.objects.for_user(request.user))
            .select_related("client", "staff")
            .get(pk=pk)
        )
    except Consent.DoesNotExist:
        raise Http404 from None
    if not can_manage_consents(request.user, consent.client):
        raise PermissionDenied
    form = ConsentWithdrawForm(request.POST)
    if form.is_valid():
        try:
            consents.consent_withdraw(
                consent=consent, actor=request.user, withdrawn_on=form.cleaned_data["withdrawn_on"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The withdrawal of the consent was recorded."))
            return redirect(consent.client)
    return render(
        request, "clients/consent_withdraw.html", {"form": form, "consent": consent, "client": consent.client}
    )

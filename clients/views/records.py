"""Client records in the browser: the list, intake, edits, histories, families.

The client's own page (`clients:detail`) shows plans and contacts too: its view is plans/client_page.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.capabilities import (
    can_hand_over,
    can_merge,
    can_write_client,
    can_write_clients,
    can_write_family,
    works_with_clients,
)
from accounts.formtokens import once_per_form_token
from accounts.session_timeout import kept_work

from .. import selectors, services
from ..filters import ClientFilter
from ..forms import (
    ClientForm,
    FamilyAddMemberForm,
    FamilyForm,
    HandoverForm,
    IntakeForm,
    LegalStatusChangeForm,
    MergeForm,
    ResidenceChangeForm,
)
from ..models import Client

PAGE_SIZE = 25


def _require_client_area(user) -> None:
    """Only people who work with clients have this part; for anyone else it does not exist."""
    if not works_with_clients(user):
        raise Http404


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _served_elsewhere(form: IntakeForm, provider) -> bool:
    """Intake shown again (possible duplicates, errors): whether another provider keeps a record of this name and
    birth date. Said as that, nothing more (clients.selectors.person_served_elsewhere)."""
    # What the form cleaned (the duplicates' confirmation may be the one error): none unless it was posted.
    data = getattr(form, "cleaned_data", None) if form.is_bound else None
    if not data or not data.get("birth_date") or "first_name" not in data or "last_name" not in data:
        return False
    return selectors.person_served_elsewhere(
        provider=provider, first_name=data["first_name"], last_name=data["last_name"], birth_date=data.get("birth_date")
    )


def _default_case(request: HttpRequest, name: str) -> bool:
    return name == "case" and request.GET.get(name) == "active"


@require_safe
@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    _require_client_area(request.user)
    clients = selectors.client_list(user=request.user)
    client_filter = ClientFilter(request.GET or None, queryset=clients, user=request.user)
    page = Paginator(client_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # The filters beside the name search: folded on a phone unless one of them is set (open cases are the default).
    filters_active = any(
        request.GET.get(name) for name in client_filter.form.fields if name != "q" and not _default_case(request, name)
    )
    ctx = {
        "filter": client_filter,
        "page": page,
        "can_write": can_write_clients(request.user),
        "filters_active": filters_active,
    }
    return render(request, "clients/list.html", ctx)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@once_per_form_token
def client_create(request: HttpRequest) -> HttpResponse:
    _require_client_area(request.user)
    if not can_write_clients(request.user):
        raise PermissionDenied
    provider = request.user.provider
    duplicates: list[Client] = []
    if request.method == "POST":
        form = IntakeForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            duplicates = selectors.client_duplicates(
                user=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data.get("birth_date"),
                country=data.get("country") or "",
            )
            if duplicates and not data.get("confirm_new_person"):
                form.add_error("confirm_new_person", _("Check the possible duplicates above before saving."))
            else:
                try:
                    client = services.client_create(
                        by=request.user,
                        provider=provider,
                        data=data,
                        legal_status=data.get("legal_status") or "",
                        legal_status_since=data.get("legal_status_since"),
                        residence=data.get("residence") or "",
                        residence_since=data.get("residence_since"),
                    )
                except ValidationError as error:
                    _add_service_errors(form, error)
                else:
                    messages.success(request, _("The client's record was opened."))
                    return redirect(client)
    else:
        form = IntakeForm(
            kept_work(request),
            user=request.user,
            initial=selectors.intake_defaults(user=request.user, provider=provider),
        )
    ctx = {"form": form, "duplicates": duplicates, "served_elsewhere": _served_elsewhere(form, provider)}
    return render(request, "clients/create.html", ctx)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = selectors._get_client_for_user(request.user, pk)
    if not can_write_client(request.user, client):
        raise PermissionDenied
    form = ClientForm(request.POST or kept_work(request) or None, instance=client, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(client=client, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The record was saved."))
            return redirect(client)
    ctx = {"form": form, "client": client, "title": _("Edit the record")}
    return render(request, "clients/form.html", ctx)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@once_per_form_token
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    client = selectors._get_client_for_user(request.user, pk)
    if not can_write_client(request.user, client):
        raise PermissionDenied
    form = LegalStatusChangeForm(request.POST or kept_work(request) or None, initial={"since": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_status_change(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The legal status was added to the history."))
            return redirect(client)
    ctx = {"form": form, "client": client, "title": _("Legal status change")}
    return render(request, "clients/form.html", ctx)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@once_per_form_token
def residence_change(request: HttpRequest, pk: int) -> HttpResponse:
    client = selectors._get_client_for_user(request.user, pk)
    if not can_write_client(request.user, client):
        raise PermissionDenied
    form = ResidenceChangeForm(request.POST or kept_work(request) or None, initial={"since": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.residence_change(client=client, by=request.user, residence=data["residence"], since=data["since"])
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The residence was added to the history."))
            return redirect(client)
    ctx = {"form": form, "client": client, "title": _("Residence change")}
    return render(request, "clients/form.html", ctx)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    client = selectors._get_client_for_user(request.user, pk)
    if not can_hand_over(request.user, client):
        raise PermissionDenied
    form = HandoverForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            handovers = services.client_handover(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            # The client is now another provider's: this provider's list is where the manager goes on.
            message = ngettext(
                "The client was handed over, with the whole history.",
                "The family's %(count)d members were handed over, with the whole history.",
                len(handovers),
            )
            messages.success(request, message % {"count": len(handovers)})
            return redirect("clients:list")
    intro = _(
        "The client becomes the new provider's client, with the record and the whole history. "
        "Your organisation keeps its own contacts in its reports, but no longer sees the record. "
        "A family belongs to one provider: hand it over whole, or the client leaves it."
    )
    ctx = {"form": form, "client": client, "title": _("Hand over to another provider"), "intro": intro}
    return render(request, "clients/form.html", ctx)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    client = selectors._get_client_for_user(request.user, pk)
    if not can_merge(request.user, client):
        raise PermissionDenied
    form = MergeForm(request.POST or None, user=request.user, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_merge(keep=client, remove=form.cleaned_data["other"], by=request.user)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The two records were merged."))
            return redirect(client)
    intro = _(
        "Merge a second record of the same person into this one: every contact, plan, legal status "
        "and residence of it moves here, blank fields of this record are filled from it, and then it is deleted."
    )
    ctx = {"form": form, "client": client, "title": _("Merge two records"), "intro": intro}
    return render(request, "clients/form.html", ctx)


@require_safe
@login_required
def family_list(request: HttpRequest) -> HttpResponse:
    _require_client_area(request.user)
    families = selectors.family_list(user=request.user)
    page = Paginator(families, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "clients/family_list.html", {"page": page, "can_write": can_write_clients(request.user)})


@require_safe
@login_required
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    family = selectors._get_family_for_user(request.user, pk)
    members = selectors.family_members(user=request.user, family=family)
    ctx = {"family": family, "members": members, "can_write": can_write_family(request.user, family)}
    return render(request, "clients/family_detail.html", ctx)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@once_per_form_token
def family_create(request: HttpRequest) -> HttpResponse:
    _require_client_area(request.user)
    if not can_write_clients(request.user):
        raise PermissionDenied
    # From a client's page, the client is ticked already.
    initial = {"members": [request.GET["client"]]} if request.GET.get("client", "").isdigit() else None
    form = FamilyForm(request.POST or kept_work(request) or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            family = services.family_create(
                by=request.user, members=data["members"], family_ref=data["family_ref"], name=data["name"]
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The family was formed."))
            return redirect(family)
    return render(request, "clients/form.html", {"form": form, "title": _("Form a family")})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@once_per_form_token
def family_add_member(request: HttpRequest, pk: int) -> HttpResponse:
    family = selectors._get_family_for_user(request.user, pk)
    if not can_write_family(request.user, family):
        raise PermissionDenied
    form = FamilyAddMemberForm(request.POST or kept_work(request) or None, user=request.user, family=family)
    if request.method == "POST" and form.is_valid():
        services.family_add_member(family=family, client=form.cleaned_data["client"], by=request.user)
        messages.success(request, _("The member was added to the family."))
        return redirect(family)
    ctx = {"form": form, "family": family, "title": _("Add a member to the family %(family)s") % {"family": family}}
    return render(request, "clients/form.html", ctx)

"""Group sessions in the browser: one form for the session and its attendance list (a search ticks clients into it,
with or without the page's script), the provider's sessions, one session with its attendance, and its correction."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.capabilities import can_correct_group_session, can_read_group_sessions, can_record_group_sessions
from accounts.formtokens import once_per_form_token
from accounts.models import User
from clients.models import Client

from . import group_sessions, selectors
from .filters import GroupSessionFilter
from .group_session_forms import (
    ABSENT,
    PRESENT,
    AttendanceForm,
    GroupSessionForm,
    client_search,
    initial_from,
    listed_in,
)
from .models import GroupSession


def _get_session_for_user(user: User, pk: int) -> GroupSession:
    """The session if the user may see it (`GroupSession.objects.for_user`); 404 otherwise."""
    try:
        return GroupSession.objects.for_user(user).select_related("contact__staff").get(pk=pk)
    except GroupSession.DoesNotExist:
        raise Http404 from None


def _apply_errors(form: AttendanceForm, error: ValidationError) -> None:
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else "clients" if name == "attendance" else None, errors)


def _is_search(request: HttpRequest) -> bool:
    """The search button: a POST that shows the form again as typed and ticked, with the clients found."""
    return request.POST.get("action") == "search"


def _form_page(
    request: HttpRequest, form: AttendanceForm, listed: list[tuple[Client, bool]], ctx: dict
) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    query = data.get("q", "")
    ctx |= {
        "form": form,
        "listed": listed,
        "query": query,
        "results": list(client_search(user=request.user, query=query, exclude=[c.pk for c, _came in listed])),
        "PRESENT": PRESENT,
        "ABSENT": ABSENT,
        # The attendance row the page's script fills in for a client ticked among the results.
        "template_client": {"pk": "__pk__", "display_name": "__name__"},
    }
    return render(request, "plans/group_session_form.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def group_session_create(request: HttpRequest) -> HttpResponse:
    """The session and its attendance; a search (`?q=` or the search button) lists clients to tick into it."""
    if not can_record_group_sessions(request.user):
        raise Http404 if not can_read_group_sessions(request.user) else PermissionDenied
    staff = request.user.staff
    if request.method == "POST" and _is_search(request):
        form = GroupSessionForm(initial=initial_from(request.POST), user=request.user)
        return _form_page(request, form, listed_in(request.POST, user=request.user), {"staff": staff})
    form = GroupSessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = group_sessions.group_session_record(
                staff=staff,
                date=data["date"],
                kind=data["kind"],
                topics=data["topics"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                note=data["note"],
                attendance=form.attendance(),
                actor=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The group session was recorded."))
            return redirect("plans:group_session_detail", session.pk)
    listed = listed_in(request.POST, user=request.user) if request.method == "POST" else []
    return _form_page(request, form, listed, {"staff": staff})


@login_required
@require_http_methods(["GET", "POST"])
def group_session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the attendance list of a session: the clients the user sees; the others' rows stay as they are."""
    session = _get_session_for_user(request.user, pk)
    if not can_correct_group_session(request.user, session):
        raise PermissionDenied
    ctx = {"session": session, "editing": True}
    if request.method == "POST" and _is_search(request):
        return _form_page(request, AttendanceForm(user=request.user), listed_in(request.POST, user=request.user), ctx)
    form = AttendanceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            group_sessions.group_session_update(
                session=session,
                attendance=form.attendance(),
                actor=request.user,
                visible=Client.objects.for_user(request.user),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The attendance was corrected."))
            return redirect("plans:group_session_detail", session.pk)
    if request.method == "POST":
        listed = listed_in(request.POST, user=request.user)
    else:
        seen = selectors.group_session_attendance(session=session, user=request.user)
        listed = [(c, True) for c in seen.present] + [(c, False) for c in seen.absent]
    return _form_page(request, form, listed, ctx)


@login_required
@require_safe
def group_session_list(request: HttpRequest) -> HttpResponse:
    """The group sessions the user may see, newest first, filtered, with their present and absent counts."""
    if not can_read_group_sessions(request.user):
        raise Http404
    found = GroupSessionFilter(
        request.GET or None, queryset=selectors.group_session_list(user=request.user), user=request.user
    )
    rows = found.qs.none() if found.form.errors else found.qs
    page = Paginator(rows, selectors.GROUP_SESSION_PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "filter": found,
        "page": page,
        "filters_active": any(request.GET.get(name) for name in found.form.fields),
    }
    return render(request, "plans/group_session_list.html", ctx)


@login_required
@require_safe
def group_session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One session; its attendance by name for the clients the user may see, the others only counted."""
    session = _get_session_for_user(request.user, pk)
    ctx = {
        "session": session,
        "contact": session.contact,
        "topics": list(session.contact.topics.all()),
        "attendance": selectors.group_session_attendance(session=session, user=request.user),
        "may_correct": can_correct_group_session(request.user, session),
    }
    return render(request, "plans/group_session_detail.html", ctx)

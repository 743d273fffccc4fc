"""One-time form tokens: a create form sent twice (a double click, a resend, a reload) creates one row.

The form carries a hidden token, new at every render (`{% form_token %}` from `form_tokens`). The view
decorated with `@once_per_form_token` runs holding a PostgreSQL advisory lock named by the token, so a second
submission of the same form waits for the first. A successful submission (the view redirects) leaves a row
(`accounts.models.FormSubmission`) with where it went; a second submission finds it, does not run the view and
goes there too, with a message. A refused submission (the form shown again with its errors) leaves nothing,
so the corrected form may be sent with the same token. The view runs as it would without the decorator (no
transaction around it: its services commit and enqueue as they always do).

Requests without a token (scripts asking for JSON, older pages) run the view as before: the page's script
keeps its own state, and the token protects plain form posts. The submit button is also disabled after the
first click (static/js/session.js), which helps but is no substitute.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FormSubmission

FIELD = "form_token"
KEEP_FOR = timedelta(days=1)
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def new_form_token() -> str:
    return uuid.uuid4().hex


def _posted_token(request: HttpRequest) -> str | None:
    if request.method != "POST" or "application/json" in request.headers.get("Accept", ""):
        return None
    token = request.POST.get(FIELD, "")
    return token if _TOKEN.match(token) else None


@contextmanager
def _token_lock(token: str) -> Iterator[None]:
    """Serializes the submissions of one token, across processes; not a transaction, so the view is unchanged."""
    key = int.from_bytes(bytes.fromhex(token[:16]), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _already_sent(request: HttpRequest, token: str) -> HttpResponse | None:
    first = FormSubmission.objects.filter(token=token, user_id=int(request.user.pk or 0)).first()
    if first is None:
        return None
    messages.info(request, _("This form was already sent and saved once; it was not saved again. Here is the result."))
    return redirect(first.redirect_to)


def spent_form_tokens_clear() -> int:
    """Tokens older than a day (run hourly by accounts.tasks): a form is not sent twice a day apart."""
    deleted, _by_model = FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted


def once_per_form_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a create view: a submission with a token already spent goes where the first one went."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = _posted_token(request)
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        with _token_lock(token):
            if already := _already_sent(request, token):
                return already
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseRedirectBase):
                # Someone else's token (never in practice: 128 random bits) stays theirs.
                FormSubmission.objects.get_or_create(
                    token=token, defaults={"user": request.user, "redirect_to": response.url[:500]}
                )
            return response

    return wrapper

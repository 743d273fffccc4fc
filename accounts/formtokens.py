"""One-time form tokens: a create form sent twice (a double click, a resend, a reload) creates one row.

The form carries a hidden token, new at every render (`{% form_token %}` from `form_tokens`). The view
decorated with `@once_per_form_token` runs in one transaction with the token's row
(`accounts.models.FormSubmission`, unique token): a successful submission (the view redirects) keeps the row
with where it went; a refused one (the form shown again with its errors) deletes it, so the corrected form
may be sent with the same token. A second submission of a spent token does not run the view: it goes where
the first went, with a message. Two at once: the second waits on the unique index until the first commits.

Requests without a token (scripts asking for JSON, older pages) run the view as before: the page's script
keeps its own state, and the token protects plain form posts. The submit button is also disabled after the
first click (static/js/session.js), which helps but is no substitute.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
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


def _claim(request: HttpRequest, token: str) -> FormSubmission | None:
    """The token's new row, or None if it was spent already."""
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, user=request.user)
    except IntegrityError:
        return None


def _already_sent(request: HttpRequest, token: str) -> HttpResponse | None:
    first = FormSubmission.objects.filter(token=token, user=request.user).first()
    if first is None or not first.redirect_to:
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
        with transaction.atomic():
            claim = _claim(request, token)
            if claim is None:
                # Someone else's token (never in practice: 128 random bits) is no token at all.
                return _already_sent(request, token) or view(request, *args, **kwargs)
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseRedirectBase):
                claim.redirect_to = response.url[:500]
                claim.save(update_fields=["redirect_to"])
            else:
                claim.delete()
            return response

    return wrapper

"""The data subject's rights in the browser, for provider managers: a person's export, anonymisation."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.capabilities import can_manage_privacy
from audit.models import Action
from audit.services import audit_record
from clients import selectors
from clients.models import Client

from . import services as privacy


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that the names and notes are removed for good."), required=True
    )


def _get_client_for_manager(user, pk: int) -> Client:
    # Only a provider's manager has these pages; for anyone else they do not exist.
    if not can_manage_privacy(user):
        raise Http404
    return selectors._get_client_for_user(user, pk)


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@login_required
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    client = _get_client_for_manager(request.user, pk)
    data = privacy.client_data_export(client=client)
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
    audit_record(action=Action.EXPORT, obj=client, detail="data subject export, JSON")
    filename = f"person-{client.pk}-{timezone.localdate():%Y-%m-%d}.json"
    return _download(content, content_type="application/json", filename=filename)


@require_safe
@login_required
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    client = _get_client_for_manager(request.user, pk)
    content = privacy.client_data_pdf(client=client, language=translation.get_language() or "lv")
    audit_record(action=Action.EXPORT, obj=client, detail="data subject export, PDF")
    filename = f"person-{client.pk}-{timezone.localdate():%Y-%m-%d}.pdf"
    return _download(content, content_type="application/pdf", filename=filename)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    client = _get_client_for_manager(request.user, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.client_anonymise(client=client, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("privacy:anonymise", pk=client.pk)
        messages.success(request, _("The person's record has been anonymised."))
        return redirect("clients:detail", pk=client.pk)
    refusal = privacy.client_anonymisation_refusal(client=client, today=timezone.localdate())
    ctx = {"client": client, "form": form, "refusal": refusal, "retention_days": settings.RETENTION_DAYS}
    return render(request, "privacy/anonymise.html", ctx)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def anonymise_due(request: HttpRequest) -> HttpResponse:
    if not can_manage_privacy(request.user):
        raise Http404
    today = timezone.localdate()
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = privacy.clients_anonymise_due(today=today, by=request.user, user=request.user)
        text = ngettext("%(count)s record has been anonymised.", "%(count)s records have been anonymised.", done)
        messages.success(request, text % {"count": done})
        return redirect("privacy:anonymise_due")
    due = privacy.clients_due_for_anonymisation(today=today, user=request.user)
    ctx = {
        "due": due,
        "form": form,
        "retention_days": settings.RETENTION_DAYS,
        "cutoff": privacy.retention_cutoff(today=today),
    }
    return render(request, "privacy/anonymise_due.html", ctx)

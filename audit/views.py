"""The audit page: a manager browses and filters the entries of their provider."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.capabilities import can_read_audit

from .filters import AuditFilter
from .models import AuditEntry


@login_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    if not can_read_audit(request.user):
        raise Http404
    entries = AuditEntry.objects.filter(provider_id=request.user.provider_id)
    audit_filter = AuditFilter(request.GET, queryset=entries)
    page = Paginator(audit_filter.qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/entry_list.html", {"filter": audit_filter, "page": page})

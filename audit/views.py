"""The audit page: a manager reads, filters and downloads the entries of their provider."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from accounts.capabilities import can_read_audit

from .export import csv_lines, xlsx_bytes
from .filters import AuditFilter
from .models import Action
from .presentation import entry_rows
from .selectors import audit_entries_for
from .services import audit_record

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request: HttpRequest) -> AuditFilter:
    if not can_read_audit(request.user):
        raise Http404
    return AuditFilter(request.GET, queryset=audit_entries_for(request.user), user=request.user)


@login_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    audit_filter = _filtered(request)
    page = Paginator(audit_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = entry_rows(page.object_list, user=request.user)
    return render(request, "audit/entry_list.html", {"filter": audit_filter, "page": page, "rows": rows})


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered entries as CSV (`?format=csv`, the default) or XLSX; the download is audited."""
    audit_filter = _filtered(request)
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    used = ", ".join(f"{name}={request.GET[name]}" for name in audit_filter.filters if request.GET.get(name))
    entry = audit_record(
        action=Action.EXPORT, object_type="audit", detail=f"{file_format.upper()}; {used or 'no filter'}"
    )
    # The file holds the entries up to the download, not the download's own entry.
    entries = audit_filter.qs.exclude(pk=entry.pk)
    filename = f"audit-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "xlsx":
        response: HttpResponse | StreamingHttpResponse = HttpResponse(
            xlsx_bytes(entries, user=request.user), content_type=XLSX_TYPE
        )
    else:
        response = StreamingHttpResponse(
            _in_language(csv_lines(entries, user=request.user), translation.get_language()),
            content_type="text/csv; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _in_language(lines: Iterator[str], language: str | None) -> Iterator[str]:
    """The streamed file is written after the view returns: in the request's language still."""
    with translation.override(language):
        yield from lines

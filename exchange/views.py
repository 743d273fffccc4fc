"""Import and export of the exchange format in the browser, for provider managers only."""

from __future__ import annotations

import functools
import io
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import can_export, can_import
from audit.models import Action
from audit.services import audit_record
from exchange.formats import ERRORS_SHOWN
from exchange.forms import ImportUploadForm
from exchange.services import ImportResult, dataset_import, export_datasets, read_upload, write_workbook

SESSION_KEY = "exchange_import_token"
# Uploads waiting for confirmation are kept this long at most.
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60
# Room in a request body for the multipart boundaries and headers of the files and the form's token.
MULTIPART_OVERHEAD_BYTES = 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def capability_required(capability: Callable[[Any], bool]) -> Callable[[Callable], Callable]:
    """The view for users with `capability` (a provider's manager); everyone else signed in gets 403."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not capability(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _uploads_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "exchange-imports"


def _upload_dir(token: str) -> Path:
    return _uploads_root() / token


def _store_upload(request: HttpRequest, files: list[tuple[str, bytes]]) -> None:
    """Keeps the files for the confirmation under a random token that only the session knows."""
    _discard_upload(request)
    _discard_stale_uploads()
    token = secrets.token_urlsafe(24)
    folder = _upload_dir(token)
    folder.mkdir(parents=True)
    for index, (name, content) in enumerate(files):
        # The index keeps names apart; only the base name is used, never a path from the browser.
        (folder / f"{index:02d}-{Path(name).name}").write_bytes(content)
    request.session[SESSION_KEY] = token


def _load_upload(request: HttpRequest) -> list[tuple[str, bytes]] | None:
    token = request.session.get(SESSION_KEY)
    if not token or not _upload_dir(token).is_dir():
        return None
    return [(p.name.split("-", 1)[1], p.read_bytes()) for p in sorted(_upload_dir(token).iterdir())]


def _discard_upload(request: HttpRequest) -> None:
    token = request.session.pop(SESSION_KEY, None)
    if token:
        shutil.rmtree(_upload_dir(token), ignore_errors=True)


def _discard_stale_uploads() -> None:
    root = _uploads_root()
    if root.is_dir():
        for folder in root.iterdir():
            if time.time() - folder.stat().st_mtime > UPLOAD_MAX_AGE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)


def _refuse_large_body(view: Callable) -> Callable:
    """A body larger than an upload may be is refused from its Content-Length, before any of it is read.

    The CSRF check reads the body (its token is a form field), so the view is exempt from the
    middleware's check and makes it itself, after this one: a refused body is never read or stored.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if length > limit + MULTIPART_OVERHEAD_BYTES:
            error = _("The files are too large: at most %(limit)s together.") % {"limit": filesizeformat(limit)}
            context = {"form": ImportUploadForm(), "upload_error": error}
            return render(request, "exchange/import.html", context, status=413)
        return view(request, *args, **kwargs)

    return wrapper


def _preview(request: HttpRequest, result: ImportResult) -> HttpResponse:
    """The counts and the first errors; the others are counted, not listed (a bad file may have millions)."""
    more = result.error_count - ERRORS_SHOWN
    context = {
        "result": result,
        "errors_shown": result.errors[:ERRORS_SHOWN],
        "errors_more": more if more > 0 else 0,
        "errors_more_text": number_format(more, force_grouping=True) if more > 0 else "",
    }
    return render(request, "exchange/preview.html", context)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@capability_required(can_import)
@_refuse_large_body
@csrf_protect
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload, then a dry run shows what the import would create, update and refuse."""
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if not form.is_bound or not form.is_valid():
        return render(request, "exchange/import.html", {"form": form})
    files = form.cleaned_data["files"]
    sheets, read_errors = read_upload(files)
    result = dataset_import(sheets=sheets, read_errors=read_errors, dry_run=True, provider_id=request.user.provider_id)
    if result.ok:
        _store_upload(request, files)
    return _preview(request, result)


@require_POST
@capability_required(can_import)
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Imports the files the preview showed, as they were uploaded."""
    files = _load_upload(request)
    if files is None:
        messages.error(request, _("Nothing is waiting to be imported; upload the files again."))
        return redirect("exchange:import")
    sheets, read_errors = read_upload(files)
    result = dataset_import(sheets=sheets, read_errors=read_errors, provider_id=request.user.provider_id)
    _discard_upload(request)
    if not result.ok:
        return _preview(request, result)
    created = sum(c.created for c in result.counts.values())
    updated = sum(c.updated for c in result.counts.values())
    messages.success(
        request, _("Imported: %(created)d created, %(updated)d updated.") % {"created": created, "updated": updated}
    )
    return redirect("exchange:import")


@require_GET
@capability_required(can_export)
def export(request: HttpRequest) -> HttpResponse:
    """The manager's provider's records as one workbook, a sheet a file of the format."""
    stream = io.BytesIO()
    write_workbook(export_datasets(provider_id=request.user.provider_id), stream)
    audit_record(action=Action.EXPORT, object_type="exchange", detail=f"provider {request.user.provider.code}")
    filename = f"{request.user.provider.code}-{timezone.localdate():%Y-%m-%d}.xlsx"
    response = HttpResponse(stream.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

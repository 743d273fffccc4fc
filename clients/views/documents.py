"""Clients' documents in the browser: upload (the phone's camera or a file), download, removal.

A document is read only through `document_download`, which asks who is asking first: never from a URL of the
storage (DOCUMENTS_ROOT is outside the web root and has no base URL).
"""

from __future__ import annotations

import logging
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.capabilities import can_delete_documents, can_read_documents, can_upload_documents
from accounts.formtokens import once_per_form_token

from .. import documents
from ..forms import DocumentForm
from ..models import Client, Document
from ..selectors import _get_client_for_user

logger = logging.getLogger(__name__)

_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/heic": ".heic"}


class LimitedUploadHandler(FileUploadHandler):
    """Keeps at most DOCUMENT_MAX_BYTES (and one byte more) of an uploaded file, in memory, and counts the rest
    without keeping it: a 50 MB photo becomes an upload that says its real size, which the service refuses with
    its message, and is never written anywhere (Django's own handlers would put it in a temporary file)."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.kept = bytearray()
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.seen += len(raw_data)
        room = documents.DOCUMENT_MAX_BYTES + 1 - len(self.kept)
        if room > 0:
            self.kept += raw_data[:room]
        return None  # no other handler gets the data

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        return InMemoryUploadedFile(
            file=BytesIO(bytes(self.kept)),
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.seen,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def _get_document_for_user(user, pk: int) -> Document:
    """The document if the user may read the documents of its client; 404 otherwise (never telling it exists)."""
    visible = Client.objects.for_user(user)
    document = Document.objects.filter(pk=pk, client__in=visible).select_related("client").first()
    if document is None or not can_read_documents(user, document.client):
        raise Http404
    return document


@csrf_exempt  # checked by `_document_upload` once the upload handler is in place
@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    # Before anything reads the body: the CSRF check reads the form, so it runs after this, in the view.
    request.upload_handlers = [LimitedUploadHandler(request)]
    return _document_upload(request, pk)


@csrf_protect
@once_per_form_token
def _document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    client = _get_client_for_user(request.user, pk)
    if not can_upload_documents(request.user, client):
        raise PermissionDenied
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            documents.document_upload(
                client=client,
                kind=data["kind"],
                upload=data["file"],
                actor=request.user,
                valid_until=data["valid_until"],
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The document was added."))
            return redirect(reverse("clients:detail", args=[client.pk]) + "#documents-heading")
    return render(request, "clients/document_form.html", {"client": client, "form": form})


def download_name(document: Document) -> str:
    """The file's name when downloaded: its kind and the day it was uploaded, never the person's name."""
    extension = _EXTENSIONS.get(document.content_type, "")
    return f"{document.kind}-{document.uploaded_at:%Y-%m-%d}{extension}"


@require_safe
@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = _get_document_for_user(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        logger.error("The file of document %s is missing from DOCUMENTS_ROOT.", document.pk)
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(document), content_type=document.content_type
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a document: the button asks first (this page), the confirmation removes it."""
    document = _get_document_for_user(request.user, pk)
    if not can_delete_documents(request.user, document.client):
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        return render(request, "clients/document_delete.html", {"document": document, "client": document.client})
    documents.document_delete(document=document, actor=request.user)
    messages.success(request, _("The document was removed."))
    return redirect(reverse("clients:detail", args=[document.client_id]) + "#documents-heading")

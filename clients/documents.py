"""Clients' documents (shared/spec/casework.md "Documents"): upload, judged from the bytes, and delete.

A document is a scan or photo kept with a client: PDF, JPEG, PNG or HEIC, up to DOCUMENT_MAX_BYTES. The type is
judged from the content, never from the name or the browser's word, twice: a file-type library reads the
signature (`puremagic`), then the file is opened and decoded whole by the library of its type:

- images by Pillow (HEIC through `pillow-heif`), with a pixel limit so that a decompression bomb is refused before
  it is decoded, then re-encoded: what is stored is Pillow's own output, without the metadata (EXIF, so a phone
  photo's GPS position is not kept) and without anything the original carried beside the picture. A HEIC photo
  is stored as a JPEG (every computer opens it). Data after the end of the picture (a ZIP or HTML appended: a
  polyglot) is refused;
- PDFs by pikepdf (qpdf): the file must begin with its header and end with its last `%%EOF`; encrypted PDFs and
  PDFs with JavaScript, embedded files, launch actions or other active content are refused. A PDF is stored as
  it came (a signature on it stays valid).

A refusal is a `DocumentRefused` (a ValidationError for the form's `file` field) and nothing is stored: no row,
and no file in the private storage (DOCUMENTS_ROOT), even when the database refuses the row after the file was
written.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf
import pillow_heif
import puremagic
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from accounts.capabilities import can_delete_documents, can_upload_documents

from .choices import DocumentKind
from .models import Client, Document

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

logger = logging.getLogger(__name__)

# A document's largest size (casework.md: "up to 10 MB each").
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# The largest picture decoded: 50 megapixels (a 48 MP phone photo; about 150 MB once decoded). A larger one,
# whatever its file size, is refused before its pixels are read (a decompression bomb is a small file).
DOCUMENT_MAX_PIXELS = 50_000_000
# Quality of a re-encoded JPEG: a scan stays legible, a 12 MP phone photo stays well under the size limit.
JPEG_QUALITY = 90

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"

# The signature library's names for the types accepted.
_SNIFFED = {
    "application/pdf": PDF,
    "image/jpeg": JPEG,
    "image/pjpeg": JPEG,
    "image/png": PNG,
    "image/heic": HEIC,
    "image/heif": HEIC,
    "image/heic-sequence": HEIC,
    "image/heif-sequence": HEIC,
}
_HEAD_BYTES = 8192

pillow_heif.register_heif_opener()


class DocumentRefused(ValidationError):
    """The file is not taken; the message, for the form's `file` field, says why."""

    def __init__(self, message: str) -> None:
        super().__init__({"file": [message]})
        self.reason = message


@dataclass(frozen=True)
class JudgedFile:
    """The bytes to store and their type."""

    content: bytes
    content_type: str


def _refuse_type() -> DocumentRefused:
    return DocumentRefused(_("Upload a PDF, JPEG, PNG or HEIC file (a scan or a photo)."))


def _sniff(head: bytes) -> str:
    """The accepted type the signature library reads in the file's first bytes, or a refusal."""
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        raise _refuse_type() from None
    if not matches:
        raise _refuse_type()
    best = max(match.confidence for match in matches)
    for match in matches:
        if match.confidence == best and match.mime_type in _SNIFFED:
            return _SNIFFED[match.mime_type]
    raise _refuse_type()


# Images ------------------------------------------------------------------------------------------

_PNG_END = b"IEND\xaeB`\x82"
_JPEG_END = b"\xff\xd9"


def _ends_cleanly(data: bytes, content_type: str) -> bool:
    """Nothing follows the end of the picture (a ZIP or an HTML page appended makes a polyglot)."""
    if content_type == PNG:
        return data.endswith(_PNG_END)
    if content_type == JPEG:
        # Some encoders pad the end with NUL bytes.
        return data.rstrip(b"\x00").endswith(_JPEG_END)
    return _boxes_cover(data)


def _boxes_cover(data: bytes) -> bool:
    """A HEIC file's top-level boxes (ISO base media format) cover it exactly, nothing after the last one."""
    offset = 0
    while offset < len(data):
        if offset + 8 > len(data):
            return False
        size = int.from_bytes(data[offset : offset + 4], "big")
        if size == 1:
            if offset + 16 > len(data):
                return False
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        elif size == 0:  # the last box runs to the end of the file
            return True
        if size < 8:
            return False
        offset += size
    return offset == len(data)


_PILLOW_FORMATS = {JPEG: {"JPEG", "MPO"}, PNG: {"PNG"}, HEIC: {"HEIF"}}


def _judge_image(data: bytes, content_type: str) -> JudgedFile:
    unreadable = DocumentRefused(_("The picture cannot be read: it is damaged or not what its type says."))
    if not _ends_cleanly(data, content_type):
        raise DocumentRefused(_("The file has other data after the end of the picture; it is not taken."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(_PILLOW_FORMATS[content_type])) as image:
                if image.format not in _PILLOW_FORMATS[content_type]:
                    raise unreadable
                width, height = image.size
                if width <= 0 or height <= 0 or width * height > DOCUMENT_MAX_PIXELS:
                    raise DocumentRefused(
                        _("The picture is too large (%(megapixels)s megapixels at most).")
                        % {"megapixels": DOCUMENT_MAX_PIXELS // 1_000_000}
                    )
                image.load()
                picture = ImageOps.exif_transpose(image)  # upright as taken, before the EXIF is dropped
    except DocumentRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DocumentRefused(
            _("The picture is too large (%(megapixels)s megapixels at most).")
            % {"megapixels": DOCUMENT_MAX_PIXELS // 1_000_000}
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError):
        raise unreadable from None
    return _reencode(picture, content_type)


def _reencode(picture: Image.Image, content_type: str) -> JudgedFile:
    """Pillow's own encoding of the decoded pixels, with no metadata (a HEIC photo becomes a JPEG)."""
    out = io.BytesIO()
    if content_type == PNG:
        if picture.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            picture = picture.convert("RGBA")
        picture.save(out, format="PNG")
        return JudgedFile(out.getvalue(), PNG)
    if picture.mode not in ("L", "RGB", "CMYK"):
        picture = picture.convert("RGB")
    picture.save(out, format="JPEG", quality=JPEG_QUALITY)
    return JudgedFile(out.getvalue(), JPEG)


# PDFs --------------------------------------------------------------------------------------------

# The end of a PDF: the last cross-reference's offset, then %%EOF, then at most white space.
_PDF_END = re.compile(rb"startxref\s+\d+\s*%%EOF[\r\n\t \x00]*\Z")
_PDF_END_WINDOW = 1024
# Keys and actions that make a PDF do something when opened or clicked, or carry another file.
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA", "/Launch"})
_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute", "/GoToE", "/SubmitForm"})
_ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/RichMedia"})
# Objects walked at most (a scan has hundreds; a refusal rather than an hour's walk).
_PDF_MAX_OBJECTS = 200_000


def _active_content(pdf: pikepdf.Pdf) -> bool:
    """Does any object of the PDF hold JavaScript, an embedded file, a launch or another active action?"""
    walked = 0
    stack: list[Any] = list(pdf.objects)
    while stack:
        obj = stack.pop()
        walked += 1
        if walked > _PDF_MAX_OBJECTS:
            return True
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary):
            keys = set(obj.keys())
            if keys & _ACTIVE_KEYS:
                return True
            if str(obj.get("/S", "")) in _ACTIVE_ACTIONS or str(obj.get("/Type", "")) in _ACTIVE_TYPES:
                return True
            if "/EF" in keys:  # a file specification with the file itself inside
                return True
            children = [obj.get(key) for key in keys]
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        # Indirect objects are all in pdf.objects already; only the direct ones nested here are walked.
        stack.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream) and not child.is_indirect
        )
    return False


def _judge_pdf(data: bytes) -> JudgedFile:
    unreadable = DocumentRefused(_("The PDF cannot be read: it is damaged or not a PDF."))
    if not data.startswith(b"%PDF-"):
        raise DocumentRefused(_("The file has other data before the start of the PDF; it is not taken."))
    if not _PDF_END.search(data[-_PDF_END_WINDOW:]):
        raise DocumentRefused(_("The file has other data after the end of the PDF; it is not taken."))
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise DocumentRefused(_("The PDF is protected with a password; upload it without the protection."))
            if len(pdf.pages) == 0:
                raise unreadable
            if _active_content(pdf):
                raise DocumentRefused(
                    _("The PDF contains scripts, embedded files or actions; upload a plain scan or print it to PDF.")
                )
    except DocumentRefused:
        raise
    except pikepdf.PasswordError:
        raise DocumentRefused(_("The PDF is protected with a password; upload it without the protection.")) from None
    except (pikepdf.PdfError, OSError, ValueError, RecursionError):
        raise unreadable from None
    return JudgedFile(data, PDF)


# The judgement -----------------------------------------------------------------------------------


def _refuse_size() -> DocumentRefused:
    return DocumentRefused(
        _("The file is larger than %(megabytes)s MB; upload a smaller scan or photo.")
        % {"megabytes": DOCUMENT_MAX_BYTES // (1024 * 1024)}
    )


def judge_upload(upload: UploadedFile) -> JudgedFile:
    """The bytes to store and their type, judged from the content; DocumentRefused if the file is not taken.

    The size the upload reports is checked before anything is read; no more than the limit is ever read.
    """
    if upload.size is None or upload.size > DOCUMENT_MAX_BYTES:
        raise _refuse_size()
    if upload.size == 0:
        raise DocumentRefused(_("The file is empty."))
    upload.seek(0)
    data = upload.read(DOCUMENT_MAX_BYTES + 1)
    if len(data) > DOCUMENT_MAX_BYTES:
        raise _refuse_size()
    content_type = _sniff(data[:_HEAD_BYTES])
    if content_type == PDF:
        return _judge_pdf(data)
    return _judge_image(data, content_type)


def _store(document: Document, judged: JudgedFile) -> None:
    """Write the file and the row together: if the row fails, the file written is removed again."""
    storage = document.file.storage
    document.file.save("document", ContentFile(judged.content), save=False)
    name = document.file.name or ""
    try:
        with transaction.atomic():
            document.save()
    except BaseException:
        storage.delete(name)
        raise


def document_upload(
    *,
    client: Client,
    kind: str,
    upload: UploadedFile,
    actor: User,
    valid_until: date | None = None,
) -> Document:
    """Keep a scan or photo with the client. PermissionDenied if the actor may not; DocumentRefused if the file
    is not a PDF, JPEG, PNG or HEIC that opens cleanly (nothing is stored then)."""
    if not can_upload_documents(actor, client):
        raise PermissionDenied
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose a kind of document.")})
    judged = judge_upload(upload)
    document = Document(
        client=client,
        provider_id=client.provider_id,
        kind=kind,
        valid_until=valid_until,
        content_type=judged.content_type,
        size=len(judged.content),
        uploaded_by=actor,
    )
    _store(document, judged)
    return document


def document_delete(*, document: Document, actor: User) -> None:
    """Remove a document: the row now, its file once the removal is committed (a rolled-back removal keeps both)."""
    if not can_delete_documents(actor, document.client):
        raise PermissionDenied
    remove_documents([document])


def remove_documents(documents: Any) -> int:
    """Delete these documents' rows, and their files after the commit (anonymisation, a client's removal)."""
    storage = Document._meta.get_field("file").storage  # type: ignore[attr-defined]
    names = []
    count = 0
    with transaction.atomic():
        for document in documents:
            names.append(document.file.name)
            document.delete()
            count += 1

        def delete_files() -> None:
            for name in names:
                if name:
                    try:
                        storage.delete(name)
                    except OSError:
                        logger.exception("A removed document's file could not be deleted.")

        transaction.on_commit(delete_files)
    return count


# Files without a row --------------------------------------------------------------------------------------------

# A file this old without its row was left by a transaction that rolled back after the upload (a caller's
# transaction around `document_upload`) or by a process that stopped between the file and the commit.
ORPHAN_AGE = timedelta(hours=1)
_ORPHAN_BATCH = 1000


def orphan_files_remove(*, now: datetime | None = None) -> int:
    """Delete the files under DOCUMENTS_ROOT that no document names and that are older than ORPHAN_AGE (a younger
    one may be an upload whose row is being written). Run daily (clients.tasks); returns how many were deleted."""
    storage = Document._meta.get_field("file").storage  # type: ignore[attr-defined]
    location = getattr(storage, "location", "")  # a FileSystemStorage's folder
    root = Path(location)
    if not location or not root.is_dir():
        return 0
    cutoff = ((now or timezone.now()) - ORPHAN_AGE).timestamp()
    old = {
        path.relative_to(root).as_posix(): path
        for path in root.rglob("*")
        if path.is_file() and path.stat().st_mtime < cutoff
    }
    names = sorted(old)
    known: set[str] = set()
    for start in range(0, len(names), _ORPHAN_BATCH):
        batch = names[start : start + _ORPHAN_BATCH]
        known.update(Document.objects.filter(file__in=batch).values_list("file", flat=True))
    removed = 0
    for name in names:
        if name not in known:
            old[name].unlink(missing_ok=True)
            removed += 1
    if removed:
        logger.warning("Removed %s document files that no document names.", removed)
    return removed

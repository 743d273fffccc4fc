"""The upload form of the browser import: one .xlsx workbook or several .csv files."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

XLSX_MAGIC = b"PK\x03\x04"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):  # type: ignore[override]
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        # gettext_lazy by its own name: makemessages does not know an alias such as `_lazy`, and left these English.
        label=gettext_lazy("Files"),
        help_text=gettext_lazy(
            "One .xlsx workbook with a sheet for each file, or the .csv files (providers, staff, clients, "
            "contacts, and optionally contracts and status_history), chosen together."
        ),
        widget=MultipleFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_files(self) -> list[tuple[str, bytes]]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if sum(f.size or 0 for f in files) > limit:
            raise forms.ValidationError(
                _("The files are too large: at most %(limit)s together.") % {"limit": filesizeformat(limit)}
            )
        names = [(f.name or "").lower() for f in files]
        if any(name.endswith(".xlsx") for name in names) and len(files) > 1:
            raise forms.ValidationError(_("Upload one .xlsx workbook, or .csv files, not both."))
        read: list[tuple[str, bytes]] = []
        for upload, name in zip(files, names, strict=True):
            content = upload.read()
            if name.endswith(".xlsx"):
                if not content.startswith(XLSX_MAGIC):
                    raise forms.ValidationError(
                        _("'%(name)s' is not an Excel workbook (.xlsx).") % {"name": upload.name}
                    )
            elif name.endswith(".ods"):
                raise forms.ValidationError(
                    _(
                        "'%(name)s' is an OpenDocument spreadsheet (.ods), which the import does not read: save it "
                        "as .xlsx (in LibreOffice: File › Save As…, file type Excel 2007-365) and upload that."
                    )
                    % {"name": upload.name}
                )
            elif name.endswith(".csv"):
                if b"\x00" in content or content.startswith(XLSX_MAGIC):
                    raise forms.ValidationError(_("'%(name)s' is not a CSV text file.") % {"name": upload.name})
            else:
                raise forms.ValidationError(
                    _("'%(name)s' is neither a .csv file nor an .xlsx workbook.") % {"name": upload.name}
                )
            read.append((upload.name or name, content))
        return read

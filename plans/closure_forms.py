"""The forms of closing a case and reopening it (plans/closure.py holds the rules; these ask for the values)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.choices import ClosureReason

from .forms import DateInput


class CaseCloseForm(forms.Form):
    """The closing: its date, why, a note, the follow-up, and whether the closure assessment is skipped and why."""

    date = forms.DateField(label=_("Closing date"), widget=DateInput())
    reason = forms.ChoiceField(label=_("Why is the case closed?"), choices=[("", "—"), *ClosureReason.choices])
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what was reached, where the client went."),
    )
    follow_up_date = forms.DateField(
        label=_("Follow-up date"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional: when to check on the client; it appears on your home page a week before."),
    )
    skip_assessment = forms.BooleanField(label=_("Skip the closure assessment"), required=False)
    skip_assessment_reason = forms.CharField(
        label=_("Skipped because"),
        required=False,
        max_length=500,
        help_text=_("For example: the client left Latvia and cannot be reached."),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        cleaned = super().clean()
        day, follow_up = cleaned.get("date"), cleaned.get("follow_up_date")
        if day and day > timezone.localdate():
            self.add_error("date", _("The date cannot be in the future."))
        if day and follow_up and follow_up <= day:
            self.add_error("follow_up_date", _("The follow-up comes after the closing date."))
        if cleaned.get("skip_assessment") and not cleaned.get("skip_assessment_reason", "").strip():
            self.add_error("skip_assessment_reason", _("Say why the closure assessment is skipped."))
        if not cleaned.get("skip_assessment"):
            cleaned["skip_assessment_reason"] = ""
        return cleaned


class CaseReopenForm(forms.Form):
    start_date = forms.DateField(label=_("The new episode starts on"), widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"start_date": timezone.localdate()})
        super().__init__(*args, **kwargs)

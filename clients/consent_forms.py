"""The forms of consents: recorded from the client page, withdrawn in place there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ConsentHow, ConsentKind, InstitutionKind
from .forms import DateInput
from .models import Staff, by_name

if TYPE_CHECKING:
    from accounts.models import User


class ConsentForm(forms.Form):
    """What the person agreed to, on which day, how; for sharing with institutions, which kinds (none: all).
    A manager without a staff record of their own names who recorded it (`choose_staff`)."""

    # Nothing chosen for the user: what the person agreed to is said, not assumed.
    kind = forms.ChoiceField(
        label=_("Consent to"),
        choices=[("", _("— choose —")), *ConsentKind.choices],
        error_messages={"required": _("Choose what the person agreed to.")},
    )
    institution_kinds = forms.MultipleChoiceField(
        label=_("Kinds of institution"),
        choices=InstitutionKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for sharing data with institutions. None ticked: every kind."),
    )
    given_on = forms.DateField(label=_("Given on"), widget=DateInput())
    how = forms.ChoiceField(label=_("How"), choices=ConsentHow.choices, widget=forms.RadioSelect)
    # Kept as a document of kind `consent_form` (clients/documents.py judges the bytes and says why one is refused).
    signed_form = forms.FileField(
        label=_("The signed form (scan or photo)"),
        required=False,
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/heic"}),
        help_text=_("For a signed consent: PDF, JPEG, PNG or HEIC."),
    )

    def __init__(self, *args, user: User, choose_staff: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if choose_staff:
            self.fields = {"staff": self._staff_field(user), **self.fields}
        self.fields["given_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*self.fields)

    @staticmethod
    def _staff_field(user: User) -> forms.ModelChoiceField:
        return forms.ModelChoiceField(
            label=_("Recorded by"),
            queryset=Staff.objects.for_user(user).filter(is_active=True).order_by(*by_name(), "pk"),
            empty_label=_("— choose —"),
            help_text=_("You have no staff record: choose the staff member who recorded the consent."),
            error_messages={"required": _("Choose the staff member who recorded the consent.")},
        )

    def clean_given_on(self):
        day = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A consent cannot be dated in the future."))
        return day

    def clean(self) -> dict:
        data = super().clean()
        if data.get("institution_kinds") and data.get("kind") != ConsentKind.SHARE_WITH_INSTITUTIONS:
            self.add_error(
                "institution_kinds", _("Kinds of institution are named only for sharing data with institutions.")
            )
        if data.get("signed_form") and data.get("how") != ConsentHow.SIGNED:
            self.add_error("signed_form", _("A scanned form is attached only to a signed consent."))
        return data


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = timezone.localdate()

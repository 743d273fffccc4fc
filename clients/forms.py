"""Forms of the client records; every choice of a record is limited to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import can_set_client_ref

from .choices import RECEPTION_CENTRE, DocumentKind, LegalStatus, StaffRole
from .languages import language_choices
from .models import Client, Family, Provider, Staff, by_name
from .selectors import merge_candidates, staff_choices

if TYPE_CHECKING:
    from accounts.models import User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _CrispyMixin:
    """Crispy renders the fields; the templates write the <form> tag and the buttons."""

    def _setup_helper(self) -> None:
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value


class ClientForm(_CrispyMixin, forms.ModelForm):
    """The record's own fields, for intake and for editing."""

    class Meta:
        model = Client
        fields = [
            "client_ref",
            "first_name",
            "last_name",
            "gender",
            "birth_date",
            "country",
            "arrival_route",
            "family",
            "service_start",
            "social_worker",
            "mentor",
            "languages",
            "latvian_level",
            "interpreter_needed",
            "interpreter_language",
        ]
        # The service end is set by closing the case (plans/closure.py), never typed here.
        widgets = {"birth_date": DateInput(), "service_start": DateInput()}

    # Language and interpretation (casework.md): ISO 639-1 languages named in the user's language (clients/languages).
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Choose one or more (Ctrl or a long press for several)."),
    )
    interpreter_needed = forms.NullBooleanField(
        label=_("Interpreter needed"),
        required=False,
        # NullBooleanSelect reads and shows the stored True/False/None as "true"/"false"/"unknown".
        widget=forms.NullBooleanSelect,
    )
    interpreter_language = forms.ChoiceField(label=_("Interpreter's language"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self._setup_helper()
        for field, role in (("social_worker", StaffRole.SOCIAL_WORKER), ("mentor", StaffRole.MENTOR)):
            self.fields[field].queryset = staff_choices(user=user, role=role)
            self.fields[field].label_from_instance = _staff_label
        self.fields["family"].queryset = Family.objects.for_user(user)
        languages = language_choices()
        self.fields["interpreter_needed"].widget.choices = [
            ("unknown", _("Not known")),
            ("true", _("Yes")),
            ("false", _("No")),
        ]
        self.fields["languages"].choices = languages
        self.fields["interpreter_language"].choices = [("", "—"), *languages]
        self.fields["country"].error_messages["invalid_choice"] = _(
            "Unknown country: choose a country from the list (ISO 3166 code)."
        )
        if not can_set_client_ref(user):
            # Generated at intake (services.client_create) and kept after: shown, never taken from the request.
            ref = self.fields["client_ref"]
            ref.disabled = True
            ref.required = False
            ref.help_text = _("Given by the system; only a manager changes it.")

    def clean_client_ref(self):
        if self.fields["client_ref"].disabled:
            # The stored reference of a record; at intake "" and the service gives the next one.
            return self.instance.client_ref if self.instance.pk else ""
        ref = self.cleaned_data["client_ref"].strip()
        # References are the provider's own: another provider's use of one is neither a clash nor told.
        taken = Client.objects.filter(
            provider_id=self.instance.provider_id or self.user.provider_id, client_ref__iexact=ref
        )
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Your provider already has a client with the reference %(ref)s. Choose another reference."),
                params={"ref": ref},
                code="duplicate_ref",
            )
        return ref

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."), code="future")
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("service_start"), self.instance.service_end
        if start and end and end < start:
            self.add_error("service_start", _("The service cannot start after the case was closed."))
        if cleaned.get("interpreter_language") and not cleaned.get("interpreter_needed"):
            self.add_error("interpreter_language", _("Name the interpreter's language only when one is needed."))
        return cleaned


def _staff_label(staff: Staff) -> str:
    return staff.display_name


def _client_label(client: Client) -> str:
    """A record in a choice of records: the reference and the name."""
    return f"{client.client_ref} · {client.display_name}"


class IntakeForm(ClientForm):
    """A new client: the record, the first legal status and residence, and the duplicate confirmation."""

    legal_status = forms.ChoiceField(
        label=_("legal status"), choices=[("", "---------"), *LegalStatus.choices], required=False
    )
    legal_status_since = forms.DateField(
        label=_("legal status since"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the service start."),
    )
    residence = forms.CharField(
        label=_("residence"),
        max_length=100,
        required=False,
        help_text=_("The municipality where the client lives, or leave empty and tick the reception centre."),
    )
    in_reception_centre = forms.BooleanField(label=_("lives in the reception centre Mucenieki"), required=False)
    residence_since = forms.DateField(
        label=_("residence since"), required=False, widget=DateInput(), help_text=_("Empty: the service start.")
    )
    confirm_new_person = forms.BooleanField(
        label=_("I have checked the possible duplicates: this is a new person"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("in_reception_centre"):
            cleaned["residence"] = RECEPTION_CENTRE
        for field in ("legal_status_since", "residence_since"):
            try:
                _not_in_future(cleaned.get(field))
            except forms.ValidationError as error:
                self.add_error(field, error)
        return cleaned


class LegalStatusChangeForm(_CrispyMixin, forms.Form):
    legal_status = forms.ChoiceField(label=_("legal status"), choices=LegalStatus.choices)
    since = forms.DateField(label=_("since"), widget=DateInput(), validators=[_not_in_future])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_helper()


class ResidenceChangeForm(_CrispyMixin, forms.Form):
    in_reception_centre = forms.BooleanField(label=_("lives in the reception centre Mucenieki"), required=False)
    municipality = forms.CharField(label=_("municipality"), max_length=100, required=False)
    since = forms.DateField(label=_("since"), widget=DateInput(), validators=[_not_in_future])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_helper()

    def clean(self):
        cleaned = super().clean()
        municipality = (cleaned.get("municipality") or "").strip()
        if cleaned.get("in_reception_centre") and municipality:
            self.add_error("municipality", _("Either the reception centre or a municipality, not both."))
        elif not cleaned.get("in_reception_centre") and not municipality:
            self.add_error("municipality", _("Name the municipality, or tick the reception centre."))
        cleaned["residence"] = RECEPTION_CENTRE if cleaned.get("in_reception_centre") else municipality
        return cleaned


class HandoverForm(_CrispyMixin, forms.Form):
    to_provider = forms.ModelChoiceField(label=_("new provider"), queryset=Provider.objects.none())
    date = forms.DateField(label=_("date of the hand-over"), widget=DateInput())
    with_family = forms.TypedChoiceField(
        label=_("the family"),
        choices=[
            ("yes", _("Hand over the whole family with this client")),
            ("no", _("Hand over this client alone: they leave the family, which stays with your organisation")),
        ],
        coerce=lambda value: value == "yes",
        initial="yes",
        required=False,
        empty_value=True,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_helper()
        self.fields["to_provider"].queryset = Provider.objects.exclude(pk=client.provider_id)
        self.fields["date"].initial = timezone.localdate()
        if client.family_id is None:
            del self.fields["with_family"]
        else:
            others = client.family.members.exclude(pk=client.pk).order_by(*by_name())
            members = ", ".join(m.display_name for m in others)
            self.fields["with_family"].help_text = _("The other members: %(members)s.") % {"members": members or "—"}

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("with_family", False)
        return cleaned


class MergeForm(_CrispyMixin, forms.Form):
    other = forms.ModelChoiceField(
        label=_("the record to merge into this one"),
        queryset=Client.objects.none(),
        help_text=_("Its contacts, plans and histories move to this record, then it is deleted."),
    )
    confirm = forms.BooleanField(label=_("Both records are the same person"), required=True)

    def __init__(self, *args, user: User, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_helper()
        self.fields["other"].queryset = merge_candidates(user=user, client=client)
        self.fields["other"].label_from_instance = lambda c: (
            _client_label(c)
            + (f" · {c.birth_date:%Y-%m-%d}" if c.birth_date else "")
            + (f" · {c.country.name}" if c.country else "")
        )


class FamilyForm(_CrispyMixin, forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        label=_("members"), queryset=Client.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Family
        fields = ["family_ref", "name"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_helper()
        self.fields["family_ref"].required = False
        self.fields["family_ref"].help_text = _("Empty: a reference is made for you.")
        self.fields["members"].queryset = Client.objects.for_user(user).filter(family__isnull=True).order_by(*by_name())
        self.fields["members"].label_from_instance = _client_label


class FamilyAddMemberForm(_CrispyMixin, forms.Form):
    client = forms.ModelChoiceField(label=_("client"), queryset=Client.objects.none())

    def __init__(self, *args, user: User, family: Family, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_helper()
        self.fields["client"].queryset = Client.objects.for_user(user).exclude(family=family)
        self.fields["client"].queryset = self.fields["client"].queryset.order_by(*by_name(), "pk")
        self.fields["client"].label_from_instance = _client_label


class DocumentForm(forms.Form):
    """A scan or photo for the client's documents: its kind, how long it is valid, and the file, from the phone's
    camera or from the device (the template offers both inputs, named `file`). The service judges the file."""

    kind = forms.ChoiceField(
        label=_("Kind of document"), choices=DocumentKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(attrs={"class": "form-control", "aria-describedby": "valid-until-help"}),
        help_text=_("The expiry date written on the document, if it has one (a residence permit does)."),
    )
    file = forms.FileField(
        label=_("File"),
        # Any size and type here: the service judges the bytes and says why a file is refused.
        allow_empty_file=True,
        error_messages={"required": _("Take a photo or choose a file.")},
    )

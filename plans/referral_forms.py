"""The forms of referrals and of the institutions' catalogue: choices are only what the user may see."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.choices import StaffRole
from clients.models import Client, Family, Staff, by_name

from .choices import INSTITUTION_KIND_OF_AREA, InstitutionKind, ReferralOutcomeReason, ReferralStatus
from .forms import DateInput
from .models import Goal, Institution
from .referrals import consent_lacking_message, goals_serving, referral_consent_lacking


class ReferralForm(forms.Form):
    """The short referral form: the day, who (one client or the whole family), where to, the goal, accompanied;
    and who made it, for a manager without a staff record of their own (`choose_staff`)."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    whole_family = forms.BooleanField(label=_("Refer every member of the family (one referral each)"), required=False)
    institution_kind = forms.ChoiceField(label=_("Kind of institution"), choices=InstitutionKind.choices)
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("— not named —"),
        help_text=_("From your provider's catalogue, if it is there."),
    )
    goal = forms.ModelChoiceField(
        label=_("Plan goal it serves"), queryset=Goal.objects.none(), required=False, empty_label=_("— none —")
    )
    accompanied = forms.BooleanField(label=_("A mentor or social worker goes along"), required=False)

    def __init__(
        self,
        *args,
        user: User,
        client: Client | None = None,
        family: Family | None = None,
        goal: Goal | None = None,
        choose_staff: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        if choose_staff:
            # A manager without a staff record of their own names who made the referral: it belongs to them.
            self.fields = {"staff": self._staff_field(user), **self.fields}
        self.client = client
        self.family = client.family if client is not None else family
        self.user = user
        # The persons referred without the consent the referral needs (after validation): the page offers to record it.
        self.consent_lacking: list[Client] = []
        self.fields["date"].initial = timezone.localdate()
        self.fields["institution"].queryset = Institution.objects.for_user(user).order_by("name")
        goals = Goal.objects.none()
        if client is not None:
            goals = Goal.objects.filter(goals_serving(client))
        elif self.family is not None:
            goals = Goal.objects.filter(plan__family=self.family)
        self.fields["goal"].queryset = goals.select_related("plan").order_by("-plan__start_date", "id")
        if self.family is None or client is None:
            # One client without a family, or the family page's form: every member.
            del self.fields["whole_family"]
        if goal is not None:
            self.fields["goal"].initial = goal.pk
            if goal.area in INSTITUTION_KIND_OF_AREA:
                self.fields["institution_kind"].initial = INSTITUTION_KIND_OF_AREA[goal.area]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.fields)

    @staticmethod
    def _staff_field(user: User) -> forms.ModelChoiceField:
        return forms.ModelChoiceField(
            label=_("Made by"),
            queryset=Staff.objects.for_user(user).filter(is_active=True).order_by(*by_name(), "pk"),
            empty_label=_("— choose —"),
            help_text=_("You have no staff record: choose the staff member who made the referral."),
            error_messages={"required": _("Choose the staff member who made the referral.")},
        )

    def referred(self) -> list[Client]:
        """The persons referred: the client, or every member of the family the user sees."""
        if self.family is not None and (self.client is None or self.cleaned_data.get("whole_family")):
            return list(Client.objects.for_user(self.user).filter(family=self.family).order_by("birth_date", "pk"))
        return [self.client] if self.client is not None else []

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A referral cannot be dated in the future."))
        return day

    def clean(self) -> dict:
        data = super().clean()
        institution, kind = data.get("institution"), data.get("institution_kind")
        if institution is not None and kind and institution.kind != kind:
            self.add_error("institution", _("This institution is of another kind: choose its kind or another one."))
        staff = data.get("staff")
        # A mentor sees only their assigned clients: a referral of another's client would be theirs, unseen.
        if (
            staff is not None
            and staff.role == StaffRole.MENTOR
            and any(person.mentor_id != staff.pk for person in self.referred())
        ):
            self.add_error(
                "staff",
                _("This mentor is not assigned to every person referred: choose their mentor or a social worker."),
            )
        day = data.get("date")
        if kind and day:
            self.consent_lacking = referral_consent_lacking(self.referred(), kind, day)
            for person in self.consent_lacking:
                self.add_error(None, consent_lacking_message(person, kind, day))
        return data


class ReferralOutcomeForm(forms.Form):
    """What came of a referral, recorded in place on the client page and on the referral list."""

    # No outcome is chosen for the user: an empty choice first, and one is required.
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("— choose —")), *ReferralStatus.choices],
        error_messages={"required": _("Choose what came of the referral.")},
    )
    outcome_date = forms.DateField(label=_("Day of the outcome"), widget=DateInput(), required=False)
    outcome_reason = forms.ChoiceField(
        label=_("Why (not successful or refused)"),
        choices=[("", "—"), *ReferralOutcomeReason.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome_date"].initial = timezone.localdate()


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = ["name", "kind", "municipality"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.fields)

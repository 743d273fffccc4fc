"""Forms of the contact log and of plans: choices are only what the user may see."""

from __future__ import annotations

import datetime

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client, Family, Staff

from .choices import ContactForm, GoalStatus, TaskStatus, Topic
from .models import Goal, Plan, PlanCloseReason, Task

DURATION_MESSAGE = _("Enter a duration between 1 and 1440 minutes (24 hours).")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _short(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


class ContactLogForm(forms.Form):
    """One short form: the day, who was served, how, how long, about what, where, a note."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    whole_family = forms.BooleanField(label=_("The whole family"), required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Family members served"),
        queryset=Client.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # A group session has its own form with the attendance list (shared/spec/casework.md "Group sessions").
    form = forms.ChoiceField(
        label=_("Form"),
        choices=[(value, label) for value, label in ContactForm.choices if value != ContactForm.GROUP],
        widget=forms.RadioSelect,
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"),
        required=False,
        min_value=1,
        max_value=1440,
        error_messages={"min_value": DURATION_MESSAGE, "max_value": DURATION_MESSAGE},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    place = forms.CharField(label=_("Institution or place"), max_length=200, required=False)
    interpreter = forms.BooleanField(label=_("An interpreter took part"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user: User, client: Client | None = None, family: Family | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.family = client.family if client is not None else family
        self.fields["date"].initial = timezone.localdate()
        visible = Client.objects.for_user(user).order_by("birth_date", "first_name")
        if self.family is not None:
            self.fields["members"].queryset = visible.filter(family=self.family)
            self.fields["whole_family"].initial = client is None
        else:
            del self.fields["whole_family"]
            self.fields["members"].queryset = visible.filter(pk=client.pk if client else None)
            self.fields["members"].label = _("Client served")
        if client is not None:
            self.fields["members"].initial = [client.pk]
        # Short on a phone: the form and the topics wrap as rows of checkboxes.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *[
                InlineRadios(name) if name == "form" else InlineCheckboxes(name) if name == "topics" else name
                for name in self.fields
            ]
        )

    def clean_date(self) -> datetime.date:
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A contact cannot be dated in the future."))
        return day

    def served(self) -> list[Client]:
        """The persons whose birth dates bound the contact's date."""
        if self.cleaned_data.get("whole_family"):
            return [self.client] if self.client is not None else []
        return list(self.cleaned_data.get("members") or [])

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("whole_family") and not data.get("members") and "members" not in self.errors:
            self.add_error("members", _("Choose the whole family or at least one person."))
        day = data.get("date")
        if day:
            for person in self.served():
                if person.birth_date and day < person.birth_date:
                    self.add_error(
                        "date",
                        _("The contact cannot be before %(name)s was born (%(date)s).")
                        % {"name": person, "date": _short(person.birth_date)},
                    )
        return data


class VersionedForm(forms.ModelForm):
    """Carries the version the editor saw, for the `UPDATE ... WHERE version = ...` of the service."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["start_date", "review_date", "summary"]
        widgets = {"start_date": DateInput(), "review_date": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["start_date"].initial = timezone.localdate()

    def clean(self) -> dict:
        data = super().clean()
        start, review = data.get("start_date"), data.get("review_date")
        if start and review and review < start:
            self.add_error("review_date", _("The review cannot be before the plan starts."))
        if start and self.instance.pk:
            early = Task.objects.filter(goal__plan=self.instance, due_date__lt=start).order_by("due_date").first()
            if early is not None:
                self.add_error(
                    "start_date",
                    _("The task “%(task)s” is due on %(date)s, before this start date.")
                    % {"task": early.title, "date": _short(early.due_date)},
                )
        return data


class PlanEditForm(VersionedForm, PlanForm):
    class Meta(PlanForm.Meta):
        pass


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["area", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "responsible", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, user: User, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        # Only the active staff of the user's own provider: another provider's staff id is refused.
        self.fields["responsible"].queryset = Staff.objects.for_user(user).filter(is_active=True)
        self.fields["responsible"].label_from_instance = lambda s: f"{s} ({s.get_role_display()})"

    def clean_due_date(self) -> datetime.date | None:
        due = self.cleaned_data.get("due_date")
        if due and due < self.plan.start_date:
            raise forms.ValidationError(
                _("A task cannot be due before the plan starts (%(date)s).") % {"date": _short(self.plan.start_date)}
            )
        return due


class TaskEditForm(VersionedForm, TaskForm):
    class Meta(TaskForm.Meta):
        fields = ["title", "responsible", "due_date", "status"]


class TaskStatusForm(forms.Form):
    """The task card's one form: the status and, optionally, a progress note saved with it."""

    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("Progress note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}), strip=True
    )


class PlanCloseForm(forms.Form):
    """Closing a plan: why, a note, and each open goal's final outcome (`goal_<id>`, never `open`)."""

    reason = forms.ChoiceField(
        label=_("Why is the plan closed?"), choices=PlanCloseReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what was reached, what is left, where the client went."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, open_goals: list[Goal] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.open_goals = list(open_goals)
        for goal in self.open_goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=str(goal), choices=[("", "—"), *FINAL_GOAL_CHOICES], error_messages={"required": GOAL_REQUIRED}
            )

    def goal_fields(self) -> list:
        return [self[f"goal_{goal.pk}"] for goal in self.open_goals]

    def goal_statuses(self) -> dict[int, str]:
        return {goal.pk: self.cleaned_data[f"goal_{goal.pk}"] for goal in self.open_goals}


# A goal's final outcome, on closing: every status but "open".
FINAL_GOAL_CHOICES = [(code, label) for code, label in GoalStatus.choices if code != GoalStatus.OPEN]
GOAL_REQUIRED = _("Choose this goal's outcome.")


class GoalStatusForm(forms.Form):
    """A goal's status changed in place on the plan page; its date is today unless given."""

    status = forms.ChoiceField(label=_("Goal status"), choices=GoalStatus.choices)
    status_date = forms.DateField(label=_("Since"), required=False, widget=DateInput())

    def clean_status_date(self) -> datetime.date | None:
        day = self.cleaned_data.get("status_date")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class PlanReviewForm(forms.Form):
    """The review as a whole: its date, the overall note and the next review date (the goals: `GoalReviewFormSet`)."""

    date = forms.DateField(label=_("Date of the review"), widget=DateInput())
    note = forms.CharField(
        label=_("Overall note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_review_date = forms.DateField(label=_("Next review date"), widget=DateInput())

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self) -> datetime.date:
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The review cannot be dated in the future."))
        if day < self.plan.start_date:
            raise forms.ValidationError(
                _("The review cannot be before the plan starts (%(date)s).") % {"date": _short(self.plan.start_date)}
            )
        return day

    def clean(self) -> dict:
        data = super().clean()
        day, following = data.get("date"), data.get("next_review_date")
        if day and following and following <= day:
            self.add_error("next_review_date", _("The next review comes after this one."))
        return data


class GoalReviewForm(forms.Form):
    """One goal at the review: its status after it and a note. The goal is the formset's `goals[i]`."""

    status = forms.ChoiceField(label=_("Status after the review"), choices=GoalStatus.choices)
    note = forms.CharField(
        label=_("Note on this goal"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class BaseGoalReviewFormSet(forms.BaseFormSet):
    def __init__(self, *args, goals: list[Goal], **kwargs) -> None:
        self.goals = list(goals)
        kwargs.setdefault("initial", [{"status": g.status} for g in self.goals])
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.goal = self.goals[i] if i < len(self.goals) else None
        return form

    def total_form_count(self) -> int:
        # Exactly one form a goal, whatever the posted management form says.
        return len(self.goals)

    def by_goal(self) -> dict[int, tuple[str, str]]:
        return {form.goal.pk: (form.cleaned_data["status"], form.cleaned_data["note"]) for form in self.forms}


GoalReviewFormSet = forms.formset_factory(GoalReviewForm, formset=BaseGoalReviewFormSet, extra=0)


class TaskNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Progress note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}), strip=True
    )

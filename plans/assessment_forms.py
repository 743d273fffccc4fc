"""The self-sufficiency assessment form: the ten areas, each a row of score buttons (1–5 or not scored) and a note.

Embeddable: give it a `prefix` so several sit on one page (a family plan's review: one per member, prefix per
client) or inside another page's form (the case closure: prefix "assessment"). Render its fields with
`{% include "plans/includes/assessment_fields.html" with form=... %}`; `form.scores()` is what
`plans.assessments.assessment_record` takes.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client, Staff

from .assessments import (
    AssessmentInput,
    AssessmentsRefused,
    Scores,
    assessing_staff,
    has_any_score,
    staff_who_may_assess,
)
from .choices import AssessmentKind, GoalArea, SelfSufficiency
from .forms import DateInput
from .models import Plan

NOT_SCORED = ""


def _score_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=[(NOT_SCORED, _("not scored")), *SelfSufficiency.choices],
        coerce=int,
        empty_value=None,
        required=False,
        initial=NOT_SCORED,
        widget=forms.RadioSelect,
    )


class AssessmentForm(forms.Form):
    """One assessment: `date` (unless `with_date=False`), `kind` (with `with_kind=True`), per area a score and a note.

    `staff_queryset`: adds "Assessed by" (`staff`) for a user without a staff record of the client's provider
    (see `plans.assessments.assessing_staff`). `optional=True` (a plan review): nothing scored is fine and records
    no assessment (`is_filled()` says whether to record); once any area is scored the whole assessment is validated.
    """

    date = forms.DateField(label=_("Date of the assessment"), widget=DateInput())
    kind = forms.ChoiceField(
        label=_("When"),
        choices=[
            (AssessmentKind.INTAKE, AssessmentKind.INTAKE.label),
            (AssessmentKind.REVIEW, AssessmentKind.REVIEW.label),
        ],
        initial=AssessmentKind.INTAKE,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args,
        with_kind: bool = False,
        with_date: bool = True,
        optional: bool = False,
        staff_queryset: QuerySet[Staff] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.optional = optional
        if staff_queryset is not None:
            # The user has no staff record of the client's provider (a manager): they name who assessed.
            self.fields["staff"] = forms.ModelChoiceField(label=_("Assessed by"), queryset=staff_queryset)
            self.fields["staff"].widget.attrs.update({"class": "form-select", "style": "max-width: 24rem"})
        if with_date:
            self.fields["date"].initial = timezone.localdate()
            self.fields["date"].widget.attrs.update({"class": "form-control", "style": "max-width: 12rem"})
        else:
            del self.fields["date"]
        if not with_kind:
            del self.fields["kind"]
        for area, label in GoalArea.choices:
            field = _score_field()
            field.label = label
            self.fields[f"score_{area}"] = field
            self.fields[f"note_{area}"] = forms.CharField(
                label=_("Note on %(area)s") % {"area": label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
            )
        if optional and not self._data_scored():
            for name in ("date", "staff"):
                if name in self.fields:
                    self.fields[name].required = False

    def _data_scored(self) -> bool:
        """Does the submitted data score any area? (Before cleaning: decides whether the date is required.)"""
        if not self.is_bound:
            return False
        return any(self.data.get(self.add_prefix(f"score_{area}")) not in (None, "") for area in GoalArea.values)

    # For templates: the areas in order, each with its score and note fields.
    def areas(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(area, self[f"score_{area}"], self[f"note_{area}"]) for area in GoalArea.values]

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("An assessment cannot be dated in the future."))
        return day

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        scores = self.scores()
        if not has_any_score(scores):
            noted = any(note for _score, note in scores.values())
            if not self.optional:
                self.add_error(None, _("Score at least one area."))
            elif noted:
                self.add_error(None, _("Score at least one area to record the notes, or clear them."))
        return data

    def is_filled(self) -> bool:
        """Is any area scored (after is_valid())? An optional assessment with none is not recorded."""
        return has_any_score(self.scores())

    def scores(self) -> Scores:
        """{area: (score or None, note)} for every area, from the cleaned data."""
        data = getattr(self, "cleaned_data", {})
        return {area: (data.get(f"score_{area}"), (data.get(f"note_{area}") or "").strip()) for area in GoalArea.values}

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the errors of `assessment_record` beside their fields (an area's beside its score)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            name = f"score_{key}" if key in GoalArea.values else key
            self.add_error(name if name in self.fields else None, errors)


class ReviewAssessments:
    """The assessments offered with a plan review: one `AssessmentForm` for an individual plan's client, one per
    member the user sees for a family plan (prefix `assess-<client pk>`), each optional, dated the review's date.
    """

    def __init__(self, data, *, plan: Plan, user: User) -> None:
        if plan.client_id is not None:
            members = [plan.client]
        else:
            members = list(Client.objects.for_user(user).filter(family_id=plan.family_id).order_by("birth_date", "pk"))
        self.rows: list[tuple[Client, AssessmentForm, Staff | None]] = []
        for member in members:
            staff = assessing_staff(user, member)
            form = AssessmentForm(
                data,
                prefix=f"assess-{member.pk}",
                with_date=False,
                optional=True,
                staff_queryset=None if staff is not None else staff_who_may_assess(member),
            )
            self.rows.append((member, form, staff))

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def is_valid(self) -> bool:
        return all([form.is_valid() for _member, form, _staff in self.rows])  # every form's errors, not the first

    def inputs(self) -> list[AssessmentInput]:
        """The filled-in ones (any area scored), for `plan_review_record(assessments=...)`."""
        return [
            AssessmentInput(client=member, staff=staff or form.cleaned_data["staff"], scores=form.scores())
            for member, form, staff in self.rows
            if form.is_filled()
        ]

    def add_errors(self, refused: AssessmentsRefused) -> None:
        for member, form, _staff in self.rows:
            if member.pk in refused.errors:
                form.add_service_errors(refused.errors[member.pk])

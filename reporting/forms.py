"""The report chooser (kind, period, provider, language, publication-safe) and the narrative form."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import can_report_on_all_providers
from clients.models import Contract, Provider

from .models import LANGUAGE_CHOICES, MONTHS_OF_KIND, ReportKind, ReportNarrative
from .periods import add_months, month_before

# Contracts run up to 36 months; a longer period is a mistake, and a heavy query.
MAX_PERIOD_DAYS = 4 * 366
# The years a report may cover. A date the URL carries outside them is an error on the form: far ones
# overflow the date arithmetic (9999-12 plus a month), and none has data.
MIN_YEAR = 2000
MAX_YEAR = 2100
# The fields each kind of report asks for, besides the kind, provider, language and publication-safe version that
# every kind has. The form reads and validates only these (what the others hold is dropped); the page shows only
# these with a script, and every field without one.
FIELDS_OF_KIND: dict[str, tuple[str, ...]] = {
    ReportKind.MONTH: ("month",),
    ReportKind.TWO_MONTHS: ("month",),
    ReportKind.INTERIM: ("month",),
    ReportKind.FINAL: ("month",),
    ReportKind.CUSTOM: ("start", "end"),
}


def previous_month_start(today: datetime.date | None = None) -> datetime.date:
    return month_before(today or timezone.localdate()).start


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return super().format_value(value)


def _within_years(day: datetime.date) -> None:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise forms.ValidationError(
            _("Give a date between %(first)d and %(last)d.") % {"first": MIN_YEAR, "last": MAX_YEAR},
            code="out_of_range",
        )


class ReportDateField(forms.DateField):
    """A day of the years a report may cover."""

    default_validators = [_within_years]


class MonthField(ReportDateField):
    """A calendar month, entered as YYYY-MM; its value is the month's first day."""

    widget = MonthInput
    input_formats = ["%Y-%m"]


def _bootstrap(form: forms.BaseForm) -> None:
    """The Bootstrap class of each widget (the templates render widgets one by one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = css


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices, initial=ReportKind.MONTH)
    month = MonthField(
        label=_("First month"),
        required=False,
        help_text=_(
            "The report starts at this month. For a final evaluation: a month of the contract, "
            "or leave it empty for the latest contract."
        ),
    )
    start = ReportDateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = ReportDateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Provider.objects.all(), required=False, empty_label=_("All providers")
    )
    language = forms.ChoiceField(label=_("Language of the file"), choices=LANGUAGE_CHOICES, initial="lv")
    suppressed = forms.BooleanField(
        label=_("Publication-safe version"),
        required=False,
        help_text=_('Figures of 1 to 4 persons are shown as "<5".'),
    )

    def __init__(self, data: Any = None, *args: Any, user: Any, **kwargs: Any) -> None:
        if data is not None:
            data = _of_chosen_kind(data)
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.fields["month"].initial = previous_month_start()
        if not can_report_on_all_providers(user):
            # Managers and social workers report on their own provider only.
            del self.fields["provider"]
        # Django names the help (`<id>_helptext`) and the error (`<id>_error`) in each input's aria-describedby;
        # the page gives its help and error those ids.
        _bootstrap(self)

    def groups(self) -> list[tuple[forms.BoundField, str]]:
        """Each field with the kinds it belongs to (space-separated, for the page's script; "" for every kind)."""
        kinds_of = {
            name: " ".join(kind for kind, names in FIELDS_OF_KIND.items() if name in names)
            for names in FIELDS_OF_KIND.values()
            for name in names
        }
        return [(self[name], kinds_of.get(name, "")) for name in self.fields if name != "suppressed"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        provider = data.get("provider") if can_report_on_all_providers(self.user) else self.user.provider
        data["provider"] = provider
        if not kind or self.errors:
            return data  # a field's own error is the one to show
        if kind in MONTHS_OF_KIND:
            month = data.get("month")
            if not month:
                self.add_error("month", _("Choose the first month."))
                return data
            data["start"] = month
            data["end"] = add_months(month, MONTHS_OF_KIND[kind]) - datetime.timedelta(days=1)
        elif kind == ReportKind.FINAL:
            contract = self._contract(provider, data.get("month"))
            if contract is None:
                field = "provider" if "provider" in self.fields else None
                self.add_error(field, _("Choose a provider with a contract."))
                return data
            data["start"], data["end"], data["contract"] = contract.start, contract.end, contract
        else:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                self.add_error("start" if not start else "end", _("Give the first and the last day."))
                return data
            if end < start:
                self.add_error("end", _("The last day comes before the first."))
                return data
        if (data["end"] - data["start"]).days > MAX_PERIOD_DAYS:
            self.add_error(None, _("A report covers at most four years."))
        return data

    @staticmethod
    def _contract(provider: Provider | None, month: datetime.date | None) -> Contract | None:
        if provider is None:
            return None
        contracts = Contract.objects.filter(provider=provider)
        if month:
            contracts = contracts.filter(start__lte=add_months(month, 1) - datetime.timedelta(days=1), end__gte=month)
        return contracts.order_by("-start").first()


class CompareForm(ReportForm):
    """The period of the providers' comparison (issue 21): the report chooser's kinds and periods, for every
    provider at once, so without a provider and without the final evaluation (whose period is one provider's
    contract)."""

    def __init__(self, data: Any = None, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, user=user, **kwargs)
        self.fields.pop("provider", None)
        self.fields["month"].help_text = _("The comparison starts at this month.")
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(value, label) for value, label in ReportKind.choices if value != ReportKind.FINAL]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["provider"] = None  # every provider: the comparison's columns
        return data


def _of_chosen_kind(data: Any) -> Any:
    """The submitted data without the fields the chosen kind does not ask for (another kind's leftovers)."""
    kind_fields = FIELDS_OF_KIND.get(data.get("kind"))
    if kind_fields is None:
        return data
    other = {name for names in FIELDS_OF_KIND.values() for name in names} - set(kind_fields)
    kept = data.copy()
    for name in other:
        kept.pop(name, None)
    return kept


class NarrativeForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    class Meta:
        model = ReportNarrative
        fields = ["thematic", "challenges"]
        widgets = {
            "thematic": forms.Textarea(attrs={"rows": 10}),
            "challenges": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "thematic": _("What the service did in the period: themes, activities, cooperation."),
            "challenges": _("What made the work hard, and what would help."),
        }

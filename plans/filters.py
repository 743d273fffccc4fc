"""The filters of "my tasks" (by client and by when a task is due), of the provider's referral list and of its group
sessions."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client, Staff, by_name

from . import selectors
from .choices import GroupSessionKind, InstitutionKind, ReferralStatus
from .forms import DateInput
from .models import GroupSession, Institution, Referral, Task

OVERDUE, THIS_WEEK, LATER = "overdue", "week", "later"
DUE_CHOICES = [(OVERDUE, _("Overdue")), (THIS_WEEK, _("Due this week")), (LATER, _("Later or no due date"))]


class MyTaskFilter(django_filters.FilterSet):
    """Only ever narrows the user's own task list (`selectors.my_tasks`), which it is given."""

    client = django_filters.ModelChoiceFilter(
        label=_("Client"),
        queryset=Client.objects.none(),
        method="filter_client",
        empty_label=_("All clients"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    due = django_filters.ChoiceFilter(
        label=_("Due"),
        choices=DUE_CHOICES,
        method="filter_due",
        empty_label=_("Any time"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(self, data=None, *, queryset: models.QuerySet[Task], user: User) -> None:
        super().__init__(data, queryset=queryset)
        self.filters["client"].queryset = selectors.task_subjects(tasks=queryset, user=user)

    def filter_client(self, queryset: models.QuerySet[Task], name: str, value: Client) -> models.QuerySet[Task]:
        # The client's own plans, and their family's.
        condition = Q(goal__plan__client=value)
        if value.family_id:
            condition |= Q(goal__plan__family_id=value.family_id)
        return queryset.filter(condition)

    def filter_due(self, queryset: models.QuerySet[Task], name: str, value: str) -> models.QuerySet[Task]:
        today = timezone.localdate()
        week_end = selectors.week_end(today)
        if value == OVERDUE:
            return queryset.filter(due_date__lt=today)
        if value == THIS_WEEK:
            return queryset.filter(due_date__gte=today, due_date__lte=week_end)
        return queryset.filter(Q(due_date__gt=week_end) | Q(due_date__isnull=True))


class ReferralFilter(django_filters.FilterSet):
    """Narrows the referrals the user may see (`selectors.referral_list`), which it is given."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReferralStatus.choices, empty_label=_("Any status"))
    waiting = django_filters.BooleanFilter(
        label=_("Waiting more than 14 days"), method="filter_waiting", widget=forms.CheckboxInput
    )
    institution_kind = django_filters.ChoiceFilter(
        label=_("Kind of institution"), choices=InstitutionKind.choices, empty_label=_("Any kind")
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=Institution.objects.none(), empty_label=_("Any institution")
    )
    staff = django_filters.ModelChoiceFilter(label=_("Made by"), queryset=Staff.objects.none(), empty_label=_("Anyone"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"), widget=DateInput())
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"), widget=DateInput())

    class Meta:
        model = Referral
        fields: list[str] = []

    def __init__(self, data=None, *, queryset: models.QuerySet[Referral], user: User) -> None:
        super().__init__(data, queryset=queryset)
        self.filters["institution"].queryset = Institution.objects.for_user(user).order_by("name", "pk")
        self.filters["staff"].queryset = Staff.objects.for_user(user).order_by(*by_name(), "pk")

    def filter_waiting(
        self, queryset: models.QuerySet[Referral], name: str, value: bool | None
    ) -> models.QuerySet[Referral]:
        if not value:
            return queryset
        since = timezone.localdate() - datetime.timedelta(days=selectors.REFERRAL_WAITING_DAYS)
        return queryset.waiting(since=since)  # type: ignore[attr-defined]


class GroupSessionFilter(django_filters.FilterSet):
    """Narrows the group sessions the user may see (`selectors.group_session_list`), which it is given."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind of session"), choices=GroupSessionKind.choices, empty_label=_("Any kind")
    )
    staff = django_filters.ModelChoiceFilter(
        label=_("Staff member"), field_name="contact__staff", queryset=Staff.objects.none(), empty_label=_("Anyone")
    )
    date_from = django_filters.DateFilter(
        field_name="contact__date", lookup_expr="gte", label=_("From"), widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        field_name="contact__date", lookup_expr="lte", label=_("To"), widget=DateInput()
    )

    class Meta:
        model = GroupSession
        fields: list[str] = []

    def __init__(self, data=None, *, queryset: models.QuerySet[GroupSession], user: User) -> None:
        super().__init__(data, queryset=queryset)
        self.filters["staff"].queryset = Staff.objects.for_user(user).order_by(*by_name(), "pk")

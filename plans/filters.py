"""The filters of "my tasks": by client and by when a task is due."""

from __future__ import annotations

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client

from . import selectors
from .models import Task

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

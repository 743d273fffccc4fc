"""Filters of the audit page."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Action, AuditEntry


class AuditFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=_("action"), choices=Action.choices)
    actor_username = django_filters.CharFilter(label=_("user"), lookup_expr="iexact")
    object_type = django_filters.CharFilter(label=_("record type"), lookup_expr="iexact")
    object_id = django_filters.CharFilter(label=_("record id"))
    since = django_filters.DateFilter(
        label=_("from"), field_name="at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("until"), field_name="at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEntry
        fields = ["action", "actor_username", "object_type", "object_id", "since", "until"]

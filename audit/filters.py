"""Filters of the audit page and its export: a date range, a user, an action, a record kind, a record."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import staff_accounts_for

from .middleware import AUDITED_VIEWS
from .models import Action, AuditEntry
from .presentation import OTHER_KINDS, kind_label
from .signals import AUDITED_MODELS


def record_kind_choices() -> list[tuple[str, str]]:
    """Every kind of record an entry may name: the audited models, the audited pages' records, the rest."""
    kinds = {*AUDITED_MODELS, *(rule[0] for rule in AUDITED_VIEWS.values()), *OTHER_KINDS}
    return sorted(((kind, kind_label(kind)) for kind in kinds), key=lambda choice: choice[1].casefold())


class AuditFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(
        label=_("From"), field_name="at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("Until"), field_name="at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    actor_username = django_filters.ChoiceFilter(label=_("User"), choices=[])
    action = django_filters.ChoiceFilter(label=_("Action"), choices=Action.choices)
    object_type = django_filters.ChoiceFilter(label=_("Record kind"), choices=[])
    object_id = django_filters.CharFilter(label=_("Record ID"), widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    class Meta:
        model = AuditEntry
        fields = ["since", "until", "actor_username", "action", "object_type", "object_id"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The people of the reader's provider, by name: the user names their entries carry.
        accounts = staff_accounts_for(user).order_by("last_name", "first_name", "username") if user else []
        self.filters["actor_username"].extra["choices"] = [
            (
                account.username,
                f"{account.get_full_name()} ({account.username})" if account.get_full_name() else account.username,
            )
            for account in accounts
        ]
        self.filters["object_type"].extra["choices"] = record_kind_choices()

    @property
    def active_count(self) -> int:
        """How many filters the reader has set (the folded form says so)."""
        if not self.is_bound:
            return 0
        return sum(1 for name in self.filters if self.data.get(name))

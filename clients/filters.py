"""The client list's search and filters (django-filter), applied to `selectors.client_list`."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .choices import LegalStatus
from .models import Client, Family, name_key
from .selectors import similar_words


def _name_matches(words: list[str], key_words: list[str]) -> bool:
    """Every word searched is the start of, or much like, a word of the name."""
    return bool(words) and all(any(k.startswith(w) or similar_words(w, k) for k in key_words) for w in words)


CASE_CHOICES = [("active", _("Active")), ("closed", _("Closed"))]


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or reference"), method="search")
    legal_status = django_filters.ChoiceFilter(
        label=_("Legal status"), choices=LegalStatus.choices, field_name="current_legal_status"
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=[])
    family = django_filters.ModelChoiceFilter(label=_("Family"), queryset=Family.objects.none(), empty_label=_("All"))
    mine = django_filters.BooleanFilter(label=_("Assigned to me"), method="assigned_to_me", widget=forms.CheckboxInput)
    case = django_filters.ChoiceFilter(label=_("Case"), choices=CASE_CHOICES, method="by_case")

    class Meta:
        model = Client
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["family"].queryset = Family.objects.for_user(user)
        present = (
            Client.objects.for_user(user).exclude(country="").values_list("country", flat=True).distinct().order_by()
        )
        self.filters["country"].extra["choices"] = sorted(
            ((code, countries.name(code)) for code in present), key=lambda choice: str(choice[1])
        )

    def search(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        value = value.strip()
        if not value:
            return queryset
        # Names are compared loosely, in Python, over the keys of the visible clients (a few hundred):
        # "mohammed" finds "Muhammad", "erika" finds "Ērika".
        words = name_key(value).split()
        loose = [pk for pk, key in queryset.values_list("pk", "name_key") if _name_matches(words, key.split())]
        return queryset.filter(Q(client_ref__icontains=value) | Q(pk__in=loose))

    def assigned_to_me(self, queryset: QuerySet[Client], name: str, value: bool | None) -> QuerySet[Client]:
        if not value:
            return queryset
        return queryset.filter(Q(social_worker__user=self.user) | Q(mentor__user=self.user))

    def by_case(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        if value == "active":
            return queryset.filter(service_end__isnull=True)
        if value == "closed":
            return queryset.filter(service_end__isnull=False)
        return queryset

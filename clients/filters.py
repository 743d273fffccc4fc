"""The client list's search and filters (django-filter), applied to `selectors.client_list`."""

from __future__ import annotations

import functools
import itertools
import math
from fractions import Fraction

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .choices import LegalStatus
from .models import Client, Family, name_key
from .selectors import SHORTEST_FUZZY_WORD, WORD_SIMILARITY, similar_words


def _name_matches(words: list[str], key_words: list[str]) -> bool:
    """Every word searched is the start of, or much like, a word of the name."""
    return bool(words) and all(any(_word_matches(w, k) for k in key_words) for w in words)


@functools.lru_cache(maxsize=65536)
def _word_matches(word: str, key_word: str) -> bool:
    # Names repeat (families, common surnames): thousands of candidates share a few hundred words, and
    # difflib's comparison is the costly part of a search.
    return key_word.startswith(word) or similar_words(word, key_word)


# A searched word's letters the database looks for, in order, are taken from its start: the
# alternatives of the pattern grow with the combinations of its letters.
PREFILTER_LETTERS = 9


@functools.cache
def _letters_kept(length: int) -> int:
    """How many letters of a searched word of `length` letters, in order, a word it matches has at least.

    A word the searched word starts has all of them. A similar one (`similar_words`) has difflib's
    2·M / (len(w) + len(k)) ≥ WORD_SIMILARITY, where the M letters of the matching blocks are in the
    same order in both words; the least M over every length the other word can have is the bound.
    """
    similarity = Fraction(str(WORD_SIMILARITY))  # exact: floating point must not round a bound up
    least = length
    for other in range(SHORTEST_FUZZY_WORD, 2 * length + 1):
        matched = math.ceil(similarity * (length + other) / 2)
        if matched <= min(length, other):
            least = min(least, matched)
    return least


def _in_order(sequences: set[str]) -> str:
    """A regular expression: a word holding the letters of one of `sequences` (all of one length) in order.

    Common beginnings are factored out, (?:a[^ ]*(?:b|c)) rather than a[^ ]*b|a[^ ]*c: PostgreSQL
    matches several times faster so.
    """
    by_first: dict[str, set[str]] = {}
    for sequence in sequences:
        by_first.setdefault(sequence[0], set()).add(sequence[1:])
    parts = [first + (f"[^ ]*{_in_order(rests)}" if rests != {""} else "") for first, rests in sorted(by_first.items())]
    return parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"


def _in_order_pattern(word: str) -> str:
    """A regular expression that a word of the name matching `word` (`_name_matches`) meets.

    Such a word has `_letters_kept` of the searched word's letters in order; at most the letters beyond
    PREFILTER_LETTERS are outside the start, so it has that many fewer of the start's in order.
    Letters only (see `name_key`): nothing to escape.
    """
    start = word[:PREFILTER_LETTERS]
    kept = max(1, _letters_kept(len(word)) - (len(word) - len(start)))
    return _in_order({"".join(letters) for letters in itertools.combinations(start, kept)})


def _may_match(word: str) -> Q:
    """A condition on `name_key` that every name `_name_matches` finds for `word` meets.

    It lets the database return only the candidates, which Python then compares as before. A short
    word must start a word of the name (`similar_words` compares short words only for equality); a
    longer one must have enough of its letters in order in one word of the name. A regular
    expression: PostgreSQL's `~`, and the REGEXP function Django gives SQLite.
    """
    if len(word) < SHORTEST_FUZZY_WORD:
        return Q(name_key__startswith=word) | Q(name_key__contains=f" {word}")
    return Q(name_key__regex=_in_order_pattern(word))


CASE_CHOICES = [("active", _("Active")), ("closed", _("Closed"))]


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or reference"), method="search")
    legal_status = django_filters.ChoiceFilter(
        label=_("Legal status"), choices=LegalStatus.choices, field_name="current_legal_status"
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=[])
    # The family's reference, typed or from a link: a drop-down would list every family of the provider.
    family = django_filters.ModelChoiceFilter(
        label=_("Family reference"),
        queryset=Family.objects.none(),
        to_field_name="family_ref",
        widget=forms.TextInput,
        error_messages={"invalid_choice": _("None of your families has this reference.")},
    )
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
        # Names are compared loosely, in Python: "mohammed" finds "Muhammad", "erika" finds "Ērika".
        # The database first keeps the names that can match (`_may_match`): a provider has tens of thousands.
        words = name_key(value).split()
        loose: list[int] = []
        if words:
            candidates = queryset.filter(*(_may_match(w) for w in words)).order_by().values_list("pk", "name_key")
            loose = [pk for pk, key in candidates if _name_matches(words, key.split())]
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

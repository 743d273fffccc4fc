"""The client list's search and filters (django-filter), applied to `selectors.client_list`."""

from __future__ import annotations

import functools
import itertools
import math
import operator
from fractions import Fraction
from typing import cast

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import BooleanField, CharField, F, Func, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .choices import LatvianLevel, LegalStatus
from .languages import language_choices
from .models import Client, Family, NameWord, name_key
from .selectors import SHORTEST_FUZZY_WORD, WORD_SIMILARITY, similar_words


def _name_matches(words: list[str], key_words: list[str]) -> bool:
    """Every word searched is the start of, or much like, a word of the name: the rule of the search."""
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
    """A condition on `NameWord.word` that every word of a name `_word_matches` finds for `word` meets.

    It lets the database return only the candidates among the names' words, which Python then
    compares. A short word must start the word (`similar_words` compares short words only for
    equality); a longer one must have enough of its letters in order in it, as a regular expression.
    """
    if len(word) < SHORTEST_FUZZY_WORD:
        return Q(word__startswith=word)
    return Q(word__regex=_in_order_pattern(word))


def _matching_words(words: list[str]) -> dict[str, list[str]]:
    """For each searched word, the words of clients' names it matches (`_word_matches`), in one query.

    Names share their words (families, common names): there are far fewer distinct words (`NameWord`,
    of every provider's clients) than names, and Python compares each with a searched word once.
    """
    candidates = list(
        NameWord.objects.filter(functools.reduce(operator.or_, map(_may_match, words))).values_list("word", flat=True)
    )
    return {w: [k for k in candidates if _word_matches(w, k)] for w in words}


class HasNameWord(Func):
    """Whether one of the words of the client's `name_key` is one of `words`.

    An overlap of the name's words with them, which the GIN index of migration 0004
    (`client_name_words_idx`) answers: the expression must stay the index's.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, words: list[str]) -> None:
        super().__init__(F("name_key"))
        self.words = sorted(words)

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        key, params = compiler.compile(self.source_expressions[0])
        return f"string_to_array({key}, ' ') && %s::text[]", (*params, self.words)


class Unindexed(Func):
    """A text column's value, sorted as the column, but by no index (see `_sorted_found`)."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


def _sorted_found(queryset: QuerySet[Client]) -> QuerySet[Client]:
    """`queryset` in the same order, but with its first key an expression no index holds.

    Ordered by the name index (provider, last name, first name), PostgreSQL expects a page of the
    clients a search found after reading a page divided by the share of the provider's clients
    found, so it walks that index and tests each name. But a surname search finds names that are
    all together in that order: "yilmaz" read 57,000 of 59,000 names (50 ms) for its first page.
    Sorting what the search's indexes found costs a few ms for thousands of clients.
    """
    query = queryset.query
    ordering = list(query.order_by or (Client._meta.ordering if query.default_ordering else None) or [])
    if not ordering or not isinstance(ordering[0], str) or ordering[0].lstrip("-") in ("?", "pk", "id"):
        return queryset
    first = Unindexed(F(ordering[0].lstrip("-")))
    return queryset.order_by(first.desc() if ordering[0].startswith("-") else first.asc(), *ordering[1:])


# More clients found by their reference than this are named by the reference condition rather than their keys.
MANY_REFERENCES = 100

CASE_CHOICES = [("active", _("Active")), ("closed", _("Closed"))]


def search_clients(queryset: QuerySet[Client], value: str) -> QuerySet[Client]:
    """`queryset` narrowed to the clients whose name or reference `value` matches: the one rule of a client search
    (the client list, the attendance list of a group session)."""
    value = value.strip()
    if not value:
        return queryset
    by_ref = Q(client_ref__icontains=value)
    words = name_key(value).split()
    if not words:
        return queryset.filter(by_ref)
    # Names are compared loosely (`_name_matches`): "mohammed" finds "Muhammad", "erika" finds "Ērika".
    # Python compares the searched words with the distinct words of names, and the database finds
    # the names having, for every searched word, one of the words it matches.
    matching = _matching_words(words)
    if not all(matching.values()):  # a searched word that no name has
        return queryset.filter(by_ref)
    by_name = Q(*(HasNameWord(matching[w]) for w in words))
    # PostgreSQL combines the two sides of the OR from indexes only if both have one, and no index
    # finds a part of a reference: the clients found by their reference are read once here, and
    # named by their keys unless they are many.
    refs = list(queryset.filter(by_ref).order_by().values_list("pk", flat=True)[: MANY_REFERENCES + 1])
    if len(refs) <= MANY_REFERENCES:
        by_ref = Q(pk__in=refs)
    return _sorted_found(queryset.filter(by_ref | by_name))


# How long the countries and languages of the clients a person sees are kept for the client list's filters: they are
# read from every client the person sees (the languages took 35 ms of each list at national scale), and a country or
# language new to their clients may show in the filters this much later. Codes only, no person.
CODES_KEPT_SECONDS = 300


def _codes_of_clients(user) -> tuple[list[str], list[str]]:
    """The country codes and the language codes of the clients the user sees (`Client.objects.for_user`), kept in
    the cache for CODES_KEPT_SECONDS under the user's own key: whoever sees other clients keeps other codes."""
    key = f"client-list-codes:{user.pk}"
    codes = cache.get(key)
    if codes is None:
        clients = Client.objects.for_user(user).order_by()
        present = clients.exclude(country="").values_list("country", flat=True).distinct()
        spoken = (
            clients.annotate(code=Func(F("languages"), function="unnest", output_field=CharField()))
            .values_list("code", flat=True)
            .distinct()
        )
        codes = (sorted(present), sorted(spoken))
        cache.set(key, codes, CODES_KEPT_SECONDS)
    return cast(tuple[list[str], list[str]], codes)


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
    # The list as first opened shows the open cases (`__init__`), and says so; "All cases" finds the closed too.
    case = django_filters.ChoiceFilter(
        label=_("Case"), choices=CASE_CHOICES, method="by_case", empty_label=_("All cases"), initial="active"
    )
    # Language and interpretation (casework.md): the languages spoken (index client_languages_gin), the level of
    # Latvian, whether an interpreter is needed.
    language = django_filters.ChoiceFilter(label=_("Speaks"), choices=[], method="speaks")
    latvian_level = django_filters.ChoiceFilter(label=_("Level of Latvian"), choices=LatvianLevel.choices)
    interpreter_needed = django_filters.BooleanFilter(
        label=_("Interpreter needed"),
        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Client
        fields: list[str] = []

    def __init__(self, data=None, *args, user, **kwargs):
        if data is None and kwargs.get("queryset") is not None:
            # The list as first opened, the daily list: open cases only (casework.md "Closing and reopening").
            kwargs["queryset"] = kwargs["queryset"].filter(service_end__isnull=True)
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.filters["family"].queryset = Family.objects.for_user(user)
        present, spoken = _codes_of_clients(user)
        self.filters["country"].extra["choices"] = sorted(
            ((code, countries.name(code)) for code in present), key=lambda choice: str(choice[1])
        )
        # The languages the user's clients speak, named in the user's language.
        self.filters["language"].extra["choices"] = [(c, n) for c, n in language_choices() if c in spoken]

    def search(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        return search_clients(queryset, value)

    def assigned_to_me(self, queryset: QuerySet[Client], name: str, value: bool | None) -> QuerySet[Client]:
        if not value:
            return queryset
        return queryset.filter(Q(social_worker__user=self.user) | Q(mentor__user=self.user))

    def speaks(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        # `languages @> ARRAY[code]`: the GIN index client_languages_gin.
        return queryset.filter(languages__contains=[value]) if value else queryset

    def by_case(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        if value == "active":
            return queryset.filter(service_end__isnull=True)
        if value == "closed":
            return queryset.filter(service_end__isnull=False)
        return queryset

"""The languages a client speaks (casework.md "Language and interpretation"): ISO 639-1 codes, named in the user's
language by Babel (the Unicode CLDR's names), never a list of our own."""

from __future__ import annotations

import functools
import unicodedata

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language


@functools.cache
def _names(language: str) -> dict[str, str]:
    """ISO 639-1 code → the language's name in `language` (capitalised, as a list shows it)."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    english = Locale("en").languages
    # The two-letter codes of CLDR's languages are ISO 639-1's.
    codes = [code for code in english if isinstance(code, str) and len(code) == 2 and code.isalpha() and code.islower()]
    return {code: _capitalised(locale.languages.get(code) or english[code]) for code in codes}


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def language_codes() -> frozenset[str]:
    """Every ISO 639-1 code (fa, ar, ru, uk …): CLDR's two-letter language codes."""
    return frozenset(_names("en"))


def is_language_code(code: str) -> bool:
    """Whether `code` is an ISO 639-1 code, as stored: lower-case (`fa`, not `FA`). The exchange format's check."""
    return code in language_codes()


def language_name(code: str, language: str | None = None) -> str:
    """The name of the language `code` in `language` (default: the active one); an unknown code as it is."""
    return _names(language or get_language() or "en").get(code, code)


def language_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of every ISO 639-1 language, in the alphabetical order of their names in `language`."""
    names = _names(language or get_language() or "en")
    return sorted(names.items(), key=lambda item: (_alphabetical(item[1]), item[0]))


def _alphabetical(name: str) -> tuple[tuple[str, int], ...]:
    """A name's letters for sorting: a letter with a mark after the plain one (Latvian: c < č, s < š)."""
    key = []
    for letter in name.casefold():
        base = unicodedata.normalize("NFD", letter)[0]
        key.append((base, 0 if base == letter else 1))
    return tuple(key)

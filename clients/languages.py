"""Languages of clients and interpreters: ISO 639-1 codes, from pycountry's copy of the ISO 639 tables."""

from __future__ import annotations

import pycountry

# The two-letter codes (fa, ar, ru, uk …): ISO 639-1 has about 180; most of ISO 639-3's 7,900 languages have none.
LANGUAGE_CODES: frozenset[str] = frozenset(
    code for language in pycountry.languages if (code := getattr(language, "alpha_2", None))
)


def is_language_code(code: str) -> bool:
    """Whether `code` is an ISO 639-1 code, as stored: lower-case (`fa`, not `FA`)."""
    return code in LANGUAGE_CODES

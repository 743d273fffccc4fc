"""Labels of the casework records on the client's pages: `{% load client_casework %}`."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from ..choices import InstitutionKind
from ..languages import language_name

register = template.Library()


@register.filter
def institution_kind_labels(codes: Iterable[str]) -> str:
    """A consent's kinds of institution, by their labels: "State Employment Agency, Bank"."""
    labels = dict(InstitutionKind.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes)


@register.filter
def language_names(codes: Iterable[str]) -> str:
    """ISO 639-1 codes by the languages' names in the user's language: "Arabic, Russian"."""
    return ", ".join(language_name(code) for code in codes)


@register.filter(name="language_name")
def language_name_filter(code: str) -> str:
    return language_name(code) if code else ""

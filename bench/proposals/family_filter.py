"""Proposal 6 for clients/filters.py `ClientFilter`: the family filter as a text field, not a list of every family.

The client list's filter form renders `Family.objects.for_user(user)` as a drop-down: every family
of the provider (about 15,000 for the largest provider of the large set) is queried with an
EXISTS per family and written into the page on every request. A text input (the family's id, as
the family page links it, or an autocomplete) validates the same queryset only when a value is
submitted.
"""

from __future__ import annotations

from django import forms


def apply() -> None:
    from clients.filters import ClientFilter

    original = ClientFilter.__init__
    if getattr(original, "_bench_proposal", False):
        return

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.filters["family"].extra["widget"] = forms.TextInput

    __init__._bench_proposal = True
    ClientFilter.__init__ = __init__

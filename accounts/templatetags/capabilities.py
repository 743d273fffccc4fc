"""Templates ask for a capability, never a role: `{% load capabilities %}`.

`{% if user|can:"import" %}` asks a question about the user alone; `{% can user "hand_over" client as
may_hand_over %}` one about the user and a record. The names are those of
`accounts.capabilities.USER_CAPABILITIES` and `OBJECT_CAPABILITIES`; an unknown name is an error, not
a silent "no".
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts.capabilities import OBJECT_CAPABILITIES, USER_CAPABILITIES

register = template.Library()


@register.filter
def can(user: Any, name: str) -> bool:
    try:
        capability = USER_CAPABILITIES[name]
    except KeyError:
        raise template.TemplateSyntaxError(f"No capability {name!r} of a user.") from None
    return capability(user)


@register.simple_tag(name="can")
def can_on(user: Any, name: str, obj: Any) -> bool:
    try:
        capability = OBJECT_CAPABILITIES[name]
    except KeyError:
        raise template.TemplateSyntaxError(f"No capability {name!r} on a record.") from None
    return capability(user, obj)

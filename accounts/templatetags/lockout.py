"""The lock's length for the page that says sign-in is locked (`accounts.lockout.cool_off_minutes`)."""

from django import template

from accounts.lockout import cool_off_minutes

register = template.Library()


@register.simple_tag
def lockout_minutes() -> int:
    return cool_off_minutes()

"""The banner that reminds someone in the grace period to set up the second factor."""

from django import template

from ..grace import grace_days_left, has_second_factor

register = template.Library()


@register.inclusion_tag("accounts/includes/two_factor_banner.html", takes_context=True)
def two_factor_banner(context) -> dict:
    """Days left to set it up, or 0 when there is nothing to remind of (or on the setup page itself)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    is_verified = getattr(user, "is_verified", None)
    if user is None or not user.is_authenticated or is_verified is None or is_verified():
        return {"days_left": 0}
    if getattr(request.resolver_match, "view_name", "") == "accounts:two_factor_setup" or has_second_factor(user):
        return {"days_left": 0}
    return {"days_left": grace_days_left(user)}

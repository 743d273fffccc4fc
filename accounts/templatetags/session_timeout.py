"""`{% session_timer %}`: the warning before the session ends, run by static/js/session.js."""

from django import template

from .. import session_timeout

register = template.Library()


@register.inclusion_tag("accounts/includes/session_timer.html", takes_context=True)
def session_timer(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {
        "show": True,
        "seconds_left": session_timeout.seconds_left(request),
        "warn_seconds": session_timeout.warn_seconds(),
        "csrf_token": context.get("csrf_token"),
    }

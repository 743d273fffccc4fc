"""Template helpers for pages outside the reporting app (the coordinator's home)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.capabilities import can_read_reports, can_report_on_all_providers
from clients.models import Provider

from .. import selectors
from ..forms import previous_month_start

register = template.Library()


@register.simple_tag
def latest_reports(user: Any, count: int = 10) -> list[Any]:
    """The newest generated reports the user may see."""
    return list(selectors.report_job_list(user=user)[:count])


@register.simple_tag
def report_providers(user: Any) -> list[Provider]:
    """The providers whose reports the user may open (coordinators: all)."""
    if not can_read_reports(user):
        return []
    if can_report_on_all_providers(user):
        return list(Provider.objects.order_by("name"))
    return list(Provider.objects.filter(pk=user.provider_id))


@register.simple_tag
def last_month() -> str:
    return f"{previous_month_start():%Y-%m}"

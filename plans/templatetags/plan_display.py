"""How plans' records look on the page (`{% load plan_display %}`)."""

from django import template

from plans.choices import GoalStatus

register = template.Library()

# The badge of each goal status: reached in green, partly in blue, not reached in amber, dropped in grey.
GOAL_STATUS_BADGES = {
    GoalStatus.ACHIEVED: "text-bg-success",
    GoalStatus.PARTLY_ACHIEVED: "text-bg-info",
    GoalStatus.NOT_ACHIEVED: "text-bg-warning",
    GoalStatus.DROPPED: "text-bg-secondary",
}


@register.filter
def goal_status_badge(status: str) -> str:
    """The badge classes of a goal status (an open goal: a light badge with a border)."""
    return GOAL_STATUS_BADGES.get(status, "text-bg-light border")

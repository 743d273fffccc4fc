"""Template filters of plans: the access rules asked from templates, kept in plans.querysets."""

from django import template

from plans.querysets import may_edit_plans as _may_edit_plans

register = template.Library()


@register.filter
def may_edit_plans(user) -> bool:
    """`{% if user|may_edit_plans %}`: the user drafts and changes plans."""
    return _may_edit_plans(user)

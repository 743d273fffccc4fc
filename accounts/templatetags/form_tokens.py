"""`{% form_token %}`: the hidden one-time token of a create form (accounts/formtokens.py)."""

from django import template
from django.utils.html import format_html

from ..formtokens import FIELD, new_form_token

register = template.Library()


@register.simple_tag
def form_token() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_form_token())

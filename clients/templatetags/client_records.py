"""Labels for the codes the client list annotates (current legal status and residence)."""

from django import template
from django.utils.translation import gettext as _

from clients.choices import RECEPTION_CENTRE, LegalStatus

register = template.Library()


@register.filter
def legal_status_label(code: str | None) -> str:
    if not code:
        return ""
    try:
        return str(LegalStatus(code).label)
    except ValueError:
        return code


@register.filter
def residence_label(residence: str | None) -> str:
    if residence == RECEPTION_CENTRE:
        return _("Reception centre Mucenieki")
    return residence or ""

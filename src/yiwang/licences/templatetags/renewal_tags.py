"""Renewal (延续) on the pages that show a licence or a case: the wallet's button, the case pages' note."""

from django import template

from yiwang.licences import renewal
from yiwang.licences.models import Renewal

register = template.Library()


@register.inclusion_tag("licences/_renewal_action.html")
def renewal_action(licence):
    """The wallet's renewal cell: the button inside the window, why not outside it, and where a licence came from."""
    origin = Renewal.objects.select_related("licence").filter(renewed_licence=licence).first()
    return {"licence": licence, "window": renewal.renewal_window(licence), "origin": origin}


@register.inclusion_tag("licences/_renewal_case.html")
def case_renewal(case):
    """On a case page: that the case renews a licence, its decision deadline, and a deemed renewal."""
    return {"renewal": renewal.renewal_for_case(case)}

"""Renewal (延续) on the case pages: that a case renews a licence, and a deemed renewal."""

from django import template

from yiwang.licences import renewal

register = template.Library()


@register.inclusion_tag("licences/_renewal_case.html")
def case_renewal(case):
    """On a case page: that the case renews a licence, its decision deadline, and a deemed renewal."""
    return {"renewal": renewal.renewal_for_case(case)}

"""`{{ cell|figure }}`: a dashboard cell as people read it (12.34%, +1.20 个百分点, — for no denominator)."""

from django import template

from ..files import text

register = template.Library()


@register.filter
def figure(cell) -> str:
    return text(cell)

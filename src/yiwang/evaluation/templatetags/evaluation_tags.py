"""How the evaluation pages write numbers: a fraction as a percentage, a score or points with two decimals."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


@register.filter
def points(value) -> str:
    return "—" if value is None else f"{float(value):.2f}"

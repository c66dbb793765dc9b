"""The item guide asks here whether to offer 网上预约, so the guide's view stays as it is."""

from django import template

from yiwang.desk.selectors import is_bookable

register = template.Library()


@register.simple_tag
def appointment_bookable(implementation) -> bool:
    return is_bookable(implementation=implementation)

"""`{% may "accept" as flag %}`: whether a link is shown is asked of core.permissions, never of a role name."""

from django import template

from yiwang.core.permissions import can_do

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str) -> bool:
    request = context.get("request")
    return request is not None and can_do(request.user, action)

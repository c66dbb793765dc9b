from django import template

from yiwang.accounts.models import Entity

from ..selectors import acceptance_preview, green_channel

register = template.Library()


@register.inclusion_tag("credit/_preview.html")
def credit_preview(applicant, item):
    """What the credit rules say about this applicant for this item, shown to the clerk before accepting."""
    if not isinstance(applicant, Entity):
        return {"hits": [], "green": False}
    return {"hits": acceptance_preview(applicant, item), "green": green_channel(applicant)}

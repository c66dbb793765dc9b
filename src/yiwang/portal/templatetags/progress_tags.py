from django import template

from yiwang.cases.progress import progress_address as address

register = template.Library()


@register.simple_tag
def progress_address() -> str:
    """Where a person without an account looks up a case's progress (the address printed on notices)."""
    return address()

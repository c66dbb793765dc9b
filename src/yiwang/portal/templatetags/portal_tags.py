"""Presentation helpers for portal and admin templates: labels for codes, and the holiday-data banner."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from yiwang.core.calendar import missing_years

register = template.Library()

ONLINE_DEPTH = {
    1: _("一级：网上提供办事指南"),
    2: _("二级：可下载申请表格"),
    3: _("三级：网上申报、到现场核验"),
    4: _("四级：全程网办"),
}

# MaterialSpec.shared_source names the store; citizens read the store's name.
SHARED_SOURCES = {
    "identity": _("身份信息"),
    "property_register": _("不动产登记信息"),
    "household_register": _("户籍信息"),
    "tax": _("纳税信息"),
    "entity_register": _("企业登记信息"),
}


@register.filter
def online_depth(level: int) -> str:
    return ONLINE_DEPTH.get(level, "")


@register.filter
def shared_source(key: str) -> str:
    return SHARED_SOURCES.get(key, key)


@register.filter
def working_days(days: int) -> str:
    """0 days is an instant item (即办件): decided on the spot."""
    if days == 0:
        return _("即办件")
    return ngettext("%(n)d 个工作日", "%(n)d 个工作日", days) % {"n": days}


@register.inclusion_tag("portal/holiday_banner.html")
def holiday_data_banner():
    """Years without holiday data make deadlines provisional; administrators must see that on their home page."""
    return {"years": missing_years(timezone.localdate())}

"""Every write of the hotline: one transaction each, with its timeline row, audit entry and event."""

from ._common import happened_at
from .closing import order_callback, order_callback_by_link, order_callback_sms, order_close
from .handling import (
    extension_decide,
    extension_request,
    order_dispatch,
    order_redispatch,
    order_reply,
    order_return,
    order_sign,
    order_transfer,
)
from .hotspots import (
    hotspot_assign,
    hotspot_milestone_add,
    hotspot_milestone_complete,
    hotspot_resolve,
    hotspots_detect,
    hotspots_detect_due,
    hotspots_detect_region,
)
from .intake import (
    order_answer_directly,
    order_report_from_grid,
    order_submit_open311,
    order_submit_web,
    order_take,
)
from .reporting import monthly_reports_due, report_generate
from .supervision import order_supervise, supervision_answer

__all__ = [
    "extension_decide",
    "extension_request",
    "happened_at",
    "hotspot_assign",
    "hotspot_milestone_add",
    "hotspot_milestone_complete",
    "hotspot_resolve",
    "hotspots_detect",
    "hotspots_detect_due",
    "hotspots_detect_region",
    "monthly_reports_due",
    "order_answer_directly",
    "order_callback",
    "order_callback_by_link",
    "order_callback_sms",
    "order_close",
    "order_dispatch",
    "order_redispatch",
    "order_reply",
    "order_report_from_grid",
    "order_return",
    "order_sign",
    "order_submit_open311",
    "order_submit_web",
    "order_supervise",
    "order_take",
    "order_transfer",
    "report_generate",
    "supervision_answer",
]

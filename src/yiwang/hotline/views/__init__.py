"""The hotline's pages, by subdomain: calls and grid reports coming in (intake), the centre's queues and a
department's inbox (queues), an order's page and the steps taken on it (orders), the monthly reports (reporting),
老大难 hotspots (hotspots), an order's files and the 流程整改 (records), and 12345 on the web without an account
(public). The staff pages' names are re-exported here; urls.py reads each module."""

from .intake import grid_report, operator
from .orders import (
    callback,
    callback_sms,
    close,
    dispatch,
    extension,
    extension_decision,
    give_back,
    order,
    reply,
    sign,
    supervise,
    supervision_answer,
    transfer,
)
from .queues import inbox, queue
from .reporting import report_generate, report_page, report_pdf, report_xlsx, reports

__all__ = [
    "callback",
    "callback_sms",
    "close",
    "dispatch",
    "extension",
    "extension_decision",
    "give_back",
    "grid_report",
    "inbox",
    "operator",
    "order",
    "queue",
    "reply",
    "report_generate",
    "report_page",
    "report_pdf",
    "report_xlsx",
    "reports",
    "sign",
    "supervise",
    "supervision_answer",
    "transfer",
]

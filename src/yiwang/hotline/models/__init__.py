"""The hotline's tables, by subdomain: work orders and their timeline (orders), the departments' handling of them
(handling), the knowledge base (knowledge), 老大难 hotspots (hotspots), files and 流程整改 (records), dispatch rules
(routing) and the monthly reports (reporting)."""

from .handling import Assignment, ExtensionRequest, Supervision
from .hotspots import Hotspot, HotspotMilestone
from .knowledge import FaqEntry
from .orders import Category, OrderNumberCounter, WorkOrder, WorkOrderLog
from .records import ProcessChange, WorkOrderAttachment
from .reporting import MonthlyReportSnapshot
from .routing import RoutingRule

__all__ = [
    "Assignment",
    "Category",
    "ExtensionRequest",
    "FaqEntry",
    "Hotspot",
    "HotspotMilestone",
    "MonthlyReportSnapshot",
    "OrderNumberCounter",
    "ProcessChange",
    "RoutingRule",
    "Supervision",
    "WorkOrder",
    "WorkOrderAttachment",
    "WorkOrderLog",
]

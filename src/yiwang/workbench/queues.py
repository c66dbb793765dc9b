"""What waits for a member of staff: one list of queues, read by the landing page, the navigation and the tests.

Each queue names the selector its page lists, so the count on the landing page is the number of rows the page
shows, and the permission actions that open it, so a role sees only the queues it can work on. A new queue is
one line here (and its page).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yiwang.cases import selectors
from yiwang.core.permissions import can_do


@dataclass(frozen=True)
class Queue:
    key: str
    label: str | Promise
    url_name: str
    rows: Callable  # rows(actor=...) -> the queryset the page lists
    actions: tuple[str, ...]  # any one of these permission actions opens the page

    def opens_for(self, actor) -> bool:
        return any(can_do(actor, action) for action in self.actions)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


QUEUES: list[Queue] = [
    Queue("acceptance", _("待受理"), "workbench:acceptance", selectors.acceptance_queue, ("accept",)),
    Queue("review", _("待审核"), "workbench:tasks", selectors.inbox, ("review",)),
    Queue("decisions", _("待审批"), "workbench:decisions", selectors.decision_queue, ("decide",)),
    Queue("deliveries", _("待送达"), "workbench:deliveries", selectors.awaiting_delivery, ("deliver",)),
    Queue("warnings", _("预警"), "workbench:warnings", selectors.warned_tasks, ("review", "supervise")),
    Queue("orders", _("督办"), "workbench:orders", selectors.open_orders, ("review",)),
    Queue("rectifications", _("待整改"), "workbench:rectifications", selectors.open_rectifications, ("review",)),
]


def queues_for(actor) -> list[Queue]:
    return [queue for queue in QUEUES if queue.opens_for(actor)]


def queue_counts(actor) -> list[tuple[Queue, int]]:
    """The landing page's figures: one COUNT per queue the actor can open."""
    return [(queue, queue.rows(actor=actor).count()) for queue in queues_for(actor)]

"""An order in the departments' hands, as its page shows it: the viewer's own part, the 督办 and the 延期 asked."""

from yiwang.core.permissions import allows, get_restricted, restrict

from ..models import Assignment, ExtensionRequest, Supervision, WorkOrder


def supervisions_of(actor, order: WorkOrder) -> list[Supervision]:
    """The order's 督办 with their answers, for whoever sees the order; `answerable` where the actor's department
    still owes the answer."""
    rows = list(order.supervisions.select_related("department"))
    for row in rows:
        row.order = order
        row.answerable = row.answered_at is None and allows(actor, "hotline_handle", row)
    return rows


def may_supervise(actor, order: WorkOrder, supervisions: list[Supervision]) -> bool:
    """Whether the actor may press the lead department now (督办): the order is in a department's hands, its
    earlier 督办 (`supervisions`, as supervisions_of read them) are all answered, and the actor holds
    hotline_supervise over it."""
    return (
        order.status in WorkOrder.OPEN_STATES
        and not any(s.answered_at is None for s in supervisions)
        and allows(actor, "hotline_supervise", order)
    )


def supervision_for(actor, pk: int) -> Supervision:
    """A 督办 the actor's department is to answer; NotFound otherwise."""
    return get_restricted(Supervision.objects.select_related("order"), actor, "hotline_handle", pk=pk)


def own_assignment(actor, order: WorkOrder) -> Assignment | None:
    """The actor's department's live part in the order, if any: what the department page's forms act on."""
    rows = restrict(
        Assignment.objects.filter(order=order, status__in=Assignment.ACTIVE_STATES), actor, "hotline_handle"
    )
    return rows.select_related("department").order_by("-lead", "pk").first()


def pending_extensions(order: WorkOrder) -> list[ExtensionRequest]:
    return list(
        ExtensionRequest.objects.filter(assignment__order=order, status=ExtensionRequest.Status.PENDING)
        .select_related("assignment__department")
        .order_by("pk")
    )


def extension_for(actor, pk: int) -> ExtensionRequest:
    return get_restricted(ExtensionRequest.objects.select_related("assignment__order"), actor, "hotline_operate", pk=pk)

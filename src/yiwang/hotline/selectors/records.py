"""What an order keeps besides its steps, for staff: its files (附件) and its 流程整改."""

from yiwang.core.permissions import get_restricted, restrict

from ..models import ProcessChange, WorkOrder, WorkOrderAttachment


def attachments_of(order: WorkOrder) -> list[WorkOrderAttachment]:
    """The order's files for a staff page (the order already fetched as the viewer may see it), oldest first."""
    return list(order.attachments.select_related("department").order_by("uploaded_at", "pk"))


def attachment_for(actor, number: str, pk: int) -> WorkOrderAttachment:
    """One file of an order the actor may see (hotline_view); NotFound otherwise, as for a missing order."""
    return get_restricted(WorkOrderAttachment.objects.filter(order__number=number), actor, "hotline_view", pk=pk)


def process_changes_of(order: WorkOrder) -> list[ProcessChange]:
    return list(order.process_changes.select_related("department", "attachment", "recorded_by"))


def process_changes(actor) -> list[ProcessChange]:
    """流程整改 the actor may see, grouped by department and newest first within each: a district's for the
    centre and 效能监察, a liaison's own department's."""
    rows = restrict(ProcessChange.objects.all(), actor, "hotline_view")
    return list(
        rows.select_related("department", "order", "attachment", "recorded_by").order_by(
            "department__region__code", "department__kind", "department_id", "-recorded_at", "-pk"
        )
    )

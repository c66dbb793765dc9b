"""What every step of a work order shares: the lock and permission check, the timeline row with its audit entry
and event, and the department's limits on the district's calendar."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.core.events import emit
from yiwang.core.permissions import require, restrict
from yiwang.core.writebehind import defer_insert

from .. import clock
from ..actions import Action
from ..models import Assignment, WorkOrder, WorkOrderLog

# When the steps being run happened, if not now: set by happened_at. A context variable, so it holds for the
# loader's own steps and never for a request or task another thread runs meanwhile.
_moment: ContextVar[dt.datetime | None] = ContextVar("hotline_moment", default=None)


def _now() -> dt.datetime:
    """The one clock of the hotline's steps: numbers, limits, the timeline and the columns they stamp."""
    return _moment.get() or timezone.now()


@contextmanager
def happened_at(moment: dt.datetime) -> Iterator[None]:
    """Run steps as having happened at `moment`, for a loader of past calls (the demo's two months): their number,
    limits, timeline rows and stamped columns are of that moment, as if taken then. The audit entries and events
    keep the real time, when the rows were written. Refuses a moment after now: limits are never dated ahead."""
    if moment > timezone.now():
        raise ValueError(f"a step cannot have happened after now: {moment.isoformat()}")
    token = _moment.set(moment)
    try:
        yield
    finally:
        _moment.reset(token)


def _locked(order: WorkOrder, actor, action: str) -> WorkOrder:
    """The order, locked for this transaction, if the actor may act on it; otherwise the same 404 as missing."""
    try:
        found = WorkOrder.objects.select_for_update(of=("self",)).select_related("region", "category").get(pk=order.pk)
    except WorkOrder.DoesNotExist:
        raise NotFound() from None
    require(actor, action, found)
    return found


def _own_assignment(order: WorkOrder, actor, *states: str) -> Assignment:
    """The actor's department's part in the order in one of `states` (lead first), locked. A department the order
    was never sent to gets NotFound; one whose part is past this step (signed by a colleague a moment ago,
    returned, transferred) is told so."""
    rows = restrict(Assignment.objects.filter(order=order), actor, "hotline_handle")
    parts = list(rows.select_for_update(of=("self",)).select_related("department").order_by("-lead", "pk"))
    if not parts:
        raise NotFound()
    found = next((part for part in parts if part.status in states), None)
    if found is None:
        raise InvalidTransition(
            _("本部门的派单当前为“%(status)s”，不能进行此操作") % {"status": parts[0].get_status_display()},
            subcode="assignment_state",
        )
    return found


def _record(
    order: WorkOrder, *, actor, action: Action, note: str = "", data: dict | None = None, label: str = ""
) -> None:
    """`label` names who acted when no account did (the caller answering an SMS callback); else the actor."""
    # Nothing reads the timeline inside the step that writes it, so its row waits for COMMIT with the audit entry.
    entry = WorkOrderLog(
        order=order,
        at=_now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=label or (str(actor) if actor else _("系统")),
        action=action,
        note=note,
    )
    defer_insert(entry)
    audit_record(
        actor=actor,
        action=f"hotline.{action.value}",
        target=order,
        data={"number": order.number, "status": order.status, "note": note, **(data or {})},
    )
    if action.event:
        emit(action.event, {"order": order.number, "order_id": order.pk, "status": order.status, **(data or {})})


def _calendar(order: WorkOrder) -> WorkCalendar:
    return WorkCalendar(order.region)


def _required(errors: dict[str, list[str]], name: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors.setdefault(name, []).append(message)
    return value


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(fields=errors, subcode="hotline_input")


def _choice(errors: dict, name: str, value: str, choices, message: str, *, blank: bool = False) -> str:
    if (blank and not value) or value in choices.values:
        return value
    errors.setdefault(name, []).append(message)
    return value


def _running_limit(order: WorkOrder, start: dt.datetime) -> None:
    """The order shows its lead's limit that runs now: signing while dispatched, replying while signed."""
    if order.status == WorkOrder.Status.DISPATCHED:
        order.warn_at = clock.warn_at(start, order.sign_due)
    elif order.status == WorkOrder.Status.SIGNED:
        order.warn_at = clock.warn_at(start, order.reply_due)
    else:
        order.warn_at = None


def _save(order: WorkOrder, *fields: str) -> None:
    order.save(update_fields=list(fields))

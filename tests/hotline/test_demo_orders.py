"""The demo's work orders: every stage of the operator's queues has some, a few are past their limits, one place is
a 老大难 hotspot, last month's report is generated, and every step went through the services."""

import datetime as dt

import pytest
from django.utils import timezone

from yiwang.core.audit import audit_verify
from yiwang.core.calendar import WorkCalendar
from yiwang.core.models import AuditEntry
from yiwang.hotline import clock, selectors, services
from yiwang.hotline.demo import PHONE_PREFIX, load_demo_orders
from yiwang.hotline.models import Assignment, ExtensionRequest, MonthlyReportSnapshot, WorkOrder, WorkOrderLog

Status = WorkOrder.Status


def test_the_demo_fills_every_queue_the_map_and_last_months_report(monday, operator, urban_liaison):
    made = load_demo_orders()
    assert 40 <= made <= 80
    orders = WorkOrder.objects.filter(caller_phone__startswith=PHONE_PREFIX)
    by_status = {status: orders.filter(status=status).count() for status in Status.values}
    # 直接答复 closes the order at once: no order stays "answered".
    assert all(by_status[s] >= 3 for s in Status.values if s != Status.ANSWERED), by_status
    assert orders.filter(kind=WorkOrder.Kind.CONSULT, status=Status.CLOSED).count() >= 3
    assert orders.filter(reopened_count__gt=0, status=Status.CLOSED).exists()
    assert orders.filter(returned_count__gt=0, status=Status.CLOSED).exists()
    assert ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).count() == 1
    assert all(o.grid_cell_code for o in orders)
    # Numbers, limits and the timeline are dated when each step happened, not when the demo was loaded; the audit
    # log says when the demo wrote them, and its chains verify.
    last_month = orders.filter(created_at__lt=dt.datetime(2026, 11, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    assert last_month.count() >= 20
    sample = last_month.first()
    assert sample.number.split("-")[2] == f"{sample.created_at.astimezone(dt.timezone(dt.timedelta(hours=8))):%Y%m%d}"
    assert WorkOrderLog.objects.filter(order=sample).earliest("at").at == sample.created_at
    assert not WorkOrderLog.objects.filter(order__in=orders, at__gt=timezone.now()).exists()
    lead = sample.assignments.get(lead=True, status=Assignment.Status.REPLIED)
    assert sample.created_at < lead.dispatched_at < lead.signed_at < lead.replied_at < sample.closed_at < timezone.now()
    limit = clock.sign_limit(
        WorkCalendar(sample.region), lead.dispatched_at, urgency=sample.urgency, handling=sample.handling
    )
    assert lead.sign_due == limit
    assert ExtensionRequest.objects.get(status=ExtensionRequest.Status.PENDING).requested_at < timezone.now()
    assert AuditEntry.objects.filter(action="hotline.take", target_id=str(sample.pk)).get().at == timezone.now()
    assert audit_verify()[0]

    tabs = {key: count for key, _label, count in selectors.queue_tabs(operator)}
    assert tabs["pending"] >= 3 and tabs["returned"] >= 3 and tabs["callback"] >= 3 and tabs["extensions"] == 1
    late = [o for o in orders.filter(status__in=WorkOrder.OPEN_STATES) if clock.warning(o) == "red"]
    assert len(late) >= 3
    assert any(rows for rows in selectors.inbox(urban_liaison).values())
    spots = selectors.hotspot_list(operator)
    assert [spot.order_count for spot in spots if spot.category.code == "NOISE-03"] == [4]
    assert selectors.overdue_orders_geojson(operator)["features"]

    snapshot = MonthlyReportSnapshot.objects.get(region__code="440105", month=dt.date(2026, 10, 1))
    assert snapshot.data["totals"]["received"] == last_month.count()


def test_loading_again_adds_nothing(db, monday):
    made = load_demo_orders()
    assert load_demo_orders() == 0
    assert WorkOrder.objects.filter(caller_phone__startswith=PHONE_PREFIX).count() == made


def test_a_step_run_as_having_happened_earlier_is_dated_then(take, operator, urban, urban_liaison, monday):
    """happened_at, what the demo dates its steps with: the step's number, limits and timeline row are of that
    moment; the clock itself is not moved, and a moment ahead of now is refused."""
    friday = timezone.now() - dt.timedelta(days=3)
    with services.happened_at(friday):
        order = take()
        services.order_dispatch(actor=operator, order=order, lead=urban, handling=WorkOrder.Handling.RECTIFICATION)
        assert timezone.now() > friday
    order.refresh_from_db()
    assert order.number.split("-")[2] == "20261120"
    assert set(WorkOrderLog.objects.filter(order=order).values_list("at", flat=True)) == {friday}
    assert order.assignments.get().dispatched_at == friday and order.sign_due < timezone.now()
    # Outside the block, steps are dated now again.
    services.order_sign(actor=urban_liaison, order=order)
    assert WorkOrderLog.objects.filter(order=order).latest("at").at == timezone.now()
    with pytest.raises(ValueError), services.happened_at(timezone.now() + dt.timedelta(seconds=1)):
        pass

"""Delivery of every case (送达), whatever its channel: 电子送达, 邮寄送达 with a tracking number, 窗口领取 at the
chosen hall; editable by the applicant until delivered; the 第四十四条 clock from the decision."""

import datetime as dt

import pytest
import time_machine

from tests.case_fixtures import decide as decide_as_lead
from tests.case_fixtures import submit_as_entity
from yiwang.accounts.models import User
from yiwang.cases import selectors, services
from yiwang.cases.models import Case
from yiwang.catalog.models import ItemImplementation
from yiwang.core.audit import audit_verify
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.core.models import AuditEntry, Notification
from yiwang.licences.models import Licence
from yiwang.org.models import ServiceCenter
from yiwang.workflow.models import Task

CST = dt.timezone(dt.timedelta(hours=8))
POST = {"delivery_recipient": "赵六", "delivery_phone": "13800000004", "delivery_address": "广州市海珠区南洲路 88 号"}


def _reviewer(department) -> User:
    return User.objects.get(username=f"hz-{department.kind.lower()}-reviewer")


def decide(case: Case, *, clerk, grant: bool = True) -> Case:
    """Accept the case, let every department agree, and have the lead department decide (审核, then 审批)."""
    case = services.case_accept(actor=clerk, case=case)
    while True:
        waiting = case.tasks.filter(status__in=Task.OPEN_STATES).exclude(role=Task.Role.DECISION)
        tasks = list(waiting.select_related("department"))
        if not tasks:
            break
        for task in tasks:
            outcome = "answer" if task.role == Task.Role.CONSULTED else "agree"
            services.task_complete(actor=_reviewer(task.department), task=task, outcome=outcome, opinion="同意")
    reasons = "" if grant else "经营场所不符合食品安全要求"
    return decide_as_lead(case, grant=grant, reasons=reasons)


def submit(agent, entity, implementation, *, method=Case.Delivery.ONLINE, key="d-1", **delivery) -> Case:
    return submit_as_entity(agent, entity, implementation, key, delivery_method=method, **delivery)


@pytest.fixture
def hall(db):
    return ServiceCenter.objects.get(name="海珠区政务服务中心")


@pytest.fixture
def equipment(db):
    """特种设备使用登记: a 市场监管 item whose result is no licence."""
    return ItemImplementation.objects.get(code="R009-440105")


# --- choosing at application -----------------------------------------------------------------------------


def test_post_needs_recipient_phone_and_address_all_named_at_once(monday, enterprise_agent, restaurant, food_permit):
    with pytest.raises(ValidationFailed) as refused:
        submit(enterprise_agent, restaurant, food_permit, method="post", delivery_phone="12345")
    assert set(refused.value.fields) == {"delivery_recipient", "delivery_phone", "delivery_address"}
    assert "11 位手机号码" in refused.value.fields["delivery_phone"][0]
    assert not Case.objects.exists()

    case = submit(enterprise_agent, restaurant, food_permit, method="post", **POST)
    assert (case.delivery_method, case.delivery_recipient, case.delivery_address) == (
        "post",
        "赵六",
        POST["delivery_address"],
    )


def test_window_pickup_online_needs_a_hall_of_the_cases_region(monday, enterprise_agent, restaurant, food_permit, hall):
    with pytest.raises(ValidationFailed) as refused:
        submit(enterprise_agent, restaurant, food_permit, method="window")
    assert "pickup_center" in refused.value.fields
    tianhe = ServiceCenter.objects.get(name="天河区政务服务中心")
    with pytest.raises(ValidationFailed) as elsewhere:
        submit(enterprise_agent, restaurant, food_permit, method="window", pickup_center=tianhe)
    assert "不能领取" in elsewhere.value.fields["pickup_center"][0]
    case = submit(enterprise_agent, restaurant, food_permit, method="window", pickup_center=hall)
    assert case.pickup_center == hall and case.delivery_recipient == ""


# --- editable until delivered, by the applicant only -----------------------------------------------------


def test_only_the_applicant_edits_and_only_until_delivered(
    monday, enterprise_agent, restaurant, food_permit, clerk, citizen, samr_reviewer
):
    case = submit(enterprise_agent, restaurant, food_permit)
    for outsider in (citizen, clerk, samr_reviewer):
        with pytest.raises(NotFound):
            services.case_delivery_update(actor=outsider, case=case, method="post", **_post_args())
    with pytest.raises(ValidationFailed) as bad:
        services.case_delivery_update(actor=enterprise_agent, case=case, method="post", recipient="赵六")
    assert set(bad.value.fields) == {"delivery_phone", "delivery_address"}

    case = services.case_delivery_update(actor=enterprise_agent, case=case, method="post", **_post_args())
    assert case.delivery_method == "post" and case.delivery_phone == "020-84001234"
    entry = case.log.get(action="delivery_update")
    assert "邮寄送达" in entry.note and entry.actor == enterprise_agent
    assert AuditEntry.objects.filter(action="case.delivery_update").exists()
    assert "delivery_update" in [e.action for e in selectors.applicant_timeline(case)]

    case = decide(case, clerk=clerk)
    case = services.case_deliver(actor=clerk, case=case, method="post", tracking_number="SF1234567890")
    with pytest.raises(InvalidTransition):
        services.case_delivery_update(actor=enterprise_agent, case=case, method="online")
    ok, message = audit_verify()
    assert ok, message


def _post_args():
    return {"recipient": "赵六", "phone": "020-84001234", "address": "广州市海珠区南洲路 88 号"}


# --- each method -------------------------------------------------------------------------------------------


def test_post_is_delivered_with_its_tracking_number_and_the_applicant_told(
    monday, enterprise_agent, restaurant, food_permit, clerk, samr_reviewer, urban_reviewer
):
    case = decide(submit(enterprise_agent, restaurant, food_permit, method="post", **POST), clerk=clerk)
    with pytest.raises(ValidationFailed) as missing:
        services.case_deliver(actor=samr_reviewer, case=case, method="post")
    assert "tracking_number" in missing.value.fields
    with pytest.raises(NotFound):  # 城管 assisted: it reviews the case, but does not hand the result over
        services.case_deliver(actor=urban_reviewer, case=case, method="post", tracking_number="SF1")

    case = services.case_deliver(actor=samr_reviewer, case=case, method="post", tracking_number=" SF1234567890 ")
    assert case.status == Case.Status.DELIVERED and case.tracking_number == "SF1234567890"
    deliver = case.log.get(action="deliver")
    assert "SF1234567890" in deliver.note and deliver.status_to == Case.Status.DELIVERED
    told = Notification.objects.filter(user=enterprise_agent, title__contains="已送达").get()
    assert "SF1234567890" in told.body
    assert AuditEntry.objects.filter(action="case.deliver", data__tracking_number="SF1234567890").exists()


def test_window_pickup_is_handed_over_by_a_clerk(monday, enterprise_agent, restaurant, food_permit, clerk, hall):
    case = submit(enterprise_agent, restaurant, food_permit, method="window", pickup_center=hall)
    case = decide(case, clerk=clerk)
    case = services.case_deliver(actor=clerk, case=case)
    assert case.status == Case.Status.DELIVERED and case.delivery_method == "window" and case.tracking_number == ""


def test_a_refusal_is_delivered_electronically_when_it_is_made(
    monday, enterprise_agent, restaurant, food_permit, clerk, django_capture_on_commit_callbacks
):
    case = submit(enterprise_agent, restaurant, food_permit)
    with django_capture_on_commit_callbacks(execute=True):
        decide(case, clerk=clerk, grant=False)
    case.refresh_from_db()
    assert case.status == Case.Status.DELIVERED and case.granted is False
    entry = case.log.get(action="deliver")
    assert entry.actor is None and "电子送达" in entry.note


def test_a_grant_with_no_licence_is_delivered_electronically_when_made(
    monday, enterprise_agent, restaurant, equipment, clerk, django_capture_on_commit_callbacks
):
    case = submit(enterprise_agent, restaurant, equipment)
    with django_capture_on_commit_callbacks(execute=True):
        decide(case, clerk=clerk)
    case.refresh_from_db()
    assert case.status == Case.Status.DELIVERED and case.granted is True
    assert not Licence.objects.filter(case=case).exists()


def test_an_e_licence_grant_is_delivered_when_the_licence_is_issued(
    monday, enterprise_agent, restaurant, food_permit, clerk
):
    from yiwang.cases.consumers import deliver_on_decision, deliver_on_licence
    from yiwang.core.models import Event
    from yiwang.licences.services import licence_issue

    case = decide(submit(enterprise_agent, restaurant, food_permit), clerk=clerk)
    deliver_on_decision(Event.objects.get(type="case.decided", payload__case=case.number))
    case.refresh_from_db()
    assert case.status == Case.Status.GRANTED  # the decision waits for its licence

    licence = licence_issue(actor=None, case=case)
    issued = Event.objects.get(type="licence.issued", payload__case=case.number)
    deliver_on_licence(issued)
    deliver_on_licence(issued)  # a replayed event changes nothing
    case.refresh_from_db()
    assert case.status == Case.Status.DELIVERED
    assert case.log.filter(action="deliver").count() == 1
    assert "电子证照" in case.log.get(action="deliver").note
    assert selectors.case_licence(case) == licence


def test_choosing_online_after_the_decision_delivers_at_once(monday, enterprise_agent, restaurant, equipment, clerk):
    case = decide(submit(enterprise_agent, restaurant, equipment, method="post", **POST), clerk=clerk)
    assert case.status == Case.Status.GRANTED
    case = services.case_delivery_update(actor=enterprise_agent, case=case, method="online")
    assert case.status == Case.Status.DELIVERED


# --- 第四十四条 -------------------------------------------------------------------------------------------


def test_delivery_due_counts_ten_working_days_across_national_day(enterprise_agent, restaurant, food_permit, clerk):
    """行政许可法第四十四条: 作出准予行政许可决定，应当自作出决定之日起十日内向申请人颁发、送达行政许可证件
    (ten working days). Decided on Wednesday 2026-09-30, the 国庆 holiday (10-01..10-07) is skipped and the
    make-up Saturday 10-10 counts: due 2026-10-20, not 10-14. The warning turns yellow at 80% and red after."""
    with time_machine.travel(dt.datetime(2026, 9, 30, 10, 0, tzinfo=CST), tick=False):
        case = decide(submit(enterprise_agent, restaurant, food_permit, method="post", **POST), clerk=clerk)
    assert case.delivery_due == dt.date(2026, 10, 20)
    assert case.warning == Case.Warning.GREEN

    services.clock_sweep(today=dt.date(2026, 10, 15))  # 7 of 10 working days used
    case.refresh_from_db()
    assert case.warning == Case.Warning.GREEN
    services.clock_sweep(today=dt.date(2026, 10, 19))  # 9 of 10
    case.refresh_from_db()
    assert case.warning == Case.Warning.YELLOW
    services.clock_sweep(today=dt.date(2026, 10, 21))
    case.refresh_from_db()
    assert case.warning == Case.Warning.RED
    assert list(selectors.awaiting_delivery(actor=clerk)) == [case]

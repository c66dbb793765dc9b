"""整改类 orders end with a process change (流程整改) recorded against the lead department: its reply without one
is refused by the field and changes nothing; the order page and the district's list show what changed."""

import datetime as dt

import pytest

from yiwang.accounts.models import User
from yiwang.core.errors import ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.hotline import services
from yiwang.hotline.actions import Action
from yiwang.hotline.models import Assignment, ProcessChange, WorkOrder

from .conftest import EXE, PDF, stored_files, upload

pytestmark = pytest.mark.django_db

CHANGE = "菜市场周边早市时段（6:00—9:00）纳入城管中队每日巡查路线，巡查记录每周报街道。"
EFFECTIVE = dt.date(2026, 12, 1)


@pytest.fixture
def rectification(take, operator, urban, urban_liaison, monday):
    """A complaint dispatched to 城管 as 整改类 on Monday 10:00, signed by 城管."""
    order = services.order_dispatch(actor=operator, order=take(), lead=urban, handling=WorkOrder.Handling.RECTIFICATION)
    services.order_sign(actor=urban_liaison, order=order)
    return order


def _reply(actor, order, **change):
    return services.order_reply(actor=actor, order=order, reply="已清理占道摊档", outcome="solved", **change)


def _unchanged(order):
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == WorkOrder.Status.SIGNED
    assert order.assignments.get(lead=True).status == Assignment.Status.SIGNED
    assert not order.log.filter(action=Action.REPLY).exists() and not ProcessChange.objects.exists()


def test_a_rectification_reply_without_its_process_change_is_refused(rectification, urban_liaison):
    with pytest.raises(ValidationFailed) as refused:
        _reply(urban_liaison, rectification)
    assert set(refused.value.fields) == {"change_description", "change_effective_on"}
    assert "流程整改" in refused.value.fields["change_description"][0]
    assert "生效日期" in refused.value.fields["change_effective_on"][0]
    _unchanged(rectification)


def test_a_process_change_without_its_date_is_refused(rectification, urban_liaison):
    with pytest.raises(ValidationFailed) as refused:
        _reply(urban_liaison, rectification, change_description=CHANGE)
    assert set(refused.value.fields) == {"change_effective_on"}
    _unchanged(rectification)


def test_the_lead_reply_records_the_process_change(rectification, urban, urban_liaison, media):
    _reply(urban_liaison, rectification, change_description=f"  {CHANGE}  ", change_effective_on=EFFECTIVE)
    change = ProcessChange.objects.get()
    assert (change.order, change.department, change.description) == (rectification, urban, CHANGE)
    assert change.effective_on == EFFECTIVE and change.recorded_by == urban_liaison and change.attachment is None
    order = WorkOrder.objects.get(pk=rectification.pk)
    assert order.status == WorkOrder.Status.REPLIED
    note = order.log.get(action=Action.REPLY).note
    assert f"流程整改（2026-12-01 起施行）：{CHANGE}" in note
    audit = AuditEntry.objects.get(action="hotline.reply", target_id=str(order.pk))
    assert audit.data["process_change"] == {"id": change.pk, "effective_on": "2026-12-01"}


def test_the_process_change_may_carry_the_new_rule_as_a_file(rectification, urban_liaison, media):
    _reply(
        urban_liaison,
        rectification,
        change_description=CHANGE,
        change_effective_on=EFFECTIVE,
        change_file=upload("巡查制度.pdf", PDF),
    )
    change = ProcessChange.objects.get()
    assert change.attachment.filename == "巡查制度.pdf" and change.attachment.order == rectification
    assert "附件：巡查制度.pdf" in rectification.log.get(action=Action.REPLY).note


def test_a_bad_process_change_file_refuses_the_reply(rectification, urban_liaison, media):
    with pytest.raises(ValidationFailed) as refused:
        _reply(
            urban_liaison,
            rectification,
            change_description=CHANGE,
            change_effective_on=EFFECTIVE,
            change_file=upload("制度.pdf", EXE),
        )
    assert list(refused.value.fields) == ["change_file"]
    _unchanged(rectification)
    assert stored_files(media) == []


def test_an_assisting_departments_reply_needs_no_process_change(
    take, operator, urban, housing, urban_liaison, housing_liaison, monday
):
    order = services.order_dispatch(
        actor=operator, order=take(), lead=urban, assisting=[housing], handling=WorkOrder.Handling.RECTIFICATION
    )
    services.order_sign(actor=housing_liaison, order=order)
    services.order_reply(actor=housing_liaison, order=order, reply="已督促物业配合", outcome="partly")
    assert order.assignments.get(department=housing).status == Assignment.Status.REPLIED
    assert not ProcessChange.objects.exists()


def test_a_process_change_is_refused_on_an_order_of_another_kind(dispatched, urban_liaison):
    services.order_sign(actor=urban_liaison, order=dispatched)
    with pytest.raises(ValidationFailed) as refused:
        _reply(urban_liaison, dispatched, change_description=CHANGE, change_effective_on=EFFECTIVE)
    assert list(refused.value.fields) == ["change_description"]
    _unchanged(dispatched)
    _reply(urban_liaison, dispatched)  # 老大难: no process change asked
    assert WorkOrder.objects.get(pk=dispatched.pk).status == WorkOrder.Status.REPLIED


def test_a_reopened_rectification_order_needs_a_process_change_again(rectification, operator, urban_liaison):
    _reply(urban_liaison, rectification, change_description=CHANGE, change_effective_on=EFFECTIVE)
    services.order_callback(actor=operator, order=rectification, satisfaction="dissatisfied", note="第二天又来了")
    with pytest.raises(ValidationFailed):
        _reply(urban_liaison, rectification)
    _reply(urban_liaison, rectification, change_description="增加周末巡查", change_effective_on=EFFECTIVE)
    assert ProcessChange.objects.filter(order=rectification).count() == 2


# --- through the pages ---------------------------------------------------------------------------------------


def test_the_liaison_records_the_process_change_on_the_order_page(client, rectification, urban_liaison, media):
    url = f"/workbench/hotline/orders/{rectification.number}/"
    client.force_login(urban_liaison)
    assert 'id="process-change"' in client.get(url).content.decode()
    refused = client.post(
        url + "reply/", {"reply": "已清理占道摊档", "outcome": "solved", "change_effective_on": "明天"}
    )
    page = refused.content.decode()
    assert refused.status_code == 422 and "整改类工单须填写流程整改" in page and "请填写整改的生效日期" in page
    assert "已清理占道摊档" in page  # what was typed stays
    _unchanged(rectification)
    response = client.post(
        url + "reply/",
        {
            "reply": "已清理占道摊档",
            "outcome": "solved",
            "change_description": CHANGE,
            "change_effective_on": "2026-12-01",
            "change_file": upload("巡查制度.pdf", PDF),
        },
    )
    assert response.status_code == 302
    change = ProcessChange.objects.get()
    assert change.effective_on == EFFECTIVE and change.attachment.filename == "巡查制度.pdf"
    page = client.get(url).content.decode()
    assert 'id="process-changes"' in page and CHANGE in page
    assert f"{url}attachments/{change.attachment.pk}/" in page


def test_the_reply_form_asks_for_no_process_change_on_another_kind(client, dispatched, urban_liaison):
    services.order_sign(actor=urban_liaison, order=dispatched)
    client.force_login(urban_liaison)
    page = client.get(f"/workbench/hotline/orders/{dispatched.number}/").content.decode()
    assert 'id="reply-form"' in page and 'id="process-change"' not in page


@pytest.fixture
def changes(take, operator, urban, housing, urban_liaison, housing_liaison, monday):
    """城管 changed two processes (the later one first in the list), 住建 one."""

    def rectified(lead, liaison, text, day):
        order = services.order_dispatch(
            actor=operator, order=take(description=text), lead=lead, handling=WorkOrder.Handling.RECTIFICATION
        )
        services.order_sign(actor=liaison, order=order)
        _reply(liaison, order, change_description=text, change_effective_on=day)
        monday.shift(dt.timedelta(hours=1))
        return order

    return [
        rectified(urban, urban_liaison, "早市巡查制度", dt.date(2026, 12, 1)),
        rectified(housing, housing_liaison, "物业投诉三日回复制度", dt.date(2026, 12, 2)),
        rectified(urban, urban_liaison, "夜市噪音联合执法机制", dt.date(2026, 12, 3)),
    ]


def test_the_process_changes_page_lists_them_by_department_newest_first(
    client, changes, operator, urban, housing, django_assert_max_num_queries
):
    client.force_login(operator)
    assert 'href="/workbench/hotline/process-changes/"' in client.get("/workbench/hotline/").content.decode()
    with django_assert_max_num_queries(12):
        response = client.get("/workbench/hotline/process-changes/")
    page = response.content.decode()
    assert response.status_code == 200 and page.count("data-process-change") == 3
    assert page.index(urban.name) < page.index("夜市噪音联合执法机制") < page.index("早市巡查制度")
    assert housing.name in page and "物业投诉三日回复制度" in page
    assert f'href="/workbench/hotline/orders/{changes[0].number}/"' in page


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("hz-gov_service-supervisor", {"早市巡查制度", "物业投诉三日回复制度", "夜市噪音联合执法机制"}),
        ("hz-urban-liaison", {"早市巡查制度", "夜市噪音联合执法机制"}),
        ("hz-housing-liaison", {"物业投诉三日回复制度"}),
        ("th-samr-reviewer", None),
        ("hz-grid-worker", None),
    ],
)
def test_who_sees_which_process_changes(client, changes, persona, seen):
    client.force_login(User.objects.get(username=persona))
    response = client.get("/workbench/hotline/process-changes/")
    if seen is None:
        assert response.status_code == 404
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert {t for t in ("早市巡查制度", "物业投诉三日回复制度", "夜市噪音联合执法机制") if t in page} == seen


def test_the_page_says_so_when_there_are_none(client, operator):
    client.force_login(operator)
    assert 'id="no-process-changes"' in client.get("/workbench/hotline/process-changes/").content.decode()

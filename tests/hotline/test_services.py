"""Each step of a work order, its refusals, its limits and what it records."""

import datetime as dt

import pytest

from yiwang.core.errors import Conflict, InvalidTransition, ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.hotline import clock, selectors, services
from yiwang.hotline.actions import Action
from yiwang.hotline.models import Assignment, WorkOrder
from yiwang.org.models import Department

pytestmark = pytest.mark.django_db

CST = dt.timezone(dt.timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CST)


def steps(order) -> list[str]:
    return list(order.log.order_by("at", "pk").values_list("action", flat=True))


def test_taking_a_call_numbers_it_per_district_and_day_and_audits_it(take, monday):
    first, second = take(), take()
    assert first.number == "12345-440105-20261123-00001"
    assert second.number == "12345-440105-20261123-00002"
    assert len(first.query_code) == 6 and first.query_code.isdigit()
    assert first.status == WorkOrder.Status.RECEIVED and first.channel == WorkOrder.Channel.PHONE
    assert first.title.startswith("南洲路菜市场")
    assert steps(first) == [Action.TAKE]
    assert AuditEntry.objects.filter(action="hotline.take", target_id=str(first.pk)).exists()


def test_an_unknown_category_is_refused_naming_the_field_and_nothing_is_written(take, monday):
    with pytest.raises(ValidationFailed) as refused:
        take(category="NO-SUCH")
    assert "category" in refused.value.fields
    assert not WorkOrder.objects.exists()


def test_a_wrong_identity_number_is_refused_and_a_right_one_kept_and_shown_masked(take, monday):
    with pytest.raises(ValidationFailed) as refused:
        take(caller_id_number="440105199001011235")
    assert "caller_id_number" in refused.value.fields
    order = take(caller_id_number="11010519491231002X")
    assert order.caller_id_number == "11010519491231002X"
    assert order.caller_id_masked == "1101**********002X"


def test_a_consultation_answered_on_the_spot_is_closed(take, operator, monday):
    order = take(kind=WorkOrder.Kind.CONSULT, category="GOV-01", description="大厅几点上班？")
    order = services.order_answer_directly(actor=operator, order=order, answer="工作日 9:00 至 18:00。")
    assert order.status == WorkOrder.Status.CLOSED and order.closed_at is not None
    assert steps(order) == [Action.TAKE, Action.ANSWER, Action.CLOSE]


def test_only_a_consultation_is_answered_directly(take, operator, monday):
    with pytest.raises(ValidationFailed) as refused:
        services.order_answer_directly(actor=operator, order=take(), answer="已知悉")
    assert "kind" in refused.value.fields


def test_dispatch_sets_working_hour_and_working_day_limits(dispatched, urban):
    lead = dispatched.assignments.get()
    assert lead.department == urban and lead.lead
    # Monday 10:00: two working hours to sign, five working days to reply (to the end of Monday week).
    assert lead.sign_due == at(23, 12) and dispatched.sign_due == lead.sign_due
    assert lead.reply_due == at(30, 18)
    assert dispatched.status == WorkOrder.Status.DISPATCHED
    assert clock.warning(dispatched, at(23, 10, 30)) == ""
    assert clock.warning(dispatched, at(23, 11, 40)) == "yellow"  # past 80% of the two hours
    assert clock.warning(dispatched, at(23, 12, 1)) == "red"


def test_a_seasonal_order_runs_on_the_shortest_limits(take, operator, urban, monday):
    order = services.order_dispatch(actor=operator, order=take(), lead=urban, handling=WorkOrder.Handling.SEASONAL)
    assert order.sign_due == at(23, 10, 30) and order.reply_due == at(24, 18)


def test_the_sign_limit_carries_over_to_the_next_working_day(take, operator, urban, monday):
    monday.move_to(at(27, 17))  # Friday 17:00: one hour today, one on Monday morning
    order = services.order_dispatch(actor=operator, order=take(), lead=urban, handling="rectification")
    assert order.sign_due == at(30, 10)


def test_warning_turns_yellow_then_red(dispatched, urban_liaison, monday):
    services.order_sign(actor=urban_liaison, order=dispatched)
    order = WorkOrder.objects.get(pk=dispatched.pk)
    assert clock.warning(order, at(25, 12)) == ""
    assert clock.warning(order, at(30, 9, 30)) == "yellow"  # the last working day
    assert clock.warning(order, at(30, 18, 1)) == "red"


def test_sign_and_reply_by_the_lead_moves_the_order_to_the_callback(dispatched, urban_liaison, monday):
    assignment = services.order_sign(actor=urban_liaison, order=dispatched)
    assert assignment.status == Assignment.Status.SIGNED
    services.order_reply(actor=urban_liaison, order=dispatched, reply="已清理占道摊档", outcome="solved")
    order = WorkOrder.objects.get(pk=dispatched.pk)
    assert order.status == WorkOrder.Status.REPLIED and order.warn_at is None
    assert steps(order)[-2:] == [Action.SIGN, Action.REPLY]


def test_a_second_signing_is_told_the_order_is_signed(dispatched, urban_liaison, monday):
    services.order_sign(actor=urban_liaison, order=dispatched)
    with pytest.raises(InvalidTransition) as refused:
        services.order_sign(actor=urban_liaison, order=dispatched)
    assert refused.value.subcode == "assignment_state" and "办理中" in refused.value.message


def test_a_reply_needs_signing_first(dispatched, urban_liaison, monday):
    with pytest.raises(InvalidTransition):
        services.order_reply(actor=urban_liaison, order=dispatched, reply="已处理", outcome="solved")


def test_a_reply_to_a_closed_order_is_refused(dispatched, operator, urban_liaison, monday):
    services.order_sign(actor=urban_liaison, order=dispatched)
    services.order_reply(actor=urban_liaison, order=dispatched, reply="已清理", outcome="solved")
    services.order_callback(actor=operator, order=dispatched, satisfaction="satisfied")
    with pytest.raises(InvalidTransition) as refused:
        services.order_reply(actor=urban_liaison, order=dispatched, reply="再补充", outcome="solved")
    assert refused.value.subcode == "order_closed"


def test_a_return_then_redispatch_to_the_right_department(dispatched, operator, urban_liaison, housing, monday):
    services.order_return(actor=urban_liaison, order=dispatched, reason="属物业管理范畴，非城管职责")
    order = WorkOrder.objects.get(pk=dispatched.pk)
    assert order.status == WorkOrder.Status.RETURNED and order.returned_count == 1
    assert Assignment.objects.filter(department__kind="URBAN", status=Assignment.Status.RETURNED).count() == 1
    order = services.order_redispatch(actor=operator, order=order, lead=housing)
    assert order.status == WorkOrder.Status.DISPATCHED
    assert order.assignments.get(status=Assignment.Status.DISPATCHED).department == housing
    assert steps(order)[-2:] == [Action.RETURN, Action.REDISPATCH]


def test_a_return_needs_a_reason(dispatched, urban_liaison, monday):
    with pytest.raises(ValidationFailed) as refused:
        services.order_return(actor=urban_liaison, order=dispatched, reason=" ")
    assert "reason" in refused.value.fields


def test_a_return_past_the_sign_limit_is_refused(dispatched, urban_liaison, monday):
    monday.move_to(at(23, 12, 1))
    with pytest.raises(InvalidTransition) as refused:
        services.order_return(actor=urban_liaison, order=dispatched, reason="非本部门职责")
    assert refused.value.subcode == "return_too_late" and "签收时限" in refused.value.message
    assert WorkOrder.objects.get(pk=dispatched.pk).status == WorkOrder.Status.DISPATCHED


def test_a_signed_order_cannot_be_returned_but_the_centre_can_transfer_it(
    dispatched, operator, urban_liaison, housing, housing_liaison, monday
):
    services.order_sign(actor=urban_liaison, order=dispatched)
    with pytest.raises(InvalidTransition):
        services.order_return(actor=urban_liaison, order=dispatched, reason="非本部门职责")
    order = services.order_transfer(actor=operator, order=dispatched, lead=housing, note="属物业问题")
    assert order.status == WorkOrder.Status.DISPATCHED
    assert order.assignments.get(lead=True).department == housing
    services.order_sign(actor=housing_liaison, order=order)
    with pytest.raises(InvalidTransition) as refused:  # 城管's part ended with the transfer
        services.order_reply(actor=urban_liaison, order=order, reply="已处理", outcome="solved")
    assert "已改派" in refused.value.message


def test_assisting_departments_sign_and_reply_their_part(take, operator, urban, housing, housing_liaison, monday):
    order = services.order_dispatch(actor=operator, order=take(), lead=urban, assisting=[housing], handling="chronic")
    services.order_sign(actor=housing_liaison, order=order)
    services.order_reply(actor=housing_liaison, order=order, reply="已督促物业配合", outcome="partly")
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == WorkOrder.Status.DISPATCHED  # the lead has not signed yet
    assert steps(order)[-1] == Action.ASSIST_REPLY


def test_an_extension_approved_moves_the_reply_limit(dispatched, operator, urban_liaison, monday):
    services.order_sign(actor=urban_liaison, order=dispatched)
    extension = services.extension_request(actor=urban_liaison, order=dispatched, days=3, reason="需协调产权单位")
    with pytest.raises(Conflict):
        services.extension_request(actor=urban_liaison, order=dispatched, days=2, reason="再申请")
    services.extension_decide(actor=operator, extension=extension, approve=True, note="同意")
    order = WorkOrder.objects.get(pk=dispatched.pk)
    assert order.reply_due == at(30, 18) + dt.timedelta(days=3)  # Thursday 3 December
    with pytest.raises(Conflict):
        services.extension_decide(actor=operator, extension=extension, approve=False)


def test_an_extension_refused_leaves_the_limit(dispatched, operator, urban_liaison, monday):
    services.order_sign(actor=urban_liaison, order=dispatched)
    extension = services.extension_request(actor=urban_liaison, order=dispatched, days=3, reason="需协调")
    services.extension_decide(actor=operator, extension=extension, approve=False, note="期限内可办结")
    assert WorkOrder.objects.get(pk=dispatched.pk).reply_due == at(30, 18)


def test_an_extension_request_needs_days_in_range(dispatched, urban_liaison, monday):
    services.order_sign(actor=urban_liaison, order=dispatched)
    with pytest.raises(ValidationFailed) as refused:
        services.extension_request(actor=urban_liaison, order=dispatched, days=40, reason="")
    assert set(refused.value.fields) == {"days", "reason"}


def test_a_dissatisfied_callback_reopens_the_order_and_counts(dispatched, operator, urban_liaison, monday):
    services.order_sign(actor=urban_liaison, order=dispatched)
    services.order_reply(actor=urban_liaison, order=dispatched, reply="已劝离", outcome="solved")
    monday.move_to(at(25, 10))
    order = services.order_callback(actor=operator, order=dispatched, satisfaction="dissatisfied", note="第二天又来了")
    assert order.status == WorkOrder.Status.SIGNED and order.reopened_count == 1
    assert order.reply_due == at(2, 18).replace(month=12)  # five working days from Wednesday
    lead = order.assignments.get(lead=True)
    assert lead.status == Assignment.Status.SIGNED and lead.reply_due == order.reply_due
    assert lead.reply == "" and "已劝离" in order.log.get(action=Action.REPLY).note
    services.order_reply(actor=urban_liaison, order=order, reply="已安排每日早间巡查", outcome="solved")
    order = services.order_callback(actor=operator, order=order, satisfaction="basic")
    assert order.status == WorkOrder.Status.CLOSED and order.satisfaction == "basic"
    assert steps(order)[-5:] == [Action.CALLBACK, Action.REOPEN, Action.REPLY, Action.CALLBACK, Action.CLOSE]


def test_a_callback_before_the_reply_is_refused(dispatched, operator, monday):
    with pytest.raises(InvalidTransition) as refused:
        services.order_callback(actor=operator, order=dispatched, satisfaction="satisfied")
    assert "答复后才能回访" in refused.value.message


def test_the_centre_closes_a_returned_order_with_a_note(dispatched, operator, urban_liaison, monday):
    services.order_return(actor=urban_liaison, order=dispatched, reason="重复诉求")
    with pytest.raises(ValidationFailed):
        services.order_close(actor=operator, order=dispatched, note="")
    order = services.order_close(actor=operator, order=dispatched, note="与 00001 号重复")
    assert order.status == WorkOrder.Status.CLOSED


def test_a_web_request_gives_back_number_and_query_code(haizhu, monday):
    order = services.order_submit_web(
        region=haizhu,
        kind="help",
        category="WATER-01",
        description="我家停水一整天了",
        caller_phone="13900139000",
    )
    assert order.channel == WorkOrder.Channel.WEB and order.number.startswith("12345-440105-")
    assert selectors.order_by_query_code(order.number, order.query_code) == order
    wrong = f"{(int(order.query_code) + 1) % 10**6:06d}"
    assert selectors.order_by_query_code(order.number, wrong) is None
    assert selectors.order_by_query_code("12345-440105-20261123-99999", order.query_code) is None


def test_a_web_request_needs_a_phone_and_a_district(monday):
    with pytest.raises(ValidationFailed) as refused:
        services.order_submit_web(region=None, kind="help", category="WATER-01", description="停水", caller_phone="")
    assert {"region", "caller_phone"} <= set(refused.value.fields)


def test_the_caller_timeline_names_no_staff_and_hides_returns(dispatched, operator, urban_liaison, housing, monday):
    services.order_return(actor=urban_liaison, order=dispatched, reason="非本部门职责，应由住建处理")
    services.order_redispatch(actor=operator, order=dispatched, lead=housing)
    shown = selectors.caller_timeline(WorkOrder.objects.get(pk=dispatched.pk))
    text = " ".join(str(step["label"]) for step in shown)
    assert "退单" not in text and "住建" not in text and "话务员" not in text
    assert [str(step["label"]) for step in shown] == ["诉求已受理", "已转交承办部门", "已重新转交承办部门"]


def test_the_knowledge_base_meets_colloquial_questions():
    faq, guides = selectors.knowledge_search("我们小区停水了咋办")
    assert faq and "停水" in faq[0].question
    faq, guides = selectors.knowledge_search("想开个饭店")
    assert any(g.code == "R005" for g in guides)


def test_a_dispatched_order_is_not_dispatched_again(dispatched, operator, urban):
    with pytest.raises(InvalidTransition) as refused:
        services.order_dispatch(actor=operator, order=dispatched, lead=urban, handling="surge")
    assert "已派单，待签收" in refused.value.message


def test_dispatch_names_the_wrong_fields(take, operator, monday):
    tianhe_samr = Department.objects.get(region__code="440106", kind="SAMR")
    with pytest.raises(ValidationFailed) as refused:
        services.order_dispatch(actor=operator, order=take(), lead=tianhe_samr, handling="")
    assert set(refused.value.fields) == {"lead", "handling"}


def test_a_transfer_to_the_same_department_is_refused(dispatched, operator, urban, urban_liaison, monday):
    services.order_sign(actor=urban_liaison, order=dispatched)
    with pytest.raises(ValidationFailed) as refused:
        services.order_transfer(actor=operator, order=dispatched, lead=urban)
    assert "lead" in refused.value.fields


def test_without_a_title_the_description_stands_for_it_cut_visibly(take, monday):
    short = take(description="路灯不亮")
    assert short.title == "路灯不亮"
    long = take(description="南洲路菜市场门口每天早上有人占道摆卖，\n行人只能走机动车道，非常危险，希望城管尽快处理。")
    assert long.title == "南洲路菜市场门口每天早上有人占道摆卖， 行人只能走机动车道…" and len(long.title) == 30

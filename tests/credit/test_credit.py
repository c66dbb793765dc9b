"""Credit records and the joint punishment / incentive rules, through the services and the pages."""

import datetime as dt

import pytest
from django.template.loader import render_to_string

from tests.case_fixtures import decide
from yiwang.cases import services as cases
from yiwang.cases.models import Case
from yiwang.catalog.models import ServiceItem
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.core.models import Event
from yiwang.credit import selectors
from yiwang.credit.models import Checkpoint, CreditRule, Effect, RuleHit
from yiwang.credit.services import credit_evaluate, credit_record_add, credit_record_repair
from yiwang.org.models import Department
from yiwang.workflow.models import Task

TODAY = dt.date(2026, 11, 23)  # the `monday` fixture's day


@pytest.fixture
def samr(db):
    return Department.objects.get(region__code="440105", kind="SAMR")


def _record(entity, kind, department, *, actor=None, starts_on=dt.date(2026, 1, 5), ends_on=None, reason=None):
    return credit_record_add(
        actor=actor,
        entity=entity,
        list_kind=kind,
        department=department,
        basis="《企业信息公示暂行条例》第十七条",
        reason=reason or f"{kind} 测试事由",
        starts_on=starts_on,
        ends_on=ends_on,
    )


def _rule(code, kind, effect, *, acceptance=True, decision=True, items=(), item_kinds=()):
    rule = CreditRule.objects.create(
        code=code,
        name=f"测试规则 {code}",
        list_kind=kind,
        effect=effect,
        at_acceptance=acceptance,
        at_decision=decision,
        item_kinds=list(item_kinds),
    )
    rule.items.set(items)
    return rule


def _to_decision(case, samr_reviewer, urban_reviewer):
    tasks = {t.department.kind: t for t in case.tasks.select_related("department")}
    cases.task_complete(actor=urban_reviewer, task=tasks["URBAN"], outcome="agree", opinion="同意")
    cases.task_claim(actor=samr_reviewer, task=tasks["SAMR"])
    cases.task_complete(actor=samr_reviewer, task=tasks["SAMR"], outcome="agree", opinion="同意")


def test_the_issue_examples_are_seeded_as_rules(db):
    seeded = {r.code: r for r in CreditRule.objects.all()}
    assert seeded["serious-no-benefit"].effect == Effect.BLOCK
    assert seeded["serious-no-benefit"].item_kinds == [ServiceItem.Kind.BENEFIT]
    assert seeded["serious-no-tolerance"].effect == Effect.DENY_TOLERANCE
    assert seeded["abnormal-review"].effect == Effect.FLAG
    assert seeded["red-green-channel"].effect == Effect.FAST_TRACK


def test_a_serious_entity_is_blocked_from_benefit_items_and_loses_tolerance_elsewhere(monday, restaurant, samr):
    _record(restaurant, "serious", samr)
    benefit = ServiceItem.objects.get(code="R042")
    licensing = ServiceItem.objects.get(code="R005")
    on_benefit = {h.rule.code: h.effect for h in credit_evaluate(restaurant, benefit, Checkpoint.ACCEPTANCE, TODAY)}
    on_licence = {h.rule.code: h.effect for h in credit_evaluate(restaurant, licensing, Checkpoint.ACCEPTANCE, TODAY)}
    assert on_benefit == {"serious-no-benefit": Effect.BLOCK, "serious-no-tolerance": Effect.DENY_TOLERANCE}
    assert on_licence == {"serious-no-tolerance": Effect.DENY_TOLERANCE}
    assert selectors.tolerance_allowed(restaurant, licensing) is False


def test_a_blocking_rule_refuses_acceptance_naming_record_and_rule(submitted, clerk, restaurant, samr):
    record = _record(restaurant, "serious", samr, reason="拒不履行法院判决")
    _rule("block-food", "serious", Effect.BLOCK, items=[submitted.item])
    with pytest.raises(ValidationFailed) as refused:
        cases.case_accept(actor=clerk, case=submitted)
    assert "拒不履行法院判决" in refused.value.fields["credit"][0]
    assert "测试规则 block-food" in refused.value.fields["credit"][0]
    assert refused.value.details == {"record": record.pk, "rule": "block-food"}
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.SUBMITTED  # refused and nothing changed
    assert not RuleHit.objects.filter(case=submitted).exists()


def test_a_block_at_decision_refuses_a_grant_but_not_a_denial(
    submitted, clerk, restaurant, samr, samr_reviewer, urban_reviewer
):
    _rule("block-grant", "serious", Effect.BLOCK, acceptance=False, item_kinds=[ServiceItem.Kind.LICENSING])
    case = cases.case_accept(actor=clerk, case=submitted)
    _record(restaurant, "serious", samr, reason="虚假申报骗取补贴")
    _to_decision(case, samr_reviewer, urban_reviewer)
    with pytest.raises(ValidationFailed, match="虚假申报骗取补贴"):
        decide(case, grant=True)
    assert case.tasks.filter(role=Task.Role.DECISION, status__in=Task.OPEN_STATES).exists()
    case = decide(case, grant=False, reasons="申请人被列入严重违法失信名单")
    assert case.granted is False
    hit = RuleHit.objects.get(case=case, rule__code="block-grant")
    assert hit.checkpoint == Checkpoint.DECISION and hit.effect == Effect.BLOCK
    assert "虚假申报骗取补贴" in hit.reason


def test_an_abnormal_entity_is_flagged_and_the_reviewer_sees_why(
    submitted, clerk, restaurant, samr, samr_reviewer, client
):
    _record(restaurant, "abnormal", samr, reason="未按规定报送年度报告")
    case = cases.case_accept(actor=clerk, case=submitted)
    hit = RuleHit.objects.get(case=case)
    assert (hit.rule.code, hit.checkpoint, hit.effect) == ("abnormal-review", Checkpoint.ACCEPTANCE, Effect.FLAG)
    assert "未按规定报送年度报告" in hit.reason and "经营异常名录" in hit.reason
    client.force_login(samr_reviewer)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'data-testid="credit-hits"' in page and "未按规定报送年度报告" in page


def test_a_red_listed_entity_gets_the_green_channel(submitted, clerk, restaurant, samr):
    assert selectors.green_channel(restaurant) is False
    _record(restaurant, "red", samr, reason="连续三年 A 级纳税人")
    assert selectors.green_channel(restaurant) is True
    assert selectors.tolerance_allowed(restaurant, submitted.item) is True
    case = cases.case_accept(actor=clerk, case=submitted)
    assert list(RuleHit.objects.filter(case=case).values_list("effect", flat=True)) == [Effect.FAST_TRACK]
    CreditRule.objects.filter(code="red-green-channel").update(active=False)
    assert selectors.green_channel(restaurant) is False


def test_the_clerk_sees_the_hits_before_accepting(monday, restaurant, samr, food_permit):
    _record(restaurant, "abnormal", samr, reason="通过登记的住所无法联系")
    outlook = selectors.acceptance_outlook(restaurant, food_permit.item)
    html = render_to_string("credit/_preview.html", {"hits": outlook.hits, "green": outlook.green})
    assert 'data-testid="credit-preview"' in html and "通过登记的住所无法联系" in html


def test_repaired_expired_and_future_records_no_longer_hit(monday, restaurant, samr, samr_head, food_permit):
    item = food_permit.item
    expired = _record(restaurant, "abnormal", samr, ends_on=TODAY)  # ends_on is the first day it no longer applies
    _record(restaurant, "abnormal", samr, starts_on=TODAY + dt.timedelta(days=1))
    assert credit_evaluate(restaurant, item, Checkpoint.ACCEPTANCE, TODAY) == []
    assert len(credit_evaluate(restaurant, item, Checkpoint.ACCEPTANCE, TODAY - dt.timedelta(days=1))) == 1
    assert expired.pk

    repaired = _record(restaurant, "abnormal", samr)
    assert len(credit_evaluate(restaurant, item, Checkpoint.ACCEPTANCE, TODAY)) == 1
    credit_record_repair(actor=samr_head, record=repaired, reason="已补报年度报告并公示")
    assert credit_evaluate(restaurant, item, Checkpoint.ACCEPTANCE, TODAY) == []
    with pytest.raises(InvalidTransition):
        credit_record_repair(actor=samr_head, record=repaired, reason="再次修复")


def test_adding_a_record_is_validated_audited_and_announced(monday, restaurant, samr, samr_head, tianhe_reviewer):
    with pytest.raises(ValidationFailed) as bad:
        credit_record_add(
            actor=samr_head, entity=restaurant, list_kind="grey", department=samr, basis="", reason="x", starts_on=TODAY
        )
    assert set(bad.value.fields) == {"list_kind", "basis"}
    with pytest.raises(NotFound):
        _record(restaurant, "serious", samr, actor=tianhe_reviewer)
    record = _record(restaurant, "serious", samr, actor=samr_head)
    event = Event.objects.get(type="credit.recorded")
    assert event.payload["record_id"] == record.pk and event.payload["uscc"] == restaurant.uscc


def test_another_districts_reviewer_gets_404(
    monday, restaurant, samr, samr_head, tianhe_reviewer, health_reviewer, client
):
    record = _record(restaurant, "abnormal", samr, reason="未按规定报送年度报告")
    client.force_login(tianhe_reviewer)
    assert client.get(f"/credit/{restaurant.uscc}/").status_code == 404
    assert restaurant.uscc not in client.get("/credit/").content.decode()
    assert client.post(f"/credit/records/{record.pk}/repair/", {"reason": "越权"}).status_code == 404
    with pytest.raises(NotFound):
        credit_record_repair(actor=tianhe_reviewer, record=record, reason="越权")
    # Within the district credit is shared across departments: the health reviewer sees SAMR's record.
    client.force_login(health_reviewer)
    page = client.get(f"/credit/{restaurant.uscc}/")
    assert page.status_code == 200 and "未按规定报送年度报告" in page.content.decode()
    assert restaurant.uscc in client.get("/credit/").content.decode()


def test_the_listing_department_repairs_from_the_page(monday, restaurant, samr, samr_head, client):
    record = _record(restaurant, "abnormal", samr)
    client.force_login(samr_head)
    assert client.post(f"/credit/records/{record.pk}/repair/", {"reason": ""}).status_code == 422
    response = client.post(f"/credit/records/{record.pk}/repair/", {"reason": "已补报年度报告"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.repaired_at is not None and record.repaired_by == samr_head

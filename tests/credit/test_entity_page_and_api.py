"""An entity's own credit page (我的信用) and the staff credit API under /api/v1/credit."""

import datetime as dt

import pytest
from django.urls import resolve, reverse

from yiwang.accounts.models import Entity
from yiwang.credit.services import credit_record_add, credit_record_repair
from yiwang.org.models import Department

YUNFAN = "91440106MA5CXY312D"  # 广州天河云帆科技有限公司, the other demo enterprise


@pytest.fixture
def samr(db):
    return Department.objects.get(region__code="440105", kind="SAMR")


@pytest.fixture
def yunfan(db):
    return Entity.objects.get(uscc=YUNFAN)


def _record(entity, kind, department, reason, *, starts_on=dt.date(2026, 1, 5)):
    return credit_record_add(
        actor=None,
        entity=entity,
        list_kind=kind,
        department=department,
        basis="《企业信息公示暂行条例》第十七条",
        reason=reason,
        starts_on=starts_on,
    )


def test_mine_is_not_taken_for_a_uscc():
    assert reverse("credit:mine") == "/credit/mine/"
    assert resolve("/credit/mine/").url_name == "mine"
    assert resolve(f"/credit/{YUNFAN}/").url_name == "entity"


def test_the_agent_sees_the_entitys_records_rules_and_repairs_and_not_another_entitys(
    monday, client, enterprise_agent, restaurant, yunfan, samr, samr_head
):
    serious = _record(restaurant, "serious", samr, "拒不履行行政处罚决定")
    abnormal = _record(restaurant, "abnormal", samr, "未按期公示年度报告")
    credit_record_repair(actor=samr_head, record=abnormal, reason="已补报年度报告")
    tianhe = Department.objects.get(region__code="440106", kind="SAMR")
    _record(yunfan, "abnormal", tianhe, "通过登记的住所无法联系")
    client.force_login(enterprise_agent)
    page = client.get(reverse("credit:mine"))
    assert page.status_code == 200
    html = page.content.decode()
    in_force, _rest = html.split("当前适用的联合奖惩措施", 1)
    assert f'data-record="{serious.pk}"' in in_force and "拒不履行行政处罚决定" in in_force
    assert f'data-record="{abnormal.pk}"' not in in_force  # repaired: history only
    assert f'data-record="{abnormal.pk}"' in html and "已于 2026-11-23 信用修复" in html and "已补报年度报告" in html
    assert 'data-rule="serious-no-benefit"' in html and 'data-rule="serious-no-tolerance"' in html
    assert 'data-rule="abnormal-review"' not in html  # its only abnormal record is repaired
    assert "如何申请信用修复" in html
    assert yunfan.name not in html and "通过登记的住所无法联系" not in html


def test_a_red_listed_entity_is_told_of_its_green_channel(monday, client, enterprise_agent, restaurant, samr):
    client.force_login(enterprise_agent)
    assert "绿色通道" not in client.get(reverse("credit:mine")).content.decode()
    _record(restaurant, "red", samr, "守信激励：纳税信用 A 级")
    html = client.get(reverse("credit:mine")).content.decode()
    assert "绿色通道" in html and 'data-rule="red-green-channel"' in html


def test_a_person_without_an_entity_gets_an_explanation_and_anonymous_users_log_in(client, citizen):
    answer = client.get(reverse("credit:mine"))
    assert answer.status_code == 302 and reverse("accounts:login") in answer["Location"]
    client.force_login(citizen)
    html = client.get(reverse("credit:mine")).content.decode()
    assert 'id="credit-empty"' in html and "没有经办任何企业或组织" in html


def test_the_api_answers_401_to_anonymous_callers(client, restaurant):
    assert client.get("/api/v1/credit/records", {"uscc": restaurant.uscc}).status_code == 401
    assert client.get("/api/v1/credit/check", {"uscc": restaurant.uscc, "item": "R042"}).status_code == 401


def test_staff_read_the_records_of_their_region(monday, client, restaurant, samr, samr_reviewer, tianhe_reviewer):
    record = _record(restaurant, "serious", samr, "拒不履行行政处罚决定")
    client.force_login(samr_reviewer)
    body = client.get("/api/v1/credit/records", {"uscc": restaurant.uscc}).json()
    assert body["count"] == 1
    [row] = body["items"]
    assert row["id"] == record.pk and row["list_kind"] == "serious" and row["list_kind_label"] == "严重违法失信名单"
    assert row["in_force"] is True and row["entity"] == restaurant.name and row["department"] == str(samr)
    client.force_login(tianhe_reviewer)  # another district's staff see none of 海珠区's records
    assert client.get("/api/v1/credit/records", {"uscc": restaurant.uscc}).json()["count"] == 0


def test_staff_get_the_rule_hits_for_an_item(monday, client, clerk, restaurant, samr):
    _record(restaurant, "serious", samr, "拒不履行行政处罚决定")
    client.force_login(clerk)
    answer = client.get("/api/v1/credit/check", {"uscc": restaurant.uscc, "item": "R042"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["blocked"] is True and body["tolerance_allowed"] is False and body["green_channel"] is False
    assert {h["rule"]: h["effect"] for h in body["hits"]} == {
        "serious-no-benefit": "block",
        "serious-no-tolerance": "deny_tolerance",
    }
    assert "拒不履行行政处罚决定" in body["hits"][0]["reason"]
    clean = client.get("/api/v1/credit/check", {"uscc": YUNFAN, "item": "R042"}).json()
    assert clean["hits"] == [] and clean["blocked"] is False


def test_the_check_refuses_citizens_unknowns_and_bad_input(client, citizen, clerk, restaurant):
    client.force_login(citizen)
    assert client.get("/api/v1/credit/check", {"uscc": restaurant.uscc, "item": "R042"}).status_code == 404
    assert client.get("/api/v1/credit/records", {"uscc": restaurant.uscc}).json()["count"] == 0
    client.force_login(clerk)
    assert client.get("/api/v1/credit/check", {"uscc": restaurant.uscc, "item": "NOPE"}).status_code == 404
    assert client.get("/api/v1/credit/check", {"uscc": "91440105MA59ABCD18", "item": "R042"}).status_code == 404
    bad = client.get("/api/v1/credit/check", {"uscc": "9144010", "item": "R042"})
    assert bad.status_code == 422 and "uscc" in bad.json()["error"]["fields"]
    bad = client.get("/api/v1/credit/records", {"uscc": "91440105MA59ABCDIO"})
    assert bad.status_code == 422
    assert client.get("/api/v1/credit/check", {"uscc": restaurant.uscc, "item": "R" * 31}).status_code == 422
    assert client.get("/api/v1/credit/records").status_code == 422

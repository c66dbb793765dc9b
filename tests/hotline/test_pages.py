"""The hotline through its pages, with the Django test client: the operator's screen and queues, the order page's
forms, the department inbox, and the public form and tracking page."""

import pytest

from yiwang.hotline import services
from yiwang.hotline.models import Assignment, WorkOrder

pytestmark = pytest.mark.django_db

CALL = {
    "region": "",
    "kind": "complaint",
    "category": "CITY-01",
    "urgency": "normal",
    "description": "南洲路菜市场门口有人占道摆卖",
    "address": "海珠区南洲路 88 号",
    "caller_name": "李四",
    "caller_phone": "13800138000",
}


@pytest.fixture
def call(haizhu):
    return {**CALL, "region": str(haizhu.pk)}


def test_the_operator_takes_a_call_and_dispatches_it(client, operator, call, urban, monday):
    client.force_login(operator)
    assert "12345工单" in client.get("/workbench/").content.decode()
    response = client.post("/workbench/hotline/", {**call, "action": "take"})
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/workbench/hotline/orders/{order.number}/")
    page = client.get(response["Location"]).content.decode()
    assert 'id="dispatch-form"' in page and f'value="{urban.pk}" selected' in page  # 城管 proposed for 占道经营
    response = client.post(
        f"/workbench/hotline/orders/{order.number}/dispatch/", {"lead": urban.pk, "handling": "rectification"}
    )
    assert response.status_code == 302
    assert WorkOrder.objects.get().status == WorkOrder.Status.DISPATCHED


def test_a_refused_call_comes_back_with_the_error_and_everything_typed(client, operator, call, monday):
    client.force_login(operator)
    response = client.post("/workbench/hotline/", {**call, "category": "NO-SUCH", "action": "take"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "请选择有效的诉求分类" in page and "南洲路菜市场门口有人占道摆卖" in page and "13800138000" in page
    assert not WorkOrder.objects.exists()


def test_the_callers_earlier_orders_and_the_knowledge_base_on_the_screen(client, operator, take, call, monday):
    earlier = take()
    client.force_login(operator)
    page = client.post("/workbench/hotline/", {**call, "action": "lookup"}).content.decode()
    assert earlier.number in page
    page = client.post("/workbench/hotline/", {**call, "question": "停水了怎么办", "action": "search"})
    assert "小区停水了什么时候恢复" in page.content.decode()
    assert WorkOrder.objects.count() == 1  # looking up writes nothing


def test_a_consultation_answered_and_closed_from_the_screen(client, operator, call, monday):
    client.force_login(operator)
    consult = {**call, "kind": "consult", "category": "GOV-01", "description": "大厅几点上班"}
    response = client.post("/workbench/hotline/", {**consult, "action": "answer", "answer": ""})
    assert response.status_code == 422 and not WorkOrder.objects.exists()
    response = client.post("/workbench/hotline/", {**consult, "action": "answer", "answer": "工作日 9:00—18:00"})
    assert response.status_code == 302
    assert WorkOrder.objects.get().status == WorkOrder.Status.CLOSED


def test_the_liaison_signs_and_replies_and_the_operator_calls_back(client, dispatched, urban_liaison, operator):
    url = f"/workbench/hotline/orders/{dispatched.number}/"
    client.force_login(urban_liaison)
    assert "部门工单" in client.get("/workbench/").content.decode()
    inbox = client.get("/workbench/hotline/inbox/").content.decode()
    assert dispatched.number in inbox and f"/workbench/hotline/orders/{dispatched.number}/sign/" in inbox
    page = client.get(url).content.decode()
    assert 'id="sign-form"' in page and 'id="return-form"' in page and 'id="dispatch-form"' not in page
    assert 'data-testid="query-code"' not in page  # the caller's key is the centre's to tell, not a department's
    assert client.post(url + "sign/").status_code == 302
    response = client.post(url + "reply/", {"reply": "已清理", "outcome": ""})
    assert response.status_code == 422 and "请选择办理结果" in response.content.decode()
    assert "已清理" in response.content.decode()
    assert client.post(url + "reply/", {"reply": "已清理", "outcome": "solved"}).status_code == 302
    client.force_login(operator)
    assert dispatched.number in client.get("/workbench/hotline/queue/callback/").content.decode()
    page = client.get(url).content.decode()
    assert 'id="callback-form"' in page and 'id="sign-form"' not in page
    assert client.post(url + "callback/", {"satisfaction": "dissatisfied"}).status_code == 302
    assert WorkOrder.objects.get(pk=dispatched.pk).reopened_count == 1


def test_a_late_return_shows_a_clear_error_on_the_page(client, dispatched, urban_liaison, monday):
    monday.shift(3 * 3600)
    client.force_login(urban_liaison)
    response = client.post(f"/workbench/hotline/orders/{dispatched.number}/return/", {"reason": "非本部门职责"})
    assert response.status_code == 409 and "已超过签收时限" in response.content.decode()
    assert "非本部门职责" in response.content.decode()


def test_the_returned_queue_and_redispatch(client, dispatched, urban_liaison, operator, housing):
    services.order_return(actor=urban_liaison, order=dispatched, reason="物业问题")
    client.force_login(operator)
    assert dispatched.number in client.get("/workbench/hotline/queue/returned/").content.decode()
    url = f"/workbench/hotline/orders/{dispatched.number}/dispatch/"
    assert client.post(url, {"lead": housing.pk}).status_code == 302
    assert Assignment.objects.get(order=dispatched, status="dispatched").department == housing


def test_an_extension_through_the_pages(client, dispatched, urban_liaison, operator):
    services.order_sign(actor=urban_liaison, order=dispatched)
    url = f"/workbench/hotline/orders/{dispatched.number}/"
    client.force_login(urban_liaison)
    assert client.post(url + "extension/", {"days": "2", "reason": "需现场复核"}).status_code == 302
    client.force_login(operator)
    page = client.get(url).content.decode()
    assert "需现场复核" in page
    assert dispatched.number in client.get("/workbench/hotline/queue/extensions/").content.decode()
    extension = dispatched.assignments.get().extensions.get()
    response = client.post(f"/workbench/hotline/extensions/{extension.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.status == "approved"
    assert dispatched.number not in client.get("/workbench/hotline/queue/extensions/").content.decode()


def test_the_warning_queue_lists_late_orders(client, dispatched, operator, monday):
    client.force_login(operator)
    assert dispatched.number not in client.get("/workbench/hotline/queue/warning/").content.decode()
    monday.shift(3 * 3600)  # past the two working hours to sign
    page = client.get("/workbench/hotline/queue/warning/").content.decode()
    assert dispatched.number in page and "超期" in page


def test_the_operator_pages_are_for_the_centre_only(client, urban_liaison, samr_reviewer):
    client.force_login(urban_liaison)
    assert client.get("/workbench/hotline/").status_code == 404
    assert client.get("/workbench/hotline/queue/pending/").status_code == 404
    client.force_login(samr_reviewer)
    assert client.get("/workbench/hotline/inbox/").status_code == 404


def test_queries_stay_flat_on_the_operator_queue_and_the_inbox(
    client, take, operator, urban, urban_liaison, monday, django_assert_max_num_queries
):
    for _ in range(6):
        services.order_dispatch(actor=operator, order=take(), lead=urban, handling="surge")
    take()
    client.force_login(operator)
    with django_assert_max_num_queries(12):
        assert client.get("/workbench/hotline/queue/warning/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/workbench/hotline/").status_code == 200
    client.force_login(urban_liaison)
    with django_assert_max_num_queries(12):
        page = client.get("/workbench/hotline/inbox/")
    assert page.content.decode().count("data-inbox-row") == 6


def test_a_citizen_submits_on_the_web_and_tracks_it(client, haizhu, monday):
    assert "/12345/" in client.get("/").content.decode()
    request = {
        "region": haizhu.pk,
        "kind": "help",
        "category": "WATER-01",
        "description": "我家停水一整天了",
        "caller_phone": "",
    }
    response = client.post("/12345/", request)
    assert response.status_code == 422 and "我家停水一整天了" in response.content.decode()
    response = client.post("/12345/", {**request, "caller_phone": "13900139000"})
    order = WorkOrder.objects.get()
    page = response.content.decode()
    assert response.status_code == 200 and order.number in page and order.query_code in page
    found = client.post("/12345/track/", {"number": order.number, "query_code": order.query_code})
    assert found.status_code == 200 and "网上诉求已受理" in found.content.decode()
    wrong = client.post("/12345/track/", {"number": order.number, "query_code": "000000"})
    unknown = client.post("/12345/track/", {"number": "12345-440105-20261123-99999", "query_code": "000000"})
    if order.query_code != "000000":
        assert wrong.status_code == unknown.status_code == 404
        assert order.number not in wrong.content.decode().replace(f'value="{order.number}"', "")


def test_tracking_names_no_staff(client, dispatched, urban_liaison, operator):
    services.order_sign(actor=urban_liaison, order=dispatched)
    services.order_reply(actor=urban_liaison, order=dispatched, reply="已清理，执法队员张某现场处理", outcome="solved")
    page = client.post("/12345/track/", {"number": dispatched.number, "query_code": dispatched.query_code})
    text = page.content.decode()
    assert "承办部门已答复" in text
    assert "话务员" not in text and "联络员" not in text and "张某" not in text and "李四" not in text


def test_the_operator_screen_counts_each_queue(client, dispatched, take, operator, urban_liaison):
    take()
    services.order_return(actor=urban_liaison, order=dispatched, reason="非本部门职责")
    client.force_login(operator)
    page = client.get("/workbench/hotline/").content.decode()
    assert 'data-count="pending">1<' in page and 'data-count="returned">1<' in page
    assert 'data-count="callback">0<' in page


def test_the_admin_lists_work_orders_without_the_identity_number(client, superuser, take, monday):
    order = take(caller_id_number="11010519491231002X")
    client.force_login(superuser)
    assert order.number in client.get("/admin/hotline/workorder/").content.decode()
    page = client.get(f"/admin/hotline/workorder/{order.pk}/change/").content.decode()
    assert "11010519491231002X" not in page


def test_a_queue_comes_a_page_at_a_time_newest_first(client, take, operator, monday, monkeypatch):
    monkeypatch.setattr("yiwang.hotline.selectors.queues.QUEUE_PAGE", 2)
    first, second, third = take(), take(), take()
    client.force_login(operator)
    page = client.get("/workbench/hotline/queue/pending/").content.decode()
    assert third.number in page and second.number in page and first.number not in page
    assert 'id="next-page"' in page and "?page=2" in page
    page = client.get("/workbench/hotline/queue/pending/?page=2").content.decode()
    assert first.number in page and third.number not in page and 'id="next-page"' not in page and "?page=1" in page
    assert client.get("/workbench/hotline/queue/pending/?page=x").status_code == 200

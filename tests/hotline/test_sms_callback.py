"""短信回访: the centre sends the caller a link instead of calling; the caller answers it without an account, once,
and the answer has the telephone callback's effect."""

import datetime as dt
import re

import pytest

from yiwang.accounts import sms
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.hotline import callback_links, services
from yiwang.hotline.actions import Action
from yiwang.hotline.models import WorkOrder


@pytest.fixture
def replied(dispatched, urban_liaison):
    services.order_sign(actor=urban_liaison, order=dispatched)
    services.order_reply(actor=urban_liaison, order=dispatched, reply="已劝离并每日巡查", outcome="solved")
    return WorkOrder.objects.get(pk=dispatched.pk)


def send_link(operator, order, capture) -> str:
    sms.outbox.clear()
    with capture(execute=True):
        masked = services.order_callback_sms(actor=operator, order=order)
    assert masked == "138****8000"
    phone, text = sms.outbox[-1]
    assert phone == "13800138000" and order.number in text
    return re.search(r"/12345/callback/([^/\s]+)/", text).group(1)


def test_the_link_closes_a_satisfied_order(replied, operator, django_capture_on_commit_callbacks):
    token = send_link(operator, replied, django_capture_on_commit_callbacks)
    order = services.order_callback_by_link(token=token, satisfaction="satisfied", note="摊贩没有了")
    assert order.status == WorkOrder.Status.CLOSED and order.satisfaction == "satisfied"
    log = list(order.log.order_by("at", "pk").values_list("action", "actor_label"))
    assert log[-3:] == [
        (Action.CALLBACK_SMS, str(operator)),
        (Action.CALLBACK, "来电人（短信回访）"),
        (Action.CLOSE, "来电人（短信回访）"),
    ]
    assert AuditEntry.objects.filter(action="hotline.callback", actor=None).count() == 1
    with pytest.raises(NotFound):  # the link works once
        services.order_callback_by_link(token=token, satisfaction="dissatisfied")


def test_a_dissatisfied_answer_reopens_and_the_old_link_dies(replied, operator, urban_liaison, monday):
    first = callback_links.make(replied)
    order = services.order_callback_by_link(token=first, satisfaction="dissatisfied", note="第二天又来了")
    assert order.status == WorkOrder.Status.SIGNED and order.reopened_count == 1
    services.order_reply(actor=urban_liaison, order=order, reply="已安排早间值守", outcome="solved")
    with pytest.raises(NotFound):  # the first round's link cannot answer the second reply
        services.order_callback_by_link(token=first, satisfaction="satisfied")
    second = callback_links.make(WorkOrder.objects.get(pk=order.pk))
    assert services.order_callback_by_link(token=second, satisfaction="basic").status == WorkOrder.Status.CLOSED


def test_forged_old_and_wrong_answers_change_nothing(replied, monday):
    token = callback_links.make(replied)
    with pytest.raises(ValidationFailed):
        services.order_callback_by_link(token=token, satisfaction="great")
    for bad in (token[:-2] + "xx", "abc", ""):
        with pytest.raises(NotFound):
            services.order_callback_by_link(token=bad, satisfaction="satisfied")
    monday.shift(dt.timedelta(days=8))  # HOTLINE_CALLBACK_LINK_DAYS is 7
    with pytest.raises(NotFound):
        services.order_callback_by_link(token=token, satisfaction="satisfied")
    assert WorkOrder.objects.get(pk=replied.pk).status == WorkOrder.Status.REPLIED
    assert not replied.log.filter(action=Action.CALLBACK).exists()


def test_only_a_replied_order_with_a_phone_gets_a_link(dispatched, take, operator, urban_liaison):
    with pytest.raises(InvalidTransition):
        services.order_callback_sms(actor=operator, order=dispatched)
    with pytest.raises(NotFound):  # not the liaison's to send
        services.order_callback_sms(actor=urban_liaison, order=dispatched)
    nameless = take(caller_phone="")
    services.order_dispatch(
        actor=operator, order=nameless, lead=dispatched.assignments.get().department, handling="seasonal"
    )
    services.order_sign(actor=urban_liaison, order=nameless)
    services.order_reply(actor=urban_liaison, order=nameless, reply="已处理", outcome="solved")
    with pytest.raises(ValidationFailed) as refused:
        services.order_callback_sms(actor=operator, order=nameless)
    assert refused.value.fields == {"phone": ["工单没有联系电话，无法发送短信回访"]}


def test_through_the_pages(client, replied, operator, django_capture_on_commit_callbacks):
    client.force_login(operator)
    page = client.get(f"/workbench/hotline/orders/{replied.number}/").content.decode()
    assert 'id="callback-sms-form"' in page
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/workbench/hotline/orders/{replied.number}/callback-sms/")
    assert response.status_code == 302
    assert "已向 138****8000 发送短信回访链接" in client.get(response["Location"]).content.decode()
    link = re.search(r"http://[^/]+(/12345/callback/[^/\s]+/)", sms.outbox[-1][1]).group(1)
    client.logout()
    page = client.get(link).content.decode()
    assert replied.number in page and "已解决" in page and "已劝离" not in page  # outcome, not the staff's text
    assert client.post(link, {"satisfaction": ""}).status_code == 422
    done = client.post(link, {"satisfaction": "satisfied"})
    assert done.status_code == 200 and "工单已办结" in done.content.decode()
    assert client.get(link).status_code == 404 and client.post(link, {"satisfaction": "basic"}).status_code == 404
    assert client.get("/12345/callback/not-a-token/").status_code == 404

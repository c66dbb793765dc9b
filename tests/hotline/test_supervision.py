"""督办 on a work order, as for cases: the centre or 效能监察 presses the lead department on an order in its hands,
and the department answers in writing by a date."""

import pytest

from yiwang.accounts.models import User
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.hotline import selectors, services
from yiwang.hotline.actions import Action
from yiwang.hotline.models import Supervision, WorkOrder


@pytest.fixture
def supervisor(db):
    return User.objects.get(username="hz-gov_service-supervisor")


def test_the_centre_supervises_and_the_lead_answers(dispatched, operator, urban, urban_liaison, monday):
    supervision = services.order_supervise(actor=operator, order=dispatched, message="临近签收时限，请立即签收")
    assert supervision.department == urban
    assert str(supervision.due_on) == "2026-11-25"  # two working days from Monday 23 November
    with pytest.raises(Conflict):  # one unanswered 督办 at a time
        services.order_supervise(actor=operator, order=dispatched, message="再次督办")
    answered = services.supervision_answer(actor=urban_liaison, supervision=supervision, answer="已签收并安排执法队员")
    assert answered.answered_by == urban_liaison and answered.answered_at
    with pytest.raises(Conflict):
        services.supervision_answer(actor=urban_liaison, supervision=supervision, answer="又答一次")
    actions = list(dispatched.log.order_by("at", "pk").values_list("action", flat=True))
    assert actions[-2:] == [Action.SUPERVISE, Action.SUPERVISION_ANSWER]
    assert AuditEntry.objects.filter(action="hotline.supervise").count() == 1


def test_who_may_supervise_and_answer(dispatched, operator, supervisor, urban_liaison, housing_liaison, monday):
    for who in (urban_liaison, User.objects.get(username="hz-grid-worker")):
        with pytest.raises(NotFound):
            services.order_supervise(actor=who, order=dispatched, message="督办")
    supervision = services.order_supervise(actor=supervisor, order=dispatched, message="效能监察：请说明进展")
    with pytest.raises(NotFound):  # another department's 督办 is not theirs to see
        services.supervision_answer(actor=housing_liaison, supervision=supervision, answer="不是我们")
    with pytest.raises(NotFound):
        services.supervision_answer(actor=operator, supervision=supervision, answer="中心代答")
    assert Supervision.objects.get().answered_at is None


def test_the_page_offers_supervision_only_when_it_may_be_given(
    dispatched, take, operator, supervisor, samr_reviewer, urban_liaison, monday
):
    def may(actor, order) -> bool:
        return selectors.may_supervise(actor, order, selectors.supervisions_of(actor, order))

    assert may(supervisor, dispatched)
    supervision = services.order_supervise(actor=supervisor, order=dispatched, message="效能监察：请说明进展")
    assert not may(supervisor, dispatched)  # until the department answers
    services.supervision_answer(actor=urban_liaison, supervision=supervision, answer="已签收办理")
    assert may(supervisor, dispatched)
    assert not may(samr_reviewer, dispatched)  # a department's reviewer holds no hotline_supervise
    closed = services.order_close(actor=operator, order=take(), note="来电人撤回诉求")
    assert not may(supervisor, closed)


def test_only_an_order_in_a_departments_hands_and_with_a_message(take, operator, monday):
    received = take()
    with pytest.raises(ValidationFailed) as refused:
        services.order_supervise(actor=operator, order=received, message="  ")
    assert refused.value.fields == {"message": ["请写明督办要求"]}
    with pytest.raises(InvalidTransition):
        services.order_supervise(actor=operator, order=received, message="请尽快办理")
    assert not Supervision.objects.exists() and not received.log.filter(action=Action.SUPERVISE).exists()


def test_through_the_pages(client, dispatched, operator, urban_liaison, housing_liaison, django_assert_max_num_queries):
    url = f"/workbench/hotline/orders/{dispatched.number}/"
    client.force_login(operator)
    assert 'id="supervise-form"' in client.get(url).content.decode()
    assert client.post(url + "supervise/", {"message": ""}).status_code == 422
    assert client.post(url + "supervise/", {"message": "请今日内签收"}).status_code == 302
    supervision = Supervision.objects.get()
    assert 'id="supervise-form"' not in client.get(url).content.decode()  # until this one is answered
    client.force_login(urban_liaison)
    with django_assert_max_num_queries(14):
        inbox = client.get("/workbench/hotline/inbox/").content.decode()
    assert "督办待答复" in inbox and "请今日内签收" in inbox
    page = client.get(url).content.decode()
    assert "supervision-answer" in page and 'id="supervise-form"' not in page
    answer_url = f"/workbench/hotline/supervisions/{supervision.pk}/answer/"
    client.force_login(housing_liaison)
    assert client.post(answer_url, {"answer": "代答"}).status_code == 404
    client.force_login(urban_liaison)
    assert client.post(answer_url, {"answer": ""}).status_code == 422
    assert client.post(answer_url, {"answer": "已签收办理"}).status_code == 302
    assert "督办待答复" not in client.get("/workbench/hotline/inbox/").content.decode()
    assert WorkOrder.objects.get(pk=dispatched.pk).supervisions.get().answer == "已签收办理"

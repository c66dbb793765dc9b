"""Supervision (督办) and rectification of bad ratings through HTTP."""

import datetime as dt

import pytest

from tests.case_fixtures import decide, food_form, uploads_for
from yiwang.cases import services
from yiwang.cases.models import Case, SupervisionOrder
from yiwang.ratings.models import Rectification
from yiwang.ratings.services import rating_submit
from yiwang.workflow.models import Task

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_a_case_turns_red_and_leads_the_supervisors_list(
    in_review, client, supervisor, enterprise_agent, restaurant, food_permit
):
    services.clock_sweep(today=in_review.due_on + dt.timedelta(days=3))
    in_review.refresh_from_db()
    assert in_review.warning == Case.Warning.RED
    submitted_other = _submit(enterprise_agent, restaurant, food_permit)  # fresh, so green
    page = _as(client, supervisor).get("/workbench/supervision/").content.decode()
    assert in_review.number in page
    cases = page.split('id="supervised-cases"')[1].split("</table>")[0]
    assert cases.index(in_review.number) < cases.index(submitted_other.number)  # red first
    counts = page.split('id="case-counts"')[1].split("</div>\n</div>")[0]
    assert "<strong>1</strong>" in counts.split('class="red"')[1].split("</div>")[0]


def test_only_supervisors_see_the_supervision_lists(in_review, client, samr_reviewer):
    page = _as(client, samr_reviewer).get("/workbench/supervision/").content.decode()
    assert in_review.number not in page


def test_supervision_order_is_issued_and_answered(in_review, client, supervisor, samr_reviewer, urban_reviewer):
    _as(client, samr_reviewer)
    url = f"/workbench/cases/{in_review.number}/supervise/"
    assert client.post(url, {"message": "请加快办理"}).status_code == 404  # reviewers do not supervise

    _as(client, supervisor)
    assert 'id="supervise"' in client.get(f"/workbench/cases/{in_review.number}/").content.decode()
    assert client.post(url, {"message": " ", "days": "3"}).status_code == 422
    assert client.post(url, {"message": "请说明超期原因", "days": "0"}).status_code == 422
    assert client.post(url, {"message": "请说明超期原因并加快办理", "days": "3"}).status_code == 302
    order = SupervisionOrder.objects.get(case=in_review)
    assert order.department == in_review.department

    page = _as(client, samr_reviewer).get("/workbench/tasks/").content.decode()
    assert "请说明超期原因并加快办理" in page
    assert "请说明超期原因" not in _as(client, urban_reviewer).get("/workbench/tasks/").content.decode()
    assert client.post(f"/workbench/orders/{order.pk}/answer/", {"answer": "已办"}).status_code == 404

    _as(client, samr_reviewer)
    assert client.post(f"/workbench/orders/{order.pk}/answer/", {"answer": ""}).status_code == 422
    assert client.post(f"/workbench/orders/{order.pk}/answer/", {"answer": "已安排现场核查"}).status_code == 302
    order.refresh_from_db()
    assert order.answer == "已安排现场核查" and order.answered_by == samr_reviewer
    assert "已安排现场核查" in _as(client, supervisor).get("/workbench/supervision/").content.decode()


def _submit(enterprise_agent, restaurant, food_permit):
    return services.case_submit(
        actor=enterprise_agent,
        implementation=food_permit,
        entity=restaurant,
        form_data=food_form(restaurant),
        uploads=uploads_for(food_permit),
        idempotency_key="k-2",
    )


@pytest.fixture
def badly_rated(in_review, samr_reviewer, urban_reviewer, clerk, enterprise_agent):
    for task in in_review.tasks.filter(status__in=Task.OPEN_STATES):
        reviewer = samr_reviewer if task.department_id == in_review.department_id else urban_reviewer
        services.task_complete(actor=reviewer, task=task, outcome="agree", opinion="同意")
    decide(in_review, grant=True)
    services.case_deliver(actor=clerk, case=in_review)
    return rating_submit(actor=enterprise_agent, case=in_review, score=1, comment="等了很久，无人回复")


def test_the_department_answers_a_bad_rating(badly_rated, client, samr_reviewer, urban_reviewer):
    rectification = Rectification.objects.get(rating=badly_rated)
    page = _as(client, samr_reviewer).get("/workbench/rectifications/").content.decode()
    assert "等了很久，无人回复" in page and "非常不满意" in page
    assert "等了很久" not in _as(client, urban_reviewer).get("/workbench/rectifications/").content.decode()
    url = f"/workbench/rectifications/{rectification.pk}/answer/"
    assert client.post(url, {"answer": "已整改"}).status_code == 404

    _as(client, samr_reviewer)
    assert client.post(url, {"answer": ""}).status_code == 422
    assert client.post(url, {"answer": "已约谈经办人，增设进度提醒"}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.answer == "已约谈经办人，增设进度提醒"
    assert "等了很久" not in client.get("/workbench/rectifications/").content.decode()
    assert client.post(url, {"answer": "再答一次"}).status_code == 409

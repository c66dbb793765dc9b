"""Case-wide acts belong to the lead department: an assisting department answers its own task and nothing more.

市场监管 leads the food permit, 城管 countersigns it. 城管's reviewer sees the case (it has a task on it) but may not
extend it, stop or restart its clock, send it back to the applicant or hand its result over; each is refused
through the service and through the page, and its button is not shown."""

import pytest

from tests.case_fixtures import decide
from yiwang.cases import services
from yiwang.cases.models import Case, Extension, Suspension
from yiwang.core.errors import NotFound, PermissionDenied
from yiwang.workflow.models import Task

pytestmark = pytest.mark.django_db


def _urban_task(case):
    return case.tasks.get(department__kind="URBAN", status__in=Task.OPEN_STATES)


def test_an_assisting_reviewer_cannot_request_an_extension(in_review, urban_reviewer, samr_reviewer, client):
    with pytest.raises(NotFound):
        services.case_extension_request(actor=urban_reviewer, case=in_review, reason="需延期")
    client.force_login(urban_reviewer)
    assert client.post(f"/workbench/cases/{in_review.number}/extension/", {"reason": "需延期"}).status_code == 404
    assert not Extension.objects.filter(case=in_review).exists()
    client.force_login(samr_reviewer)
    assert client.post(f"/workbench/cases/{in_review.number}/extension/", {"reason": "需延期"}).status_code == 302


def test_an_assisting_reviewer_cannot_request_a_suspension(in_review, urban_reviewer, samr_reviewer, client):
    data = {"reason": "appraisal", "note": "鉴定", "expected_days": "3"}
    with pytest.raises(NotFound):
        services.case_suspension_request(
            actor=urban_reviewer, case=in_review, reason="appraisal", note="鉴定", expected_days=3
        )
    client.force_login(urban_reviewer)
    assert client.post(f"/workbench/cases/{in_review.number}/suspension/", data).status_code == 404
    assert not Suspension.objects.filter(case=in_review).exists()
    client.force_login(samr_reviewer)
    assert client.post(f"/workbench/cases/{in_review.number}/suspension/", data).status_code == 302


def test_an_assisting_reviewer_cannot_resume_the_clock(in_review, urban_reviewer, samr_reviewer, samr_head, client):
    request = services.case_suspension_request(
        actor=samr_reviewer, case=in_review, reason="appraisal", note="鉴定", expected_days=3
    )
    services.case_suspension_approve(actor=samr_head, suspension=request)
    with pytest.raises(NotFound):
        services.case_resume(actor=urban_reviewer, case=in_review)
    client.force_login(urban_reviewer)
    assert client.post(f"/workbench/cases/{in_review.number}/resume/").status_code == 404
    assert Case.objects.get(pk=in_review.pk).status == Case.Status.SUSPENDED
    client.force_login(samr_reviewer)
    assert client.post(f"/workbench/cases/{in_review.number}/resume/").status_code == 302
    assert Case.objects.get(pk=in_review.pk).status == Case.Status.UNDER_REVIEW


def test_an_assisting_reviewer_cannot_send_the_case_back_for_correction(in_review, urban_reviewer, client):
    with pytest.raises(NotFound):
        services.case_request_correction(actor=urban_reviewer, case=in_review, points=["缺少油烟净化设备说明"])
    task = _urban_task(in_review)
    with pytest.raises(PermissionDenied):
        services.task_complete(actor=urban_reviewer, task=task, outcome="return", opinion="材料不全", points=["x"])
    client.force_login(urban_reviewer)
    response = client.post(
        f"/workbench/tasks/{task.pk}/complete/", {"outcome": "return", "opinion": "材料不全", "points": "缺少说明"}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=in_review.pk).status == Case.Status.UNDER_REVIEW
    # It states what is missing in its opinion instead; the lead department decides on a correction.
    assert services.task_complete(actor=urban_reviewer, task=task, outcome="disagree", opinion="缺少油烟净化说明")


def test_the_lead_reviewer_sends_the_case_back_for_correction(in_review, samr_reviewer):
    notice = services.case_request_correction(actor=samr_reviewer, case=in_review, points=["平面图缺少尺寸"])
    assert notice.case.status == Case.Status.CORRECTION_REQUESTED


def test_an_assisting_reviewer_cannot_deliver(in_review, urban_reviewer, samr_reviewer, client):
    Case.objects.filter(pk=in_review.pk).update(
        delivery_method=Case.Delivery.POST, delivery_address="广州市海珠区某路1号"
    )
    for task in in_review.tasks.filter(status__in=Task.OPEN_STATES).exclude(role=Task.Role.DECISION):
        reviewer = samr_reviewer if task.department.kind == "SAMR" else urban_reviewer
        services.task_complete(actor=reviewer, task=task, outcome="agree", opinion="符合规定")
    case = decide(in_review)
    with pytest.raises(NotFound):
        services.case_deliver(actor=urban_reviewer, case=case, method=Case.Delivery.POST, tracking_number="EMS1")
    client.force_login(urban_reviewer)
    url = f"/workbench/deliveries/{case.number}/post/"
    assert client.post(url, {"tracking_number": "EMS1"}).status_code == 404
    client.force_login(samr_reviewer)
    assert client.post(url, {"tracking_number": "EMS1"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == Case.Status.DELIVERED


def test_the_case_wide_buttons_show_for_the_lead_reviewer_only(in_review, urban_reviewer, samr_reviewer, client):
    client.force_login(urban_reviewer)
    page = client.get(f"/workbench/cases/{in_review.number}/").content.decode()
    assert 'id="extension-form"' not in page and 'id="suspension-form"' not in page
    assert 'value="return"' not in page and 'value="agree"' in page  # it still answers its own task
    client.force_login(samr_reviewer)
    page = client.get(f"/workbench/cases/{in_review.number}/").content.decode()
    assert 'id="extension-form"' in page and 'id="suspension-form"' in page and 'value="return"' in page

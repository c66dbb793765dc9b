"""The reviewer workbench through HTTP: inbox, case page, task actions, decision, approvals, downloads."""

import pytest

from tests.case_fixtures import PDF
from yiwang.accounts.models import Person
from yiwang.cases import selectors, services
from yiwang.cases.models import Case, CorrectionNotice, Extension, Suspension
from yiwang.workflow.models import Task

pytestmark = pytest.mark.django_db


def _task(case, department_kind, role=None):
    tasks = case.tasks.filter(department__kind=department_kind, status__in=Task.OPEN_STATES)
    if role:
        tasks = tasks.filter(role=role)
    return tasks.get()


def _as(client, user):
    client.force_login(user)
    return client


def _complete(client, task, outcome="agree", opinion="符合规定", **extra):
    return client.post(f"/workbench/tasks/{task.pk}/complete/", {"outcome": outcome, "opinion": opinion, **extra})


@pytest.fixture
def reviewed(in_review, client, samr_reviewer, urban_reviewer):
    """Both departments agreed through the pages: the lead's decision task is open."""
    assert _complete(_as(client, urban_reviewer), _task(in_review, "URBAN")).status_code == 302
    assert _complete(_as(client, samr_reviewer), _task(in_review, "SAMR")).status_code == 302
    return in_review


def test_inbox_holds_only_the_reviewers_department_and_region(
    in_review, client, samr_reviewer, urban_reviewer, tianhe_reviewer, health_reviewer
):
    page = _as(client, samr_reviewer).get("/workbench/tasks/").content.decode()
    assert in_review.number in page and "牵头审查" in page and "协办审查" not in page
    assert "广州市海珠区味道餐饮管理有限公司" in page and "签收" in page
    page = _as(client, urban_reviewer).get("/workbench/tasks/").content.decode()
    assert in_review.number in page and "协办审查" in page and "牵头审查" not in page
    for outsider in (tianhe_reviewer, health_reviewer):
        page = _as(client, outsider).get("/workbench/tasks/").content.decode()
        assert in_review.number not in page and "暂无待办任务" in page


def test_inbox_is_sorted_by_due_date(in_review, samr_reviewer, urban_reviewer):
    Task.objects.filter(pk=_task(in_review, "SAMR").pk).update(due_on=in_review.accepted_on)
    assert [t.case_id for t in selectors.inbox(samr_reviewer)][:1] == [in_review.pk]
    due = [t.due_on for t in selectors.inbox(samr_reviewer)]
    assert due == sorted(due)


def test_a_person_applicant_is_shown_with_a_masked_identity_number():
    person = Person(name="张三", id_number="440105199001011239")
    label = selectors.applicant_label(Case(applicant_person=person))
    assert label == "张三（4401**********1239）"


def test_other_departments_and_districts_get_404_for_page_and_actions(
    in_review, client, tianhe_reviewer, health_reviewer, urban_reviewer
):
    samr_task = _task(in_review, "SAMR")
    for outsider in (tianhe_reviewer, health_reviewer):
        _as(client, outsider)
        assert client.get(f"/workbench/cases/{in_review.number}/").status_code == 404
        assert client.post(f"/workbench/tasks/{samr_task.pk}/claim/").status_code == 404
        assert _complete(client, samr_task).status_code == 404
    # 城管 sees the case (it has a task on it) but cannot act on 市场监管's task.
    _as(client, urban_reviewer)
    assert client.get(f"/workbench/cases/{in_review.number}/").status_code == 200
    assert client.post(f"/workbench/tasks/{samr_task.pk}/claim/").status_code == 404
    assert _complete(client, samr_task).status_code == 404
    samr_task.refresh_from_db()
    assert samr_task.status == Task.Status.OPEN


def test_a_citizen_is_refused_the_workbench(in_review, client, citizen):
    assert _as(client, citizen).get("/workbench/tasks/").status_code == 403


def test_claim_then_complete_then_a_second_answer_is_a_conflict(in_review, client, samr_reviewer):
    task = _task(in_review, "SAMR")
    _as(client, samr_reviewer)
    response = client.post(f"/workbench/tasks/{task.pk}/claim/")
    assert response.status_code == 302 and response.url == f"/workbench/cases/{in_review.number}/"
    task.refresh_from_db()
    assert (task.status, task.assignee) == (Task.Status.CLAIMED, samr_reviewer)
    assert client.post(f"/workbench/tasks/{task.pk}/claim/").status_code == 409

    assert _complete(client, task, opinion="场所符合要求").status_code == 302
    task.refresh_from_db()
    assert (task.status, task.opinion) == (Task.Status.AGREED, "场所符合要求")
    again = _complete(client, task, outcome="disagree", opinion="改主意了")
    assert again.status_code == 409
    assert "该任务已办结" in again.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.AGREED


def test_an_empty_opinion_is_named_and_changes_nothing(in_review, client, samr_reviewer):
    task = _task(in_review, "SAMR")
    response = _complete(_as(client, samr_reviewer), task, opinion="  ")
    assert response.status_code == 422 and "请填写审查意见" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_return_for_correction_sends_one_notice_with_every_point(in_review, client, samr_reviewer):
    task = _task(in_review, "SAMR")
    response = _complete(
        _as(client, samr_reviewer), task, outcome="return", opinion="材料不全", points="平面图未标尺寸\n\n缺少健康证明"
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Case.Status.CORRECTION_REQUESTED
    assert CorrectionNotice.objects.get(case=in_review).points == ["平面图未标尺寸", "缺少健康证明"]


def test_the_lead_proposes_and_the_head_decides(reviewed, client, samr_reviewer, urban_reviewer, samr_signer):
    page = _as(client, samr_reviewer).get(f"/workbench/cases/{reviewed.number}/").content.decode()
    assert 'id="decision"' in page and 'id="propose"' in page and 'id="grant"' not in page
    assert "海珠区城市管理和综合执法局" in page or "城市管理" in page
    assert page.count("符合规定") >= 2  # both departments' opinions

    urban_page = _as(client, urban_reviewer).get(f"/workbench/cases/{reviewed.number}/").content.decode()
    assert 'id="decision"' not in urban_page and "由牵头部门查看" in urban_page
    proposal = {"proposal": "grant", "reasons": "现场核查符合要求"}
    assert client.post(f"/workbench/cases/{reviewed.number}/propose/", proposal).status_code == 404
    # A reviewer cannot sign: the decision is the head's.
    _as(client, samr_reviewer)
    assert client.post(f"/workbench/cases/{reviewed.number}/decide/", {"decision": "grant"}).status_code == 403
    assert client.post(f"/workbench/cases/{reviewed.number}/propose/", proposal).status_code == 302
    page = client.get(f"/workbench/cases/{reviewed.number}/").content.decode()
    assert 'id="proposal-sent"' in page and "现场核查符合要求" in page

    _as(client, samr_signer)
    page = client.get(f"/workbench/signing/{reviewed.number}/").content.decode()
    assert 'id="signing"' in page and "现场核查符合要求" in page and page.count("符合规定") >= 2
    response = client.post(
        f"/workbench/signing/{reviewed.number}/sign/",
        {"decision": "grant", "scope": "热食类食品制售", "remark": ""},
    )
    assert response.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.status == Case.Status.GRANTED
    assert reviewed.result_data == {"经营项目": "热食类食品制售"}
    assert client.post(f"/workbench/signing/{reviewed.number}/sign/", {"decision": "grant"}).status_code == 404


def test_a_denial_needs_reasons_and_carries_the_remedies(reviewed, client, samr_reviewer, samr_signer):
    _as(client, samr_reviewer)
    response = client.post(f"/workbench/cases/{reviewed.number}/propose/", {"proposal": "deny", "reasons": " "})
    assert response.status_code == 422 and "请填写审核意见的理由" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.proposed_at is None
    proposal = {"proposal": "deny", "reasons": "经营场所与居民楼距离不足"}
    assert client.post(f"/workbench/cases/{reviewed.number}/propose/", proposal).status_code == 302

    _as(client, samr_signer)
    response = client.post(f"/workbench/signing/{reviewed.number}/sign/", {"decision": "deny", "reasons": " "})
    assert response.status_code == 422 and "不予许可必须说明理由" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == Case.Status.UNDER_REVIEW
    response = client.post(
        f"/workbench/signing/{reviewed.number}/sign/", {"decision": "deny", "reasons": "经营场所与居民楼距离不足"}
    )
    assert response.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.status == Case.Status.DENIED
    assert "经营场所与居民楼距离不足" in reviewed.decision_reasons and "行政复议" in reviewed.decision_reasons


def test_extension_is_requested_by_the_reviewer_and_approved_by_the_head(in_review, client, samr_reviewer, samr_head):
    _as(client, samr_reviewer)
    url = f"/workbench/cases/{in_review.number}/extension/"
    assert client.post(url, {"reason": "需现场核查多处经营场所"}).status_code == 302
    extension = Extension.objects.get(case=in_review)
    assert client.post(f"/workbench/approvals/extensions/{extension.pk}/").status_code == 404
    assert client.post(url, {"reason": "再延一次"}).status_code == 409  # once only, by law

    page = _as(client, samr_head).get("/workbench/approvals/").content.decode()
    assert in_review.number in page and "需现场核查多处经营场所" in page
    before = in_review.due_on
    assert client.post(f"/workbench/approvals/extensions/{extension.pk}/").status_code == 302
    in_review.refresh_from_db()
    assert in_review.extension_days == extension.days and in_review.due_on > before
    pending = _as(client, samr_head).get("/workbench/approvals/").content.decode().split('id="extensions"')[1]
    assert in_review.number not in pending and "没有待批准的延期申请" in pending


def test_suspension_is_approved_by_the_head_and_resumed_by_the_reviewer(in_review, client, samr_reviewer, samr_head):
    _as(client, samr_reviewer)
    url = f"/workbench/cases/{in_review.number}/suspension/"
    refused = client.post(url, {"reason": "correction", "note": ""})
    assert refused.status_code == 422
    assert client.post(url, {"reason": "appraisal", "note": "食品安全鉴定", "expected_days": "5"}).status_code == 302
    suspension = Suspension.objects.get(case=in_review)
    assert client.post(f"/workbench/approvals/suspensions/{suspension.pk}/").status_code == 404

    assert _as(client, samr_head).post(f"/workbench/approvals/suspensions/{suspension.pk}/").status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Case.Status.SUSPENDED
    assert client.post(f"/workbench/approvals/suspensions/{suspension.pk}/").status_code == 404  # no longer pending

    assert _as(client, samr_reviewer).post(f"/workbench/cases/{in_review.number}/resume/").status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Case.Status.UNDER_REVIEW


def test_materials_download_for_the_cases_reviewers_only(
    in_review, client, samr_reviewer, urban_reviewer, tianhe_reviewer, health_reviewer
):
    material = in_review.materials.exclude(file_key="").first()
    drawn = in_review.materials.filter(file_key="").first()
    url = f"/workbench/cases/{in_review.number}/materials/{material.pk}/"
    for reviewer in (samr_reviewer, urban_reviewer):
        response = _as(client, reviewer).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content.startswith(PDF)
    for outsider in (tianhe_reviewer, health_reviewer):
        assert _as(client, outsider).get(url).status_code == 404
    assert drawn is not None
    assert (
        _as(client, samr_reviewer).get(f"/workbench/cases/{in_review.number}/materials/{drawn.pk}/").status_code == 404
    )


def test_the_case_page_shows_form_materials_and_timeline(in_review, client, samr_reviewer):
    page = _as(client, samr_reviewer).get(f"/workbench/cases/{in_review.number}/").content.decode()
    assert "赵六" in page  # form data
    assert f"/workbench/cases/{in_review.number}/materials/" in page
    assert "受理" in page and "进入审查" in page  # the timeline in words, not codes
    assert "start_review" not in page
    assert services.REMEDIES not in page

"""The legal clock sentence by sentence: 行政许可法第三十二、四十二、四十四、四十五条 as written."""

import datetime as dt
import os
import shutil
import subprocess

import pytest

from tests.case_fixtures import decide, form_for, uploads_for
from yiwang.accounts.models import User
from yiwang.cases import clock, services
from yiwang.cases.models import Case, CorrectionNotice, Suspension
from yiwang.catalog.models import ItemImplementation
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.core.models import Notification
from yiwang.org.models import ServiceCenter

D = dt.date
PDFTOTEXT = shutil.which("pdftotext")


def _case(pk) -> Case:
    return Case.objects.get(pk=pk)


# 第三十二条 ------------------------------------------------------------------------------------------------


def test_a_resubmission_after_a_notice_starts_its_own_five_days(submitted, clerk, enterprise_agent, monday):
    """《行政许可法》第三十二条第一款第（四）项：「申请材料不齐全或者不符合法定形式的，应当当场或者在五日内一次告知申请人需要
    补正的全部内容，逾期不告知的，自收到申请材料之日起即为受理」。The notice came in time (day 2); the corrected
    materials, received on day 20, are a new receipt with five working days of their own, not an overdue case."""
    monday.move_to("2026-11-24 10:00+08:00")
    services.case_request_correction(actor=clerk, case=submitted, points=["营业场所平面图缺少尺寸"])
    monday.move_to("2026-12-18 10:00+08:00")  # a Friday, weeks after the first five days ran out
    case = services.case_resubmit(actor=enterprise_agent, case=_case(submitted.pk))
    assert case.status == Case.Status.SUBMITTED
    assert case.received_on == D(2026, 11, 23)  # the application's own date stays
    assert case.corrected_on == D(2026, 12, 18) and case.acceptance_due == D(2026, 12, 25)
    assert services.clock_sweep(today=D(2026, 12, 18))["deemed_accepted"] == 0
    assert _case(case.pk).warning == "green"
    assert services.clock_sweep(today=D(2026, 12, 25))["deemed_accepted"] == 0  # the fifth day is still in time
    assert services.clock_sweep(today=D(2026, 12, 28))["deemed_accepted"] == 1
    case = _case(case.pk)
    assert case.deemed_accepted and case.accepted_on == D(2026, 12, 18)  # from the corrected materials' receipt


def test_a_late_notice_is_refused_and_the_deemed_acceptance_recorded_without_the_sweep(
    submitted, clerk, monday, client
):
    """《行政许可法》第三十二条第一款第（四）项：「……逾期不告知的，自收到申请材料之日起即为受理」。The five days ended on
    the 30th; on 1 December the worker has not swept, yet the law has accepted the case: a notice then is refused,
    and the acceptance is recorded, counted from the receipt."""
    monday.move_to("2026-12-01 10:00+08:00")
    client.force_login(clerk)
    response = client.post(f"/workbench/acceptance/{submitted.number}/correction/", {"points": "缺少健康证明"})
    assert response.status_code == 409 and "视为受理" in response.content.decode()
    case = _case(submitted.pk)
    assert case.status == Case.Status.UNDER_REVIEW
    assert case.deemed_accepted and case.accepted_on == D(2026, 11, 23)
    assert not CorrectionNotice.objects.filter(case=case).exists()


def test_a_late_notice_through_the_service_is_refused_too(submitted, clerk, monday):
    """《行政许可法》第三十二条第一款第（四）项：「……逾期不告知的，自收到申请材料之日起即为受理」。"""
    monday.move_to("2026-12-01 10:00+08:00")
    with pytest.raises(InvalidTransition):
        services.case_request_correction(actor=clerk, case=submitted, points=["缺少健康证明"])
    assert _case(submitted.pk).deemed_accepted


def test_after_the_five_days_neither_refusal_nor_a_late_acceptance_date_stands(submitted, clerk, monday):
    """《行政许可法》第三十二条第一款第（四）项：「……逾期不告知的，自收到申请材料之日起即为受理」。Past the fifth working day the
    case is accepted by law from its receipt: a 不予受理 is refused, and a clerk's acceptance cannot move the date."""
    monday.move_to("2026-12-02 10:00+08:00")
    with pytest.raises(InvalidTransition):
        services.case_refuse_acceptance(actor=clerk, case=submitted, reasons="材料不齐")
    case = _case(submitted.pk)
    assert case.status == Case.Status.UNDER_REVIEW and case.accepted_on == D(2026, 11, 23) and case.deemed_accepted
    with pytest.raises(InvalidTransition):
        services.case_accept(actor=clerk, case=case)
    assert _case(submitted.pk).accepted_on == D(2026, 11, 23)


def test_a_notice_on_the_fifth_working_day_is_in_time(submitted, clerk, monday):
    """《行政许可法》第三十二条第一款第（四）项：「……在五日内一次告知申请人需要补正的全部内容」。"""
    monday.move_to("2026-11-30 17:00+08:00")
    services.case_request_correction(actor=clerk, case=submitted, points=["缺少健康证明"])
    assert _case(submitted.pk).status == Case.Status.CORRECTION_REQUESTED


# 第四十二条 ------------------------------------------------------------------------------------------------


@pytest.fixture
def joint_case(monday, enterprise_agent, restaurant, clerk):
    """娱乐场所经营许可 at 海珠区, which the district government organises as 联合办理 (第二十六条第二款)."""
    implementation = ItemImplementation.objects.get(code="R044-440105")
    case = services.case_submit(
        actor=enterprise_agent,
        implementation=implementation,
        entity=restaurant,
        form_data=form_for(implementation, entity=restaurant),
        uploads=uploads_for(implementation),
    )
    return services.case_accept(actor=clerk, case=case)


def test_a_countersigning_department_does_not_make_joint_handling(in_review, samr_reviewer, samr_head):
    """《行政许可法》第四十二条第一款第二句：「二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日」。城管 countersigns
    市场监管's food permit, but 市场监管 alone decides it: ten days by its own head, never the government head's fifteen."""
    extension = services.case_extension_request(actor=samr_reviewer, case=in_review, reason="需组织专家论证")
    assert (extension.days, extension.joint) == (clock.EXTENSION_DAYS, False) == (10, False)
    with pytest.raises(NotFound):
        services.case_extension_approve(actor=User.objects.get(username="hz-gov-head"), extension=extension)
    case = services.case_extension_approve(actor=samr_head, extension=extension)
    assert case.extension_days == 10


def test_joint_handling_has_45_days_and_15_more_from_the_government_head(joint_case):
    """《行政许可法》第四十二条第二款：「依照本法第二十六条的规定，行政许可采取统一办理或者联合办理、集中办理的，办理的时间不得超过
    四十五日；四十五日内不能办结的，经本级人民政府负责人批准，可以延长十五日」。"""
    cal = WorkCalendar(joint_case.region)
    if joint_case.version.statutory_days is None:
        assert joint_case.statutory_days == 45
        assert joint_case.statutory_due_on == cal.add_working_days(joint_case.accepted_on, 45).date
    reviewer = User.objects.get(username="hz-culture-reviewer")
    extension = services.case_extension_request(actor=reviewer, case=joint_case, reason="需联合踏勘")
    assert (extension.days, extension.joint) == (15, True)
    for department_head in ("hz-culture-head", "hz-culture-admin", "hz-psb-head"):
        with pytest.raises(NotFound):
            services.case_extension_approve(actor=User.objects.get(username=department_head), extension=extension)
    case = services.case_extension_approve(actor=User.objects.get(username="hz-gov-head"), extension=extension)
    assert case.extension_days == 15
    with pytest.raises(InvalidTransition):  # 「可以延长」: once
        services.case_extension_request(actor=reviewer, case=case, reason="再延一次")


def test_the_government_head_approves_on_the_approvals_page(joint_case, in_review, samr_reviewer, client):
    """《行政许可法》第四十二条第二款：「……经本级人民政府负责人批准，可以延长十五日」。The page lists only what the reader may
    approve: the joint case's extension for the government head, not a department's own."""
    joint = services.case_extension_request(
        actor=User.objects.get(username="hz-culture-reviewer"), case=joint_case, reason="需联合踏勘"
    )
    single = services.case_extension_request(actor=samr_reviewer, case=in_review, reason="需组织专家论证")
    client.force_login(User.objects.get(username="hz-gov-head"))
    page = client.get("/workbench/approvals/").content.decode()
    assert f"/workbench/approvals/extensions/{joint.pk}/" in page
    assert f"/workbench/approvals/extensions/{single.pk}/" not in page
    assert client.post(f"/workbench/approvals/extensions/{single.pk}/").status_code == 404
    assert client.post(f"/workbench/approvals/extensions/{joint.pk}/").status_code == 302
    assert _case(joint_case.pk).extension_days == 15
    client.force_login(User.objects.get(username="hz-culture-head"))
    assert f"/workbench/approvals/extensions/{joint.pk}/" not in client.get("/workbench/approvals/").content.decode()


# 第四十四条 ------------------------------------------------------------------------------------------------


def test_a_granted_decision_is_delivered_within_ten_working_days(in_review, samr_reviewer, client, clerk):
    """《行政许可法》第四十四条：「行政机关作出准予行政许可的决定，应当自作出决定之日起十日内向申请人颁发、送达行政许可证件」。
    The awaiting-delivery list carries the date and its warning; the sweep turns it red once it has passed."""
    hall = ServiceCenter.objects.get(name="海珠区政务服务中心")
    services.case_delivery_update(
        actor=in_review.submitted_by, case=in_review, method=Case.Delivery.WINDOW, pickup_center=hall
    )
    for task in in_review.tasks.filter(role__in=("lead", "assisting")):
        reviewer = User.objects.get(username=f"hz-{task.department.kind.lower()}-reviewer")
        services.task_complete(actor=reviewer, task=task, outcome="agree", opinion="符合规定")
    case = decide(in_review, grant=True)
    assert case.delivery_due == D(2026, 12, 7)  # ten working days from Monday 23 November
    services.clock_sweep(today=D(2026, 11, 24))
    assert _case(case.pk).warning == "green"
    services.clock_sweep(today=D(2026, 12, 8))
    assert _case(case.pk).warning == "red"
    client.force_login(clerk)
    page = client.get("/workbench/deliveries/").content.decode()
    assert case.number in page and "2026-12-07" in page


# 第四十五条 ------------------------------------------------------------------------------------------------


def test_only_the_articles_procedures_stop_the_clock(in_review, samr_reviewer):
    """《行政许可法》第四十五条第一句：「行政机关作出行政许可决定，依法需要听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的，
    所需时间不计算在本节规定的期限内」。"""
    assert [str(Suspension.Reason(r).label) for r in Suspension.ARTICLE_45] == [
        "听证",
        "招标",
        "拍卖",
        "检验",
        "检测",
        "检疫",
        "鉴定",
        "专家评审",
    ]
    for reason in ("inspection", "bidding", "testing", "correction", "site_visit"):
        with pytest.raises(ValidationFailed):
            services.case_suspension_request(
                actor=samr_reviewer, case=in_review, reason=reason, note="现场勘查", expected_days=3
            )


def test_each_suspension_states_its_expected_time(in_review, samr_reviewer, samr_head, enterprise_agent, client):
    """《行政许可法》第四十五条第二句：「行政机关应当将所需时间书面告知申请人」。The request says how many working days; the
    approval tells the applicant, with a written notice to download from their case page."""
    with pytest.raises(ValidationFailed):
        services.case_suspension_request(
            actor=samr_reviewer, case=in_review, reason=Suspension.Reason.EXPERT, note="", expected_days=None
        )
    request = services.case_suspension_request(
        actor=samr_reviewer, case=in_review, reason=Suspension.Reason.EXPERT, note="组织专家评审", expected_days=5
    )
    services.case_suspension_approve(actor=samr_head, suspension=request)
    request.refresh_from_db()
    assert request.expected_end_on == D(2026, 11, 30)
    told = Notification.objects.filter(user=enterprise_agent, title__contains="特别程序").latest("pk")
    assert "5 个工作日" in told.body and "第四十五条" in told.body

    client.force_login(enterprise_agent)
    page = client.get(f"/cases/{in_review.number}/").content.decode()
    url = f"/cases/{in_review.number}/suspensions/{request.pk}/notice.pdf"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(samr_reviewer)
    staff_url = f"/workbench/cases/{in_review.number}/suspensions/{request.pk}/notice.pdf"
    assert staff_url in client.get(f"/workbench/cases/{in_review.number}/").content.decode()
    assert client.get(staff_url).status_code == 200
    client.force_login(User.objects.get(username="th-samr-reviewer"))
    assert client.get(staff_url).status_code == 404


def test_the_written_notice_names_reason_basis_and_time(in_review, samr_reviewer, samr_head):
    """《行政许可法》第四十五条第二句：「行政机关应当将所需时间书面告知申请人」。"""
    from yiwang.cases.pdf import suspension_notice_pdf

    request = services.case_suspension_request(
        actor=samr_reviewer, case=in_review, reason=Suspension.Reason.QUARANTINE, note="", expected_days=7
    )
    services.case_suspension_approve(actor=samr_head, suspension=request)
    request.refresh_from_db()
    data = suspension_notice_pdf(request)
    if PDFTOTEXT is None:
        # .ci/run installs poppler-utils; under CI a missing tool must fail, not quietly skip the check.
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is not installed")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = "".join(subprocess.run([PDFTOTEXT, "-", "-"], input=data, capture_output=True, check=True).stdout.decode())
    text = "".join(text.split())
    assert "检疫" in text and "第四十五条" in text and "7个工作日" in text and "2026年12月2日" in text

"""审核 → 审批: the lead department's reviewer proposes, its 负责人 decides; 即办 and 单人审批 items skip the head."""

import io

import pytest
from openpyxl import load_workbook

from yiwang.accounts.models import User
from yiwang.cases import selectors, services
from yiwang.cases.models import Case
from yiwang.catalog.excel import catalog_export, catalog_import
from yiwang.catalog.models import ItemVersion, ServiceItem
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.models import Notification
from yiwang.org.models import StaffRole
from yiwang.workflow.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(in_review, samr_reviewer, urban_reviewer):
    """Both departments agreed: the lead's decision task is open."""
    for task in in_review.tasks.filter(status__in=Task.OPEN_STATES):
        who = samr_reviewer if task.department_id == in_review.department_id else urban_reviewer
        services.task_complete(actor=who, task=task, outcome="agree", opinion="符合规定")
    return in_review


def _sign_off(case, mode):
    # A published version never changes through save(); the test sets the catalog's mark as a fixture would.
    ItemVersion.objects.filter(pk=case.version_id).update(sign_off=mode)


def test_the_reviewer_proposes_and_the_head_decides(reviewed, samr_reviewer, samr_signer):
    with pytest.raises(PermissionDenied, match="负责人审批"):
        services.case_decide(actor=samr_reviewer, case=reviewed, grant=True)
    with pytest.raises(InvalidTransition, match="尚未提出审核意见"):
        services.case_decide(actor=samr_signer, case=reviewed, grant=True)
    case = services.case_propose(actor=samr_reviewer, case=reviewed, grant=True, reasons="现场核查符合要求")
    assert case.proposed_by == samr_reviewer and case.proposed_grant is True
    assert case.status == Case.Status.UNDER_REVIEW
    assert [t.case_id for t in selectors.decision_queue(samr_signer)] == [case.pk]
    with pytest.raises(Conflict):
        services.case_propose(actor=samr_reviewer, case=reviewed, grant=False, reasons="再想想")

    case = services.case_decide(actor=samr_signer, case=reviewed, grant=True)
    assert case.status == Case.Status.GRANTED
    assert case.tasks.get(role=Task.Role.DECISION).assignee == samr_signer
    assert list(case.log.values_list("action", flat=True))[-2:] == ["propose", "grant"]
    assert Notification.objects.filter(title__contains="已作出决定").exists()
    assert not selectors.decision_queue(samr_signer).exists()


def test_the_head_cannot_decide_their_own_proposal(reviewed, samr_reviewer):
    # One person holding both roles still needs a second pair of eyes.
    StaffRole.objects.create(
        user=samr_reviewer, role="head", department=reviewed.department, region=reviewed.department.region
    )
    both = User.objects.get(pk=samr_reviewer.pk)  # read afresh: a user object caches its roles
    services.case_propose(actor=both, case=reviewed, grant=True, reasons="符合条件")
    with pytest.raises(PermissionDenied, match="自己提出"):
        services.case_decide(actor=both, case=reviewed, grant=True)
    reviewed.refresh_from_db()
    assert reviewed.status == Case.Status.UNDER_REVIEW


def test_an_assisting_department_cannot_propose_nor_another_head_decide(reviewed, urban_reviewer, samr_reviewer):
    with pytest.raises(NotFound):
        services.case_propose(actor=urban_reviewer, case=reviewed, grant=True, reasons="越权")
    services.case_propose(actor=samr_reviewer, case=reviewed, grant=True, reasons="符合条件")
    for outsider in ("hz-urban-head", "hz-health-head"):
        with pytest.raises(NotFound):
            services.case_decide(actor=User.objects.get(username=outsider), case=reviewed, grant=True)


def test_deciding_against_the_proposal_needs_reasons(reviewed, samr_reviewer, samr_signer):
    services.case_propose(actor=samr_reviewer, case=reviewed, grant=True, reasons="符合条件")
    with pytest.raises(ValidationFailed) as refused:
        services.case_decide(actor=samr_signer, case=reviewed, grant=False)
    assert "与审核意见不一致" in str(refused.value.fields["reasons"])
    case = services.case_decide(actor=samr_signer, case=reviewed, grant=False, reasons="油烟排放距离不足")
    assert case.status == Case.Status.DENIED and "油烟排放距离不足" in case.decision_reasons


@pytest.mark.parametrize("mode", [ItemVersion.SignOff.INSTANT, ItemVersion.SignOff.SINGLE])
def test_instant_and_single_approver_items_are_decided_by_the_reviewer(reviewed, samr_reviewer, samr_signer, mode):
    _sign_off(reviewed, mode)
    with pytest.raises(InvalidTransition):
        services.case_propose(actor=samr_reviewer, case=reviewed, grant=True, reasons="符合条件")
    assert not selectors.decision_queue(samr_signer).exists()
    case = services.case_decide(actor=samr_reviewer, case=reviewed, grant=True)
    assert case.status == Case.Status.GRANTED and case.proposed_at is None


def test_a_second_decision_is_a_conflict(reviewed, samr_reviewer, samr_signer, superuser):
    services.case_propose(actor=samr_reviewer, case=reviewed, grant=True, reasons="符合条件")
    services.case_decide(actor=samr_signer, case=reviewed, grant=True)
    with pytest.raises(Conflict):
        services.case_decide(actor=superuser, case=reviewed, grant=False, reasons="晚到的决定")
    reviewed.refresh_from_db()
    assert reviewed.status == Case.Status.GRANTED and reviewed.log.filter(action="grant").count() == 1


def test_the_reference_catalog_marks_sign_off():
    versions = ItemVersion.objects.filter(status="published").select_related("item")
    modes = {v.item.code: v.sign_off for v in versions}
    assert modes["R005"] == ItemVersion.SignOff.HEAD
    assert modes["R003"] == ItemVersion.SignOff.SINGLE
    assert all(v.sign_off == ItemVersion.SignOff.INSTANT for v in versions if v.promised_days == 0)


def test_the_guide_names_the_sign_off(client):
    page = client.get("/items/R003/").content.decode()
    assert 'id="sign-off"' in page and "单人审批" in page


def test_the_head_also_confirms_the_departments_extensions(in_review, samr_reviewer, samr_signer):
    extension = services.case_extension_request(actor=samr_reviewer, case=in_review, reason="需现场核查")
    assert list(selectors.pending_extensions(samr_signer)) == [extension]
    case = services.case_extension_approve(actor=samr_signer, extension=extension)
    assert case.extension_days > 0


def test_an_excel_import_keeps_the_items_sign_off():
    """The workbook carries no sign-off column: a new version from it keeps the one before's."""
    buffer = io.BytesIO()
    catalog_export(file=buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book["事项"]
    promised = next(c.column for c in sheet[1] if str(c.value).endswith(" promised_days"))
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "R003")
    sheet.cell(row, promised, 2)
    changed = io.BytesIO()
    book.save(changed)
    old = ServiceItem.objects.get(code="R003").current_version
    catalog_import(actor=None, file=io.BytesIO(changed.getvalue()))
    new = ServiceItem.objects.get(code="R003").current_version
    assert new.number == old.number + 1 and new.promised_days == 2
    assert new.sign_off == ItemVersion.SignOff.SINGLE

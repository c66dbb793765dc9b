"""Every step of a case's life, in one place: how staff and the applicant read it, and what it announces.

A CaseLog row's action, a Case.TRANSITIONS key and the audit action `case.<step>` are all members of Action;
the staff timeline, the applicant's timeline, the public progress page and the refusal of an illegal move
read their wording from here, so a step added in one place is added everywhere.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """A member is declared as: value, applicant's label (None: staff only), opinion withheld until decided,
    event emitted (None: none), staff label. The staff label comes last because TextChoices takes the last
    element as the label."""

    def __new__(cls, value, applicant_label, opinion_withheld, event):
        member = str.__new__(cls, value)
        member._value_ = value
        member.applicant_label = applicant_label
        member.opinion_withheld = opinion_withheld
        member.event = event
        return member

    @property
    def applicant_sees(self) -> bool:
        """Internal steps (a reviewer's request before the head approves it, a supervisor's order) stay on the
        staff side; the applicant's timeline shows only the steps it has a label for."""
        return self.applicant_label is not None

    SUBMIT = "submit", _("提交申请"), False, "case.submitted", _("申报")
    REQUEST_CORRECTION = (
        "request_correction",
        _("一次性告知补正"),
        False,
        "case.correction",
        _("一次性告知补正"),
    )
    RESUBMIT = "resubmit", _("补正后重新提交"), False, "case.resubmitted", _("补正后重新提交")
    ACCEPT = "accept", _("受理"), False, "case.accepted", _("受理")
    REFUSE_ACCEPTANCE = "refuse_acceptance", _("不予受理"), False, "case.refused", _("不予受理")
    START_REVIEW = "start_review", _("进入审查"), False, None, _("进入审查")
    # A transition only: the log records the applicant's resubmission that caused it.
    RETURN_TO_REVIEW = "return_to_review", None, False, None, _("恢复审查")
    SUPPLY_MATERIAL = "supply_material", _("补齐容缺材料"), False, "case.material_supplied", _("补齐容缺材料")
    TASK_CLAIM = "task_claim", _("部门签收办理"), False, None, _("签收任务")
    # A task's note reads "department：opinion"; before the decision the applicant sees only the department.
    TASK_AGREE = "task_agree", _("部门审查完成"), True, None, _("审查同意")
    TASK_DISAGREE = "task_disagree", _("部门审查完成"), True, None, _("审查不同意")
    TASK_RETURN = "task_return", _("部门退回补正"), False, None, _("退回补正")
    TASK_ANSWER = "task_answer", _("部门回复意见"), True, None, _("回复意见")
    PROPOSE = "propose", None, False, "case.proposed", _("提出审核意见")
    SUSPENSION_REQUEST = "suspension_request", None, False, None, _("申请中止计时")
    SUSPEND = "suspend", _("特别程序，计时中止"), False, "case.suspended", _("中止计时")
    RESUME = "resume", _("恢复计时"), False, "case.resumed", _("恢复计时")
    EXTENSION_REQUEST = "extension_request", None, False, None, _("申请延期")
    EXTEND = "extend", _("依法延长办理期限"), False, "case.extended", _("批准延期")
    SUPERVISE = "supervise", None, False, "case.supervised", _("督办")
    SUPERVISION_ANSWER = "supervision_answer", None, False, None, _("答复督办")
    GRANT = "grant", _("准予许可"), False, "case.decided", _("准予许可")
    DENY = "deny", _("不予许可"), False, "case.decided", _("不予许可")
    DELIVER = "deliver", _("送达"), False, "case.delivered", _("送达")
    DELIVERY_UPDATE = "delivery_update", _("修改送达方式"), False, None, _("申请人修改送达方式")
    WITHDRAW = "withdraw", _("撤回申请"), False, "case.withdrawn", _("撤回")

"""Every step of a work order's life, in one place: how staff and the caller read it, and what it announces.

A WorkOrderLog row's action and the audit action `hotline.<step>` are members of Action; the staff timeline and
the caller's tracking page read their wording from here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """A member is declared as: value, caller's label (None: staff only), event emitted (None: none), staff label.
    The staff label comes last because TextChoices takes the last element as the label."""

    def __new__(cls, value, caller_label, event):
        member = str.__new__(cls, value)
        member._value_ = value
        member.caller_label = caller_label
        member.event = event
        return member

    @property
    def caller_sees(self) -> bool:
        return self.caller_label is not None

    TAKE = "take", _("诉求已受理"), "hotline.received", _("受理来电")
    SUBMIT_WEB = "submit_web", _("网上诉求已受理"), "hotline.received", _("网上提交")
    GRID_REPORT = "grid_report", _("网格员上报已受理"), "hotline.received", _("网格上报")
    ANSWER = "answer", _("已直接答复"), "hotline.answered", _("直接答复")
    DISPATCH = "dispatch", _("已转交承办部门"), "hotline.dispatched", _("派单")
    SIGN = "sign", _("承办部门已签收"), None, _("签收")
    RETURN = "return", None, "hotline.returned", _("退单")
    REDISPATCH = "redispatch", _("已重新转交承办部门"), "hotline.dispatched", _("重新派单")
    TRANSFER = "transfer", _("已转交其他部门办理"), "hotline.dispatched", _("改派")
    EXTENSION_REQUEST = "extension_request", None, None, _("申请延期")
    EXTENSION_APPROVE = "extension_approve", _("办理期限已延长"), None, _("批准延期")
    EXTENSION_REFUSE = "extension_refuse", None, None, _("不予延期")
    ASSIST_REPLY = "assist_reply", None, None, _("协办答复")
    SUPERVISE = "supervise", None, "hotline.supervised", _("督办")
    SUPERVISION_ANSWER = "supervision_answer", None, None, _("督办答复")
    REPLY = "reply", _("承办部门已答复"), "hotline.replied", _("部门答复")
    CALLBACK_SMS = "callback_sms", None, None, _("发送短信回访")
    CALLBACK = "callback", _("已回访"), "hotline.callback", _("回访")
    REOPEN = "reopen", _("重新办理"), "hotline.reopened", _("重办")
    CLOSE = "close", _("已办结"), "hotline.closed", _("办结")

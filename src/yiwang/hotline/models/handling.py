"""A work order in the departments' hands: each department's part (派单), the lead's requests for more time
(申请延期), and the 督办 that press it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .orders import WorkOrder


class Assignment(models.Model):
    """One department's part in an order (派单): the lead answers for it, 协办 departments help."""

    class Status(models.TextChoices):
        DISPATCHED = "dispatched", _("待签收")
        SIGNED = "signed", _("办理中")
        RETURNED = "returned", _("已退单")
        REPLIED = "replied", _("已答复")
        # Taken away by the centre (改派): the department's part ended without its answer.
        TRANSFERRED = "transferred", _("已改派")

    class Outcome(models.TextChoices):
        SOLVED = "solved", _("已解决")
        PARTLY = "partly", _("部分解决")
        UNSOLVED = "unsolved", _("未解决")
        UNFOUNDED = "unfounded", _("不属实")
        INFORMED = "informed", _("已告知")

    ACTIVE_STATES = (Status.DISPATCHED, Status.SIGNED)

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        "org.Department", verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="hotline_assignments"
    )
    lead = models.BooleanField(_("主办"), default=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DISPATCHED)
    dispatched_at = models.DateTimeField(_("派单时间"))
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    sign_due = models.DateTimeField(_("签收时限"))
    reply_due = models.DateTimeField(_("答复时限"))
    returned_at = models.DateTimeField(_("退单时间"), null=True, blank=True)
    return_reason = models.TextField(_("退单理由"), blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    outcome = models.CharField(_("办理结果"), max_length=10, choices=Outcome.choices, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    scope_region = "order__region"
    scope_department = "department"

    class Meta:
        ordering = ["-lead", "pk"]
        indexes = [models.Index(fields=["department", "status"], name="hotline_assignment_dept_status")]
        verbose_name = _("派单")
        verbose_name_plural = _("派单")

    def __str__(self):
        return f"{self.order_id}→{self.department_id}"


class ExtensionRequest(models.Model):
    """申请延期: the lead department asks the centre for more working days to reply."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("不予批准")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("延长工作日"))
    reason = models.TextField(_("延期理由"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    scope_region = "assignment__order__region"
    scope_department = "assignment__department"

    class Meta:
        ordering = ["pk"]


class Supervision(models.Model):
    """督办: the centre or 效能监察 presses the lead department on an order at risk or late; the department answers
    in writing by a date, as for cases."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="supervisions")
    department = models.ForeignKey("org.Department", verbose_name=_("被督办部门"), on_delete=models.PROTECT)
    message = models.TextField(_("督办要求"))
    due_on = models.DateField(_("答复期限"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("督办时间"))
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    scope_region = "order__region"
    scope_department = "department"

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("工单督办")
        verbose_name_plural = _("工单督办")

    def __str__(self):
        return f"{self.order_id} 督办"

"""附件 and 流程整改: files on an order, and the process change a 整改类 order ends with."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .orders import WorkOrder


class WorkOrderAttachment(models.Model):
    """附件: a file on an order (a photo of the problem, of the fix, a written answer), checked and stored like a
    case's materials (core.storage: type by content, size limit, SM3-keyed store). Staff who see the order see
    its files, a confidential order's departments too: a file shows the problem, the caller's identity is what
    保密 hides. The caller's tracking page shows none."""

    class Source(models.TextChoices):
        INTAKE = "intake", _("受理时附")
        REPLY = "reply", _("部门答复时附")

    order = models.ForeignKey(WorkOrder, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="attachments")
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    # The department whose reply carried the file; none for the centre's (or the web form's) at intake.
    department = models.ForeignKey(
        "org.Department", verbose_name=_("附件部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The key in the material store (core.storage), shared by every identical upload.
    file_key = models.CharField(_("文件"), max_length=64)
    # As sanitised at storage time (core.storage.clean_filename), never the client's raw name.
    filename = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=60)
    size = models.PositiveIntegerField(_("大小（字节）"))
    # None for a citizen's file from the public web form, sent without an account.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    scope_region = "order__region"
    scope_department = ("order__assignments__department",)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("工单附件")
        verbose_name_plural = _("工单附件")

    def __str__(self):
        return self.filename


class ProcessChange(models.Model):
    """流程整改: what process or rule the lead department changed to end a 整改类 order, recorded with its reply,
    so the centre and 效能监察 see which departments changed what."""

    order = models.ForeignKey(
        WorkOrder, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="process_changes"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("整改部门"), on_delete=models.PROTECT, related_name="hotline_process_changes"
    )
    description = models.TextField(_("整改内容"))
    effective_on = models.DateField(_("生效日期"))
    # The new rule or notice as a file, if the department gave one; it is also among the order's attachments.
    attachment = models.ForeignKey(
        WorkOrderAttachment,
        verbose_name=_("整改附件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"))

    scope_region = "order__region"
    scope_department = "department"

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["department", "recorded_at"], name="hotline_change_dept_recorded")]
        verbose_name = _("流程整改")
        verbose_name_plural = _("流程整改")

    def __str__(self):
        return f"{self.department_id} {self.effective_on}"

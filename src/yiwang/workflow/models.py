"""Process definitions as data (an implementation's ordered stages) and the tasks they open on a case."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessDefinition(models.Model):
    """One version of how an implementation's cases are reviewed; a case keeps the version it started on."""

    class Handling(models.TextChoices):
        SEPARATE = "separate", _("单独办理")
        UNIFIED = "unified", _("统一办理")
        JOINT = "joint", _("联合办理")
        CONCENTRATED = "concentrated", _("集中办理")

    implementation = models.ForeignKey(
        "catalog.ItemImplementation", verbose_name=_("实施清单"), on_delete=models.PROTECT, related_name="processes"
    )
    number = models.PositiveIntegerField(_("版本号"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # 行政许可法第二十六条第二款: where two or more departments each implement a permit, 本级人民政府 may have one
    # accept it for all (统一办理) or organise 联合办理 or 集中办理; only these get 第四十二条第二款's 45 days, +15 by
    # the government head. Departments that countersign or give opinions in an ordinary process assist the one
    # organ that decides, which is still 单独办理 (+10 by its own head), so the mode is recorded as the government
    # designated it, never inferred from the stages.
    handling = models.CharField(_("办理方式"), max_length=12, choices=Handling.choices, default=Handling.SEPARATE)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_region = "implementation__department__region"
    scope_department = "implementation__department"

    class Meta:
        verbose_name = _("审批流程")
        verbose_name_plural = _("审批流程")
        ordering = ["implementation", "-number"]
        constraints = [models.UniqueConstraint(fields=["implementation", "number"], name="process_number_unique")]

    def __str__(self):
        return f"{self.implementation.code} 流程 v{self.number}"


class Stage(models.Model):
    class Mode(models.TextChoices):
        SINGLE = "single", _("单部门审查")
        COUNTERSIGN = "countersign", _("并联会签（均须同意）")
        CONSULT = "consult", _("征求意见（牵头部门决定）")

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("环节名称"), max_length=60)
    mode = models.CharField(_("方式"), max_length=12, choices=Mode.choices, default=Mode.SINGLE)
    lead_department = models.ForeignKey("org.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT)
    days = models.PositiveSmallIntegerField(_("牵头部门时限（工作日）"))

    class Meta:
        verbose_name = _("审批环节")
        verbose_name_plural = _("审批环节")
        ordering = ["definition", "position"]
        constraints = [models.UniqueConstraint(fields=["definition", "position"], name="stage_position_unique")]

    def __str__(self):
        return f"{self.position}. {self.name}"


class StageParticipant(models.Model):
    """An assisting department in a parallel stage, with its own deadline."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="participants")
    department = models.ForeignKey("org.Department", verbose_name=_("协办部门"), on_delete=models.PROTECT)
    days = models.PositiveSmallIntegerField(_("时限（工作日）"))

    class Meta:
        verbose_name = _("协办部门")
        verbose_name_plural = _("协办部门")
        constraints = [models.UniqueConstraint(fields=["stage", "department"], name="participant_unique")]

    def __str__(self):
        return str(self.department)


class Task(models.Model):
    """One department's piece of work on one case."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头审查")
        ASSISTING = "assisting", _("协办审查")
        CONSULTED = "consulted", _("征求意见")
        DECISION = "decision", _("审批决定")

    class Status(models.TextChoices):
        OPEN = "open", _("待办")
        CLAIMED = "claimed", _("办理中")
        AGREED = "agreed", _("同意")
        DISAGREED = "disagreed", _("不同意")
        RETURNED = "returned", _("退回补正")
        ANSWERED = "answered", _("已回复意见")
        DONE = "done", _("已决定")
        CANCELLED = "cancelled", _("已取消")

    OPEN_STATES = (Status.OPEN, Status.CLAIMED)

    case = models.ForeignKey("cases.Case", verbose_name=_("办件"), on_delete=models.CASCADE, related_name="tasks")
    stage = models.ForeignKey(Stage, verbose_name=_("环节"), null=True, blank=True, on_delete=models.PROTECT)
    stage_position = models.PositiveSmallIntegerField(_("环节序号"))
    department = models.ForeignKey(
        "org.Department", verbose_name=_("办理部门"), on_delete=models.PROTECT, related_name="tasks"
    )
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.PROTECT
    )
    opinion = models.TextField(_("意见"), blank=True)
    opened_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("办理期限"))
    due_provisional = models.BooleanField(_("期限为临时计算"), default=False)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    warning = models.CharField(_("预警"), max_length=6, default="green")

    scope_region = "case__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("审批任务")
        verbose_name_plural = _("审批任务")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["department", "status"], name="task_inbox_idx")]

    def __str__(self):
        return f"{self.case.number} · {self.department} · {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

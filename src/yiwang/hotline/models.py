"""12345 work orders (工单): a call or a web request, dispatched to departments, answered, called back, closed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.identifiers import mask_identity_number
from yiwang.core.errors import InvalidTransition
from yiwang.org.models import Department

from .actions import Action


class Category(models.Model):
    """The hotline's classification tree (data/categories.yaml); a leaf says which kind of department handles it."""

    code = models.CharField(_("分类编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # A Department.kind (URBAN, HOUSING…): the district's department of that kind is proposed at dispatch.
    department_kind = models.CharField(_("默认承办部门类别"), max_length=20, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("工单分类")
        verbose_name_plural = _("工单分类")

    def __str__(self):
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name


class FaqEntry(models.Model):
    """知识库: an answer an operator can read out to a 咨询 on the spot."""

    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("答复口径"))
    # Words a caller might use that the question does not ("停水" for 供水), separated by commas or spaces.
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    category = models.ForeignKey(Category, verbose_name=_("分类"), null=True, blank=True, on_delete=models.PROTECT)
    # A catalog item whose 办事指南 answers the question further ("R001"); blank when none does.
    item_code = models.CharField(_("关联事项编码"), max_length=40, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("知识库条目")
        verbose_name_plural = _("知识库条目")

    def __str__(self):
        return self.question


class WorkOrder(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理，待派单")
        ANSWERED = "answered", _("直接答复")
        DISPATCHED = "dispatched", _("已派单，待签收")
        SIGNED = "signed", _("办理中")
        REPLIED = "replied", _("已答复，待回访")
        RETURNED = "returned", _("退单待处理")
        CLOSED = "closed", _("已办结")

    class Channel(models.TextChoices):
        PHONE = "phone", _("电话")
        WEB = "web", _("网站")
        OPEN311 = "open311", _("开放接口")
        GRID = "grid", _("网格上报")

    class Kind(models.TextChoices):
        CONSULT = "consult", _("咨询")
        HELP = "help", _("求助")
        COMPLAINT = "complaint", _("投诉")
        REPORT = "report", _("举报")
        SUGGESTION = "suggestion", _("建议")
        PRAISE = "praise", _("表扬")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("一般")
        URGENT = "urgent", _("紧急")
        EMERGENCY = "emergency", _("特急")

    class Handling(models.TextChoices):
        SEASONAL = "seasonal", _("季节性")
        CHRONIC = "chronic", _("老大难")
        RECTIFICATION = "rectification", _("整改类")
        SURGE = "surge", _("突击类")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    # What each step may move from, and where it leads: the guards of every state change.
    TRANSITIONS = {
        Action.ANSWER: ((Status.RECEIVED,), Status.ANSWERED),
        Action.DISPATCH: ((Status.RECEIVED,), Status.DISPATCHED),
        Action.SIGN: ((Status.DISPATCHED,), Status.SIGNED),
        Action.RETURN: ((Status.DISPATCHED,), Status.RETURNED),
        Action.REDISPATCH: ((Status.RETURNED,), Status.DISPATCHED),
        Action.TRANSFER: ((Status.SIGNED,), Status.DISPATCHED),
        Action.REPLY: ((Status.SIGNED,), Status.REPLIED),
        Action.REOPEN: ((Status.REPLIED,), Status.SIGNED),
        Action.CLOSE: ((Status.ANSWERED, Status.REPLIED, Status.RECEIVED, Status.RETURNED), Status.CLOSED),
    }
    OPEN_STATES = (Status.DISPATCHED, Status.SIGNED)

    number = models.CharField(_("工单编号"), max_length=40, unique=True)
    # Six digits the caller tracks the order with, without an account; told once, on the phone or the web page.
    query_code = models.CharField(_("查询码"), max_length=6)
    channel = models.CharField(_("来源"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("诉求类型"), max_length=12, choices=Kind.choices)
    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.PROTECT)
    # The district whose centre handles the order.
    region = models.ForeignKey("org.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("诉求内容"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    # The grid cell the address lies in; the grid app fills it.
    grid_cell_code = models.CharField(_("网格编码"), max_length=40, blank=True)
    caller_name = models.CharField(_("来电人"), max_length=60, blank=True)
    caller_phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    # Stored whole for the centre; every page shows it masked.
    caller_id_number = models.CharField(_("身份证号码"), max_length=18, blank=True)
    # The caller asked not to be named to the departments (a 举报 against a neighbour): they see 保密.
    confidential = models.BooleanField(_("保密"), default=False)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    handling = models.CharField(_("办理类别"), max_length=14, choices=Handling.choices, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    reopened_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    returned_count = models.PositiveSmallIntegerField(_("退单次数"), default=0)
    # The lead department's current limits, copied from its assignment so queues filter one indexed row.
    sign_due = models.DateTimeField(_("签收时限"), null=True, blank=True)
    reply_due = models.DateTimeField(_("答复时限"), null=True, blank=True)
    # When the running limit (signing while dispatched, replying while signed) turns yellow; null when none runs.
    warn_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("受理时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    # The jieba words of the address and description (hotline.repeats.terms_of), space-separated, stored at intake
    # so repeat detection does not segment every order again at every run.
    terms = models.TextField(_("分词"), blank=True)
    # The 老大难 hotspot the order is one report of: linked by detection or by a dispatch as 老大难.
    hotspot = models.ForeignKey(
        "Hotspot", verbose_name=_("老大难热点"), null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )

    scope_region = "region"
    # A liaison sees the orders sent to their department, lead or 协办, through the assignments; a part that ended
    # (returned, transferred) keeps the order in sight, and the services let only a live part act.
    scope_department = ("assignments__department",)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["region", "status"], name="hotline_order_region_status"),
            # The monthly report's cohort: one district's orders received in one month.
            models.Index(fields=["region", "created_at"], name="hotline_order_region_created"),
            # The centre's queues (one status, newest first, 200 rows) read this in order and stop: at a million
            # orders the (region, status) index left a sort of every order in the status.
            models.Index(fields=["status", "created_at"], name="hotline_order_status_created"),
            # The 预警/超期 queue, soonest first: only open orders have a warn_at, which the planner cannot know
            # (it took the two conditions for independent and sorted every open order); this index says it.
            models.Index(
                fields=["warn_at"],
                name="hotline_order_open_warn",
                condition=models.Q(status__in=["dispatched", "signed"]),
            ),
            # Open311's requests, newest first across districts, and by service: an index each, so a page of
            # 1,000 stops early instead of sorting the whole 90 days.
            models.Index(fields=["created_at"], name="hotline_order_created"),
            models.Index(fields=["category", "created_at"], name="hotline_order_category_created"),
            # Open311's bounding box: a longitude range, the latitude checked in the index.
            models.Index(fields=["longitude", "latitude"], name="hotline_order_lon_lat"),
        ]
        verbose_name = _("工单")
        verbose_name_plural = _("工单")

    def __str__(self):
        return self.number

    def move(self, action: Action) -> tuple[str, str]:
        """Refuse an illegal step with a domain error; otherwise set the new status and say what moved."""
        allowed, target = self.TRANSITIONS[action]
        if self.status not in allowed:
            raise InvalidTransition(
                _("工单当前状态为“%(status)s”，不能%(action)s")
                % {"status": self.get_status_display(), "action": action.label},
                subcode="hotline_state",
            )
        before, self.status = self.status, target
        return before, target

    @property
    def caller_status(self) -> str:
        """The status in the caller's words: a return between departments is the centre's business, not theirs."""
        S = self.Status
        return {
            S.RECEIVED: _("已受理"),
            S.RETURNED: _("已受理，正在转交承办部门"),
            S.DISPATCHED: _("承办部门办理中"),
            S.SIGNED: _("承办部门办理中"),
            S.REPLIED: _("承办部门已答复，待回访"),
            S.ANSWERED: _("已答复"),
            S.CLOSED: _("已办结"),
        }[self.status]

    @property
    def caller_id_masked(self) -> str:
        return mask_identity_number(self.caller_id_number)


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


class WorkOrderLog(models.Model):
    """The order's timeline as staff and the caller see it (the audit chain is the tamper-proof copy)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(_("办理人"), max_length=120)
    action = models.CharField(_("环节"), max_length=20, choices=Action.choices)
    # Staff-only wording (a return's reason, a reply's text); the caller's page shows the action's caller label.
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    @property
    def step(self) -> Action:
        return Action(self.action)


# 老大难: a place whose problem keeps coming back, held as one record with an owner, a deadline and a plan.


class Hotspot(models.Model):
    """老大难热点: orders about one problem at one place (hotline.repeats), given to a 承办责任单位 with a deadline
    and a plan of milestones until the centre marks it resolved."""

    class Status(models.TextChoices):
        OPEN = "open", _("治理中")
        RESOLVED = "resolved", _("已解决")

    region = models.ForeignKey("org.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.PROTECT)
    grid_cell_code = models.CharField(_("网格编码"), max_length=40, blank=True)
    # The mean position of its located orders; none when its only order (a 老大难 dispatch) has no coordinates.
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("地点"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # 承办责任单位: null until the centre assigns it (a hotspot found by detection has none yet).
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("承办责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_hotspots",
    )
    owner_name = models.CharField(_("责任人"), max_length=60, blank=True)
    deadline = models.DateField(_("整治期限"), null=True, blank=True)
    created_at = models.DateTimeField(_("发现时间"))
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolution = models.TextField(_("解决情况"), blank=True)

    scope_region = "region"
    # The owner department's liaison reads its hotspots; the centre and 效能监察 read their district's.
    scope_department = "department"

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region", "status"], name="hotline_hotspot_region_status")]
        verbose_name = _("老大难热点")
        verbose_name_plural = _("老大难热点")

    def __str__(self):
        return f"{self.category.name} · {self.address or self.grid_cell_code or self.pk}"


class HotspotMilestone(models.Model):
    """One step of a hotspot's plan (整治计划), due by a date and marked done when it is."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=120)
    due = models.DateField(_("计划完成日期"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    scope_region = "hotspot__region"
    scope_department = "hotspot__department"

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("整治节点")
        verbose_name_plural = _("整治节点")

    def __str__(self):
        return self.title


class OrderNumberCounter(models.Model):
    """The last sequence number used per district and day; locked while a number is taken."""

    region = models.ForeignKey("org.Region", on_delete=models.CASCADE)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="hotline_counter_unique")]


class MonthlyReportSnapshot(models.Model):
    """每月情况通报: the monthly report of a district as it was generated (hotline.report), one per region and
    month; generating it again replaces it."""

    region = models.ForeignKey("org.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    month = models.DateField(_("月份"))  # the month's 1st
    generated_at = models.DateTimeField(_("生成时间"))
    # None when the worker generated it on the month's first working day.
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(_("通报数据"))

    scope_region = "region"
    scope_department = None

    class Meta:
        ordering = ["-month", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="hotline_report_region_month")]
        verbose_name = _("每月情况通报")
        verbose_name_plural = _("每月情况通报")

    def __str__(self):
        return f"{self.region} {self.month:%Y-%m}"


# 附件 and 流程整改: files on an order, and the process change a 整改类 order ends with.


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


class RoutingRule(models.Model):
    """派单规则: which department a category's orders in an area are proposed to (hotline.routing). A rule on a
    parent category applies to its leaves; the most specific matching rule wins, and with none the category's
    default department kind at the district does."""

    class Target(models.TextChoices):
        DISTRICT = "district", _("区级部门")
        STREET = "street", _("所在街道办事处")

    category = models.ForeignKey(
        Category, verbose_name=_("分类"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    # Compared with the start of the order's grid cell code (440105001001-001), which begins with its community's,
    # street's and district's codes; an order without a cell is compared by its district's code.
    area_prefix = models.CharField(
        _("区域编码前缀"),
        max_length=40,
        blank=True,
        help_text=_("街道、社区的区划代码或网格编码的开头，如 440105001；留空为全区"),
    )
    target = models.CharField(_("派往"), max_length=10, choices=Target.choices, default=Target.DISTRICT)
    # For a district target: a Department.kind (URBAN, HOUSING…).
    department_kind = models.CharField(_("区级部门类别"), max_length=20, blank=True)
    priority = models.SmallIntegerField(_("优先级"), default=0, help_text=_("区域和分类同样具体时，数字大者优先"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["category__position", "area_prefix", "-priority"]
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")

    def __str__(self):
        return f"{self.category} · {self.area_prefix or _('全区')} → {self.target_label}"

    @property
    def target_label(self) -> str:
        return self.get_target_display() if self.target == self.Target.STREET else self.department_kind

    def clean(self):
        if self.target == self.Target.DISTRICT and not self.department_kind:
            raise ValidationError({"department_kind": _("派往区级部门时须填写部门类别")})
        if self.department_kind and not Department.objects.filter(kind=self.department_kind).exists():
            raise ValidationError({"department_kind": _("没有这一类别的部门")})
        if self.target == self.Target.STREET and self.department_kind:
            raise ValidationError({"department_kind": _("派往街道办事处时不填部门类别")})
        if self.area_prefix and not all(c.isdigit() or c == "-" for c in self.area_prefix):
            raise ValidationError({"area_prefix": _("区域编码前缀只能由数字和“-”组成")})

"""12345 work orders (工单): a call or a web request, dispatched to departments, answered, called back, closed;
the classification they are filed under, their timeline and their numbering."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.identifiers import mask_identity_number
from yiwang.core.errors import InvalidTransition

from ..actions import Action


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


class OrderNumberCounter(models.Model):
    """The last sequence number used per district and day; locked while a number is taken."""

    region = models.ForeignKey("org.Region", on_delete=models.CASCADE)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="hotline_counter_unique")]

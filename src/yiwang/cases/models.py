"""A case (办件): one application for one item, from submission to delivery, on the legal clock."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import InvalidTransition

from .actions import Action


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已申报，待受理")
        CORRECTION_REQUESTED = "correction", _("待补正")
        ACCEPTED = "accepted", _("已受理")
        ACCEPTANCE_REFUSED = "refused", _("不予受理")
        UNDER_REVIEW = "review", _("审查中")
        SUSPENDED = "suspended", _("特别程序（计时中止）")
        GRANTED = "granted", _("准予许可")
        DENIED = "denied", _("不予许可")
        DELIVERED = "delivered", _("已送达")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上申报")
        WINDOW = "window", _("窗口申报")
        # 上门代办: a 网格员 applies at the home of an elderly or disabled resident, with their recorded consent.
        HOME = "home", _("上门代办")

    class Delivery(models.TextChoices):
        WINDOW = "window", _("窗口领取（一窗出件）")
        POST = "post", _("邮寄送达")
        ONLINE = "online", _("电子送达")

    class Warning(models.TextChoices):
        GREEN = "green", _("正常")
        YELLOW = "yellow", _("预警")
        RED = "red", _("超期")

    # What each action may move from, and where it leads: the guards of every state change.
    TRANSITIONS = {
        "request_correction": ((Status.SUBMITTED, Status.UNDER_REVIEW), Status.CORRECTION_REQUESTED),
        "resubmit": ((Status.CORRECTION_REQUESTED,), Status.SUBMITTED),
        "accept": ((Status.SUBMITTED,), Status.ACCEPTED),
        "refuse_acceptance": ((Status.SUBMITTED,), Status.ACCEPTANCE_REFUSED),
        "start_review": ((Status.ACCEPTED,), Status.UNDER_REVIEW),
        "return_to_review": ((Status.CORRECTION_REQUESTED,), Status.UNDER_REVIEW),
        "suspend": ((Status.UNDER_REVIEW,), Status.SUSPENDED),
        "resume": ((Status.SUSPENDED,), Status.UNDER_REVIEW),
        "grant": ((Status.UNDER_REVIEW,), Status.GRANTED),
        "deny": ((Status.UNDER_REVIEW,), Status.DENIED),
        "deliver": ((Status.GRANTED, Status.DENIED), Status.DELIVERED),
        "withdraw": (
            (Status.SUBMITTED, Status.CORRECTION_REQUESTED, Status.ACCEPTED, Status.UNDER_REVIEW, Status.SUSPENDED),
            Status.WITHDRAWN,
        ),
    }
    OPEN_STATES = (
        Status.SUBMITTED,
        Status.CORRECTION_REQUESTED,
        Status.ACCEPTED,
        Status.UNDER_REVIEW,
        Status.SUSPENDED,
    )
    CLOCK_RUNNING = (Status.ACCEPTED, Status.UNDER_REVIEW)
    # Channels where staff (a window clerk, a 网格员) submit for someone else: the submitter is not the applicant.
    ON_BEHALF_CHANNELS = (Channel.WINDOW, Channel.HOME)

    number = models.CharField(_("办件编号"), max_length=30, unique=True)
    item = models.ForeignKey("catalog.ServiceItem", verbose_name=_("事项"), on_delete=models.PROTECT)
    # The catalog version the case was submitted under: its materials, form and limits bind this case.
    version = models.ForeignKey("catalog.ItemVersion", verbose_name=_("事项版本"), on_delete=models.PROTECT)
    implementation = models.ForeignKey(
        "catalog.ItemImplementation", verbose_name=_("实施清单"), on_delete=models.PROTECT
    )
    # The lead department and its region, kept on the case so every scoped list filters one indexed column.
    department = models.ForeignKey(
        "org.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="cases"
    )
    region = models.ForeignKey("org.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    process = models.ForeignKey(
        "workflow.ProcessDefinition", verbose_name=_("审批流程"), null=True, blank=True, on_delete=models.PROTECT
    )
    applicant_person = models.ForeignKey(
        "accounts.Person", verbose_name=_("申请人（自然人）"), null=True, blank=True, on_delete=models.PROTECT
    )
    applicant_entity = models.ForeignKey(
        "accounts.Entity", verbose_name=_("申请人（法人）"), null=True, blank=True, on_delete=models.PROTECT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申报人/经办人"),
        on_delete=models.PROTECT,
        related_name="submitted_cases",
    )
    channel = models.CharField(_("申报渠道"), max_length=8, choices=Channel.choices)
    intake_window = models.ForeignKey(
        "org.Window", verbose_name=_("受理窗口"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivery_method = models.CharField(_("送达方式"), max_length=8, choices=Delivery.choices, default=Delivery.ONLINE)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    form_data = models.JSONField(_("申请表"), default=dict)
    idempotency_key = models.CharField(_("幂等键"), max_length=64, blank=True)

    received_on = models.DateField(_("材料接收日"))
    acceptance_due = models.DateField(_("受理期限"), help_text=_("行政许可法第三十二条：5 个工作日内一次告知"))
    # 第三十二条: corrected materials received after a notice start a new five-day acceptance period from their
    # own receipt; the original receipt stays the application's date.
    corrected_on = models.DateField(_("补正材料接收日"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("逾期未告知，视为受理"), default=False)
    accepted_on = models.DateField(_("受理日"), null=True, blank=True)
    promised_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"))
    statutory_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"))
    extension_days = models.PositiveSmallIntegerField(_("延长时限（工作日）"), default=0)
    # Working days already spent in closed suspensions (第四十五条) and corrections: not counted.
    suspended_days = models.PositiveSmallIntegerField(_("中止计时（工作日）"), default=0)
    suspended_since = models.DateField(_("中止开始日"), null=True, blank=True)
    due_on = models.DateField(_("承诺办结期限"), null=True, blank=True)
    statutory_due_on = models.DateField(_("法定办结期限"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限为临时计算"), default=False)
    warning = models.CharField(_("预警"), max_length=6, choices=Warning.choices, default=Warning.GREEN, db_index=True)
    # 绿色通道: a red-listed applicant's case, set at acceptance by a fast-track credit rule; queues sort it first.
    green_channel = models.BooleanField(_("绿色通道"), default=False)

    # 查询码: printed on every notice and shown on submission; with the case number it opens the progress page
    # to someone with no account (a walk-in), and nothing else.
    query_code = models.CharField(_("查询码"), max_length=8, blank=True)
    # 邮寄送达: where the result goes, captured at application and editable until delivery.
    delivery_recipient = models.CharField(_("收件人"), max_length=60, blank=True)
    delivery_phone = models.CharField(_("收件人电话"), max_length=20, blank=True)
    delivery_address = models.CharField(_("邮寄地址"), max_length=200, blank=True)
    tracking_number = models.CharField(_("邮件单号"), max_length=40, blank=True)
    # 窗口领取: the service centre whose 一窗出件 hands the result over.
    pickup_center = models.ForeignKey(
        "org.ServiceCenter",
        verbose_name=_("领取地点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 第四十四条: the decision is issued and delivered within 10 working days of being made.
    delivery_due = models.DateField(_("送达期限"), null=True, blank=True)
    # 审核 → 审批: the reviewer's proposal, which the lead department's 负责人 then decides on.
    proposed_grant = models.BooleanField(_("审核意见：准予"), null=True, blank=True)
    proposal_reasons = models.TextField(_("审核意见"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    # The decision itself, kept after delivery (the status then says only 已送达); null until decided.
    granted = models.BooleanField(_("准予许可"), null=True, blank=True)
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    result_data = models.JSONField(_("办理结果数据"), default=dict, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    closed_reason = models.TextField(_("不予受理/撤回理由"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_region = "region"
    scope_department = ("department", "tasks__department")

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="case_idempotency_key",
            ),
            models.CheckConstraint(
                condition=models.Q(applicant_person__isnull=False) | models.Q(applicant_entity__isnull=False),
                name="case_has_applicant",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status"], name="case_region_status_idx"),
            # The efficiency figures rebuild a day from the cases received, accepted and decided on it, and find
            # the days to rebuild from the cases changed since the last sweep.
            models.Index(fields=["received_on"], name="case_received_idx"),
            models.Index(fields=["accepted_on"], name="case_accepted_idx"),
            models.Index(fields=["decided_at"], name="case_decided_idx"),
            models.Index(fields=["updated_at"], name="case_updated_idx"),
        ]

    def __str__(self):
        return self.number

    def move(self, action: str) -> tuple[str, str]:
        """Apply a state change if the current state allows it; return (from, to)."""
        sources, target = self.TRANSITIONS[action]
        if self.status not in sources:
            raise InvalidTransition(
                _("办件当前为「%(state)s」，不能%(action)s")
                % {"state": self.get_status_display(), "action": Action(action).label}
            )
        before, self.status = self.status, target
        return before, target

    @property
    def applicant(self):
        return self.applicant_entity or self.applicant_person

    @property
    def acceptance_from(self):
        """The receipt the acceptance period and a deemed acceptance count from (第三十二条第一款第（四）项)."""
        return self.corrected_on or self.received_on

    @property
    def limit_days(self) -> int:
        return self.promised_days + self.extension_days


class CaseNumberCounter(models.Model):
    """The last sequence number used per region and day; locked while a number is taken."""

    region = models.ForeignKey("org.Region", on_delete=models.CASCADE)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="case_counter_unique")]


class CaseLog(models.Model):
    """The case's timeline as the applicant and staff see it (the audit chain is the tamper-proof copy)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(_("办理人"), max_length=120)
    action = models.CharField(_("环节"), max_length=40, choices=Action.choices)
    status_from = models.CharField(max_length=12, blank=True)
    status_to = models.CharField(max_length=12, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case.number} {self.action}"


class CaseMaterial(models.Model):
    class Provided(models.TextChoices):
        UPLOADED = "uploaded", _("申请人上传")
        WINDOW = "window", _("窗口收取")
        SHARED = "shared", _("共享数据调取（免提交）")
        LICENCE = "licence", _("电子证照调取（免提交）")
        DEFERRED = "deferred", _("容缺，待补齐")
        COMMITMENT = "commitment", _("告知承诺（以书面承诺替代）")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    spec = models.ForeignKey("catalog.MaterialSpec", verbose_name=_("材料"), on_delete=models.PROTECT)
    provided = models.CharField(_("提供方式"), max_length=10, choices=Provided.choices)
    file_key = models.CharField(_("文件"), max_length=64, blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveIntegerField(default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # A deferred (容缺) material's date to be supplied by, set when the case is accepted.
    due_on = models.DateField(_("补齐期限"), null=True, blank=True)
    # The e-licence drawn in instead of a copy handed in (免提交); null for uploads and shared data.
    licence = models.ForeignKey(
        "licences.Licence", verbose_name=_("调取的电子证照"), null=True, blank=True, on_delete=models.PROTECT
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["case", "spec__position", "pk"]

    def __str__(self):
        return self.spec.name


class CorrectionNotice(models.Model):
    """一次告知: everything to correct, in one notice (行政许可法 第三十二条)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    points = models.JSONField(_("补正事项"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("告知时间"), auto_now_add=True)
    answered_at = models.DateTimeField(_("补正时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("补正告知")
        verbose_name_plural = _("补正告知")
        ordering = ["case", "issued_at"]

    def __str__(self):
        return f"{self.case.number} 补正告知"


class Suspension(models.Model):
    """A period the clock does not run: a 第四十五条 special procedure, or the applicant's correction."""

    class Reason(models.TextChoices):
        # 第四十五条's procedures, one by one as the article lists them.
        HEARING = "hearing", _("听证")
        TENDER = "tender", _("招标")
        AUCTION = "auction", _("拍卖")
        EXAMINATION = "examination", _("检验")
        DETECTION = "detection", _("检测")
        QUARANTINE = "quarantine", _("检疫")
        APPRAISAL = "appraisal", _("鉴定")
        EXPERT = "expert", _("专家评审")
        # Not 第四十五条: the applicant's correction during review (第三十二条), which stops the clock too.
        CORRECTION = "correction", _("申请人补正材料")
        # Earlier rows only, kept readable and never offered again: two groupings of the article's procedures
        # that cannot be told apart after the fact, and 现场勘查、核查, which the article does not list.
        BIDDING = "bidding", _("招标、拍卖（旧记录）")
        TESTING = "testing", _("检验、检测、检疫（旧记录）")
        INSPECTION = "inspection", _("现场勘查、核查（非第四十五条事由，旧记录）")

    ARTICLE_45 = (
        Reason.HEARING,
        Reason.TENDER,
        Reason.AUCTION,
        Reason.EXAMINATION,
        Reason.DETECTION,
        Reason.QUARANTINE,
        Reason.APPRAISAL,
        Reason.EXPERT,
    )

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.CharField(_("事由"), max_length=12, choices=Reason.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("开始日"), null=True, blank=True)
    ended_on = models.DateField(_("结束日"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("中止工作日数"), default=0)
    # 第四十五条第二句: the applicant is told in writing the time the procedure needs.
    expected_days = models.PositiveSmallIntegerField(_("预计所需时间（工作日）"), null=True, blank=True)
    expected_end_on = models.DateField(_("预计结束日"), null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("计时中止")
        verbose_name_plural = _("计时中止")
        ordering = ["case", "requested_at"]

    def __str__(self):
        return f"{self.case.number} {self.get_reason_display()}"


class Extension(models.Model):
    """延期 (第四十二条), once: +10 working days with the organ head's approval; for 统一办理, 联合办理 or
    集中办理 (第二款), +15 with the approval of 本级人民政府负责人."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="extension")
    days = models.PositiveSmallIntegerField(_("延长工作日数"))
    joint = models.BooleanField(_("统一、联合或集中办理"), default=False)
    reason = models.TextField(_("理由"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("延期")
        verbose_name_plural = _("延期")

    def __str__(self):
        return f"{self.case.number} 延期 {self.days} 日"


class SupervisionOrder(models.Model):
    """督办: a supervisor orders the department to act on a late or at-risk case; it must answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervision_orders")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("督办要求"))
    due_on = models.DateField(_("答复期限"))
    issued_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    scope_region = "case__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.case.number} 督办"

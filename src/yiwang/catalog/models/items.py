"""The catalog's items: what government does (一事一码), each version's guide, materials and limits, and where
and by whom it is implemented."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import ImmutableVersion

# 行政许可法 第四十二条: where no other limit is set, a licence decision is due in 20 working days.
DEFAULT_STATUTORY_DAYS = 20


class LicenceType(models.Model):
    code = models.CharField(_("证照类型编码"), max_length=30, unique=True)
    name = models.CharField(_("证照名称"), max_length=60)
    validity_years = models.PositiveSmallIntegerField(
        _("有效期（年）"), null=True, blank=True, help_text=_("空表示长期有效")
    )

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ServiceItem(models.Model):
    class Kind(models.TextChoices):
        LICENSING = "licensing", _("行政许可")
        CONFIRMATION = "confirmation", _("行政确认")
        BENEFIT = "benefit", _("行政给付")
        FILING = "filing", _("行政备案")
        PUBLIC_SERVICE = "public_service", _("公共服务")
        OTHER = "other", _("其他行政权力")

    class Level(models.TextChoices):
        CITY = "city", _("市级")
        COUNTY = "county", _("区/县级")
        TOWN = "town", _("街道/镇级")

    class Audience(models.TextChoices):
        PERSON = "person", _("个人办事")
        ENTERPRISE = "enterprise", _("法人办事")

    code = models.CharField(_("事项编码（一事一码）"), max_length=30, unique=True)
    name = models.CharField(_("事项名称"), max_length=120)
    # The catalog's English translation, kept with the item: shown to English readers and searched when a
    # query is Latin text. Not versioned: a better translation is not a change to the service.
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    keywords_en = models.CharField(_("英文检索关键词"), max_length=500, blank=True)
    kind = models.CharField(_("事项类型"), max_length=20, choices=Kind.choices)
    department_kind = models.CharField(_("主管部门类别"), max_length=20, db_index=True)
    level = models.CharField(_("实施层级"), max_length=10, choices=Level.choices)
    audience = models.CharField(_("服务对象"), max_length=10, choices=Audience.choices)
    # The newest published version, kept as a pointer so guides and search read one row, not a max().
    current_version = models.OneToOneField(
        "ItemVersion", verbose_name=_("现行版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class ItemVersion(models.Model):
    """The standard elements of an item at one point in time. Published versions never change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    class SignOff(models.TextChoices):
        """Who signs the decision: the reviewer proposes and the department's 负责人 decides, or one person."""

        HEAD = "head", _("审核＋负责人审批")
        INSTANT = "instant", _("即办（审核人当场决定）")
        SINGLE = "single", _("单人审批（审核人直接决定）")

    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    legal_basis = models.TextField(_("设定依据"))
    conditions = models.TextField(_("受理条件"), blank=True)
    process_outline = models.TextField(_("办理流程"), blank=True)
    form_schema = models.JSONField(_("申请表（JSON Schema）"), default=dict, blank=True)
    # The filled 样表 offered beside the blank form; it validates against form_schema.
    form_example = models.JSONField(_("申请表样表"), default=dict, blank=True)
    statutory_days = models.PositiveSmallIntegerField(
        _("法定时限（工作日）"), null=True, blank=True, help_text=_("空表示适用行政许可法第四十二条的 20 个工作日")
    )
    promised_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"), help_text=_("0 表示即办件"))
    fee = models.CharField(_("收费标准"), max_length=120, default="免费")
    online_depth = models.PositiveSmallIntegerField(
        _("网办深度"),
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("1 办事指南；2 表格下载/预约；3 在线申报；4 全程网办"),
    )
    max_visits = models.PositiveSmallIntegerField(_("最多跑动次数"), default=1)
    sign_off = models.CharField(_("审批方式"), max_length=8, choices=SignOff.choices, default=SignOff.HEAD)
    result_licence_type = models.ForeignKey(
        LicenceType, verbose_name=_("办理结果（证照）"), null=True, blank=True, on_delete=models.PROTECT
    )
    result_description = models.CharField(_("办理结果"), max_length=120, blank=True)
    # Words citizens use for this item that its name does not contain ("开饭店" for 食品经营许可).
    keywords = models.CharField(_("检索关键词"), max_length=300, blank=True)
    prerequisites = models.ManyToManyField(
        ServiceItem, verbose_name=_("前置事项"), blank=True, related_name="required_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_number_unique"),
            models.UniqueConstraint(fields=["item"], condition=models.Q(status="draft"), name="item_one_open_draft"),
        ]

    def __str__(self):
        return f"{self.item.code} v{self.number}（{self.get_status_display()}）"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def effective_statutory_days(self) -> int:
        return DEFAULT_STATUTORY_DAYS if self.statutory_days is None else self.statutory_days

    @property
    def is_instant(self) -> bool:
        return self.promised_days == 0

    @property
    def needs_head(self) -> bool:
        """The reviewer's proposal goes to the 负责人; 即办 and 单人审批 items are decided by the reviewer."""
        return self.sign_off == self.SignOff.HEAD

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise ImmutableVersion()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise ImmutableVersion()
        return super().delete(*args, **kwargs)

    def ensure_draft(self):
        if self.is_published:
            raise ImmutableVersion()


class MaterialSpec(models.Model):
    class Source(models.TextChoices):
        APPLICANT = "applicant", _("申请人提供")
        LICENCE = "licence", _("电子证照")
        SHARED = "shared", _("共享数据")

    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        ELECTRONIC = "electronic", _("电子件")

    version = models.ForeignKey(
        ItemVersion, verbose_name=_("事项版本"), on_delete=models.CASCADE, related_name="materials"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("材料名称"), max_length=120)
    required = models.BooleanField(_("必需"), default=True)
    form = models.CharField(_("材料形式"), max_length=12, choices=Form.choices, default=Form.ORIGINAL)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.APPLICANT)
    licence_type = models.ForeignKey(
        LicenceType, verbose_name=_("证照类型"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Which shared store a `shared` material comes from: identity, property_register, household_register, tax …
    shared_source = models.CharField(_("共享数据来源"), max_length=40, blank=True)
    # 容缺受理: the window may accept the case with this material still to come, by a due date, when the main
    # materials are in; the grant waits for it. A red-listed applicant's green channel widens this to any material.
    tolerable = models.BooleanField(
        _("可容缺"), default=False, help_text=_("主要材料齐全、仅缺此项时可先行受理，申请人限期补齐")
    )
    # 证明事项告知承诺制: a written commitment that the condition is met replaces the certificate.
    commitment = models.BooleanField(
        _("可告知承诺"), default=False, help_text=_("申请人书面承诺符合要求的，可不再提交此证明")
    )

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="material_position_unique")]

    def __str__(self):
        return self.name

    @property
    def from_licence(self) -> bool:
        """Drawn from the applicant's e-licence of a stated type when they hold a valid one, handed in otherwise."""
        return self.source == self.Source.LICENCE and self.licence_type_id is not None

    @property
    def is_exempt(self) -> bool:
        """免提交 for every applicant: shared data (or a licence of no stated type) the platform reads itself."""
        return self.source != self.Source.APPLICANT and not self.from_licence

    def save(self, *args, **kwargs):
        self.version.ensure_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.version.ensure_draft()
        return super().delete(*args, **kwargs)


class ItemImplementation(models.Model):
    """An item as one department in one region carries it out (实施清单): where, when, whom to call."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="implementations"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="implementations"
    )
    # Derived from the item code and the region code; stable because both are.
    code = models.CharField(_("实施编码"), max_length=50, unique=True, editable=False)
    promised_days = models.PositiveSmallIntegerField(
        _("本地承诺时限（工作日）"), null=True, blank=True, help_text=_("空表示采用事项版本的承诺时限")
    )
    place = models.CharField(_("办理地点"), max_length=200, blank=True)
    hours = models.CharField(_("办理时间"), max_length=120, blank=True)
    consultation_phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=40, blank=True)
    active = models.BooleanField(_("在用"), default=True)

    scope_region = "department__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("实施清单")
        verbose_name_plural = _("实施清单")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["item", "department"], name="implementation_unique")]

    def __str__(self):
        return f"{self.code} {self.item.name}（{self.department}）"

    def save(self, *args, **kwargs):
        self.code = implementation_code(self.item.code, self.department.region.code)
        super().save(*args, **kwargs)

    def promised_days_for(self, version: ItemVersion) -> int:
        return version.promised_days if self.promised_days is None else self.promised_days


def implementation_code(item_code: str, region_code: str) -> str:
    return f"{item_code}-{region_code}"

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("区/县")
        TOWN = "town", _("街道/镇")
        COMMUNITY = "community", _("社区/村")

    code = models.CharField(
        _("区划代码"), max_length=12, unique=True, help_text=_("GB/T 2260（县级及以上）/ GB/T 10114")
    )
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes ("/440000/440100/440105/"): a subtree is one indexed prefix match.
    path = models.CharField(max_length=120, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    scope_region = ""
    scope_department = None

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        self.depth = self.parent.depth + 1 if self.parent else 0
        super().save(*args, **kwargs)

    def ancestors_and_self(self):
        codes = [c for c in self.path.split("/") if c]
        return Region.objects.filter(code__in=codes)

    def is_within(self, other: "Region") -> bool:
        return self.path.startswith(other.path)

    @property
    def full_name(self) -> str:
        """广州市海珠区: the names from the city down, as a citizen writes an address."""
        return "".join(r.name for r in self.ancestors_and_self().order_by("depth") if r.level != "province")


class Department(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments")
    # The department's kind across levels (SAMR = 市场监督管理局), so an item can say which kind carries it.
    kind = models.CharField(_("部门类别"), max_length=20, db_index=True)
    name = models.CharField(_("名称"), max_length=60)
    code = models.CharField(_("部门编码"), max_length=40, unique=True)

    # 街道办事处: the kind of every street's (a town region's) office, named after its street ("南洲街道办事处").
    STREET_OFFICE = "STREET"

    scope_region = "region"
    scope_department = ""

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__path", "kind"]
        constraints = [models.UniqueConstraint(fields=["region", "kind"], name="department_kind_per_region")]

    def __str__(self):
        # A street office's name already says its street.
        return self.name if self.kind == self.STREET_OFFICE else f"{self.region.name}{self.name}"


class ServiceCenter(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="centers")
    name = models.CharField(_("名称"), max_length=80)
    address = models.CharField(_("地址"), max_length=200)
    hours = models.CharField(_("办公时间"), max_length=120)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)

    scope_region = "region"
    scope_department = None

    class Meta:
        verbose_name = _("政务服务中心")
        verbose_name_plural = _("政务服务中心")

    def __str__(self):
        return self.name


class Window(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("综合窗口")
        DEPARTMENTAL = "departmental", _("专业窗口")

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("政务服务中心"), on_delete=models.CASCADE, related_name="windows"
    )
    number = models.CharField(_("窗口号"), max_length=10)
    kind = models.CharField(_("类型"), max_length=15, choices=Kind.choices, default=Kind.GENERAL)
    department = models.ForeignKey(
        Department, verbose_name=_("专业窗口所属部门"), null=True, blank=True, on_delete=models.PROTECT
    )

    scope_region = "center__region"
    scope_department = None

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["center", "number"]
        constraints = [models.UniqueConstraint(fields=["center", "number"], name="window_number_per_center")]

    def __str__(self):
        return f"{self.center.name} {self.number}号窗口"

    def clean(self):
        if self.kind == self.Kind.DEPARTMENTAL and not self.department_id:
            raise ValidationError({"department": _("专业窗口必须指定所属部门")})
        if self.kind == self.Kind.GENERAL and self.department_id:
            raise ValidationError({"department": _("综合窗口受理所有事项，不属于某个部门")})


class StaffRole(models.Model):
    class Role(models.TextChoices):
        CLERK = "clerk", _("窗口人员")
        REVIEWER = "reviewer", _("审批人员")
        SUPERVISOR = "supervisor", _("效能监察")
        INSPECTOR = "inspector", _("执法人员")
        ADMIN = "admin", _("管理员")
        # 负责人: signs the department's decisions (审批) and confirms its extensions and suspensions.
        HEAD = "head", _("负责人")
        # 本级人民政府负责人 (行政许可法第四十二条第二款): approves extending joint handling across the region's
        # departments; the department only anchors the role (usually the 政务服务 office), its reach is the region.
        GOVERNMENT_HEAD = "gov_head", _("本级人民政府负责人")
        # 12345 热线: the centre's 话务员 take calls, answer on the spot or dispatch, call back and close; each
        # department's 工单联络员 signs for, returns, answers its work orders; a 网格员 walks their grid cells.
        OPERATOR = "operator", _("12345话务员")
        LIAISON = "liaison", _("工单联络员")
        GRID_WORKER = "grid_worker", _("网格员")
        # 第三方评估: an outside evaluator the government engages; scores the rounds they are assigned to and reads
        # only what those rounds cover. The department anchors the role at the commissioning office.
        EVALUATOR = "evaluator", _("第三方评估人员")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    department = models.ForeignKey(Department, verbose_name=_("所属部门"), on_delete=models.PROTECT)
    # The root of the region subtree the role reaches; usually the department's own region.
    region = models.ForeignKey(Region, verbose_name=_("管辖范围"), on_delete=models.PROTECT)
    active = models.BooleanField(_("有效"), default=True)

    scope_region = "region"
    scope_department = "department"

    class Meta:
        verbose_name = _("人员角色")
        verbose_name_plural = _("人员角色")
        constraints = [models.UniqueConstraint(fields=["user", "role", "department"], name="staff_role_unique")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.department}"

    def clean(self):
        if self.department_id and self.region_id and not self._reach_allowed():
            raise ValidationError({"region": _("管辖范围必须在所属部门的区划之内")})

    def _reach_allowed(self) -> bool:
        if self.region.is_within(self.department.region):
            return True
        # A 12345 work order is filed under its district, so a street office's liaison, who sees only the orders
        # sent to their office, reaches the district the street lies in.
        return (
            self.role == self.Role.LIAISON
            and self.department.kind == Department.STREET_OFFICE
            and self.department.region.parent_id == self.region_id
        )

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .geometry import area_m2, polygon_from_geojson


class GridCell(models.Model):
    """One 网格: the smallest unit of 区—街—社区—网格, walked by its 网格员."""

    # 社区 code + "-" + number within the community ("440105001001-017").
    code = models.CharField(_("网格编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    community = models.ForeignKey(
        "org.Region",
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="grid_cells",
        limit_choices_to={"level": "community"},
    )
    # A GeoJSON Polygon in WGS 84 longitude/latitude, counter-clockwise exterior ring (RFC 7946); checked valid by
    # set_polygon(). JSON rather than a spatial column: SQLite and PostgreSQL alike, no PostGIS to install, and the
    # point-in-polygon index lives in each process (grid.index) anyway.
    polygon = models.JSONField(_("边界"))
    # Derived from the polygon by set_polygon(), kept for lists and the map's labels.
    centroid_lon = models.FloatField(_("中心经度"))
    centroid_lat = models.FloatField(_("中心纬度"))
    area = models.FloatField(_("面积（平方米）"))

    scope_region = "community"
    scope_department = None

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def set_polygon(self, geometry: dict) -> None:
        """Validate the GeoJSON polygon (ValidationFailed naming the field) and derive centroid and area."""
        polygon = polygon_from_geojson(geometry)
        self.polygon = geometry
        self.centroid_lon, self.centroid_lat = polygon.centroid.x, polygon.centroid.y
        self.area = area_m2(polygon)


class GridWorker(models.Model):
    """A 网格员 assigned to a cell: a worker may walk several cells, a cell may have more than one worker."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.CASCADE, related_name="grid_assignments"
    )
    cell = models.ForeignKey(GridCell, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="workers")
    # Released assignments stay, so the record shows who walked a cell when.
    active = models.BooleanField(_("在岗"), default=True)
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)

    scope_region = "cell__community"
    scope_department = None

    class Meta:
        verbose_name = _("网格员分配")
        verbose_name_plural = _("网格员分配")
        constraints = [models.UniqueConstraint(fields=["user", "cell"], name="grid_worker_once_per_cell")]

    def __str__(self):
        return f"{self.user} · {self.cell.code}"


class HomeServiceConsent(models.Model):
    """上门代办授权: a resident who cannot come to a hall (高龄, 残疾, 行动不便 …) consents, in writing or aloud before a
    witness, that the 网格员 of their cell applies for them: for one item until a day, or for anything on this visit.
    The cases applied for under it are the resident's; the 网格员 is their submitter (代办人)."""

    class Reason(models.TextChoices):
        ELDERLY = "elderly", _("高龄")
        DISABLED = "disabled", _("残疾")
        IMMOBILE = "immobile", _("行动不便")
        ILL = "ill", _("重病")

    class Method(models.TextChoices):
        SIGNED = "signed", _("书面签字")
        ORAL = "oral", _("口头同意（有见证人）")

    person = models.ForeignKey(
        "accounts.Person", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="home_consents"
    )
    # The cell the resident lives in: one of the recording 网格员's own, and the one their position lies in if given.
    cell = models.ForeignKey(GridCell, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="home_consents")
    address = models.CharField(_("居住地址"), max_length=200)
    reason = models.CharField(_("代办原因"), max_length=10, choices=Reason.choices)
    method = models.CharField(_("同意方式"), max_length=8, choices=Method.choices)
    # 书面签字: the signed consent form, scanned or photographed, kept like a case material (core.storage's key).
    form_key = models.CharField(_("授权书文件"), max_length=64, blank=True)
    form_name = models.CharField(_("授权书文件名"), max_length=200, blank=True)
    form_type = models.CharField(_("授权书类型"), max_length=60, blank=True)
    form_size = models.PositiveIntegerField(_("授权书大小"), default=0)
    # 口头同意: who heard it besides the 网格员 (a family member, a community worker).
    witness_name = models.CharField(_("见证人"), max_length=60, blank=True)
    witness_phone = models.CharField(_("见证人电话"), max_length=20, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="home_consents"
    )
    given_on = models.DateField(_("授权日期"))
    # The one item the consent covers; empty: any item on this visit (then it expires the day it was given).
    item = models.ForeignKey(
        "catalog.ServiceItem", verbose_name=_("代办事项"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The last day it may be used.
    expires_on = models.DateField(_("有效期至"))
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)
    cases = models.ManyToManyField("cases.Case", verbose_name=_("代办的办件"), blank=True, related_name="home_consents")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_region = "cell__community"
    scope_department = None

    class Meta:
        verbose_name = _("上门代办授权")
        verbose_name_plural = _("上门代办授权")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.person} · {self.cell.code}"

    def refusal(self, *, item, on) -> str:
        """Why the consent does not cover applying for this item on this day, or "" when it does."""
        if self.revoked_at is not None:
            return _("该居民已撤回代办授权，不能代办")
        if on > self.expires_on:
            return _("代办授权已于 %(d)s 过期，请重新记录居民的同意") % {"d": self.expires_on.isoformat()}
        if self.item_id is not None and self.item_id != item.pk:
            return _("代办授权仅限「%(item)s」，不能代办其他事项") % {"item": self.item.name}
        return ""

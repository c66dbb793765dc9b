"""老大难: a place whose problem keeps coming back, held as one record with an owner, a deadline and a plan."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .orders import Category


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

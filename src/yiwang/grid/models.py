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

"""Daily figures: what the efficiency indicators are computed from, kept current by the worker.

A row holds one local day's counts for one combination of where a case sits (region, lead department, item) and
where and by whom it was taken in (service centre, window, window staff). Each counter belongs to one date basis
(counting.py says which): an application counts on its day of receipt, an acceptance on its day of acceptance, a
decision on its day of decision, a rating on the day it was given, a 督办 on the day it was issued. A day's rows are
rebuilt whole from the cases, so any day can be recomputed and a rebuild is idempotent.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The counters of a DailyFigure, in one list: the rebuild fills them, the selectors sum them, indicators.py
# divides them. Float counters hold sums of per-case fractions.
INT_COUNTERS = (
    "applied",
    "applied_online",
    "full_online",
    "visits",
    "zero_visit",
    "materials_required",
    "materials_waived",
    "compression_cases",
    "accepted",
    "accepted_first_time",
    "decided",
    "decided_early",
    "decided_on_time",
    "instant",
    "hall_concluded",
    "working_days",
    "speedup_cases",
    "ratings",
    "ratings_good",
    "ratings_bad",
    "bad_rectified",
    "supervised",
)
FLOAT_COUNTERS = ("compression_sum", "speedup_sum")
COUNTERS = INT_COUNTERS + FLOAT_COUNTERS
DIMENSIONS = ("region", "department", "item", "center", "window", "staff")
# The dimensions the monthly roll-up keeps.
MONTHLY_DIMENSIONS = ("region", "department", "item")


class Counters(models.Model):
    """The counters of a figure row (COUNTERS), shared by the daily rows and their monthly roll-up."""

    applied = models.PositiveIntegerField(_("申报件数"), default=0)
    applied_online = models.PositiveIntegerField(_("网上申报件数"), default=0)
    full_online = models.PositiveIntegerField(_("全程网办件数"), default=0)
    visits = models.PositiveIntegerField(_("跑动次数"), default=0)
    zero_visit = models.PositiveIntegerField(_("零跑动件数"), default=0)
    materials_required = models.PositiveIntegerField(_("应交材料数"), default=0)
    materials_waived = models.PositiveIntegerField(_("免提交材料数"), default=0)
    compression_cases = models.PositiveIntegerField(_("有法定时限的申报件数"), default=0)
    compression_sum = models.FloatField(_("时限压缩比之和"), default=0)
    accepted = models.PositiveIntegerField(_("受理件数"), default=0)
    accepted_first_time = models.PositiveIntegerField(_("一次受理件数"), default=0)
    decided = models.PositiveIntegerField(_("办结件数"), default=0)
    decided_early = models.PositiveIntegerField(_("提前办结件数"), default=0)
    decided_on_time = models.PositiveIntegerField(_("按时办结件数"), default=0)
    instant = models.PositiveIntegerField(_("即办件数"), default=0)
    hall_concluded = models.PositiveIntegerField(_("中心直接办结件数"), default=0)
    working_days = models.PositiveIntegerField(_("实际用时（工作日）之和"), default=0)
    speedup_cases = models.PositiveIntegerField(_("有法定时限的办结件数"), default=0)
    speedup_sum = models.FloatField(_("提速比之和"), default=0)
    ratings = models.PositiveIntegerField(_("评价数"), default=0)
    ratings_good = models.PositiveIntegerField(_("满意评价数"), default=0)
    ratings_bad = models.PositiveIntegerField(_("差评数"), default=0)
    bad_rectified = models.PositiveIntegerField(_("差评已整改数"), default=0)
    supervised = models.PositiveIntegerField(_("督办次数"), default=0)

    class Meta:
        abstract = True


class DailyFigure(Counters):
    day = models.DateField(_("日期"))
    region = models.ForeignKey("org.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    # The case's lead department: a joint case counts for the department that accepts and decides it.
    department = models.ForeignKey(
        "org.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey("catalog.ServiceItem", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    # Where the application was taken in; null for one applied online.
    center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("政务服务中心"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        "org.Window", verbose_name=_("窗口"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The staff member who took it in (a window clerk, a 网格员 at the applicant's home); null for online.
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("受理人员"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region = "region"
    scope_department = "department"

    class Meta:
        verbose_name = _("每日效能数据")
        verbose_name_plural = _("每日效能数据")
        indexes = [
            models.Index(fields=["day"], name="insights_figure_day_idx"),
            models.Index(fields=["department", "day"], name="insights_figure_dept_day_idx"),
            models.Index(fields=["item", "day"], name="insights_figure_item_day_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.department_id}/{self.item_id}"


class MonthlyFigure(Counters):
    """A month's DailyFigure rows summed per region, department and item: what a month, a quarter or a year of a
    region, department or item is read from (a year is 12 rows a combination, not 250 working days of them). Rebuilt
    with every day of its month that is rebuilt; a figure by centre, window or staff still reads the daily rows."""

    month = models.DateField(_("月份（当月1日）"))
    region = models.ForeignKey("org.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "org.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey("catalog.ServiceItem", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")

    scope_region = "region"
    scope_department = "department"

    class Meta:
        verbose_name = _("每月效能数据")
        verbose_name_plural = _("每月效能数据")
        indexes = [
            models.Index(fields=["month"], name="insights_monthly_month_idx"),
            models.Index(fields=["department", "month"], name="insights_monthly_dept_idx"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.department_id}/{self.item_id}"

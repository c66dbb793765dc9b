"""每月情况通报: the monthly reports as they were generated."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
